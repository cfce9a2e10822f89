// Closed loop: the unchanged firmware, wired as on the board, protecting a simulated pack through
// the emulated AFE. Each scenario file is in sim/scenarios/.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { findBoard } from "../../boards/index";
import { loadScenario } from "../../sim/scenario";
import { runScenario } from "../../sim/run";

const scenarioFile = (name: string) => join(import.meta.dirname, "..", "..", "sim", "scenarios", `${name}.json`);

describe.each(["wifi-ltc6813-16s", "pico-ltc6811-12s"])("closed loop on %s", (boardName) => {
  const board = findBoard(boardName);
  const ov = board.pack.protection.cellOvMv;
  const uv = board.pack.protection.cellUvMv;

  it("an overcharge opens the charge path before any cell passes its fault level + 50 mV", () => {
    let openedAtMs = -1;
    let highestMv = 0;
    const r = runScenario(loadScenario(scenarioFile("overcharge")), board, {
      onTick: (rig, out, t) => {
        for (let i = 0; i < rig.pack.cellCount; i++) highestMv = Math.max(highestMv, rig.pack.cellVolts(i) * 1000);
        if (openedAtMs < 0 && !out.chargeEnable) openedAtMs = t;
      },
    });
    expect(openedAtMs).toBeGreaterThan(0);
    expect(r.events.some((e) => e.kind === "fault-set" && e.detail === "cell-ov fault")).toBe(true);
    expect(highestMv).toBeLessThan(ov.faultLevel + 50);
    // The charge path is open at the end; the discharge path stays usable.
    expect(r.summary.chargeEnable).toBe(false);
    expect(r.summary.dischargeEnable).toBe(true);
  });

  it("a discharge to empty opens the discharge path on cell under-voltage", () => {
    let lowestMv = Infinity;
    const r = runScenario(loadScenario(scenarioFile("discharge-empty")), board, {
      onTick: (rig) => {
        for (let i = 0; i < rig.pack.cellCount; i++) lowestMv = Math.min(lowestMv, rig.pack.cellVolts(i) * 1000);
      },
    });
    expect(r.events.some((e) => e.kind === "fault-set" && e.detail === "cell-uv fault")).toBe(true);
    expect(r.summary.dischargeEnable).toBe(false);
    // Opened in time: no cell went far below the fault level under load.
    expect(lowestMv).toBeGreaterThan(uv.faultLevel - 150);
    // Charging the empty pack is still allowed.
    expect(r.summary.chargeEnable).toBe(true);
  });

  it("AFE silence opens both paths within the configured count of failed reads", () => {
    const scenario = loadScenario(scenarioFile("afe-silence"));
    const silenceMs = scenario.faults[0].atS * 1000;
    let chargeOpenMs = -1;
    let dischargeOpenMs = -1;
    let closedBefore = false;
    runScenario(scenario, board, {
      onTick: (_rig, out, t) => {
        if (t < silenceMs && out.chargeEnable && out.dischargeEnable) closedBefore = true;
        if (t >= silenceMs && chargeOpenMs < 0 && !out.chargeEnable) chargeOpenMs = t;
        if (t >= silenceMs && dischargeOpenMs < 0 && !out.dischargeEnable) dischargeOpenMs = t;
      },
    });
    expect(closedBefore).toBe(true);
    // The driver gives up after pecErrorLimit failed reads; the core's time-based delay is the
    // safety net. Whichever comes first, plus the tick the silence began in.
    const limit = silenceMs + Math.min(board.pack.sensors.afeLossDelayMs, board.afe.pecErrorLimit * board.tickMs) + board.tickMs;
    expect(chargeOpenMs).toBeGreaterThan(silenceMs);
    expect(chargeOpenMs).toBeLessThanOrEqual(limit);
    expect(dischargeOpenMs).toBeGreaterThan(silenceMs);
    expect(dischargeOpenMs).toBeLessThanOrEqual(limit);
  });
});
