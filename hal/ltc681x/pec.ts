// SPDX-License-Identifier: MIT
// PEC15, the LTC681x packet error code (../shared/reference/afe-chips.md §1.3): CRC-15 with the
// polynomial 0x4599, seed 0x0010, no reflection, no final XOR, result shifted left by one so the
// 16-bit PEC always ends in a 0 bit. Table-driven: 256 entries built once when the module loads.
//
// Bit operations stay on values masked to 16 bits and only `>>>` is used for right shifts: Lua 5.3
// (typescript-to-lua) rejects `>>` and has 64-bit integers where JavaScript has 32 (lua.md §3).
import { smallIntArray } from "../../firmware/alloc";

/** CRC polynomial without the x^15 term (§1.3). */
const polynomial = 0x4599;
/** Initial remainder (§1.3). */
const seed = 0x0010;

function buildTable(): number[] {
  const table = smallIntArray(256, 0);
  for (let i = 0; i < 256; i++) {
    let rem = i << 7;
    for (let bit = 0; bit < 8; bit++) {
      if ((rem & 0x4000) !== 0) rem = ((rem << 1) ^ polynomial) & 0x7fff;
      else rem = (rem << 1) & 0x7fff;
    }
    table[i] = rem;
  }
  return table;
}

/** table[0..3] = 0x0000, 0x4599, 0x4EAB, 0x0B32 (§1.3). */
export const pecTable: number[] = buildTable();

/** PEC15 of `count` bytes of `data` from `offset`, as a 16-bit number (send MSB first). */
export function pec15(data: number[], offset: number, count: number): number {
  let rem = seed;
  for (let i = 0; i < count; i++) {
    const address = ((rem >>> 7) ^ data[offset + i]) & 0xff;
    // The 16-bit truncation matters (§1.3): bits above 15 must not reach the next index.
    rem = ((rem << 8) ^ pecTable[address]) & 0xffff;
  }
  return (rem & 0x7fff) << 1;
}

/** Append the PEC of `count` bytes at `offset` right after them, MSB first. */
export function putPec(data: number[], offset: number, count: number): void {
  const pec = pec15(data, offset, count);
  data[offset + count] = (pec >>> 8) & 0xff;
  data[offset + count + 1] = pec & 0xff;
}

/** True when the 2 bytes after `count` bytes at `offset` are their PEC. */
export function pecMatches(data: number[], offset: number, count: number): boolean {
  const pec = pec15(data, offset, count);
  return data[offset + count] === ((pec >>> 8) & 0xff) && data[offset + count + 1] === (pec & 0xff);
}
