// SPDX-License-Identifier: MIT
// The shell on an AFE with its own protection: a flag the chip raises trips the matching fault
// row at once with the chip as cause, a chip reset restarts and reconfigures the AFE (and one
// that persists trips the AFE link fault), a failed self-test holds the AFE link fault, and
// exceptions anywhere open the FETs and are counted.
import { describe, expect, it } from "vitest";
import { AfeStatus } from "../../hal/afe";
import { FaultId } from "../../firmware/fault-ids";
import { BmsMode, EventKind, FaultCause, RequestedMode } from "../../firmware/types";
import { rig, switchWrites, tickMs } from "./scripted-afe";

type Rig = ReturnType<typeof rig>;

/** Fault-tier set events of `id` (warnings left out), by cause. */
function faultSets(r: Rig, id: number): number[] {
  return r
    .events()
    .filter((e) => e.kind === EventKind.faultSet && e.value === id && e.cause !== FaultCause.warning)
    .map((e) => e.cause);
}

describe("the AFE's own protection flags in the fault table", () => {
  it("a short circuit the chip cut trips the short-circuit row at once with the chip as cause, and both FETs stay off until a clear", () => {
    const r = rig();
    r.activate();
    // The chip opened discharge within microseconds; the firmware's current reads 0 meanwhile.
    r.afe.flags.shortCircuit = true;
    r.afe.dischargeOn = false;
    r.tick();
    expect(r.out.faultActive[FaultId.shortCircuit]).toBe(true);
    expect(faultSets(r, FaultId.shortCircuit)).toEqual([FaultCause.chip]);
    expect(r.shell.state.faults.byChip[FaultId.shortCircuit]).toBe(true);
    expect(r.out.chargeEnable || r.out.dischargeEnable).toBe(false);
    expect(r.afe.chargeOn || r.afe.dischargeOn).toBe(false);
    // Latched (preset): the flag going away is not enough.
    r.afe.flags.shortCircuit = false;
    r.tick(20);
    expect(r.out.faultActive[FaultId.shortCircuit]).toBe(true);
    expect(r.afe.chargeOn || r.afe.dischargeOn).toBe(false);
    r.shell.clearFaults();
    r.tick(2);
    expect(r.out.faultActive[FaultId.shortCircuit]).toBe(false);
    expect(r.afe.chargeOn && r.afe.dischargeOn).toBe(true);
  });

  it("a chip over-voltage trips cell-ov although every cell reads below the level, opening charge only", () => {
    const r = rig();
    r.activate();
    expect(r.afe.cellMv).toBeLessThan(r.conf.protection.cellOvMv.warnLevel);
    const from = r.afe.tick + 1;
    r.afe.flags.cellOv = true;
    r.tick();
    expect(r.out.faultActive[FaultId.cellOv]).toBe(true);
    expect(faultSets(r, FaultId.cellOv)).toEqual([FaultCause.chip]);
    expect(r.afe.chargeOn).toBe(false);
    expect(r.afe.dischargeOn).toBe(true);
    expect(switchWrites(r.afe, from)).toEqual([[false, true]]);
    // Not latched: it releases once the chip no longer reports it and its counter has run down.
    r.afe.flags.cellOv = false;
    r.tick(r.conf.protection.cellOvMv.delayMs / tickMs + 1);
    expect(r.out.faultActive[FaultId.cellOv]).toBe(false);
    expect(r.afe.chargeOn).toBe(true);
  });

  it("over-temperature from the chip becomes the discharge over-temperature row and opens both paths", () => {
    const r = rig();
    r.activate();
    r.afe.flags.overTemperature = true;
    r.tick();
    expect(r.out.faultActive[FaultId.dischargeOt]).toBe(true);
    expect(faultSets(r, FaultId.dischargeOt)).toEqual([FaultCause.chip]);
    expect(r.afe.chargeOn || r.afe.dischargeOn).toBe(false);
  });

  it("a status read that fails on the bus trips nothing, and the status is asked for again every tick", () => {
    const r = rig();
    r.activate();
    r.afe.chipStatus = AfeStatus.commError;
    const asked = r.afe.count("readChipFaults");
    r.tick(5);
    expect(r.afe.count("readChipFaults")).toBe(asked + 5);
    expect(r.shell.chipFaultsSupported).toBe(true);
    expect(r.out.faultCount).toBe(0);
    expect(r.afe.chargeOn && r.afe.dischargeOn).toBe(true);
  });
});

