// SPDX-License-Identifier: MIT
// Closed loop: bus faults on the AFE link end in a defined firmware reaction. A checksum burst
// shorter than the driver's failure count is ridden out; a longer one, or a chip that NACKs its
// address, trips the AFE link fault within that count and opens both paths; a clear after the
// bus is back returns to active. An open sense wire on an I2C chip reads ≈ 0 on the cell below
// it and trips the cell sensor fault. Chip resets and frozen measurements: chip-reset-freeze.test.ts.
import { describe, expect, it } from "vitest";
import { findBoard } from "../../boards/index";
import { FaultId } from "../../firmware/fault-ids";
import { BmsMode } from "../../firmware/types";
import { faultSets, firstAt, runFaults } from "./bus-fault-run";

const i2cBoards = ["mdbt42q-bq76952-16s", "wifi-bq76940-15s"];
/** Each board with its bus's checksum fault: CRC-8 on I2C, PEC15 on the LTC681x's SPI. */
const checksumBoards: [string, string][] = [
  ["mdbt42q-bq76952-16s", "crcErrors"],
  ["wifi-bq76940-15s", "crcErrors"],
  ["wifi-ltc6813-16s", "pecErrors"],
];
const atMs = 10000;
/**
 * One ADC cycle of the slower chip (bq769x0: 250 ms, afe-chips.md §3): a changed input shows in
 * the registers up to one cycle after it changed.
 */
const conversionMs = 250;

describe.each(checksumBoards)("checksum errors on %s (%s)", (boardName, type) => {
  it("a burst shorter than pecErrorLimit answers is ridden out: no fault or warning, both paths closed throughout", () => {
    const limit = findBoard(boardName).afe.pecErrorLimit;
    const run = runFaults(boardName, [{ atS: atMs / 1000, type, count: limit - 1 }], 20);
    // The burst reached the firmware: at least one reading was rejected.
    expect(firstAt(run.after, atMs, (a) => !a.cellsValid)).toBeGreaterThanOrEqual(atMs);
    expect(faultSets(run.result)).toEqual([]);
    for (const a of run.after.filter((x) => x.t >= atMs - 1000)) {
      expect(a.warningCount).toBe(0);
      expect([a.chargeEnable, a.dischargeEnable, a.chargeOn, a.dischargeOn]).toEqual([true, true, true, true]);
    }
  });

  it("a burst failing pecErrorLimit consecutive reads trips afe-comm within pecErrorLimit ticks and opens both paths", () => {
    const board = findBoard(boardName);
    const limit = board.afe.pecErrorLimit;
    const tickMs = board.tickMs;
    const run = runFaults(boardName, [{ atS: atMs / 1000, type, count: 20 * limit }], 15);
    expect(run.after.find((a) => a.t === atMs - tickMs)?.mode).toBe(BmsMode.active);
    const tripMs = firstAt(run.after, atMs, (a) => a.faultActive[FaultId.afeComm]);
    expect(tripMs).toBeGreaterThanOrEqual(atMs);
    // The burst starts on the tick at atMs: that tick is the first failed read.
    expect(tripMs).toBeLessThanOrEqual(atMs + (limit - 1) * tickMs);
    expect(faultSets(run.result)[0]).toBe("afe-comm");
    const trip = run.after.find((a) => a.t === tripMs)!;
    // Checksums guard reads: the FET write still reaches the chip (or the pins) on that tick.
    expect([trip.chargeEnable, trip.dischargeEnable, trip.chargeOn, trip.dischargeOn]).toEqual([false, false, false, false]);
    // Latched: still open after the burst is over.
    expect(run.result.summary.finalMode).toBe("fault");
    expect(run.result.rig.chargeOn() || run.result.rig.dischargeOn()).toBe(false);
  });
});

describe.each(i2cBoards)("a chip that NACKs its address on %s", (boardName) => {
  const silenceS = [10, 15];
  const clearS = 17;

  it("trips afe-comm within pecErrorLimit ticks, keeps both paths open until a clear after the bus is back, then runs again", () => {
    const run = runFaults(boardName, [{ atS: silenceS[0], untilS: silenceS[1], type: "afeSilence" }], 20, [{ atS: clearS, type: "clearFaults" }]);
    const limit = run.board.afe.pecErrorLimit;
    const tickMs = run.board.tickMs;
    const from = silenceS[0] * 1000;
    const back = silenceS[1] * 1000;
    const clearMs = clearS * 1000;
    const tripMs = firstAt(run.after, from, (a) => a.faultActive[FaultId.afeComm]);
    expect(tripMs).toBeGreaterThanOrEqual(from);
    expect(tripMs).toBeLessThanOrEqual(from + (limit - 1) * tickMs);
    expect(faultSets(run.result)).toContain("afe-comm");
    for (const a of run.after.filter((x) => x.t >= tripMs && x.t < clearMs)) {
      expect(a.chargeEnable || a.dischargeEnable).toBe(false);
      expect(a.mode).toBe(BmsMode.fault);
    }
    // A NACKed chip hears no FET command; once it answers again the FETs are opened at once, and
    // they stay open while the latched fault waits for its clear.
    for (const a of run.after.filter((x) => x.t >= back && x.t < clearMs)) {
      expect(a.chargeOn || a.dischargeOn).toBe(false);
    }
    const runningMs = firstAt(run.after, clearMs, (a) => a.mode === BmsMode.active && a.chargeOn && a.dischargeOn);
    expect(runningMs).toBeGreaterThanOrEqual(clearMs);
    expect(runningMs).toBeLessThanOrEqual(clearMs + 2 * tickMs);
    expect(run.result.summary.finalMode).toBe("active");
    expect(run.result.summary.internalErrors).toBe(0);
  });
});

describe.each(i2cBoards)("an open sense wire on %s", (boardName) => {
  it("reads ≈ 0 on the cell below it and trips cell-sensor within sensorDelayMs, opening both paths", () => {
    const wire = 5;
    const run = runFaults(boardName, [{ atS: atMs / 1000, untilS: 20, type: "openWire", wire }], 22);
    const tickMs = run.board.tickMs;
    const sensorDelayMs = run.board.pack.sensors.sensorDelayMs;
    const lowMs = firstAt(run.after, atMs, (a) => a.cellMv[wire - 1] < 100);
    expect(lowMs).toBeGreaterThanOrEqual(atMs);
    expect(lowMs).toBeLessThanOrEqual(atMs + conversionMs + tickMs);
    const tripMs = firstAt(run.after, atMs, (a) => a.faultActive[FaultId.cellSensor]);
    // The first bad sample counts a tick toward the delay; plus one conversion and one tick.
    expect(tripMs).toBeGreaterThanOrEqual(atMs + sensorDelayMs - tickMs);
    expect(tripMs).toBeLessThanOrEqual(atMs + sensorDelayMs + conversionMs + tickMs);
    // The firmware acts first; the chip's own OV/UV on the doubled and the empty reading follow.
    expect(faultSets(run.result)[0]).toBe("cell-sensor");
    const trip = run.after.find((a) => a.t === tripMs)!;
    expect([trip.chargeEnable, trip.dischargeEnable, trip.chargeOn, trip.dischargeOn]).toEqual([false, false, false, false]);
    // Latched: the wire reconnected, the fault stays until a clear.
    expect(run.result.rig.shell.state.out.faultActive[FaultId.cellSensor]).toBe(true);
    expect(run.result.rig.chargeOn() || run.result.rig.dischargeOn()).toBe(false);
  });
});
