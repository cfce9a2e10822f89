// SPDX-License-Identifier: MIT
// CAN frames as SLCAN lines (../shared/reference/can-link.md §5), both ways, on preallocated char
// code arrays:
//   tiiildd…   standard data frame: 3 hex ID, DLC digit, 2 hex per data byte
//   Tiiiiiiiildd…  extended data frame: 8 hex ID
//   riiil / Riiiiiiiil  remote frames: ID and DLC, no data
// python-can writes exactly this (`t%03X%d` + uppercase hex) and reads exactly DLC bytes, ignoring
// anything after them, such as the optional 4-digit timestamp (§5, Zn).
import type { CanFrame } from "../can";
import { Ch, hexDigits, hexValue, putHex, readHex } from "./chars";

/** Largest 11-bit identifier. */
export const maxStdId = 0x7ff;
/** Largest 29-bit identifier. */
export const maxExtId = 0x1fffffff;
/** Timestamps count milliseconds within the minute: 0000–EA5F (§5, Zn). */
export const timestampModuloMs = 60000;
/**
 * Longest line either way: `T` + 8 ID + DLC + 16 data + 4 timestamp + CR = 31 chars. Buffers of
 * this size hold any frame line.
 */
export const frameLineMax = 31;

function isInteger(x: number): boolean {
  return Math.floor(x) === x;
}

/**
 * Write `frame` as an SLCAN line ending in CR into `out` (at least frameLineMax long), with a
 * timestamp when `timestampMs` ≥ 0. Returns the line length, or 0 when the frame cannot be
 * represented (ID out of range, DLC not 0..8).
 */
export function encodeFrameLine(frame: CanFrame, out: number[], timestampMs: number): number {
  const dlc = frame.dlc;
  if (!isInteger(dlc) || dlc < 0 || dlc > 8) return 0;
  const id = frame.id;
  if (!isInteger(id) || id < 0 || id > (frame.extended ? maxExtId : maxStdId)) return 0;
  let n: number;
  if (frame.extended) {
    out[0] = frame.remote ? Ch.remoteExt : Ch.frameExt;
    // Two 4-digit halves keep every intermediate below 2^16, whatever the integer width.
    putHex(out, 1, Math.floor(id / 0x10000), 4);
    putHex(out, 5, id & 0xffff, 4);
    n = 9;
  } else {
    out[0] = frame.remote ? Ch.remoteStd : Ch.frameStd;
    putHex(out, 1, id, 3);
    n = 4;
  }
  out[n] = Ch.zero + dlc;
  n++;
  if (!frame.remote) {
    // Two table lookups a byte, written out: this runs for every byte of every frame sent, and a
    // call costs far more than the lookups on Espruino (scripts/espruino-time.ts).
    const data = frame.data;
    for (let i = 0; i < dlc; i++) {
      const b = data[i] & 0xff;
      out[n] = hexDigits[b >>> 4];
      out[n + 1] = hexDigits[b & 0xf];
      n += 2;
    }
  }
  if (timestampMs >= 0) {
    putHex(out, n, timestampMs - Math.floor(timestampMs / timestampModuloMs) * timestampModuloMs, 4);
    n += 4;
  }
  out[n] = Ch.cr;
  return n + 1;
}

/**
 * Decode the line `line[0 … length−1]` (without its terminator) into `into`. The line must be
 * exactly one frame: kind letter, ID digits, DLC digit 0..8 and, for data frames, exactly 2·DLC hex
 * digits. Returns false, with `into` partly written, for anything else.
 */
export function decodeFrameLine(line: number[], length: number, into: CanFrame): boolean {
  const kind = line[0];
  const extended = kind === Ch.frameExt || kind === Ch.remoteExt;
  const remote = kind === Ch.remoteStd || kind === Ch.remoteExt;
  if (!extended && !remote && kind !== Ch.frameStd) return false;
  const idDigits = extended ? 8 : 3;
  if (length < idDigits + 2) return false;
  // The first ID digit bounds the value (0..1 extended, 0..7 standard) before the rest is read, so
  // the ID never passes 2^29 on the way (Lua's 32-bit integers, lua.md §7).
  const first = hexValue(line[1]);
  if (first < 0 || first > (extended ? 1 : 7)) return false;
  const rest = readHex(line, 2, idDigits - 1);
  if (rest < 0) return false;
  const dlc = line[idDigits + 1] - Ch.zero;
  if (dlc < 0 || dlc > 8) return false;
  if (length !== idDigits + 2 + (remote ? 0 : 2 * dlc)) return false;
  let at = idDigits + 2;
  for (let i = 0; i < 8; i++) {
    if (i < dlc && !remote) {
      const b = readHex(line, at, 2);
      if (b < 0) return false;
      into.data[i] = b;
      at += 2;
    } else {
      // Don't-care bytes (can.ts) are zeroed so a decoded frame is the same whatever came before.
      into.data[i] = 0;
    }
  }
  into.id = first * (extended ? 0x10000000 : 0x100) + rest;
  into.extended = extended;
  into.remote = remote;
  into.dlc = dlc;
  return true;
}
