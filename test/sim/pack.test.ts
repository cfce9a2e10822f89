// SPDX-License-Identifier: MIT
// The simulated pack (spread, balancing, faults, determinism) and the current sensor model.
import { describe, expect, it } from "vitest";
import { PackModel } from "../../sim/pack";
import { CurrentSensorModel } from "../../sim/current-sensor";
import { Rng, rngStreams } from "../../sim/rng";
import { ocvTable } from "../../firmware/ocv";

function runPack(pack: PackModel, seconds: number, amps: number, dt = 1): void {
  const n = Math.round(seconds / dt);
  for (let k = 0; k < n; k++) pack.step(dt, amps, 25);
}

function stats(values: number[]): { mean: number; sd: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
  return { mean, sd };
}

function cellsOf<T>(pack: PackModel, f: (i: number) => T): T[] {
  return Array.from({ length: pack.cellCount }, (_, i) => f(i));
}

describe("random streams", () => {
  it("the same seed repeats its draws and neighbouring seeds do not", () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const c = new Rng(8);
    const da = Array.from({ length: 5 }, () => a.uniform());
    expect(Array.from({ length: 5 }, () => b.uniform())).toEqual(da);
    const dc = Array.from({ length: 5 }, () => c.uniform());
    for (let k = 0; k < 5; k++) expect(Math.abs(dc[k] - da[k])).toBeGreaterThan(1e-6);
  });

  it("normal variates have the asked mean and σ", () => {
    const r = new Rng(3);
    const s = stats(Array.from({ length: 20000 }, () => r.normal(5, 2)));
    expect(s.mean).toBeCloseTo(5, 1);
    expect(s.sd).toBeCloseTo(2, 1);
  });

  it("stream k is the same whatever the number of streams asked for", () => {
    const few = rngStreams(11, 2);
    const many = rngStreams(11, 5);
    expect(few[1].uniform()).toBe(many[1].uniform());
    expect(many[2].uniform()).not.toBe(many[3].uniform());
  });
});

describe("pack construction", () => {
  it("names the wrong option in its error", () => {
    expect(() => new PackModel({ chemistry: "LFP", seriesCount: 0, capacityAh: 100 })).toThrow(/options\.seriesCount/);
    expect(() => new PackModel({ chemistry: "LFP", seriesCount: 4, capacityAh: 100, spread: { capacityPct: -1 } })).toThrow(/options\.spread\.capacityPct/);
    expect(() => new PackModel({ chemistry: "XYZ" as "LFP", seriesCount: 4, capacityAh: 100 })).toThrow(/options\.chemistry/);
  });

  it("rejects a cell index outside the pack, naming it", () => {
    const pack = new PackModel({ chemistry: "NMC", seriesCount: 4, capacityAh: 5 });
    expect(() => pack.cellVolts(4)).toThrow(/cell index: 4 is outside 0\.\.3/);
  });

  it("a pack without spread sits on the OCV table and its voltage is the sum of the cells", () => {
    const pack = new PackModel({ chemistry: "NMC", seriesCount: 12, capacityAh: 5, initialSocPct: 50, spread: { capacityPct: 0, resistancePct: 0, selfDischargePct: 0, initialSocPct: 0 } });
    for (let i = 0; i < 12; i++) expect(pack.cellVolts(i)).toBeCloseTo(ocvTable("NMC").mv[5] / 1000, 4);
    expect(pack.packVolts()).toBeCloseTo(12 * pack.cellVolts(0), 9);
    expect(pack.trueSocPct()).toBeCloseTo(50, 9);
    expect(pack.meanSocPct()).toBeCloseTo(50, 9);
  });
});

