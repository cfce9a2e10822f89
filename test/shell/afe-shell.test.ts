// SPDX-License-Identifier: MIT
// The shell on an AFE that measures the current and drives the FETs itself (bq769x0, BQ76952):
// start and configure its own protection, the AFE's current, and when the FETs and the bleed
// resistors are written. Chip flags, restarts and exceptions: afe-shell-faults.test.ts.
import { describe, expect, it } from "vitest";
import { AfeStatus } from "../../hal/afe";
import { chipOvMarginMv, chipUvMarginMv } from "../../firmware/afe-limits";
import { FaultId } from "../../firmware/fault-ids";
import { refreshTicks } from "../../firmware/shell";
import { Activity, RequestedMode } from "../../firmware/types";
import { rig, switchWrites, tickMs } from "./scripted-afe";

describe("the shell starts and configures the AFE's own protection", () => {
  it("calls configure once, right after start, with thresholds beyond the firmware's fault levels", () => {
    const r = rig();
    r.tick();
    const names = r.afe.calls.map((c) => c.name);
    expect(names.indexOf("start")).toBe(0);
    expect(names.indexOf("configure")).toBe(1);
    const asked = r.afe.callsOf("configure")[0].limits!;
    const p = r.conf.protection;
    // LFP preset: OV fault 3.65 V, UV fault 2.50 V, 1C = 10 A (cells-and-limits.md §8).
    expect(asked.cellOvMv).toBe(p.cellOvMv.faultLevel + chipOvMarginMv);
    expect(asked.cellOvMv).toBe(3700);
    expect(asked.cellUvMv).toBe(p.cellUvMv.faultLevel - chipUvMarginMv);
    expect(asked.cellUvMv).toBe(2400);
    expect(asked.cellOvDelayMs).toBeGreaterThan(p.cellOvMv.delayMs);
    expect(asked.chargeOcMa).toBe(12500);
    expect(asked.chargeOcDelayMs).toBe(2 * p.chargeOcMa.delayMs);
    expect(asked.shortCircuitMa).toBe(p.shortCircuitMa.faultLevel);
    expect(asked.dischargeOtDeciC).toBeGreaterThan(p.dischargeOtDeciC.faultLevel);
    expect(asked.chargeUtDeciC).toBeLessThan(p.chargeUtDeciC.faultLevel);
    expect(r.shell.chipLimits).toEqual(asked);
    // What the chip holds after quantising is kept apart from what was asked.
    expect(r.shell.appliedLimits.cellOvMv).toBe(asked.cellOvMv - r.afe.appliedOffset);
    expect(r.shell.afeConfigStatus).toBe(AfeStatus.ok);
    r.tick(30);
    expect(r.afe.count("start")).toBe(1);
    expect(r.afe.count("configure")).toBe(1);
  });

  it("retries start and configure at the next tick after configure failed on the bus, then stops", () => {
    const r = rig((afe) => (afe.configureResults = [AfeStatus.commError, AfeStatus.ok]));
    r.tick();
    expect(r.shell.afeConfigStatus).toBe(AfeStatus.commError);
    r.tick();
    expect(r.afe.callsOf("start").map((c) => c.tick)).toEqual([1, 2]);
    expect(r.afe.callsOf("configure").map((c) => c.tick)).toEqual([1, 2]);
    expect(r.shell.afeConfigStatus).toBe(AfeStatus.ok);
    r.tick(20);
    expect(r.afe.count("configure")).toBe(2);
  });

  it("does not configure after a start the chip did not confirm, and starts again next tick", () => {
    const r = rig((afe) => (afe.startResult = false));
    r.tick();
    expect(r.afe.count("configure")).toBe(0);
    r.afe.startResult = true;
    r.tick();
    expect(r.afe.count("start")).toBe(2);
    expect(r.afe.count("configure")).toBe(1);
  });

  it("records limits the chip cannot hold (invalid), does not retry, and the firmware's own table still protects", () => {
    const r = rig((afe) => (afe.configureResults = [AfeStatus.invalid]));
    r.activate();
    r.tick(20);
    expect(r.shell.afeConfigStatus).toBe(AfeStatus.invalid);
    expect(r.afe.count("configure")).toBe(1);
    const ov = r.conf.protection.cellOvMv;
    r.afe.cellMv = ov.faultLevel;
    r.tick(ov.delayMs / tickMs + 1);
    expect(r.out.faultActive[FaultId.cellOv]).toBe(true);
    expect(r.afe.chargeOn).toBe(false);
    expect(r.afe.dischargeOn).toBe(true);
  });
});

