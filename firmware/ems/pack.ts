// SPDX-License-Identifier: MIT
// Intel (little-endian) bit packing of CAN signals into a frame's data bytes, as a DBC `@1` signal
// is laid out: the start bit is the LSB, bit n of byte k is bit 8k + n, and the field runs upward
// through the bytes (../shared/reference/can-link.md §3). Negative values of signed fields are
// two's complement.
//
// Arithmetic only (floor division and products by powers of two), no bit operators: Lua 5.3 on the
// device has 32-bit integers, so a 32-bit field such as the balancing mask would wrap in `<<` or
// `&`, and `>>` does not compile at all (../shared/reference/lua.md §3, §7). Powers of two come from
// Math.pow, which typescript-to-lua emits as `2 ^ n`, a float in Lua: 2^32 stays exact instead of
// wrapping. Fields are at most 32 bits, so every intermediate is an exact integer in a double.
import { smallIntsOf } from "../alloc";

/** 2^n for n = 0..8: the spans of a field's part inside one byte. */
const bytePow = smallIntsOf([1, 2, 4, 8, 16, 32, 64, 128, 256]);

/** The largest field this packer takes (a double holds every 32-bit value exactly). */
export const maxSignalBits = 32;

/**
 * Writes `raw` into the `length`-bit Intel field starting at `startBit`, leaving every other bit of
 * `data` as it was. `raw` must be an integer within the field (−2^(length−1)..2^(length−1) − 1 when
 * signed, 0..2^length − 1 unsigned or for an unsigned view of a signed field); a negative value is written as two's complement.
 */
export function putSignal(data: number[], startBit: number, length: number, raw: number): void {
  let index = Math.floor(startBit / 8);
  let shift = startBit - 8 * index;
  // A non-negative value in a field inside one byte (flags, the 0x35A pairs): its bits replaced in
  // one step. 0x35A alone writes 27 of them, and the loop below costs about three times the tokens
  // on Espruino (scripts/espruino-time.ts).
  if (shift + length <= 8 && raw >= 0) {
    const scale = bytePow[shift];
    const span = bytePow[length];
    const old = data[index];
    const above = Math.floor(old / scale);
    data[index] = old + (raw - (above - span * Math.floor(above / span))) * scale;
    return;
  }
  let v = raw < 0 ? raw + Math.pow(2, length) : raw;
  let left = length;
  // Whole bytes first when the field starts on one: the field owns them, so nothing of the old
  // byte is kept. Most signals are 8 or 16 bits on a byte boundary, and this path is about a third
  // of the general one's tokens on Espruino (scripts/espruino-time.ts).
  if (shift === 0) {
    while (left >= 8) {
      const rest = Math.floor(v / 256);
      // Floored: v is a float on Lua after Math.pow, and a byte must stay an integer there.
      data[index] = Math.floor(v - 256 * rest);
      v = rest;
      index++;
      left -= 8;
    }
  }
  while (left > 0) {
    let n = 8 - shift;
    if (n > left) n = left;
    const span = bytePow[n];
    const scale = bytePow[shift];
    const rest = Math.floor(v / span);
    // Replace the byte's n bits from `shift` (their old value `field`), keep the others.
    const old = data[index];
    const above = Math.floor(old / scale);
    const field = above - span * Math.floor(above / span);
    data[index] = Math.floor(old + (v - span * rest - field) * scale);
    v = rest;
    index++;
    shift = 0;
    left -= n;
  }
}

/** Reads the `length`-bit Intel field starting at `startBit`; signed fields are two's complement. */
export function getSignal(data: number[], startBit: number, length: number, signed: boolean): number {
  let v = 0;
  let bit = startBit;
  let done = 0;
  while (done < length) {
    const index = Math.floor(bit / 8);
    const shift = bit - 8 * index;
    let n = 8 - shift;
    if (n > length - done) n = length - done;
    const span = bytePow[n];
    const part = Math.floor(data[index] / bytePow[shift]);
    v += (part - span * Math.floor(part / span)) * Math.pow(2, done);
    bit += n;
    done += n;
  }
  if (signed && v >= Math.pow(2, length - 1)) v -= Math.pow(2, length);
  // An integer again on Lua 5.3 where it fits (the powers of two made it a float).
  return Math.floor(v);
}

/** `raw` limited to what the field holds, so an out-of-range value saturates instead of wrapping. */
export function clampRaw(raw: number, length: number, signed: boolean): number {
  // The field's range, worked out here with one power of two: this runs for every signal of every
  // frame sent, and a call costs far more than the arithmetic on Espruino (scripts/espruino-time.ts).
  if (signed) {
    const half = Math.pow(2, length - 1);
    if (raw < -half) return -half;
    return raw < half ? raw : half - 1;
  }
  if (raw < 0) return 0;
  const span = Math.pow(2, length);
  return raw < span ? raw : span - 1;
}
