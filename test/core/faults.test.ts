// SPDX-License-Identifier: MIT
// The fault table, row by row: debounce in time (not in ticks), release with hysteresis, latching,
// the path each fault opens, warnings that derate but never open, and rows that hold while their
// measurement is missing. Every row is checked at a 100 ms and a 250 ms tick.
import { describe, expect, it } from "vitest";
import { Bench } from "./core-bench";
import { faultCases, inside, invalidate, setGood } from "./fault-cases";
import type { FaultCase } from "./fault-cases";
import { BmsMode, EventKind } from "../../firmware/types";
import { FaultId } from "../../firmware/fault-ids";

const ticks = [100, 250];

function bench(fc: FaultCase, tickMs: number, latch: boolean): Bench {
  return new Bench(fc.config("NMC", latch), tickMs).activate();
}

/** A value of the row's quantity that is bad for the fault tier (exactly at the level). */
function bad(fc: FaultCase, b: Bench): number {
  return fc.condition ? 1 : fc.levels(b.conf).fault;
}

/** A value back past level ∓ hysteresis (by 2, so the bench's 1 mA flicker stays past it). */
function past(fc: FaultCase, b: Bench): number {
  const l = fc.levels(b.conf);
  return fc.condition ? 0 : inside(fc, l.fault, l.hysteresis + 2);
}

/** Steps until the fault tier is active; the clock time it tripped at, or −1. */
function stepUntilTripped(fc: FaultCase, b: Bench, limitMs: number): number {
  for (let t = 0; t <= limitMs; t += b.tickMs) {
    b.step();
    if (b.out.faultActive[fc.id]) return b.now;
  }
  return -1;
}

function trip(fc: FaultCase, b: Bench): void {
  fc.set(b, bad(fc, b));
  const at = stepUntilTripped(fc, b, fc.levels(b.conf).delayMs + 10 * b.tickMs);
  expect(at).toBeGreaterThanOrEqual(0);
}

/** The row's fault delay in the NMC preset the benches use. */
function delayOf(fc: FaultCase): number {
  return fc.levels(fc.config("NMC", false)).delayMs;
}

