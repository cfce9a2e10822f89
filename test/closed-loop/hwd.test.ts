// SPDX-License-Identifier: MIT
// Closed loop: the BQ76952's host watchdog (Safety Status C HWDF, hal/bq76952/setup.ts) on the
// board that has the chip drive its FETs. When the chip stops hearing the MCU (afeSilence: it
// NACKs its address, so no FET command reaches it) only the watchdog can open the FETs.
import { describe, expect, it } from "vitest";
import { findBoard } from "../../boards/index";
import type { BoardDefinition, Bq76952AfeDefinition } from "../../boards/types";
import { defaultHostWatchdogS } from "../../hal/bq76952/options";
import { runScenario } from "../../sim/run";
import { parseScenario } from "../../sim/scenario";

const board = findBoard("mdbt42q-bq76952-16s");
const silenceS = [20, 40];

function bq76952(b: BoardDefinition): Bq76952AfeDefinition {
  if (b.afe.type !== "bq76952") throw new Error(`board ${b.name}: afe.type is ${b.afe.type}, not bq76952`);
  return b.afe;
}

interface FetTick {
  t: number;
  charge: boolean;
  discharge: boolean;
}

/** A 0.2C discharge from 60 % with the chip silent over silenceS; the chip's FETs after each tick. */
function run(b: BoardDefinition): FetTick[] {
  const scenario = parseScenario({
    name: "hwd-silence",
    durationS: silenceS[1] + 2,
    pack: { initialSocPct: 60 },
    profile: [{ atS: 0, mode: "current", c: -0.2 }],
    faults: [{ atS: silenceS[0], untilS: silenceS[1], type: "afeSilence" }],
  });
  const ticks: FetTick[] = [];
  runScenario(scenario, b, {
    onTick: (rig, _out, t) => {
      const fets = rig.afe.fets();
      if (fets === undefined) throw new Error(`board ${b.name}: the AFE does not drive the FETs`);
      ticks.push({ t, ...fets });
    },
  });
  return ticks;
}

describe("the BQ76952 host watchdog on mdbt42q-bq76952-16s", () => {
  const tickMs = board.tickMs;
  const silentMs = silenceS[0] * 1000;
  const backMs = silenceS[1] * 1000;

  it("opens both FETs within hostWatchdogS + 1 tick of the chip falling silent, and keeps them open while it stays silent", () => {
    const watchdogMs = (bq76952(board).hostWatchdogS ?? defaultHostWatchdogS) * 1000;
    expect(watchdogMs).toBeGreaterThan(0);
    const ticks = run(board);
    // Discharging with both FETs on right up to the silence.
    const before = ticks.filter((x) => x.t >= silentMs - 5000 && x.t < silentMs);
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((x) => x.charge && x.discharge)).toBe(true);
    const opened = ticks.find((x) => x.t >= silentMs && !x.charge && !x.discharge);
    expect(opened).toBeDefined();
    const openedMs = opened?.t ?? -1;
    // The last transaction was the tick before the silence; the NACKed firmware cannot open them,
    // so nothing does before the watchdog.
    expect(openedMs).toBeGreaterThanOrEqual(silentMs + watchdogMs - tickMs);
    expect(openedMs).toBeLessThanOrEqual(silentMs + watchdogMs + tickMs);
    const during = ticks.filter((x) => x.t >= openedMs && x.t < backMs);
    expect(during.every((x) => !x.charge && !x.discharge)).toBe(true);
  });

  it("without the watchdog (hostWatchdogS 0) the FETs stay on through the whole silence", () => {
    const ticks = run({ ...board, afe: { ...bq76952(board), hostWatchdogS: 0 } });
    const during = ticks.filter((x) => x.t >= silentMs && x.t < backMs);
    expect(during.length).toBeGreaterThan(0);
    expect(during.every((x) => x.charge && x.discharge)).toBe(true);
  });
});