describe("a chip reset or internal error", () => {
  it("reported once restarts the AFE once: one event, configured again, FETs and balancing written again, no fault", () => {
    const r = rig();
    r.activate();
    r.tick(5);
    const at = r.afe.tick + 1;
    r.afe.reset();
    r.tick();
    expect(r.shell.afeRestarts).toBe(1);
    expect(r.events().filter((e) => e.kind === EventKind.afeRestart)).toEqual([{ kind: EventKind.afeRestart, value: 1, cause: 1 }]);
    expect(r.afe.callsOf("start").map((c) => c.tick)).toEqual([1, at]);
    expect(r.afe.callsOf("configure").map((c) => c.tick)).toEqual([1, at]);
    expect(r.afe.callsOf("configure")[1].limits).toEqual(r.shell.chipLimits);
    expect(switchWrites(r.afe, at)).toEqual([[true, true]]);
    expect(r.afe.callsOf("setBalancing").filter((c) => c.tick === at).length).toBe(1);
    expect(r.afe.chargeOn && r.afe.dischargeOn).toBe(true);
    r.tick(10);
    expect(r.out.faultCount).toBe(0);
    expect(r.afe.count("start")).toBe(2);
    expect(r.events().filter((e) => e.kind === EventKind.afeRestart).length).toBe(1);
  });

  it("reported again after the restart trips the AFE link fault with the chip as cause, logging the episode once", () => {
    const r = rig();
    r.activate();
    r.afe.startClearsDeviceError = false;
    r.afe.reset();
    r.tick();
    expect(r.out.faultActive[FaultId.afeComm]).toBe(false);
    r.tick();
    expect(r.out.faultActive[FaultId.afeComm]).toBe(true);
    expect(faultSets(r, FaultId.afeComm)).toEqual([FaultCause.chip]);
    expect(r.out.mode).toBe(BmsMode.fault);
    r.tick(10);
    expect(r.afe.chargeOn || r.afe.dischargeOn).toBe(false);
    expect(r.shell.afeRestarts).toBe(1);
    expect(r.events().filter((e) => e.kind === EventKind.afeRestart).length).toBe(1);
    // The chip comes back: the latched fault waits for a clear, then the paths close.
    r.afe.startClearsDeviceError = true;
    r.tick(3);
    expect(r.out.faultActive[FaultId.afeComm]).toBe(true);
    r.shell.clearFaults();
    r.tick(2);
    expect(r.out.mode).toBe(BmsMode.active);
    expect(r.afe.chargeOn && r.afe.dischargeOn).toBe(true);
    // A new episode is a new restart and a new event.
    r.afe.reset();
    r.tick();
    expect(r.shell.afeRestarts).toBe(2);
    expect(r.events().filter((e) => e.kind === EventKind.afeRestart).length).toBe(2);
  });
});

describe("the chip's self-test", () => {
  it("runs at every start; a failure keeps the AFE row tripped with the chip as cause until a restart passes it", () => {
    const r = rig((afe) => (afe.selfTestResult = AfeStatus.failed));
    r.tick(5);
    expect(r.afe.callsOf("selfTest").map((c) => c.tick)).toEqual([1]);
    expect(r.shell.afeSelfTestStatus).toBe(AfeStatus.failed);
    expect(r.out.faultActive[FaultId.afeComm]).toBe(true);
    expect(faultSets(r, FaultId.afeComm)).toEqual([FaultCause.chip]);
    expect(r.afe.chargeOn || r.afe.dischargeOn).toBe(false);
    r.shell.clearFaults();
    r.tick(2);
    expect(r.out.faultActive[FaultId.afeComm]).toBe(true);
    // A chip reset restarts the AFE; this time the self-test passes and a clear is taken.
    r.afe.selfTestResult = AfeStatus.ok;
    r.afe.reset();
    r.tick();
    expect(r.afe.count("selfTest")).toBe(2);
    r.shell.clearFaults();
    r.tick(3);
    expect(r.out.faultActive[FaultId.afeComm]).toBe(false);
    expect(r.out.mode).toBe(BmsMode.active);
    expect(r.afe.chargeOn && r.afe.dischargeOn).toBe(true);
  });
});

describe("exceptions in the control loop", () => {
  it("an exception in measure() opens the FETs through setSwitches(false, false) and is counted", () => {
    const r = rig();
    r.activate();
    const from = r.afe.tick + 1;
    r.afe.throwOnMeasure = true;
    expect(() => r.tick()).not.toThrow();
    expect(r.shell.internalErrors).toBe(1);
    expect(switchWrites(r.afe, from)).toEqual([[false, false]]);
    expect(r.afe.chargeOn || r.afe.dischargeOn).toBe(false);
    // Once measure() works again the core closes the paths and the shell writes them.
    r.afe.throwOnMeasure = false;
    r.tick();
    expect(r.afe.chargeOn && r.afe.dischargeOn).toBe(true);
  });

  it("an exception thrown by setSwitches itself is contained, and the write is made again at the next tick", () => {
    // No chip status: only the shell's own bookkeeping can tell the write did not happen.
    const r = rig((afe) => (afe.chipStatus = AfeStatus.notSupported));
    r.activate();
    r.afe.throwOnSetSwitches = true;
    r.shell.requestMode(RequestedMode.standby);
    expect(() => r.tick()).not.toThrow();
    expect(r.shell.internalErrors).toBeGreaterThanOrEqual(1);
    expect(r.out.chargeEnable || r.out.dischargeEnable).toBe(false);
    const from = r.afe.tick + 1;
    r.afe.throwOnSetSwitches = false;
    r.tick();
    expect(switchWrites(r.afe, from)).toEqual([[false, false]]);
    expect(r.afe.chargeOn || r.afe.dischargeOn).toBe(false);
  });
});
