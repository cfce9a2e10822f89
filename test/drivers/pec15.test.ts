// SPDX-License-Identifier: MIT
// PEC15 of the LTC681x (afe-chips.md §1.3): every vector of the fact sheet's table, through the
// driver's table implementation and the emulator's bitwise one.
import { describe, expect, it } from "vitest";
import { pec15, pecMatches, pecTable, putPec } from "../../hal/ltc681x/pec";
import { pec15Bitwise } from "../../sim/emulators/ltc681x-protocol";

const hex = (s: string): number[] => s.split(" ").map((b) => parseInt(b, 16));

/** Bytes → PEC, every row of the §1.3 table. */
const vectors: [string, string, string][] = [
  ["00 01", "3D 6E", "WRCFGA"],
  ["00 02", "2B 0A", "RDCFGA"],
  ["00 04", "07 C2", "RDCVA"],
  ["00 24", "B1 9E", "WRCFGB"],
  ["03 60", "F4 6C", "ADCV 7 kHz, DCP=0, all cells"],
  ["03 68", "1C 62", "ADOW 7 kHz, PUP=1"],
  ["03 28", "FB E8", "ADOW 7 kHz, PUP=0"],
  ["05 60", "D3 A0", "ADAX 7 kHz, all"],
  ["07 21", "24 B2", "WRCOMM"],
  ["07 14", "F3 6C", "PLADC"],
  ["02 60", "7C 20", "ADCV 422 Hz"],
  ["02 E0", "38 06", "ADCV 27 kHz"],
  ["03 E0", "B0 4A", "ADCV 26 Hz"],
  ["00 20", "00 00", "WRPWM (the PEC really is 0)"],
  ["FF FF FF FF FF FF", "66 4C", "cleared register"],
  ["00 00 00 00 00 00", "C2 12", "all-zero group"],
  ["FC 52 27 A0 00 00", "41 FA", "CFGR with VUV=3.0 V, VOV=4.0992 V"],
  ["E8 80 E9 80 E7 80", "03 52", "cells 3.3000 / 3.3001 / 3.2999 V"],
];

describe("PEC15 (CRC-15, polynomial 0x4599, seed 0x0010, shifted left by one)", () => {
  it("starts its table with 0x0000, 0x4599, 0x4EAB, 0x0B32 and keeps every entry within 15 bits", () => {
    expect(pecTable.slice(0, 4)).toEqual([0x0000, 0x4599, 0x4eab, 0x0b32]);
    expect(pecTable).toHaveLength(256);
    for (const entry of pecTable) expect(entry).toBeLessThan(0x8000);
  });

  for (const [bytes, pec, what] of vectors) {
    it(`gives ${pec} for ${bytes} (${what}) in the driver's table form and the emulator's bitwise form`, () => {
      const data = hex(bytes);
      const expected = hex(pec);
      const value = expected[0] * 256 + expected[1];
      expect(pec15(data, 0, data.length)).toBe(value);
      expect(pec15Bitwise(data, 0, data.length)).toBe(value);
    });
  }

  it("agrees between the table and bitwise forms on many random groups and always ends in a 0 bit", () => {
    let x = 12345;
    for (let n = 0; n < 500; n++) {
      const data: number[] = [];
      for (let i = 0; i < 6; i++) {
        x = (x * 1103515245 + 12345) % 2147483648;
        data.push(x % 256);
      }
      const p = pec15(data, 0, 6);
      expect(p).toBe(pec15Bitwise(data, 0, 6));
      expect(p & 1).toBe(0);
    }
  });

  it("writes the PEC big-endian after the data and recognises it, and rejects a single flipped bit", () => {
    const frame = [0x12, 0x00, 0x04, 0x07, 0xc2, 0xff, 0, 0];
    putPec(frame, 2, 4);
    expect(pecMatches(frame, 2, 4)).toBe(true);
    const p = pec15(frame, 2, 4);
    expect(frame.slice(6)).toEqual([p >>> 8, p & 0xff]);
    frame[3] ^= 0x10;
    expect(pecMatches(frame, 2, 4)).toBe(false);
  });

  it("reads data at an offset, as the driver does for each device's block", () => {
    const block = [0xaa, 0xbb, ...hex("E8 80 E9 80 E7 80")];
    expect(pec15(block, 2, 6)).toBe(0x0352);
  });
});
