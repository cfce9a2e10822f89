// SPDX-License-Identifier: MIT
// AUTOSAR E2E profile 1 on the EMS command frames: the CRC-8/SAE-J1850 and the 4-bit alive counter
// against the published vectors (../shared/reference/can-link.md §7.2).
import { describe, expect, it } from "vitest";
import { crc8J1850, crc8J1850Step, E2eIdMode, e2eCounterDelta, e2eNextCounter, e2eP01Crc, e2eP01Protect } from "../../firmware/ems/e2e";

const ascii = (s: string): number[] => [...s].map((ch) => ch.charCodeAt(0));

describe("CRC-8/SAE-J1850 (polynomial 0x1D)", () => {
  it("gives the catalogue check value 0x4B for \"123456789\" with init 0xFF and final XOR 0xFF", () => {
    expect(crc8J1850(ascii("123456789"), 0, 9, 0xff) ^ 0xff).toBe(0x4b);
  });

  it("folds byte by byte to the same value as the whole-buffer call", () => {
    const bytes = ascii("123456789");
    let c = 0xff;
    for (const b of bytes) c = crc8J1850Step(c, b);
    expect(c).toBe(crc8J1850(bytes, 0, bytes.length, 0xff));
  });

  it("is no other common CRC-8: the 0x07 polynomial's check value 0xF4 differs", () => {
    expect(crc8J1850(ascii("123456789"), 0, 9, 0)).not.toBe(0xf4);
  });
});

describe("E2E profile 1, data ID 0x0123, 8-byte frame, CRC in byte 0, counter in byte 1", () => {
  it("protects an all-zero payload with counter 0 as CRC 0xCC (mode BOTH)", () => {
    const data = [0, 0, 0, 0, 0, 0, 0, 0];
    e2eP01Protect(0x0123, E2eIdMode.both, data, 8, 0);
    expect(data).toEqual([0xcc, 0, 0, 0, 0, 0, 0, 0]);
  });

  it("protects the same payload with counter 1 as CRC 0x91", () => {
    const data = [0, 0, 0, 0, 0, 0, 0, 0];
    e2eP01Protect(0x0123, E2eIdMode.both, data, 8, 1);
    expect(data).toEqual([0x91, 0x01, 0, 0, 0, 0, 0, 0]);
  });

  it("in mode NIBBLE sends the data ID's high nibble in byte 1 and gives CRC 0x2A", () => {
    const data = [0, 0, 0, 0, 0, 0, 0, 0];
    e2eP01Protect(0x0123, E2eIdMode.nibble, data, 8, 0);
    expect(data[1]).toBe(0x10);
    expect(data[0]).toBe(0x2a);
  });

  it("covers the data ID: the same bytes under another ID give another CRC", () => {
    const data = [0, 0, 0, 0, 0, 0, 0, 0];
    expect(e2eP01Crc(0x04b0, E2eIdMode.both, data, 8)).not.toBe(e2eP01Crc(0x04b1, E2eIdMode.both, data, 8));
  });

  it("covers every payload byte: flipping any bit of bytes 1..7 changes the CRC", () => {
    const data = [0, 3, 1, 0x20, 0x4e, 0xff, 0xff, 0];
    const good = e2eP01Crc(0x04b1, E2eIdMode.both, data, 8);
    for (let i = 1; i < 8; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const copy = [...data];
        copy[i] ^= 1 << bit;
        expect(e2eP01Crc(0x04b1, E2eIdMode.both, copy, 8), `byte ${i} bit ${bit}`).not.toBe(good);
      }
    }
  });

  it("keeps the counter in 0..14 when protecting (15 wraps to 0)", () => {
    const data = [0, 0, 0, 0, 0, 0, 0, 0];
    e2eP01Protect(0x04b0, E2eIdMode.both, data, 8, 15);
    expect(data[1]).toBe(0);
    e2eP01Protect(0x04b0, E2eIdMode.both, data, 8, 29);
    expect(data[1]).toBe(14);
  });
});

describe("the alive counter", () => {
  it("runs 0..14 and wraps from 14 to 0", () => {
    expect(e2eNextCounter(0)).toBe(1);
    expect(e2eNextCounter(13)).toBe(14);
    expect(e2eNextCounter(14)).toBe(0);
  });

  it("measures steps across the wrap: 14 → 0 is one step, 13 → 1 three, a repeat zero", () => {
    expect(e2eCounterDelta(0, 14)).toBe(1);
    expect(e2eCounterDelta(1, 13)).toBe(3);
    expect(e2eCounterDelta(7, 7)).toBe(0);
    expect(e2eCounterDelta(6, 7)).toBe(14);
  });
});
