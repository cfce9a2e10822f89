// SPDX-License-Identifier: MIT
// The state machine: init → standby → active ⇄ fault, standby on request, activity substates,
// path enables, balancing permission, and an event with time and cause for every transition.
import { describe, expect, it } from "vitest";
import { Bench, benchConfig } from "./core-bench";
import { Activity, BmsMode, EventKind, RequestedMode, SocAnchor } from "../../firmware/types";
import { FaultId } from "../../firmware/fault-ids";

const modeEvents = (b: Bench) => b.events().filter((e) => e.kind === EventKind.mode);

describe("mode transitions", () => {
  it("init holds with both paths open until the cells are read, then standby with an OCV start of the SoC", () => {
    const b = new Bench(benchConfig("NMC"));
    b.m.cellsValid = false;
    b.run(500);
    expect(b.out.mode).toBe(BmsMode.init);
    expect(b.out.chargeEnable || b.out.dischargeEnable).toBe(false);
    b.m.cellsValid = true;
    b.step();
    expect(b.out.mode).toBe(BmsMode.standby);
    expect(b.state.soc.initialized).toBe(true);
    const ev = b.events();
    expect(ev).toContainEqual({ timeMs: b.now, kind: EventKind.mode, value: BmsMode.standby, cause: -1 });
    expect(ev).toContainEqual({ timeMs: b.now, kind: EventKind.socCorrected, value: b.state.soc.socCentiPct, cause: SocAnchor.ocvBoot });
  });

  it("init does not start from an implausible cell reading", () => {
    const b = new Bench(benchConfig("NMC"));
    b.m.cellMv[4] = Number.NaN;
    b.run(2000);
    expect(b.out.mode).toBe(BmsMode.init);
    expect(b.state.soc.initialized).toBe(false);
    expect(b.out.faultActive[FaultId.cellSensor]).toBe(true);
    expect(b.out.chargeEnable || b.out.dischargeEnable).toBe(false);
  });

  it("standby goes active on a run request with no fault, closing both paths", () => {
    const b = new Bench(benchConfig("LFP"));
    b.inputs.requestedMode = RequestedMode.standby;
    b.run(1000);
    expect(b.out.mode).toBe(BmsMode.standby);
    expect(b.out.chargeEnable || b.out.dischargeEnable).toBe(false);
    b.inputs.requestedMode = RequestedMode.run;
    b.step();
    expect(b.out.mode).toBe(BmsMode.active);
    expect(b.out.chargeEnable && b.out.dischargeEnable).toBe(true);
    expect(modeEvents(b).at(-1)).toEqual({ timeMs: b.now, kind: EventKind.mode, value: BmsMode.active, cause: -1 });
  });

  it("a standby request is obeyed even with autoStart set (the shell applies autoStart as its first request)", () => {
    const conf = benchConfig("LFP");
    expect(conf.autoStart).toBe(true);
    const b = new Bench(conf).activate();
    b.inputs.requestedMode = RequestedMode.standby;
    b.run(2000);
    expect(b.out.mode).toBe(BmsMode.standby);
    expect(b.out.chargeEnable || b.out.dischargeEnable).toBe(false);
    expect(modeEvents(b).at(-1)?.value).toBe(BmsMode.standby);
  });

  it("active goes to fault with the fault as the cause, and back to active once it releases", () => {
    const conf = benchConfig("NMC");
    const b = new Bench(conf).activate();
    b.m.cellMv[0] = conf.protection.cellOvMv.faultLevel + 10;
    b.run(conf.protection.cellOvMv.delayMs);
    expect(b.out.mode).toBe(BmsMode.fault);
    const toFault = modeEvents(b).at(-1);
    expect(toFault).toEqual({ timeMs: b.now, kind: EventKind.mode, value: BmsMode.fault, cause: FaultId.cellOv });
    expect(b.events()).toContainEqual({ timeMs: b.now, kind: EventKind.faultSet, value: FaultId.cellOv, cause: 1 });
    // Discharging an over-voltage pack stays possible.
    expect(b.out.chargeEnable).toBe(false);
    expect(b.out.dischargeEnable).toBe(true);
    b.m.cellMv[0] = 3700;
    b.run(conf.protection.cellOvMv.delayMs + 100);
    expect(b.out.mode).toBe(BmsMode.active);
    expect(b.events()).toContainEqual(expect.objectContaining({ kind: EventKind.faultCleared, value: FaultId.cellOv, cause: 1 }));
    expect(modeEvents(b).at(-1)).toEqual(expect.objectContaining({ value: BmsMode.active, cause: -1 }));
    expect(b.out.chargeEnable && b.out.dischargeEnable).toBe(true);
  });

  it("fault goes to standby on a standby request, and standby with an active fault refuses to go active", () => {
    const conf = benchConfig("NMC");
    const b = new Bench(conf).activate();
    b.m.openWire[2] = true;
    b.run(conf.sensors.sensorDelayMs + 100);
    expect(b.out.mode).toBe(BmsMode.fault);
    b.inputs.requestedMode = RequestedMode.standby;
    b.step();
    expect(b.out.mode).toBe(BmsMode.standby);
    b.inputs.requestedMode = RequestedMode.run;
    b.run(1000);
    expect(b.out.mode).toBe(BmsMode.standby);
    expect(b.out.chargeEnable || b.out.dischargeEnable).toBe(false);
    // The wire is repaired and the latched sensor fault cleared: now it may run.
    b.m.openWire[2] = false;
    b.step(true);
    b.step();
    expect(b.out.mode).toBe(BmsMode.active);
  });

  it("a latched fault keeps fault mode after its condition is gone until a clear", () => {
    const conf = benchConfig("LFP");
    const b = new Bench(conf).activate();
    b.currentMa = -2 * conf.capacityMah; // short circuit: delay 0, latched
    b.step();
    expect(b.out.mode).toBe(BmsMode.fault);
    expect(modeEvents(b).at(-1)?.cause).toBe(FaultId.shortCircuit);
    b.currentMa = 0;
    b.run(5000);
    expect(b.out.mode).toBe(BmsMode.fault);
    expect(b.out.chargeEnable || b.out.dischargeEnable).toBe(false);
    b.step(true);
    b.step();
    expect(b.out.mode).toBe(BmsMode.active);
  });

  it("fault mode from an under-voltage keeps the charge path closed so the pack can recover", () => {
    const conf = benchConfig("NMC");
    const b = new Bench(conf).activate();
    b.m.cellMv[1] = conf.protection.cellUvMv.faultLevel;
    b.run(conf.protection.cellUvMv.delayMs + 100);
    expect(b.out.mode).toBe(BmsMode.fault);
    expect(b.out.chargeEnable).toBe(true);
    expect(b.out.dischargeEnable).toBe(false);
  });
});