describe("determinism and spread", () => {
  const options = { chemistry: "LFP" as const, seriesCount: 16, capacityAh: 100, initialSocPct: 60, spread: { initialSocPct: 2 } };

  function trace(seed: number): number[] {
    const pack = new PackModel({ ...options, seed });
    const out: number[] = [];
    for (let k = 0; k < 600; k++) {
      pack.step(1, k < 300 ? -80 : 40, 25);
      if (k === 100) pack.setBleed(3, true);
      if (k % 50 === 0) out.push(...cellsOf(pack, (i) => pack.cellVolts(i)), pack.cellCelsius(5), pack.trueSocPct());
    }
    return out;
  }

  it("the same seed and inputs give an identical run", () => {
    expect(trace(42)).toEqual(trace(42));
  });

  it("a different seed gives a different spread", () => {
    const a = new PackModel({ ...options, seed: 1 });
    const b = new PackModel({ ...options, seed: 2 });
    const capA = cellsOf(a, (i) => a.cellCapacityAh(i));
    const capB = cellsOf(b, (i) => b.cellCapacityAh(i));
    expect(capA).not.toEqual(capB);
    expect(cellsOf(a, (i) => a.cellSoc(i))).not.toEqual(cellsOf(b, (i) => b.cellSoc(i)));
  });

  it("on a 200-cell pack the drawn spread matches the asked σ", () => {
    const pack = new PackModel({
      chemistry: "NMC",
      seriesCount: 200,
      capacityAh: 5,
      seed: 9,
      initialSocPct: 50,
      spread: { capacityPct: 1, resistancePct: 3, selfDischargePct: 30, initialSocPct: 2 },
    });
    const cap = stats(cellsOf(pack, (i) => pack.cellCapacityAh(i) / 5));
    const res = stats(cellsOf(pack, (i) => pack.cellNominalR0Ohms(i) / 0.02));
    const sd = stats(cellsOf(pack, (i) => pack.cellSelfDischargeAmps(i)));
    const soc = stats(cellsOf(pack, (i) => pack.cellSoc(i) * 100));
    // σ of a 200-sample σ is ≈ 5 %; the ±3σ cut takes ≈ 1.5 % off.
    expect(cap.mean).toBeCloseTo(1, 2);
    expect(cap.sd / 0.01).toBeGreaterThan(0.8);
    expect(cap.sd / 0.01).toBeLessThan(1.2);
    expect(res.sd / 0.03).toBeGreaterThan(0.8);
    expect(res.sd / 0.03).toBeLessThan(1.2);
    expect(sd.sd / sd.mean / 0.3).toBeGreaterThan(0.8);
    expect(sd.sd / sd.mean / 0.3).toBeLessThan(1.2);
    expect(soc.mean).toBeCloseTo(50, 0);
    expect(soc.sd / 2).toBeGreaterThan(0.8);
    expect(soc.sd / 2).toBeLessThan(1.2);
  });

  it("the defaults draw a small spread (capacity σ 0.5 %, R0 σ 2 %)", () => {
    const pack = new PackModel({ chemistry: "NMC", seriesCount: 200, capacityAh: 5, seed: 4 });
    expect(stats(cellsOf(pack, (i) => pack.cellCapacityAh(i) / 5)).sd).toBeCloseTo(0.005, 3);
    expect(stats(cellsOf(pack, (i) => pack.cellNominalR0Ohms(i) / 0.02)).sd).toBeCloseTo(0.02, 2);
  });
});

describe("pack SoC", () => {
  it("the usable SoC is 0 once the lowest cell is empty and 100 once the highest is full", () => {
    const pack = new PackModel({ chemistry: "NMC", seriesCount: 8, capacityAh: 5, seed: 5, initialSocPct: 50, spread: { initialSocPct: 3 } });
    const socs = cellsOf(pack, (i) => pack.cellSoc(i));
    expect(Math.max(...socs) - Math.min(...socs)).toBeGreaterThan(0.03);
    while (Math.min(...cellsOf(pack, (i) => pack.cellSoc(i))) > 0) pack.step(1, -5, 25);
    expect(pack.trueSocPct()).toBe(0);
    expect(pack.meanSocPct()).toBeGreaterThan(1);
    while (Math.max(...cellsOf(pack, (i) => pack.cellSoc(i))) < 1) pack.step(1, 5, 25);
    expect(pack.trueSocPct()).toBe(100);
    expect(pack.meanSocPct()).toBeLessThan(99);
  });
});

