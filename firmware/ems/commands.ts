// SPDX-License-Identifier: MIT
// The EMS → BMS command frames and the BMS's reply, byte by byte. Policy (what an accepted command
// does, when the link counts as lost) is firmware/ems/link.ts; the CRC and counter are
// firmware/ems/e2e.ts. Every field is little-endian like the rest of the inverter profile
// (../shared/reference/can-link.md §1 "Every multi-byte field is little-endian").
//
// Command frames (0x4B0 mode, 0x4B1 limits, 0x4B2 fault clear), DLC 8, AUTOSAR E2E P01 mode BOTH
// with the frame id as data ID (§7.2):
//   byte 0   CRC-8/SAE-J1850 over id low, id high, bytes 1..7
//   byte 1   alive counter 0..14 in the low nibble, high nibble 0
//   mode     byte 2 = EmsMode
//   limits   bytes 2-3 charge current limit, 4-5 discharge current limit: u16, 0.1 A;
//            0xFFFF = no request for that direction
//   clear    byte 2 = 0xAA (a bit pattern, not 1, like Pylontech's 0xAA/0x55 commands, §7.1)
//   every other byte 0, or the frame is out of range.
// Reply 0x4B8, DLC 6: bytes 0-1 command id u16, byte 2 the counter received (0xFF when the frame
// had none), byte 3 CommandResult, bytes 4-5 refused commands since start (u16, wraps).
// An explicit accept/refuse answer is §7.1 (Pylontech 0x8250, J1939 ACK/NACK).
import type { CanFrame } from "../../hal/can";
import { FrameId } from "./ids";

/** What the BMS answers to a command frame (reply byte 3). Append only: it is on the wire. */
export const CommandResult = {
  accepted: 0,
  /** The E2E CRC does not match (§7.2 ERROR). */
  badCrc: 1,
  /** Same counter as the last frame of this command (§7.2 REPEATED). */
  repeatedCounter: 2,
  /** The counter moved on by more than maxDeltaCounter (§7.2 WRONGSEQUENCE). */
  counterJump: 3,
  /** Not 8 data bytes (a remote frame, a short frame, bytes that are not 0..255). */
  wrongLength: 4,
  /** Counter 15, an unknown mode, a wrong fault-clear key, a reserved bit or byte not 0. */
  outOfRange: 5,
  /** A limit request above the BMS's own limit: the EMS may only lower (§7.1). */
  wouldRaiseLimit: 6,
  /** An id in the command range that is no command. */
  unknownCommand: 7,
  /** Not accepted in the present link state (firmware/ems/link.ts says which). */
  refusedInState: 8,
} as const;
export type CommandResult = (typeof CommandResult)[keyof typeof CommandResult];
export const commandResultCount = 9;
export const commandResultName = [
  "accepted",
  "bad-crc",
  "repeated-counter",
  "counter-jump",
  "wrong-length",
  "out-of-range",
  "would-raise-limit",
  "unknown-command",
  "refused-in-state",
];

/** The EMS's stated operating intent (mode request byte 2). */
export const EmsMode = {
  standby: 0,
  charge: 1,
  discharge: 2,
  idle: 3,
} as const;
export type EmsMode = (typeof EmsMode)[keyof typeof EmsMode];
export const emsModeName = ["standby", "charge", "discharge", "idle"];

/** Index of a known command in the per-command state arrays. */
export const CommandIndex = {
  mode: 0,
  limits: 1,
  faultClear: 2,
} as const;
export const commandCount = 3;

/** The ids 0x4B0..0x4B7 belong to EMS commands; the reply 0x4B8 follows them. */
export const commandIdFirst = FrameId.modeRequest;
export const commandIdLast = FrameId.modeRequest + 7;
export const commandDlc = 8;
export const replyDlc = 6;
/** The fault-clear key in byte 2. */
export const faultClearKey = 0xaa;
/** A limit field meaning "no request for this direction". */
export const noLimitRequest = 0xffff;
/** Limit fields are in 0.1 A. */
export const limitUnitMa = 100;
/** Reply byte 2 when the frame carried no counter. */
export const noCounter = 0xff;

/** The command's index (CommandIndex), or −1 for an id that is no known command. */
export function commandIndex(id: number): number {
  if (id === FrameId.modeRequest) return CommandIndex.mode;
  if (id === FrameId.limitRequest) return CommandIndex.limits;
  if (id === FrameId.faultClear) return CommandIndex.faultClear;
  return -1;
}

function isByte(b: number): boolean {
  return b >= 0 && b <= 255 && Math.floor(b) === b;
}

/**
 * A standard data frame with exactly 8 bytes, each an integer 0..255. Checked before any bit
 * operation: on Lua 5.3 `&` on a fraction or NaN raises an error.
 */
export function commandWellFormed(frame: CanFrame): boolean {
  if (frame.remote || frame.dlc !== commandDlc) return false;
  const d = frame.data;
  for (let i = 0; i < commandDlc; i++) if (!isByte(d[i])) return false;
  return true;
}

/** The counter nibble to echo in the reply, or noCounter when byte 1 is absent or no byte. */
export function counterEcho(frame: CanFrame): number {
  if (frame.remote || !(frame.dlc >= 2) || !isByte(frame.data[1])) return noCounter;
  return frame.data[1] & 0x0f;
}

/** u16 little-endian at `offset`. */
export function readU16(data: number[], offset: number): number {
  return data[offset] | (data[offset + 1] << 8);
}

function zeroFrom(data: number[], first: number): boolean {
  for (let i = first; i < commandDlc; i++) if (data[i] !== 0) return false;
  return true;
}

/**
 * Range check of a well-formed command whose CRC and counter passed: accepted or outOfRange.
 * Says nothing about whether the command may act now (link.ts).
 */
export function checkPayload(index: number, data: number[]): CommandResult {
  if ((data[1] & 0xf0) !== 0) return CommandResult.outOfRange;
  if (index === CommandIndex.mode) {
    if (data[2] > EmsMode.idle || !zeroFrom(data, 3)) return CommandResult.outOfRange;
  } else if (index === CommandIndex.limits) {
    if (!zeroFrom(data, 6)) return CommandResult.outOfRange;
  } else if (data[2] !== faultClearKey || !zeroFrom(data, 3)) return CommandResult.outOfRange;
  return CommandResult.accepted;
}

/** A limit field in mA, or −1 for "no request". */
export function limitFieldMa(data: number[], offset: number): number {
  const raw = readU16(data, offset);
  return raw === noLimitRequest ? -1 : raw * limitUnitMa;
}

