// SPDX-License-Identifier: MIT
// The BMS as an SLCAN device (Lawicel ASCII over a UART, ../shared/reference/can-link.md §5): a
// host (python-can `interface="slcan"`, slcand, a terminal) opens the channel and then sees the
// BMS's frames as received CAN traffic, and the frames it sends arrive here as received frames.
// Implements CanPort, so the EMS link does not care whether frames travel on a CAN controller or
// on this serial line.
//
// Replies follow Lawicel: CR for OK, BEL for an error, `z`CR / `Z`CR after a standard / extended
// frame from the host. python-can never reads the replies (§5), but a strict host does.
// Nothing is allocated after construction: lines go through a fixed buffer (line-reader.ts), frames
// from the host into a fixed queue (frame-ring.ts), frames to the host through one char array.
import { byteArray } from "../../firmware/alloc";
import { CanStatus, type CanFrame, type CanPort } from "../can";
import type { Clock, SerialPort } from "../hal";
import { Ch } from "./chars";
import { runCommand, type SlcanChannel, type SlcanCounters } from "./commands";
import { FrameRing } from "./frame-ring";
import { encodeFrameLine, frameLineMax } from "./frame-text";
import { LineEvent, SlcanLineReader } from "./line-reader";
import { slcanBitratesHz, validateSlcanOptions, type SlcanOptions } from "./options";

export class SlcanDevice implements CanPort, SlcanChannel {
  readonly counters: SlcanCounters = { sent: 0, received: 0, dropped: 0, errors: 0, commands: 0, rejectedLines: 0, overlongLines: 0 };
  /** Channel state, changed only by the host's commands (commands.ts). */
  open = false;
  listenOnly = false;
  timestamps = false;
  /** Latched overrun for the F reply. */
  overrun = false;
  /** Bitrate the host asked for with S (0 after an s command: a register value, no rate). */
  bitrateHz: number;
  /** The SJA1000 BTR0/BTR1 word of the last s command, −1 when S set the rate. */
  btr = -1;
  readonly serial: SerialPort;
  readonly queue: FrameRing;
  readonly hardwareVersion: number;
  readonly softwareVersion: number;
  /** The N reply's 4 chars as char codes. */
  readonly serialNumber: number[] = byteArray(4, 0);
  private readonly clock: Clock;
  private readonly reader = new SlcanLineReader();
  private readonly txLine: number[] = byteArray(frameLineMax, 0);
  /** Replies are at most `Vhhss`CR: 6 chars. */
  private readonly replyLine: number[] = byteArray(8, 0);

  constructor(options: SlcanOptions) {
    validateSlcanOptions(options);
    this.serial = options.serial;
    this.clock = options.clock;
    this.queue = new FrameRing(options.receiveQueueLength);
    this.bitrateHz = options.bitrateHz;
    this.hardwareVersion = options.hardwareVersion;
    this.softwareVersion = options.softwareVersion;
    for (let i = 0; i < 4; i++) this.serialNumber[i] = options.serialNumber.charCodeAt(i);
    // One closure, made once: the serial HAL calls back with each received chunk. A variable, not
    // an arrow's `this`: the Espruino build finds what a closure holds through its variables
    // (scripts/espruino-release.ts).
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the reason just above
    const device = this;
    this.serial.onReadable(function (data: number[], count: number): void {
      device.feed(data, count);
    });
  }

  /** Bytes from the host. Public so a board can also poll its UART and hand the bytes here. */
  feed(data: number[], count: number): void {
    const reader = this.reader;
    for (let i = 0; i < count; i++) {
      const event = reader.push(data[i] & 0xff);
      if (event === LineEvent.line) {
        runCommand(this, reader.chars, reader.length);
      } else if (event === LineEvent.rejected) {
        this.refuse();
      }
    }
    this.counters.overlongLines = reader.overlongLines;
  }

  /** `count` chars of the reply buffer to the host. */
  writeReply(count: number): void {
    this.serial.write(this.replyLine, count);
  }

  /** The reply buffer, filled by commands.ts before writeReply. */
  replyChars(): number[] {
    return this.replyLine;
  }

  /** OK: CR. */
  acknowledge(): void {
    this.counters.commands++;
    this.replyLine[0] = Ch.cr;
    this.serial.write(this.replyLine, 1);
  }

  /** Error: BEL. */
  refuse(): void {
    this.counters.rejectedLines++;
    this.counters.errors++;
    this.replyLine[0] = Ch.bel;
    this.serial.write(this.replyLine, 1);
  }

  /** Set the rate of S`code` (0..8). */
  setBitrateCode(code: number): void {
    this.bitrateHz = slcanBitratesHz[code];
    this.btr = -1;
  }

  /**
   * Send a frame to the host, as if received from the bus. Only while the host has the channel open
   * (python-can sends C, S6, O, O and pyserial drops input that arrived before it opened, §5): a
   * closed channel refuses with `error` and counts the frame as dropped.
   */
  send(frame: CanFrame): CanStatus {
    if (!this.open) {
      this.counters.dropped++;
      return CanStatus.error;
    }
    const timestampMs = this.timestamps ? this.clock.nowMs() : -1;
    const n = encodeFrameLine(frame, this.txLine, timestampMs);
    if (n === 0) {
      this.counters.errors++;
      return CanStatus.error;
    }
    this.serial.write(this.txLine, n);
    this.counters.sent++;
    return CanStatus.ok;
  }

  /** The oldest frame the host sent, or `empty`. */
  receive(into: CanFrame): CanStatus {
    if (this.queue.shift(into)) return CanStatus.ok;
    return CanStatus.empty;
  }
}