describe("balancing and faults", () => {
  it("a bleed resistor takes its V/R from that cell only, heats it, and the energy is counted", () => {
    const pack = new PackModel({ chemistry: "NMC", seriesCount: 4, capacityAh: 5, seed: 1, bleedOhms: 34, initialSocPct: 80, spread: { initialSocPct: 0, selfDischargePct: 0, capacityPct: 0 } });
    const before = cellsOf(pack, (i) => pack.cellSoc(i));
    pack.setBleed(2, true);
    expect(pack.bleeding(2)).toBe(true);
    let chargeAs = 0;
    let energy = 0;
    for (let k = 0; k < 3600; k++) {
      const amps = pack.cellVolts(2) / 34;
      chargeAs += amps;
      energy += amps * amps * 34;
      pack.step(1, 0, 25);
    }
    const drop = before[2] - pack.cellSoc(2);
    const otherDrop = before[0] - pack.cellSoc(0);
    expect((drop - otherDrop) / (chargeAs / (3600 * 5))).toBeCloseTo(1, 2);
    expect(pack.bleedEnergyJoules() / energy).toBeCloseTo(1, 2);
    expect(pack.cellCelsius(2)).toBeGreaterThan(pack.cellCelsius(1) + 1);
    pack.setBleed(2, false);
    const e = pack.bleedEnergyJoules();
    runPack(pack, 600, 0);
    expect(pack.bleedEnergyJoules()).toBe(e);
  });

  it("over-charge drives the cell voltage far above the normal maximum", () => {
    const pack = new PackModel({ chemistry: "NMC", seriesCount: 4, capacityAh: 5, seed: 3, initialSocPct: 95 });
    const fullMv = ocvTable("NMC").mv[10];
    let highest = 0;
    for (let k = 0; k < 3600; k++) {
      pack.step(1, 2.5, 25);
      for (let i = 0; i < 4; i++) highest = Math.max(highest, pack.cellVolts(i) * 1000);
    }
    expect(highest).toBeGreaterThan(fullMv + 500);
    for (let i = 0; i < 4; i++) {
      expect(pack.cellSoc(i)).toBeLessThanOrEqual(1);
      expect(pack.cellSocRaw(i)).toBeGreaterThan(1);
    }
  });

  it("over-discharge collapses the cell voltage below the table's empty point", () => {
    const pack = new PackModel({ chemistry: "LFP", seriesCount: 4, capacityAh: 100, seed: 3, initialSocPct: 5 });
    runPack(pack, 900, -50);
    for (let i = 0; i < 4; i++) {
      expect(pack.cellVolts(i)).toBeLessThan(ocvTable("LFP").mv[0] / 1000 - 1);
      expect(pack.cellSoc(i)).toBe(0);
      expect(pack.cellSocRaw(i)).toBeLessThan(0);
    }
  });

  it("an internal short drains and heats only its cell, and stops when removed", () => {
    const pack = new PackModel({ chemistry: "NMC", seriesCount: 4, capacityAh: 5, seed: 6, initialSocPct: 70 });
    const before = cellsOf(pack, (i) => pack.cellSoc(i));
    pack.injectInternalShort(1, 5);
    expect(pack.internalShortOhms(1)).toBe(5);
    let chargeAs = 0;
    for (let k = 0; k < 1800; k++) {
      chargeAs += pack.cellVolts(1) / 5;
      pack.step(1, 0, 25);
    }
    const drop = before[1] - pack.cellSoc(1);
    expect(drop / (chargeAs / (3600 * pack.cellCapacityAh(1)))).toBeCloseTo(1, 2);
    expect(drop).toBeGreaterThan(0.05);
    expect(before[0] - pack.cellSoc(0)).toBeLessThan(1e-4);
    expect(pack.cellCelsius(1)).toBeGreaterThan(pack.cellCelsius(0) + 5);
    pack.injectInternalShort(1, undefined);
    const s = pack.cellSoc(1);
    runPack(pack, 600, 0);
    expect(s - pack.cellSoc(1)).toBeLessThan(1e-4);
  });

  it("thermal coupling carries heat to the neighbours", () => {
    const make = (g: number): PackModel => new PackModel({ chemistry: "NMC", seriesCount: 3, capacityAh: 5, seed: 1, cellToCellWattsPerKelvin: g });
    const alone = make(0);
    const coupled = make(0.2);
    for (const p of [alone, coupled]) {
      p.injectInternalShort(1, 5);
      runPack(p, 1800, 0);
    }
    expect(alone.cellCelsius(0)).toBeCloseTo(25, 1);
    expect(coupled.cellCelsius(0)).toBeGreaterThan(26);
    expect(coupled.cellCelsius(1)).toBeLessThan(alone.cellCelsius(1));
  });
});

