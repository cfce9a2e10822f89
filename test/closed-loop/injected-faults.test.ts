// SPDX-License-Identifier: MIT
// Closed loop: faults injected into the simulated hardware end in the firmware reaction the fault
// table defines, and a short disturbance ends in none.
import { describe, expect, it } from "vitest";
import { findBoard } from "../../boards/index";
import { parseScenario } from "../../sim/scenario";
import { runScenario, type RunResult } from "../../sim/run";

const board = findBoard("wifi-ltc6813-16s");

function run(faults: unknown[], profile: unknown[] = [{ atS: 0, mode: "current", c: -0.2 }], durationS = 90): RunResult {
  return runScenario(parseScenario({ name: "injected", durationS, pack: { initialSocPct: 60 }, profile, faults }), board);
}

function faultSets(r: RunResult): string[] {
  return r.events.filter((e) => e.kind === "fault-set" && e.detail.endsWith(" fault")).map((e) => e.detail.replace(/ fault$/, ""));
}

describe("injected hardware faults on the default board", () => {
  it("an open thermistor becomes a temperature sensor fault that opens both paths", () => {
    const r = run([{ atS: 30, type: "thermistorOpen", sensor: 2 }]);
    expect(faultSets(r)).toContain("temperature-sensor");
    expect(r.summary.chargeEnable).toBe(false);
    expect(r.summary.dischargeEnable).toBe(false);
  });

  it("an open sense wire is found by the periodic open-wire check and becomes a cell sensor fault", () => {
    const r = run([{ atS: 20, type: "openWire", wire: 5 }]);
    expect(faultSets(r)).toContain("cell-sensor");
    expect(r.summary.dischargeEnable).toBe(false);
  });

  it("a current sensor stuck under load becomes a current sensor fault", () => {
    const r = run([{ atS: 10, type: "currentSensorStuck" }], [{ atS: 0, mode: "current", c: -0.2 }], 120);
    expect(faultSets(r)).toContain("current-sensor");
  });

  it("two corrupted answers and one dropped answer are ridden out without a fault", () => {
    const r = run([
      { atS: 20, type: "pecErrors", count: 2 },
      { atS: 40, type: "droppedAnswers", count: 1 },
    ]);
    expect(faultSets(r)).toEqual([]);
    expect(r.summary.chargeEnable && r.summary.dischargeEnable).toBe(true);
    expect(r.rig.shell.state.out.warningCount).toBe(0);
  });

  it("a soft internal short drains its cell below the others while the pack rests", () => {
    const r = run([{ atS: 0, type: "cellInternalShort", cell: 3, ohms: 2 }], [{ atS: 0, mode: "rest" }], 3600);
    const m = r.rig.shell.inputs.measurements;
    const others = m.cellMv.filter((_, i) => i !== 3);
    expect(m.cellMv[3]).toBeLessThan(Math.min(...others));
    expect(r.summary.internalErrors).toBe(0);
  });
});