describe.each(faultCases)("fault row $name", (fc) => {
  describe.each(ticks)("at a %i ms tick", (tickMs) => {
    it("trips after its delay and not before (counted from the last good sample)", () => {
      const b = bench(fc, tickMs, false);
      const delay = fc.levels(b.conf).delayMs;
      b.run(1000);
      expect(b.out.faultActive[fc.id]).toBe(false);
      const lastGood = b.now;
      fc.set(b, bad(fc, b));
      const at = stepUntilTripped(fc, b, delay + 10 * tickMs);
      expect(at - lastGood).toBeGreaterThanOrEqual(Math.max(delay, tickMs));
      expect(at - lastGood).toBeLessThan(delay + tickMs + (delay === 0 ? tickMs : 0));
    });

    it("releases only past level ∓ hysteresis, after the counter has run down", () => {
      const b = bench(fc, tickMs, false);
      const l = fc.levels(b.conf);
      trip(fc, b);
      if (!fc.condition && l.hysteresis > 4) {
        // Back inside the level, but not past the hysteresis: stays active however long.
        fc.set(b, inside(fc, l.fault, 2));
        b.run(l.delayMs + 20 * tickMs);
        expect(b.out.faultActive[fc.id]).toBe(true);
        fc.set(b, bad(fc, b));
        b.run(l.delayMs + tickMs);
        expect(b.out.faultActive[fc.id]).toBe(true);
      }
      const lastBad = b.now;
      fc.set(b, past(fc, b));
      let releasedAt = -1;
      for (let t = 0; t <= l.delayMs + 10 * tickMs; t += tickMs) {
        b.step();
        if (!b.out.faultActive[fc.id]) {
          releasedAt = b.now;
          break;
        }
      }
      expect(releasedAt).toBeGreaterThan(0);
      expect(releasedAt - lastBad).toBeGreaterThanOrEqual(Math.max(l.delayMs, tickMs));
      expect(releasedAt - lastBad).toBeLessThan(l.delayMs + tickMs + (l.delayMs === 0 ? tickMs : 0));
    });

    it("latches when configured: stays after the condition is gone until a clear, and a clear while it persists does nothing", () => {
      const b = bench(fc, tickMs, true);
      const l = fc.levels(b.conf);
      trip(fc, b);
      b.step(true); // clear while the condition persists
      b.run(l.delayMs + 5 * tickMs);
      expect(b.out.faultActive[fc.id]).toBe(true);
      fc.set(b, past(fc, b));
      b.run(l.delayMs + 20 * tickMs);
      expect(b.out.faultActive[fc.id]).toBe(true);
      expect(b.out.mode).toBe(BmsMode.fault);
      b.step(true);
      expect(b.out.faultActive[fc.id]).toBe(false);
    });

    it("opens exactly the paths of its action", () => {
      const b = bench(fc, tickMs, false);
      expect(b.out.chargeEnable && b.out.dischargeEnable).toBe(true);
      trip(fc, b);
      expect(b.out.mode).toBe(BmsMode.fault);
      expect(b.out.chargeEnable).toBe(!fc.opensCharge);
      expect(b.out.dischargeEnable).toBe(!fc.opensDischarge);
      if (fc.opensCharge) expect(b.out.chargeCurrentLimitMa).toBe(0);
      if (fc.opensDischarge) expect(b.out.dischargeCurrentLimitMa).toBe(0);
    });

    // A delay of one tick or less trips on the first bad sample by design: nothing to interleave.
    it.runIf(Math.ceil(delayOf(fc) / tickMs) - 1 >= 1)("does not trip on intermittent bad samples each shorter than the delay (the counter counts down on good ones)", () => {
      const b = bench(fc, tickMs, false);
      const l = fc.levels(b.conf);
      const badTicks = Math.ceil(l.delayMs / tickMs) - 1;
      for (let cycle = 0; cycle < 30; cycle++) {
        fc.set(b, bad(fc, b));
        for (let k = 0; k < badTicks; k++) {
          b.step();
          expect(b.out.faultActive[fc.id]).toBe(false);
        }
        fc.set(b, past(fc, b));
        for (let k = 0; k < badTicks; k++) b.step();
      }
      expect(b.out.faultActive[fc.id]).toBe(false);
    });

    it.runIf(!fc.condition && fc.id !== FaultId.shortCircuit)("sets its warning and derates the limit without opening a path", () => {
      const b = bench(fc, tickMs, false);
      const l = fc.levels(b.conf);
      const max = fc.derates === "charge" ? b.conf.limits.chargeCurrentMaxMa : b.conf.limits.dischargeCurrentMaxMa;
      b.run(1000);
      const before = fc.derates === "charge" ? b.out.chargeCurrentLimitMa : b.out.dischargeCurrentLimitMa;
      expect(before).toBe(max);
      // Between the warning and the fault level.
      fc.set(b, Math.floor((l.warn + l.fault) / 2));
      b.run(3 * l.delayMs + 10 * tickMs);
      expect(b.out.warningActive[fc.id]).toBe(true);
      expect(b.out.faultActive[fc.id]).toBe(false);
      expect(b.out.chargeEnable).toBe(true);
      expect(b.out.dischargeEnable).toBe(true);
      expect(b.out.mode).toBe(BmsMode.active);
      const after = fc.derates === "charge" ? b.out.chargeCurrentLimitMa : b.out.dischargeCurrentLimitMa;
      expect(after).toBeLessThan(max);
      setGood(fc, b);
      b.run(l.delayMs + 10 * tickMs);
      expect(b.out.warningActive[fc.id]).toBe(false);
    });

    // Rows whose delay is too short to split in two ticks are covered at the other tick length.
    it.runIf(fc.source !== undefined && Math.ceil(delayOf(fc) / 2 / tickMs) >= 2)("holds its counters while its measurement is invalid, then trips after the remaining delay", () => {
      const b = bench(fc, tickMs, false);
      const l = fc.levels(b.conf);
      const half = Math.ceil(l.delayMs / 2 / tickMs);
      fc.set(b, bad(fc, b));
      for (let k = 0; k < half; k++) b.step();
      invalidate(fc, b, true);
      b.run(10 * l.delayMs);
      expect(b.out.faultActive[fc.id]).toBe(false);
      invalidate(fc, b, false);
      const resumed = b.now;
      const at = stepUntilTripped(fc, b, l.delayMs + 10 * tickMs);
      expect(at - resumed).toBeGreaterThanOrEqual(l.delayMs - half * tickMs);
      expect(at - resumed).toBeLessThan(l.delayMs - half * tickMs + tickMs);
    });
  });
});

describe("warning release", () => {
  it("uses the row's hysteresis, but at most the distance to the fault level (a wide §8 reset band is the fault tier's)", () => {
    const b = new Bench(faultCases[1].config("LFP", false)).activate();
    const uv = b.conf.protection.cellUvMv;
    const gap = uv.warnLevel - uv.faultLevel;
    expect(uv.hysteresis).toBeGreaterThan(gap);
    b.m.cellMv[2] = uv.warnLevel;
    b.run(uv.delayMs + 100);
    expect(b.out.warningActive[FaultId.cellUv]).toBe(true);
    b.m.cellMv[2] = uv.warnLevel + gap;
    b.run(uv.delayMs * 3);
    expect(b.out.warningActive[FaultId.cellUv]).toBe(true);
    b.m.cellMv[2] = uv.warnLevel + gap + 1;
    b.run(uv.delayMs + 100);
    expect(b.out.warningActive[FaultId.cellUv]).toBe(false);
  });

  it("logs every tier that sets or clears, with time, FaultId and tier", () => {
    const conf = faultCases[0].config("NMC", false);
    const b = new Bench(conf).activate();
    const ov = conf.protection.cellOvMv;
    b.m.cellMv[3] = ov.faultLevel;
    b.run(ov.delayMs);
    const setAt = b.now;
    b.setAllCells(3700);
    b.run(ov.delayMs);
    const events = b.events().filter((e) => e.kind === EventKind.faultSet || e.kind === EventKind.faultCleared);
    expect(events).toEqual([
      { timeMs: setAt, kind: EventKind.faultSet, value: FaultId.cellOv, cause: 0 },
      { timeMs: setAt, kind: EventKind.faultSet, value: FaultId.cellOv, cause: 1 },
      { timeMs: b.now, kind: EventKind.faultCleared, value: FaultId.cellOv, cause: 0 },
      { timeMs: b.now, kind: EventKind.faultCleared, value: FaultId.cellOv, cause: 1 },
    ]);
  });
});
