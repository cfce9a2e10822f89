// SPDX-License-Identifier: MIT
// The characters of SLCAN (Lawicel ASCII, ../shared/reference/can-link.md §5) as char codes, and
// hex digits both ways. Everything on the link is handled as numbers: the serial HAL moves byte
// arrays (hal.ts SerialPort), Lua strings are byte strings (lua.md §4), so no text is built or
// split per byte or per frame.
import { byteArray } from "../../firmware/alloc";

/** Char codes of the SLCAN syntax (§5). */
export const Ch = {
  /** Line terminator and the OK reply. */
  cr: 0x0d,
  /** Tolerated as a terminator too: terminals and scripts send it. */
  lf: 0x0a,
  /** The error reply. */
  bel: 0x07,
  zero: 0x30,
  nine: 0x39,
  upperA: 0x41,
  upperF: 0x46,
  lowerA: 0x61,
  lowerF: 0x66,
  // Commands (§5). C and F are also hex digits; every other command letter is not.
  setBitrate: 0x53, // S
  setBtr: 0x73, // s
  open: 0x4f, // O
  listen: 0x4c, // L
  close: 0x43, // C
  version: 0x56, // V
  serial: 0x4e, // N
  status: 0x46, // F
  timestamps: 0x5a, // Z (also the reply to T/R)
  acceptanceCode: 0x4d, // M
  acceptanceMask: 0x6d, // m
  frameStd: 0x74, // t
  frameExt: 0x54, // T
  remoteStd: 0x72, // r
  remoteExt: 0x52, // R
  /** Reply to a standard frame sent by the host (§5: `z`CR). */
  ackStd: 0x7a, // z
  /** Reply to an extended frame sent by the host (§5: `Z`CR). */
  ackExt: 0x5a, // Z
} as const;

/** Value 0..15 of a hex digit (either case), or −1 for any other char code. */
export function hexValue(code: number): number {
  if (code >= Ch.zero && code <= Ch.nine) return code - Ch.zero;
  if (code >= Ch.upperA && code <= Ch.upperF) return code - Ch.upperA + 10;
  if (code >= Ch.lowerA && code <= Ch.lowerF) return code - Ch.lowerA + 10;
  return -1;
}

/** Uppercase hex digit for 0..15: python-can and Lawicel write uppercase (§5). */
export function hexDigit(value: number): number {
  if (value < 10) return Ch.zero + value;
  return Ch.upperA + value - 10;
}

function buildHexDigits(): number[] {
  const table = byteArray(16, 0);
  for (let v = 0; v < 16; v++) table[v] = hexDigit(v);
  return table;
}

/** hexDigits[v] = hexDigit(v): a lookup per digit of every frame sent, not a call (on Espruino a call costs far more, scripts/espruino-time.ts). */
export const hexDigits: number[] = buildHexDigits();

/**
 * True for the command letters that can only ever start a line: a valid SLCAN line is one letter
 * followed by hex digits, so one of these in the middle of a line means that what came before it was
 * garbage or a cut-off line, and the letter is where the next command starts. C and F are hex digits
 * and so are left out.
 */
export function startsLine(code: number): boolean {
  return (
    code === Ch.frameStd ||
    code === Ch.frameExt ||
    code === Ch.remoteStd ||
    code === Ch.remoteExt ||
    code === Ch.setBitrate ||
    code === Ch.setBtr ||
    code === Ch.open ||
    code === Ch.listen ||
    code === Ch.version ||
    code === Ch.serial ||
    code === Ch.timestamps ||
    code === Ch.acceptanceCode ||
    code === Ch.acceptanceMask
  );
}

/** What a byte can be in a line: charClass[byte]. */
export const CharClass = {
  /** Nothing a valid line contains. */
  garbage: 0,
  /** 0-9, A-F, a-f. */
  hex: 1,
  /** C and F: hex digits that are also commands when first on a line. */
  hexCommand: 2,
  /** The other command letters: they can only start a line (startsLine). */
  lineStart: 3,
  /** CR or LF. */
  terminator: 4,
} as const;

function buildCharClass(): number[] {
  const table = byteArray(256, CharClass.garbage);
  for (let code = 0; code < 256; code++) {
    if (code === Ch.cr || code === Ch.lf) table[code] = CharClass.terminator;
    else if (startsLine(code)) table[code] = CharClass.lineStart;
    else if (code === Ch.close || code === Ch.status) table[code] = CharClass.hexCommand;
    else if (hexValue(code) >= 0) table[code] = CharClass.hex;
  }
  return table;
}

/** One lookup per received byte instead of a chain of comparisons; built once at load. */
export const charClass: number[] = buildCharClass();

/** Put `value` as `digits` uppercase hex digits at `out[at…]` (value < 16^digits, ≥ 0). */
export function putHex(out: number[], at: number, value: number, digits: number): void {
  let v = value;
  for (let i = digits - 1; i >= 0; i--) {
    out[at + i] = hexDigits[v & 0xf];
    v = v >>> 4;
  }
}

/** Value of `digits` hex digits at `line[at…]`, or −1 if any is not a hex digit (digits ≤ 7). */
export function readHex(line: number[], at: number, digits: number): number {
  let v = 0;
  for (let i = 0; i < digits; i++) {
    const d = hexValue(line[at + i]);
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}
