// SPDX-License-Identifier: MIT
// What each SLCAN line does (../shared/reference/can-link.md §5, Lawicel CAN232/CANUSB):
//   Sn, sxxyy, Zn, Mxxxxxxxx, mxxxxxxxx  set-up, only while the channel is closed → CR / BEL
//   O, L   open (L: listen only, the host may not transmit)            → CR / BEL if already open
//   C      close                                                     → CR / BEL if not open
//   V, N   `Vhhss`CR, `Nxxxx`CR, in any state
//   F      `Fxx`CR status flags while open, BEL when closed
//   t T r R  a frame from the host, while open and not listen-only     → `z`CR / `Z`CR, else BEL
// Anything else, or a right letter with the wrong arguments, gets BEL.
import { Ch, hexValue, putHex, readHex } from "./chars";
import type { CanCounters } from "../can";
import type { FrameRing } from "./frame-ring";
import { decodeFrameLine } from "./frame-text";

// The device as the handlers see it: an interface rather than the class, so this module does not
// import device.ts. typescript-to-lua turns even a type-only import of a class into a require, and
// the cycle device → commands → device never finishes loading on Lua.
export interface SlcanCounters extends CanCounters {
  /** Lines executed with an OK reply. */
  commands: number;
  /** Lines answered with BEL: garbage, cut-off or malformed lines, refused commands. */
  rejectedLines: number;
  /** Lines discarded because they outgrew the line buffer (also in rejectedLines). */
  overlongLines: number;
}

export interface SlcanChannel {
  readonly counters: SlcanCounters;
  open: boolean;
  listenOnly: boolean;
  timestamps: boolean;
  overrun: boolean;
  bitrateHz: number;
  btr: number;
  readonly queue: FrameRing;
  readonly hardwareVersion: number;
  readonly softwareVersion: number;
  readonly serialNumber: number[];
  acknowledge(): void;
  refuse(): void;
  setBitrateCode(code: number): void;
  replyChars(): number[];
  writeReply(count: number): void;
}

/** Bits of the F reply (Lawicel SJA1000-style status, §5 [unverified layout]). */
export const SlcanStatusBit = {
  /**
   * Bit 1, "transmit FIFO full": the queue of frames from the host (the frames the host transmits)
   * is full, so the next one will be refused.
   */
  hostQueueFull: 0x02,
  /** Bit 3, data overrun: a frame from the host was dropped since the last F. Cleared by F. */
  overrun: 0x08,
} as const;

function allHex(line: number[], from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    if (hexValue(line[i]) < 0) return false;
  }
  return true;
}

/** Two decimal digits of 0..99 at out[at…]. */
function putDecimal2(out: number[], at: number, value: number): void {
  const tens = Math.floor(value / 10);
  out[at] = Ch.zero + tens;
  out[at + 1] = Ch.zero + value - tens * 10;
}

function frameFromHost(device: SlcanChannel, line: number[], length: number): void {
  if (!device.open || device.listenOnly) {
    device.refuse();
    return;
  }
  const slot = device.queue.freeSlot();
  if (slot === undefined) {
    // Queue full: the frame is lost, as in a full CAN receive FIFO; BEL tells a strict host.
    device.overrun = true;
    device.counters.dropped++;
    device.refuse();
    return;
  }
  if (!decodeFrameLine(line, length, slot)) {
    device.refuse();
    return;
  }
  device.queue.commit();
  device.counters.received++;
  device.counters.commands++;
  const reply = device.replyChars();
  reply[0] = slot.extended ? Ch.ackExt : Ch.ackStd;
  reply[1] = Ch.cr;
  device.writeReply(2);
}

function setUp(device: SlcanChannel, line: number[], length: number): void {
  const c = line[0];
  if (device.open) {
    device.refuse();
    return;
  }
  if (c === Ch.setBitrate && length === 2) {
    const code = line[1] - Ch.zero;
    if (code >= 0 && code <= 8) {
      device.setBitrateCode(code);
      device.acknowledge();
      return;
    }
  } else if (c === Ch.setBtr && length === 5) {
    const btr = readHex(line, 1, 4);
    if (btr >= 0) {
      device.btr = btr;
      device.bitrateHz = 0;
      device.acknowledge();
      return;
    }
  } else if (c === Ch.timestamps && length === 2) {
    if (line[1] === Ch.zero || line[1] === Ch.zero + 1) {
      device.timestamps = line[1] !== Ch.zero;
      device.acknowledge();
      return;
    }
  } else if ((c === Ch.acceptanceCode || c === Ch.acceptanceMask) && length === 9 && allHex(line, 1, 9)) {
    // Accepted so hosts that set a filter carry on; the device passes every frame regardless.
    device.acknowledge();
    return;
  }
  device.refuse();
}

function openChannel(device: SlcanChannel, listenOnly: boolean): void {
  if (device.open) {
    device.refuse();
    return;
  }
  device.open = true;
  device.listenOnly = listenOnly;
  device.acknowledge();
}

function status(device: SlcanChannel): void {
  if (!device.open) {
    device.refuse();
    return;
  }
  let flags = 0;
  if (device.queue.isFull()) flags = flags | SlcanStatusBit.hostQueueFull;
  if (device.overrun) flags = flags | SlcanStatusBit.overrun;
  device.overrun = false;
  const reply = device.replyChars();
  reply[0] = Ch.status;
  putHex(reply, 1, flags, 2);
  reply[3] = Ch.cr;
  device.counters.commands++;
  device.writeReply(4);
}

function identify(device: SlcanChannel, c: number): void {
  const reply = device.replyChars();
  reply[0] = c;
  if (c === Ch.version) {
    putDecimal2(reply, 1, device.hardwareVersion);
    putDecimal2(reply, 3, device.softwareVersion);
  } else {
    for (let i = 0; i < 4; i++) reply[1 + i] = device.serialNumber[i];
  }
  reply[5] = Ch.cr;
  device.counters.commands++;
  device.writeReply(6);
}

/** Execute one complete line `line[0 … length−1]` (terminator removed, length ≥ 1). */
export function runCommand(device: SlcanChannel, line: number[], length: number): void {
  const c = line[0];
  if (c === Ch.frameStd || c === Ch.frameExt || c === Ch.remoteStd || c === Ch.remoteExt) {
    frameFromHost(device, line, length);
  } else if (c === Ch.setBitrate || c === Ch.setBtr || c === Ch.timestamps || c === Ch.acceptanceCode || c === Ch.acceptanceMask) {
    setUp(device, line, length);
  } else if (length !== 1) {
    device.refuse();
  } else if (c === Ch.open || c === Ch.listen) {
    openChannel(device, c === Ch.listen);
  } else if (c === Ch.close) {
    if (device.open) {
      device.open = false;
      device.listenOnly = false;
      device.acknowledge();
    } else {
      device.refuse();
    }
  } else if (c === Ch.version || c === Ch.serial) {
    identify(device, c);
  } else if (c === Ch.status) {
    status(device);
  } else {
    device.refuse();
  }
}
