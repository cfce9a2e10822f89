// Conformance, part 2: the AFE itself. A silent AFE, a short circuit, the chip's own protection
// as the second layer under a stalled firmware, and the thresholds the chip was given, on every
// board. Where the hardware differs (the MCU's pins or the chip's FETs switch the paths) the
// test says which behaviour each kind of board must show.
import { describe, expect, it } from "vitest";
import { AfeStatus } from "../../hal/afe";
import type { AfeLimits } from "../../hal/afe";
import type { BoardDefinition } from "../../boards/types";
import { chipOvMarginMv } from "../../firmware/afe-limits";
import { FaultId } from "../../firmware/fault-ids";
import { Rig } from "../../sim/rig";
import { boards, chipDrivesFets, Crossing, eventTime, highestCellMv, PathWatch, runScenario, scenario, scenarioFile, stepRig, tickSlackMs } from "./helpers";

const silence = scenario({
  name: "conformance-afe-silence",
  durationS: 45,
  seed: 5,
  pack: { initialSocPct: 60 },
  profile: [{ atS: 0, mode: "current", c: -0.2 }],
  faults: [{ atS: 20, untilS: 30, type: "afeSilence" }],
  commands: [{ atS: 40, type: "clearFaults" }],
});

const shortCircuit = scenarioFile("short-circuit");

/**
 * The chip's protection runs on its own conversions (the bq769x0 every 250 ms, afe-chips.md §3)
 * and the rig samples it once per tick: a trip may show that much after its delay.
 */
const chipSlackMs = 250;

interface StalledRun {
  applied: AfeLimits;
  /** The highest true cell at or above the chip's applied over-voltage level. */
  crossing: Crossing;
  openedMs: number;
  sinceAtOpenMs: number;
  highestMv: number;
  /** Ticks after the charge FET opened on which it was on again, or the discharge FET off. */
  chargeOnAfterOpen: number;
  dischargeOffAfterOpen: number;
  /** Events the firmware logged after it stopped: none can come from a stalled loop. */
  firmwareEvents: number;
}

/**
 * The firmware starts, configures the chip and closes both FETs at rest, then stops for good,
 * while a broken charger pushes 0.5C into a nearly full pack. Runs until the charge FET has been
 * open for 10 s (or 2 h, when it never opens).
 */
function stalledOvercharge(board: BoardDefinition): StalledRun {
  const rig = new Rig({ board, seed: 9, initialSocPct: 97, spread: { initialSocPct: 1 }, ambientCelsius: 25 });
  for (let k = 0; k < 30; k++) stepRig(rig, 0, 25, true);
  expect(rig.chargeOn() && rig.dischargeOn()).toBe(true);
  expect(highestCellMv(rig)).toBeLessThan(board.pack.protection.cellOvMv.faultLevel);
  const applied = rig.shell.appliedLimits;
  const eventsBefore = rig.shell.state.events.total;
  const r: StalledRun = {
    applied,
    crossing: new Crossing((mv) => mv >= applied.cellOvMv),
    openedMs: -1,
    sinceAtOpenMs: -1,
    highestMv: 0,
    chargeOnAfterOpen: 0,
    dischargeOffAfterOpen: 0,
    firmwareEvents: 0,
  };
  const giveUpMs = rig.platform.clock.nowMs() + 2 * 3600 * 1000;
  let afterOpenMs = 0;
  while (rig.platform.clock.nowMs() < giveUpMs && afterOpenMs < 10000) {
    stepRig(rig, board.pack.capacityMah / 2, 25, false);
    const t = rig.platform.clock.nowMs();
    const mv = highestCellMv(rig);
    r.highestMv = Math.max(r.highestMv, mv);
    r.crossing.see(mv, t);
    if (r.openedMs < 0 && !rig.chargeOn()) {
      r.openedMs = t;
      r.sinceAtOpenMs = r.crossing.sinceMs;
    }
    if (r.openedMs < 0) continue;
    afterOpenMs += board.tickMs;
    if (rig.chargeOn()) r.chargeOnAfterOpen++;
    if (!rig.dischargeOn()) r.dischargeOffAfterOpen++;
  }
  r.firmwareEvents = rig.shell.state.events.total - eventsBefore;
  return r;
}