describe("current sensor", () => {
  const base = { milliampsPerCount: 10, resolutionBits: 12, zeroCount: 2048 };

  it("an ideal sensor reads zeroCount + I / (mA per count)", () => {
    const s = new CurrentSensorModel(base);
    expect(s.rawCount(0)).toBe(2048);
    expect(s.rawCount(1000)).toBe(2148);
    expect(s.rawCount(-2500)).toBe(1798);
    expect(s.idealMaOf(s.rawCount(5000))).toBe(5000);
  });

  it("applies gain error and offset", () => {
    const s = new CurrentSensorModel({ ...base, gainErrorPermille: 20, offsetMa: 30 });
    // 10 A · 1.02 + 30 mA = 10230 mA → 1023 counts.
    expect(s.rawCount(10000)).toBe(2048 + 1023);
    expect(s.rawCount(0)).toBe(2048 + 3);
  });

  it("adds noise of the asked σ, the same for the same seed", () => {
    const a = new CurrentSensorModel({ ...base, noiseMa: 50, seed: 5 });
    const b = new CurrentSensorModel({ ...base, noiseMa: 50, seed: 5 });
    const readsA = Array.from({ length: 5000 }, () => a.idealMaOf(a.rawCount(0)));
    const readsB = Array.from({ length: 5000 }, () => b.idealMaOf(b.rawCount(0)));
    expect(readsA).toEqual(readsB);
    const s = stats(readsA);
    expect(Math.abs(s.mean)).toBeLessThan(3);
    // Quantisation (10 mA steps) adds ≈ 10/√12 mA in quadrature.
    expect(s.sd).toBeGreaterThan(45);
    expect(s.sd).toBeLessThan(56);
  });

  it("clamps at the ADC rails", () => {
    const s = new CurrentSensorModel(base);
    expect(s.rawCount(1e6)).toBe(4095);
    expect(s.rawCount(-1e6)).toBe(0);
  });

  it("a stuck sensor keeps its last count until released", () => {
    const s = new CurrentSensorModel(base);
    const last = s.rawCount(3000);
    s.stuck(true);
    expect(s.rawCount(-8000)).toBe(last);
    expect(s.rawCount(0)).toBe(last);
    s.stuck(false);
    expect(s.rawCount(0)).toBe(2048);
  });

  it("names the wrong option", () => {
    expect(() => new CurrentSensorModel({ milliampsPerCount: 0 })).toThrow(/options\.milliampsPerCount/);
    expect(() => new CurrentSensorModel({ milliampsPerCount: 1, resolutionBits: 10, zeroCount: 5000 })).toThrow(/options\.zeroCount/);
  });
});