describe("activity", () => {
  it("follows the current against activityCurrentMa, with an event per change", () => {
    const conf = benchConfig("NMC");
    const act = conf.activityCurrentMa;
    const b = new Bench(conf).activate();
    expect(b.out.activity).toBe(Activity.idle);
    b.currentMa = act + 10;
    b.step();
    expect(b.out.activity).toBe(Activity.charge);
    expect(b.events().at(-1)).toEqual({ timeMs: b.now, kind: EventKind.activity, value: Activity.charge, cause: -1 });
    b.currentMa = -act - 10;
    b.step();
    expect(b.out.activity).toBe(Activity.discharge);
    b.currentMa = 0;
    b.step();
    expect(b.out.activity).toBe(Activity.idle);
    expect(b.events().filter((e) => e.kind === EventKind.activity).map((e) => e.value)).toEqual([Activity.charge, Activity.discharge, Activity.idle]);
  });

  it("does not flap on a current hovering at the threshold", () => {
    const conf = benchConfig("NMC");
    const act = conf.activityCurrentMa;
    const b = new Bench(conf).activate();
    b.currentMa = act + 5;
    b.step();
    for (let k = 0; k < 50; k++) {
      b.currentMa = k % 2 === 0 ? act - 5 : act + 5;
      b.step();
    }
    expect(b.events().filter((e) => e.kind === EventKind.activity)).toHaveLength(1);
  });

  it("holds while the current reading is invalid", () => {
    const conf = benchConfig("NMC");
    const b = new Bench(conf).activate();
    b.currentMa = -5 * conf.activityCurrentMa;
    b.step();
    b.m.currentValid = false;
    b.currentMa = 0;
    b.step();
    expect(b.out.activity).toBe(Activity.discharge);
  });
});

describe("balancing permission", () => {
  /** An NMC pack high enough to balance, with one cell 40 mV above the rest. */
  function imbalanced(): Bench {
    const conf = benchConfig("NMC");
    const b = new Bench(conf);
    b.setAllCells(conf.balancing.minCellMv + 100);
    b.m.cellMv[3] += 40;
    return b.activate();
  }

  it("balances while active and resting or charging", () => {
    const b = imbalanced();
    b.step();
    expect(b.out.balance[3]).toBe(true);
    expect(b.out.balanceCount).toBe(1);
    b.currentMa = 3 * b.conf.activityCurrentMa;
    b.step();
    expect(b.out.activity).toBe(Activity.charge);
    expect(b.out.balance[3]).toBe(true);
  });

  it("stops while discharging, in standby and in fault mode", () => {
    const b = imbalanced();
    b.currentMa = -3 * b.conf.activityCurrentMa;
    b.step();
    expect(b.out.balanceCount).toBe(0);
    expect(b.out.balance.some((x) => x)).toBe(false);
    b.currentMa = 0;
    b.step();
    expect(b.out.balanceCount).toBe(1);
    b.inputs.requestedMode = RequestedMode.standby;
    b.step();
    expect(b.out.balanceCount).toBe(0);
    b.inputs.requestedMode = RequestedMode.run;
    b.step();
    expect(b.out.balanceCount).toBe(1);
    b.m.temperatureDeciC[1] = b.conf.protection.chargeOtDeciC.faultLevel + 10;
    b.run(b.conf.protection.chargeOtDeciC.delayMs + 100);
    expect(b.out.mode).toBe(BmsMode.fault);
    expect(b.out.balanceCount).toBe(0);
  });

  it("stops outside the balancing temperature window and when a temperature is missing", () => {
    const b = imbalanced();
    b.step();
    expect(b.out.balanceCount).toBe(1);
    b.m.temperatureDeciC[0] = b.conf.balancing.minTemperatureDeciC - 10;
    b.step();
    expect(b.out.balanceCount).toBe(0);
    b.m.temperatureDeciC[0] = 250;
    b.step();
    expect(b.out.balanceCount).toBe(1);
    b.m.temperaturesValid = false;
    b.step();
    expect(b.out.balanceCount).toBe(0);
  });
});
