// SPDX-License-Identifier: MIT
// step() as a whole: reuses its output object, counts time safely, and turns garbage input into
// sensor faults and open paths, never into a closed path or an exception.
import { describe, expect, it } from "vitest";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { Bench, benchConfig, nominalCellMv } from "./core-bench";
import { currentStuckSamples } from "../../firmware/measure";
import { createState } from "../../firmware/state";
import { maxStepMs, step } from "../../firmware/step";
import { faultCount, FaultId } from "../../firmware/fault-ids";
import { BmsMode } from "../../firmware/types";

describe("step", () => {
  it("returns state.out, the same object with the same arrays on every tick", () => {
    const conf = benchConfig("LFP", 16, 100000);
    const b = new Bench(conf);
    const out = b.state.out;
    const arrays = [out.balance, out.faultActive, out.warningActive];
    const faultArrays = [b.state.faults.faultActive, b.state.faults.warnActive, b.state.faults.warnCounterMs, b.state.faults.faultCounterMs];
    const table = b.state.faultTable;
    const log = b.state.events;
    for (let k = 0; k < 2000; k++) {
      b.currentMa = k % 200 < 100 ? 20000 : -20000;
      b.m.cellMv[k % 16] = 3300 + (k % 300);
      expect(b.step()).toBe(out);
    }
    expect(b.state.out).toBe(out);
    expect([out.balance, out.faultActive, out.warningActive]).toEqual(arrays);
    arrays.forEach((a, i) => expect([out.balance, out.faultActive, out.warningActive][i]).toBe(a));
    faultArrays.forEach((a, i) => expect([b.state.faults.faultActive, b.state.faults.warnActive, b.state.faults.warnCounterMs, b.state.faults.faultCounterMs][i]).toBe(a));
    expect(b.state.faultTable).toBe(table);
    expect(b.state.events).toBe(log);
    expect(out.balance).toHaveLength(16);
    expect(out.faultActive).toHaveLength(faultCount);
    expect(log.timeMs).toHaveLength(conf.eventLogSize);
  });

  it("fills the aggregates: lowest/highest cell with index, sum, lowest/highest temperature, counts", () => {
    const b = new Bench(benchConfig("NMC", 8)).activate();
    b.m.cellMv[5] = 3800;
    b.m.cellMv[2] = 3600;
    b.m.temperatureDeciC[0] = 310;
    b.m.temperatureDeciC[1] = 220;
    b.step();
    expect([b.out.maxCellMv, b.out.maxCellIndex, b.out.minCellMv, b.out.minCellIndex]).toEqual([3800, 5, 3600, 2]);
    expect(b.out.sumCellMv).toBe(6 * 3700 + 3800 + 3600);
    expect([b.out.minTemperatureDeciC, b.out.maxTemperatureDeciC]).toEqual([220, 310]);
    expect(b.out.socCentiPct).toBe(b.state.soc.socCentiPct);
    expect(b.out.sohCentiPct).toBe(b.state.soc.sohCentiPct);
    expect([b.out.faultCount, b.out.warningCount]).toEqual([0, 0]);
  });

  it("keeps the last aggregates while the cells or temperatures are invalid (stale readings are not news)", () => {
    const b = new Bench(benchConfig("NMC", 8)).activate();
    b.m.cellMv[1] = 3750;
    b.step();
    b.m.cellsValid = false;
    b.m.temperaturesValid = false;
    b.m.cellMv[1] = 4000;
    b.m.temperatureDeciC[0] = 400;
    b.step();
    expect([b.out.maxCellMv, b.out.maxCellIndex, b.out.maxTemperatureDeciC]).toEqual([3750, 1, 250]);
  });

  it("counts nothing for a clock that runs backwards or is not a number", () => {
    const conf = benchConfig("NMC");
    const b = new Bench(conf).activate();
    b.m.cellMv[0] = conf.protection.cellOvMv.faultLevel;
    const state = b.state;
    let now = b.now;
    // Backwards, NaN and backwards again: no time passes, no trip however often it is called.
    for (let k = 0; k < 50; k++) {
      now = k % 3 === 1 ? Number.NaN : now - 100;
      step(conf, state, b.inputs, now);
    }
    expect(state.faults.faultCounterMs[FaultId.cellOv]).toBe(0);
    expect(b.out.faultActive[FaultId.cellOv]).toBe(false);
    // Forward again from the last good time: the delay counts normally.
    const last = state.lastNowMs;
    step(conf, state, b.inputs, last + conf.protection.cellOvMv.delayMs);
    expect(b.out.faultActive[FaultId.cellOv]).toBe(true);
  });

  it(`counts a long gap as at most maxStepMs (${maxStepMs} ms)`, () => {
    const conf = benchConfig("NMC", 8, 100000);
    const b = new Bench(conf).activate();
    b.currentMa = 10000;
    b.step();
    const before = b.state.soc.remainingMas;
    b.m.currentMa = 10000;
    step(conf, b.state, b.inputs, b.now + 3600000);
    // One hour of 10 A would be 36,000,000 mAs; the clamp books 10 s.
    expect(b.state.soc.remainingMas - before).toBe(10000 * (maxStepMs / 1000));
  });

  it("a NaN cell is a cell sensor fault that opens both paths, not an OV or UV", () => {
    const conf = benchConfig("LFP");
    const b = new Bench(conf).activate();
    b.m.cellMv[3] = Number.NaN;
    const lastGood = b.now;
    for (let t = 0; t < 3000; t += 100) {
      b.step();
      if (b.now - lastGood < conf.sensors.sensorDelayMs) expect(b.out.faultActive[FaultId.cellSensor]).toBe(false);
    }
    expect(b.out.faultActive[FaultId.cellSensor]).toBe(true);
    expect(b.out.chargeEnable || b.out.dischargeEnable).toBe(false);
    expect(b.out.warningActive[FaultId.cellOv] || b.out.warningActive[FaultId.cellUv]).toBe(false);
    expect(b.out.faultActive[FaultId.stackMismatch]).toBe(false);
    // The aggregates come from the plausible cells only.
    expect(b.out.maxCellMv).toBe(nominalCellMv.LFP);
    expect(Number.isNaN(b.out.sumCellMv)).toBe(false);
  });

  it("a NaN current is a current sensor fault; SoC and activity do not take it in", () => {
    const conf = benchConfig("LFP");
    const b = new Bench(conf).activate();
    const soc = b.state.soc.socCentiPct;
    b.m.currentMa = Number.NaN;
    // Bypass the bench's flicker: write NaN straight into the measurements.
    for (let k = 0; k < 20; k++) step(conf, b.state, b.inputs, (b.now += 100));
    expect(b.out.faultActive[FaultId.currentSensor]).toBe(true);
    expect(b.out.chargeEnable || b.out.dischargeEnable).toBe(false);
    expect(b.out.socCentiPct).toBe(soc);
    expect(Number.isInteger(b.state.soc.remainingMas)).toBe(true);
  });

  it("a NaN temperature or stack reading is a sensor fault", () => {
    const conf = benchConfig("NMC");
    const b = new Bench(conf).activate();
    b.m.temperatureDeciC[0] = Number.NaN;
    b.run(1000);
    expect(b.out.faultActive[FaultId.temperatureSensor]).toBe(true);
    const c = new Bench(conf).activate();
    c.stackMv = Number.NaN;
    c.run(1000);
    expect(c.out.faultActive[FaultId.stackMismatch]).toBe(true);
    expect(c.out.chargeEnable || c.out.dischargeEnable).toBe(false);
  });

  it("a current frozen to the mA under load is a stuck sensor; a steady zero at rest is not", () => {
    const conf = benchConfig("NMC");
    const b = new Bench(conf).activate();
    b.run(conf.sensors.currentStuckMs * 2);
    expect(b.out.faultActive[FaultId.currentSensor]).toBe(false);
    b.m.currentMa = -3000;
    const start = b.now;
    let trippedAt = -1;
    for (let t = 0; t < conf.sensors.currentStuckMs * 2 && trippedAt < 0; t += 100) {
      step(conf, b.state, b.inputs, (b.now += 100));
      if (b.out.faultActive[FaultId.currentSensor]) trippedAt = b.now;
    }
    expect(trippedAt - start).toBeGreaterThanOrEqual(conf.sensors.currentStuckMs + conf.sensors.sensorDelayMs);
    expect(trippedAt - start).toBeLessThanOrEqual(conf.sensors.currentStuckMs + conf.sensors.sensorDelayMs + 200);
  });

  it("on a slow tick a stuck verdict also needs currentStuckSamples identical readings, not only currentStuckMs", () => {
    const conf = benchConfig("NMC");
    const b = new Bench(conf).activate();
    b.m.currentMa = -3000;
    const tickMs = 2500;
    let trippedAt = -1;
    const start = b.now;
    for (let k = 0; k < 2 * currentStuckSamples && trippedAt < 0; k++) {
      step(conf, b.state, b.inputs, (b.now += tickMs));
      if (b.out.faultActive[FaultId.currentSensor]) trippedAt = b.now;
    }
    // 30 s is 12 samples here: the verdict waits for 60, then the row's own delay.
    expect(trippedAt - start).toBeGreaterThanOrEqual(currentStuckSamples * tickMs);
    expect(trippedAt - start).toBeLessThanOrEqual(currentStuckSamples * tickMs + conf.sensors.sensorDelayMs + tickMs);
  });

  it("missing temperatures while the cells arrive is a sensor fault", () => {
    const conf = benchConfig("NMC");
    const b = new Bench(conf).activate();
    b.m.temperaturesValid = false;
    b.run(conf.sensors.sensorDelayMs + 200);
    expect(b.out.faultActive[FaultId.temperatureSensor]).toBe(true);
  });

  it("losing the AFE with a cell over voltage opens both paths within afeLossDelayMs", () => {
    const conf = benchConfig("NMC");
    const b = new Bench(conf).activate();
    b.m.cellMv[2] = conf.protection.cellOvMv.faultLevel + 100;
    b.m.cellsValid = false;
    const lost = b.now;
    let openAt = -1;
    for (let t = 0; t < 5000 && openAt < 0; t += 100) {
      b.step();
      if (!b.out.chargeEnable && !b.out.dischargeEnable) openAt = b.now;
    }
    expect(openAt - lost).toBe(conf.sensors.afeLossDelayMs);
    expect(b.out.faultActive[FaultId.afeComm]).toBe(true);
    expect(b.out.faultActive[FaultId.cellOv]).toBe(false);
  });

  it("never throws and never closes a path on garbage: 20,000 random ticks", () => {
    const conf = benchConfig("LFP", 8, 50000);
    const state = createState(conf);
    const rng = xoroshiro128plus(42);
    const draw = (lo: number, hi: number) => uniformInt(rng, lo, hi);
    const garbage = [Number.NaN, Infinity, -Infinity, -1, 0, 1e12, -1e12, 65535];
    const pick = () => garbage[draw(0, garbage.length - 1)];
    const b = new Bench(conf);
    let now = 0;
    for (let k = 0; k < 20000; k++) {
      const m = b.m;
      m.cellsValid = draw(0, 9) > 0;
      m.temperaturesValid = draw(0, 9) > 0;
      m.currentValid = draw(0, 9) > 0;
      // Every tick has at least one garbage cell reading.
      for (let i = 0; i < 8; i++) m.cellMv[i] = draw(0, 3) === 0 ? pick() : draw(2000, 4000);
      m.cellMv[draw(0, 7)] = pick();
      m.temperatureDeciC[0] = draw(0, 5) === 0 ? pick() : draw(-300, 700);
      m.currentMa = draw(0, 5) === 0 ? pick() : draw(-100000, 100000);
      m.stackMv = draw(0, 5) === 0 ? pick() : draw(16000, 32000);
      m.openWire[draw(0, 7)] = draw(0, 20) === 0;
      b.inputs.clearFaults = draw(0, 50) === 0;
      now += draw(-50, 300);
      const out = step(conf, state, b.inputs, draw(0, 100) === 0 ? Number.NaN : now);
      expect(out.chargeEnable).toBe(false);
      expect(out.dischargeEnable).toBe(false);
      expect(out.chargeVoltageLimitMv).toBe(8 * conf.limits.cellChargeMv);
      expect(out.mode).toBe(BmsMode.init);
    }
  });

  it("garbage after a healthy start opens both paths within the sensor delay and keeps them open", () => {
    const conf = benchConfig("NMC", 8, 50000);
    const b = new Bench(conf).activate();
    const rng = xoroshiro128plus(7);
    const draw = (lo: number, hi: number) => uniformInt(rng, lo, hi);
    const start = b.now;
    for (let k = 0; k < 5000; k++) {
      b.m.cellMv[draw(0, 7)] = [Number.NaN, -5, 1e9][draw(0, 2)];
      b.currentMa = draw(-1000, 1000);
      const out = b.step(draw(0, 30) === 0);
      if (b.now - start > conf.sensors.sensorDelayMs) {
        expect(out.chargeEnable).toBe(false);
        expect(out.dischargeEnable).toBe(false);
      }
      expect(Number.isInteger(out.socCentiPct)).toBe(true);
    }
  });
});