describe("the shell uses the AFE's current and drives its FETs", () => {
  it("takes the current from the AFE when the board has no current sensor", () => {
    const r = rig();
    r.activate();
    r.afe.currentMa = -4000;
    r.tick(2);
    expect(r.shell.inputs.measurements.currentMa).toBe(-4000);
    expect(r.out.activity).toBe(Activity.discharge);
    r.afe.currentValid = false;
    r.tick(r.conf.sensors.sensorDelayMs / tickMs + 1);
    expect(r.shell.inputs.measurements.currentValid).toBe(false);
    expect(r.out.faultActive[FaultId.currentSensor]).toBe(true);
    expect(r.afe.chargeOn || r.afe.dischargeOn).toBe(false);
  });

  it("writes the FETs on a change and every refreshTicks ticks, not on every tick", () => {
    const r = rig();
    r.tick(120);
    const writes = r.afe.callsOf("setSwitches");
    // Off after start (tick 1), on when active (tick 2), then refreshes only.
    expect(writes.slice(0, 2).map((c) => c.args)).toEqual([[false, false], [true, true]]);
    const refreshes = writes.slice(2).map((c) => c.tick);
    expect(refreshes.length).toBe(Math.floor(120 / refreshTicks));
    for (let k = 1; k < refreshes.length; k++) expect(refreshes[k] - refreshes[k - 1]).toBe(refreshTicks);
    // Balancing (nothing to bleed at 3.30 V LFP): written once at start, then refreshed.
    expect(r.afe.count("setBalancing")).toBe(1 + Math.floor(120 / refreshTicks));
  });

  it("writes the FETs again at once when the chip holds one other than commanded", () => {
    const r = rig();
    r.activate();
    const from = r.afe.tick + 1;
    r.afe.chargeOn = false; // the chip dropped it with no flag (a glitch, a lost write)
    r.tick(5);
    expect(switchWrites(r.afe, from)).toEqual([[true, true]]);
    expect(r.afe.chargeOn).toBe(true);
  });

  it("writes the change once when the core opens the paths", () => {
    const r = rig();
    r.activate();
    const from = r.afe.tick + 1;
    r.shell.requestMode(RequestedMode.standby);
    r.tick(5);
    expect(switchWrites(r.afe, from)).toEqual([[false, false]]);
  });

  it("retries a FET write the chip did not confirm (bus error) at the next tick", () => {
    const r = rig((afe) => (afe.chipStatus = AfeStatus.notSupported));
    r.activate();
    const from = r.afe.tick + 1;
    r.afe.switchResults = [AfeStatus.commError];
    r.shell.requestMode(RequestedMode.standby);
    r.tick();
    expect(r.afe.chargeOn).toBe(true);
    r.tick(5);
    expect(switchWrites(r.afe, from)).toEqual([[false, false], [false, false]]);
    expect(r.afe.chargeOn || r.afe.dischargeOn).toBe(false);
  });

  it("asks for the chip's protection status until it answers not-supported, then never again", () => {
    const r = rig((afe) => (afe.chipStatus = AfeStatus.notSupported));
    r.tick(10);
    expect(r.afe.count("readChipFaults")).toBe(1);
    expect(r.shell.chipFaultsSupported).toBe(false);
  });
});