describe.each(boards)("conformance of $name: the AFE", (board) => {
  const tick = board.tickMs;
  const slack = tickSlackMs(tick);
  const p = board.pack.protection;

  it("a silent AFE opens both paths within the board's count of failed reads (afe-comm), and they stay open until faults are cleared", () => {
    const silentMs = silence.faults[0].atS * 1000;
    const backMs = 30000;
    const clearMs = silence.commands[0].atS * 1000;
    let decidedMs = -1;
    const charge = new PathWatch(true);
    const discharge = new PathWatch(false);
    let closedWhileLatched = 0;
    let reclosedMs = -1;
    const r = runScenario(silence, board, {
      onTick: (rig, out, t) => {
        charge.see(rig, out, t);
        discharge.see(rig, out, t);
        if (t >= silentMs && decidedMs < 0 && !out.chargeEnable && !out.dischargeEnable) decidedMs = t;
        const anyOn = rig.chargeOn() || rig.dischargeOn() || out.chargeEnable || out.dischargeEnable;
        if (t > backMs && t < clearMs && anyOn) closedWhileLatched++;
        if (t >= clearMs && reclosedMs < 0 && rig.chargeOn() && rig.dischargeOn()) reclosedMs = t;
      },
    });
    expect(charge.closedMs).toBeGreaterThan(0);
    expect(charge.closedMs).toBeLessThan(silentMs);
    // The driver gives up after pecErrorLimit failed reads, counting the first silent tick.
    const decisionBound = silentMs + board.afe.pecErrorLimit * tick;
    expect(decidedMs).toBeGreaterThanOrEqual(silentMs);
    expect(decidedMs).toBeLessThanOrEqual(decisionBound);
    expect(eventTime(r, "fault-set", "afe-comm fault")).toBe(decidedMs);
    expect(eventTime(r, "mode", "fault (afe-comm)")).toBe(decidedMs);
    // Pins follow the decision on the same tick. FETs inside a chip that does not answer cannot
    // be switched: they open on the first tick the chip answers again.
    const physicalBound = chipDrivesFets(board) ? backMs + tick : decisionBound;
    expect(charge.openedMs).toBeGreaterThanOrEqual(silentMs);
    expect(charge.openedMs).toBeLessThanOrEqual(physicalBound);
    expect(discharge.openedMs).toBeGreaterThanOrEqual(silentMs);
    expect(discharge.openedMs).toBeLessThanOrEqual(physicalBound);
    // Latched: the AFE is back at 30 s, nothing closes before the clear at 40 s, both close after.
    expect(closedWhileLatched).toBe(0);
    expect(eventTime(r, "fault-cleared", "afe-comm fault")).toBeGreaterThanOrEqual(clearMs);
    expect(reclosedMs).toBeGreaterThanOrEqual(clearMs);
    expect(reclosedMs).toBeLessThanOrEqual(clearMs + slack);
    expect(r.summary.internalErrors).toBe(0);
  });

  const expectedShortDetail = chipDrivesFets(board) ? "short-circuit fault (chip protection first)" : "short-circuit fault";
  it(`a short circuit is cut at its first sample: "${expectedShortDetail}", and both paths stay open (latched)`, () => {
    const shortMs = shortCircuit.profile[1].atS * 1000;
    const endMs = shortCircuit.profile[2].atS * 1000;
    let dischargeOnAtFirstTick: boolean | undefined;
    let shortTicks = 0;
    let reclosed = 0;
    const r = runScenario(shortCircuit, board, {
      onTick: (rig, out, t) => {
        if (t === shortMs) dischargeOnAtFirstTick = rig.dischargeOn();
        if (-rig.trueCurrentMa >= p.shortCircuitMa.faultLevel) shortTicks++;
        if (t > shortMs && (rig.chargeOn() || rig.dischargeOn() || out.chargeEnable || out.dischargeEnable)) reclosed++;
      },
    });
    // Open by the end of the tick that first carried the short: one tick of short current.
    expect(dischargeOnAtFirstTick).toBe(false);
    expect(shortTicks).toBe(1);
    expect(eventTime(r, "fault-set", expectedShortDetail)).toBe(shortMs);
    expect(eventTime(r, "mode", "fault (short-circuit)")).toBe(shortMs);
    // Latched: open through the rest after the short, the fault still active at the end.
    expect(reclosed).toBe(0);
    expect(r.summary.simulatedS * 1000).toBeGreaterThan(endMs);
    expect(r.rig.shell.state.faults.faultActive[FaultId.shortCircuit]).toBe(true);
    expect(r.summary.dischargeEnable).toBe(false);
    expect(r.rig.dischargeOn()).toBe(false);
  });

  it.runIf(chipDrivesFets(board))("with the firmware stalled (and the chip's host watchdog off), the chip's own over-voltage protection opens the charge FET at its applied threshold and delay", () => {
    // The host watchdog, where the chip has one, would open both FETs first (see the next test):
    // switched off here so the over-voltage layer shows on its own.
    const r = stalledOvercharge({ ...board, afe: { ...board.afe, hostWatchdogS: 0 } } as BoardDefinition);
    const applied = r.applied;
    expect(applied.cellOvMv).toBeGreaterThan(0);
    expect(applied.cellOvDelayMs).toBeGreaterThan(0);
    expect(r.openedMs).toBeGreaterThan(0);
    expect(r.crossing.firstMs).toBeGreaterThan(0);
    expect(r.openedMs - r.crossing.firstMs).toBeGreaterThanOrEqual(applied.cellOvDelayMs - tick);
    expect(r.sinceAtOpenMs).toBeGreaterThan(0);
    expect(r.openedMs - r.sinceAtOpenMs).toBeLessThanOrEqual(applied.cellOvDelayMs + chipSlackMs + slack);
    expect(r.highestMv).toBeLessThan(applied.cellOvMv + chipOvMarginMv);
    // Over-voltage opens the charge FET only, and it stays open.
    expect(r.chargeOnAfterOpen).toBe(0);
    expect(r.dischargeOffAfterOpen).toBe(0);
    expect(r.firmwareEvents).toBe(0);
  });

  it.runIf(chipDrivesFets(board))("with the firmware stalled, the board as built opens the charge FET no later than the chip's over-voltage protection would", () => {
    const r = stalledOvercharge(board);
    expect(r.openedMs).toBeGreaterThan(0);
    // Opened before any cell reached the chip's level (a host watchdog), or by that level's delay.
    const ovBoundMs = r.sinceAtOpenMs > 0 ? r.sinceAtOpenMs + r.applied.cellOvDelayMs + chipSlackMs + slack : Infinity;
    expect(r.openedMs).toBeLessThanOrEqual(ovBoundMs);
    expect(r.highestMv).toBeLessThan(r.applied.cellOvMv + chipOvMarginMv);
    expect(r.chargeOnAfterOpen).toBe(0);
    expect(r.firmwareEvents).toBe(0);
  });

  it("the chip took its configuration and every threshold it holds sits at or beyond the firmware's own", () => {
    const rig = new Rig({ board, seed: 1, initialSocPct: 50, spread: {}, ambientCelsius: 25 });
    for (let k = 0; k < 10; k++) stepRig(rig, 0, 25, true);
    expect(rig.shell.afeConfigStatus).toBe(AfeStatus.ok);
    const a = rig.shell.appliedLimits;
    // [field, firmware level, the chip must be at least (1) or at most (−1) that]
    const rows: [keyof AfeLimits, number, 1 | -1][] = [
      ["cellOvMv", p.cellOvMv.faultLevel, 1],
      ["cellOvDelayMs", p.cellOvMv.delayMs, 1],
      ["cellUvMv", p.cellUvMv.faultLevel, -1],
      ["cellUvDelayMs", p.cellUvMv.delayMs, 1],
      ["chargeOcMa", p.chargeOcMa.faultLevel, 1],
      ["chargeOcDelayMs", p.chargeOcMa.delayMs, 1],
      ["dischargeOcMa", p.dischargeOcMa.faultLevel, 1],
      ["dischargeOcDelayMs", p.dischargeOcMa.delayMs, 1],
      ["shortCircuitMa", p.shortCircuitMa.faultLevel, 1],
      ["chargeOtDeciC", p.chargeOtDeciC.faultLevel, 1],
      ["dischargeOtDeciC", p.dischargeOtDeciC.faultLevel, 1],
      ["chargeUtDeciC", p.chargeUtDeciC.faultLevel, -1],
    ];
    const held = rows.filter(([field]) => a[field] !== 0);
    const inside = held.filter(([field, level, side]) => (side > 0 ? a[field] < level : a[field] > level)).map(([field, level]) => `${field} ${a[field]} vs firmware ${level}`);
    expect(inside).toEqual([]);
    // Every AFE holds at least the cell voltage thresholds (LTC681x: its VOV/VUV comparators).
    expect(held.map(([field]) => field)).toEqual(expect.arrayContaining(["cellOvMv", "cellUvMv"]));
  });
});
