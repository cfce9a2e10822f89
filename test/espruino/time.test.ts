// SPDX-License-Identifier: MIT
// The floor of an Espruino board's tick time (scripts/espruino-time.ts): function calls per tick
// counted in the built file, times the per-call floor from the fact sheet's one measured speed
// (../shared/reference/espruino.md §6: a 4 kHz pin toggle on the 72 MHz Original).
import { beforeAll, describe, expect, it } from "vitest";
import { findBoard } from "../../boards/index";
import { buildEspruino, type EspruinoBuild } from "../../scripts/build";
import { callFloorMicros, callsPerTick } from "../../scripts/espruino-time";

describe("the per-call floor", () => {
  it("is half a 250 µs toggle loop at 72 MHz, scaled by clock", () => {
    expect(callFloorMicros(72)).toBe(125);
    expect(callFloorMicros(64)).toBeCloseTo(140.6, 1);
    expect(callFloorMicros(84)).toBeCloseTo(107.1, 1);
  });
});

describe("calls per tick of a built file", () => {
  const board = findBoard("pico-ltc6811-12s");
  let build: EspruinoBuild;
  beforeAll(async () => {
    build = await buildEspruino(board.name);
  });

  it("are counted from the file itself, the same on every run, and grow when a tick does more", async () => {
    const a = await callsPerTick(board, build, 50);
    const b = await callsPerTick(board, build, 50);
    expect(a).toBe(b);
    // A tick reads 12 cells, runs the fault table, the estimators and the EMS link: well over a
    // hundred calls; a count of the emulators' host code would not be in the file.
    expect(a).toBeGreaterThan(100);
    // A 36-cell board's file (two chips of the same family) calls more per tick.
    const big = findBoard("esp32-ltc6813x2-36s");
    expect(await callsPerTick(big, await buildEspruino(big.name), 50)).toBeGreaterThan(a);
  });
});
