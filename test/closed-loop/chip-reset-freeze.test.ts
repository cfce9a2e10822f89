// SPDX-License-Identifier: MIT
// Closed loop: the AFE chip itself fails. A power-on reset loses the chip's configuration and
// opens its FETs; the firmware notices (a BQ chip reports it), restarts and reconfigures the chip
// once, and closes the paths again within a tick or two, with no fault. A measurement that
// freezes is caught by each driver's own freshness check and ends in a fault within its delay:
// BQ76952 FULLSCAN stale → invalid reads → afe-comm; bq769x0 CC_READY stale → current invalid
// → current-sensor; LTC681x CLRCELL before each conversion → cleared registers → afe-comm.
import { describe, expect, it } from "vitest";
import { findBoard } from "../../boards/index";
import { FaultId } from "../../firmware/fault-ids";
import { BmsMode } from "../../firmware/types";
import { defaultFullScanStaleMs } from "../../hal/bq76952/options";
import { ccStaleMs } from "../../hal/bq769x0/driver";
import { faultSets, firstAt, runFaults } from "./bus-fault-run";

const atMs = 10000;

describe.each(["mdbt42q-bq76952-16s", "wifi-bq76940-15s"])("a chip reset on %s", (boardName) => {
  it("restarts the AFE once: its protection configuration is written again, FETs closed again within two ticks, no fault", () => {
    const run = runFaults(boardName, [{ atS: atMs / 1000, type: "chipReset" }], 15);
    const tickMs = run.board.tickMs;
    const restarts = run.result.events.filter((e) => e.kind === "afe-restart");
    expect(restarts.length).toBe(1);
    expect(restarts[0].timeMs).toBe(atMs);
    expect(restarts[0].detail).toMatch(/confirmed/);
    expect(run.result.rig.shell.afeRestarts).toBe(1);
    const configured = run.before.find((b) => b.t === atMs - tickMs)!;
    const justReset = run.before.find((b) => b.t === atMs)!;
    // The reset took the configuration and the FETs (the chip opened them, not the firmware).
    expect(configured.chargeOn && configured.dischargeOn).toBe(true);
    expect(justReset.chargeOn || justReset.dischargeOn).toBe(false);
    expect(justReset.protection).not.toEqual(configured.protection);
    // Written again by the restart: the chip holds what it held before the reset.
    const rewritten = run.before.find((b) => b.t === atMs + tickMs)!;
    expect(rewritten.protection).toEqual(configured.protection);
    const closedMs = firstAt(run.after, atMs, (a) => a.chargeOn && a.dischargeOn);
    expect(closedMs).toBeGreaterThanOrEqual(atMs);
    expect(closedMs).toBeLessThanOrEqual(atMs + 2 * tickMs);
    expect(faultSets(run.result)).toEqual([]);
    for (const a of run.after.filter((x) => x.t >= atMs - 1000)) {
      expect(a.mode).toBe(BmsMode.active);
      expect(a.chargeEnable && a.dischargeEnable).toBe(true);
    }
    expect(run.result.summary.internalErrors).toBe(0);
  });
});

describe("a chip reset on wifi-ltc6813-16s", () => {
  it("is ridden out without a restart or fault: the driver writes the configuration on every tick", () => {
    const run = runFaults("wifi-ltc6813-16s", [{ atS: atMs / 1000, type: "chipReset" }], 15);
    const tickMs = run.board.tickMs;
    const configured = run.before.find((b) => b.t === atMs - tickMs)!;
    expect(run.before.find((b) => b.t === atMs)!.protection).not.toEqual(configured.protection);
    expect(run.before.find((b) => b.t === atMs + tickMs)!.protection).toEqual(configured.protection);
    expect(run.result.events.filter((e) => e.kind === "afe-restart")).toEqual([]);
    expect(faultSets(run.result)).toEqual([]);
    expect(run.after.filter((a) => a.t >= atMs).every((a) => a.chargeOn && a.dischargeOn)).toBe(true);
  });
});

interface FreezeCase {
  board: string;
  /** The row the driver's freshness check ends in. */
  fault: FaultId;
  faultName: string;
  /** Earliest and latest trip after the freeze (ms), from the check's own limits. */
  window: (b: ReturnType<typeof findBoard>) => [number, number];
}

const freezeCases: FreezeCase[] = [
  {
    board: "mdbt42q-bq76952-16s",
    fault: FaultId.afeComm,
    faultName: "afe-comm",
    // Readings stay valid until FULLSCAN is fullScanStaleMs old, then pecErrorLimit failed reads;
    // the last FULLSCAN may be one tick older than the freeze.
    window: (b) => [defaultFullScanStaleMs - b.tickMs, defaultFullScanStaleMs + b.afe.pecErrorLimit * b.tickMs],
  },
  {
    board: "wifi-bq76940-15s",
    fault: FaultId.currentSensor,
    faultName: "current-sensor",
    // The last CC result is at most one 250 ms period (§3) older than the freeze; stale after
    // ccStaleMs, then the sensor row's delay (its first bad sample counts one tick).
    window: (b) => [ccStaleMs - 250 + b.pack.sensors.sensorDelayMs - b.tickMs, ccStaleMs + b.pack.sensors.sensorDelayMs + b.tickMs],
  },
  {
    board: "wifi-ltc6813-16s",
    fault: FaultId.afeComm,
    faultName: "afe-comm",
    // Every conversion after the freeze leaves 0xFFFF behind: pecErrorLimit failed reads.
    window: (b) => [0, (b.afe.pecErrorLimit - 1) * b.tickMs],
  },
];

describe.each(freezeCases)("a frozen measurement on $board", (fc) => {
  it(`is caught by the driver's freshness check: ${fc.faultName} within its delay, both paths open`, () => {
    const run = runFaults(fc.board, [{ atS: atMs / 1000, untilS: 20, type: "measurementFrozen" }], 22);
    const [earliest, latest] = fc.window(run.board);
    const tripMs = firstAt(run.after, atMs, (a) => a.faultActive[fc.fault]);
    expect(tripMs).toBeGreaterThanOrEqual(atMs + earliest);
    expect(tripMs).toBeLessThanOrEqual(atMs + latest);
    expect(faultSets(run.result)[0]).toBe(fc.faultName);
    const trip = run.after.find((a) => a.t === tripMs)!;
    expect([trip.chargeEnable, trip.dischargeEnable, trip.chargeOn, trip.dischargeOn]).toEqual([false, false, false, false]);
    // Latched: the measurement running again does not close the paths by itself.
    expect(run.result.summary.finalMode).toBe("fault");
    expect(run.result.rig.chargeOn() || run.result.rig.dischargeOn()).toBe(false);
  });
});
