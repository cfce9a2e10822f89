// SPDX-License-Identifier: MIT
// The simulated cell against the physics it claims (cells-and-limits.md §1–§6) and the firmware OCV
// tables it shares with the BMS.
import { describe, expect, it } from "vitest";
import { CellModel, cellParams } from "../../sim/cell";
import type { CellParams } from "../../sim/cell";
import { ocvCurve, ocvVolts, ocvVolts25 } from "../../sim/ocv";
import { ocvFromSocMv, ocvTable, socFromOcvCentiPct } from "../../firmware/ocv";
import type { Chemistry } from "../../firmware/types";

const chemistries: Chemistry[] = ["LFP", "NMC", "LTO"];

/** Runs `seconds` in steps of `dt` at `chargeAmps` (+ = charging) and 25 °C ambient. */
function run(cell: CellModel, seconds: number, chargeAmps: number, dt = 1, ambient = 25): void {
  const n = Math.round(seconds / dt);
  for (let k = 0; k < n; k++) cell.step(dt, chargeAmps, ambient);
}

/** A cell whose temperature cannot move (huge thermal mass), so resistances stay put. */
function isothermal(p: CellParams): CellParams {
  return { ...p, thermalJoulesPerKelvin: 1e12 };
}

describe("firmware OCV tables", () => {
  it.each(chemistries)("%s has 11 points from 0 to 10000 centiPct with strictly rising mV", (c) => {
    const t = ocvTable(c);
    expect(t.socCentiPct).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000]);
    expect(t.mv).toHaveLength(11);
    for (let k = 1; k < t.mv.length; k++) expect(t.mv[k]).toBeGreaterThan(t.mv[k - 1]);
    for (const mv of t.mv) expect(Number.isInteger(mv)).toBe(true);
  });

  it("holds the measured fact-sheet columns at their end points", () => {
    expect(ocvFromSocMv("LFP", 5000)).toBe(3299);
    expect(ocvFromSocMv("NMC", 10000)).toBe(4194);
    expect(ocvFromSocMv("LTO", 0)).toBe(2000);
  });

  it.each(chemistries)("%s: soc → mV → soc comes back within 1 %, or within half a mV of SoC where the curve is flatter", (c) => {
    const t = ocvTable(c);
    for (let soc = 0; soc <= 10000; soc += 25) {
      const back = socFromOcvCentiPct(c, ocvFromSocMv(c, soc));
      const seg = Math.min(9, Math.floor(soc / 1000));
      // ocvFromSocMv rounds to whole mV: on the LFP plateau (0.4 mV/%) half a mV is 1.25 % SoC.
      const halfMvInCentiPct = (0.5 * 1000) / (t.mv[seg + 1] - t.mv[seg]);
      expect(Math.abs(back - soc)).toBeLessThanOrEqual(Math.max(100, Math.ceil(halfMvInCentiPct)));
    }
  });

  it("NMC and LTO round trips stay within 1 % everywhere", () => {
    for (const c of ["NMC", "LTO"] as const) {
      for (let soc = 0; soc <= 10000; soc += 25) expect(Math.abs(socFromOcvCentiPct(c, ocvFromSocMv(c, soc)) - soc)).toBeLessThanOrEqual(100);
    }
  });

  it("clamps SoC lookups outside the table to 0 and 10000", () => {
    expect(socFromOcvCentiPct("NMC", 1000)).toBe(0);
    expect(socFromOcvCentiPct("NMC", 5000)).toBe(10000);
  });
});

describe("cell open-circuit voltage", () => {
  it.each(chemistries)("a fresh %s cell at rest reads the firmware table at 25 °C", (c) => {
    for (const socPct of [5, 20, 50, 73, 95]) {
      const cell = new CellModel(cellParams(c, 10), { soc: socPct / 100, celsius: 25 });
      run(cell, 60, 0);
      const tableMv = ocvFromSocMv(c, socPct * 100);
      // The table is integer mV (rounded); the leakage drop over R0 is µV.
      expect(Math.abs(cell.volts() * 1000 - tableMv)).toBeLessThanOrEqual(0.51);
    }
  });

  it.each(["LFP", "NMC"] as const)("%s relaxes after a discharge to the table OCV minus the hysteresis amplitude", (c) => {
    const p = cellParams(c, 50);
    const cell = new CellModel(p, { soc: 0.8, celsius: 25 });
    run(cell, 1200, -50);
    const underLoad = cell.volts();
    run(cell, 4 * 3600, 0, 5);
    const rest = cell.volts();
    expect(rest - underLoad).toBeGreaterThan(0.005);
    const expected = ocvFromSocMv(c, Math.round(cell.soc() * 10000)) / 1000 - p.hysteresisVolts;
    expect(Math.abs(rest - expected)).toBeLessThan(0.6e-3);
    expect(cell.celsius()).toBeCloseTo(25, 1);
  });

  it("a warmer cell reads lower by the entropic coefficient", () => {
    const curve = ocvCurve("NMC");
    const d = ocvVolts(curve, 0.5, 45) - ocvVolts(curve, 0.5, 25);
    expect(d).toBeCloseTo(20 * curve.entropicVoltsPerKelvin, 12);
    expect(d).toBeLessThan(0);
  });

  it("the OCV leaves the table steeply past full and empty", () => {
    const curve = ocvCurve("LFP");
    expect(ocvVolts25(curve, 1.005) - ocvVolts25(curve, 1)).toBeCloseTo(0.5, 9);
    expect(ocvVolts25(curve, 0) - ocvVolts25(curve, -0.005)).toBeCloseTo(0.5, 9);
    expect(ocvVolts25(curve, -0.1)).toBe(0);
  });
});

describe("charge conservation", () => {
  it.each([
    ["LFP", 100],
    ["NMC", 5],
    ["LTO", 20],
  ] as const)("a 1C discharge of a full %s %s Ah cell lasts one hour within 1 %", (c, ah) => {
    const cell = new CellModel(cellParams(c, ah), { soc: 1, celsius: 25 });
    // Empty = the voltage collapse past 0 % (0.3 V below the 0 % table point, 0.3 % past empty).
    const emptyVolts = ocvTable(c).mv[0] / 1000 - 0.3;
    let t = 0;
    while (cell.volts() > emptyVolts && t < 2 * 3600) {
      cell.step(1, -ah, 25);
      t++;
    }
    expect(t / 3600).toBeGreaterThan(0.99);
    expect(t / 3600).toBeLessThan(1.01);
  });

  it("charging back needs 1/η of the charge taken out (coulombic efficiency)", () => {
    const p = cellParams("NMC", 5);
    const cell = new CellModel(p, { soc: 0.9, celsius: 25 });
    run(cell, 3600 * 0.8, -5);
    const low = cell.soc();
    let seconds = 0;
    while (cell.soc() < 0.9) {
      cell.step(1, 5, 25);
      seconds++;
    }
    const chargedAh = (seconds * 5) / 3600;
    const neededAh = ((0.9 - low) * 5) / p.chargeEfficiency;
    expect(Math.abs(chargedAh - neededAh)).toBeLessThan(5 / 3600 + 1e-3);
    expect(chargedAh).toBeGreaterThan((0.9 - low) * 5);
  });
});

describe("RC dynamics", () => {
  const base = isothermal({ ...cellParams("NMC", 5), hysteresisVolts: 0, selfDischargeAmps: 0 });
  const oneRc: CellParams = { ...base, rc: [{ ohms: 0.015, tauSeconds: 10 }] };

  it("a current step drops the voltage by R0·I at once, then by R1·I·(1 − e^(−t/τ))", () => {
    const cell = new CellModel(oneRc, { soc: 0.5, celsius: 25 });
    const r0 = cell.r0Ohms();
    const before = cell.volts();
    cell.step(1e-3, -5, 25);
    expect((before - cell.volts()) / (r0 * 5)).toBeCloseTo(1, 3);
    // One time constant in 1 s steps: exact exponential updates, not Euler (which would be 3 % off).
    run(cell, 10 - 1e-3, -5, (10 - 1e-3) / 10);
    const rcDrop = cell.restVolts() - cell.volts() - r0 * 5;
    expect(rcDrop / (0.015 * 5)).toBeCloseTo(1 - Math.exp(-1), 3);
  });

  it("after the current stops the RC voltage relaxes with τ", () => {
    const cell = new CellModel(oneRc, { soc: 0.5, celsius: 25 });
    run(cell, 100, -5);
    cell.step(1e-6, 0, 25);
    const v0 = cell.restVolts() - cell.volts();
    expect(v0).toBeGreaterThan(0.9 * 0.015 * 5);
    run(cell, 10, 0);
    expect((cell.restVolts() - cell.volts()) / v0).toBeCloseTo(Math.exp(-1), 4);
  });

  it("one 600 s step ends where 600 one-second steps do (constant current)", () => {
    const a = new CellModel(base, { soc: 0.7, celsius: 25 });
    const b = new CellModel(base, { soc: 0.7, celsius: 25 });
    a.step(600, -5, 25);
    run(b, 600, -5);
    expect(a.soc()).toBeCloseTo(b.soc(), 12);
    expect(a.volts()).toBeCloseTo(b.volts(), 9);
    expect(a.rcVolts(1)).toBeCloseTo(b.rcVolts(1), 10);
  });

  it("stays finite and physical with hour-long steps", () => {
    const cell = new CellModel(cellParams("LFP", 100), { soc: 0.9, celsius: 25 });
    for (let k = 0; k < 10; k++) cell.step(3600, k % 2 === 0 ? -20 : 20, 25);
    expect(Number.isFinite(cell.volts())).toBe(true);
    expect(cell.celsius()).toBeGreaterThan(24);
    expect(cell.celsius()).toBeLessThan(40);
  });
});

describe("LFP hysteresis", () => {
  it("at 50 % the rest voltage after charging is 5–25 mV above the one after discharging", () => {
    const p = cellParams("LFP", 100);
    const charged = new CellModel(p, { soc: 0.3, celsius: 25 });
    const discharged = new CellModel(p, { soc: 0.7, celsius: 25 });
    run(charged, 3600, 20, 2);
    run(discharged, 3600, -20, 2);
    run(charged, 6 * 3600, 0, 10);
    run(discharged, 6 * 3600, 0, 10);
    expect(charged.soc()).toBeCloseTo(0.5, 2);
    expect(discharged.soc()).toBeCloseTo(0.5, 2);
    const gapMv = (charged.volts() - discharged.volts()) * 1000;
    expect(gapMv).toBeGreaterThanOrEqual(5);
    expect(gapMv).toBeLessThanOrEqual(25);
  });

  it("a reversal traverses most of the loop within 5–10 % SoC of throughput", () => {
    const cell = new CellModel(cellParams("LFP", 100), { soc: 0.6, celsius: 25, hysteresis: -1 });
    run(cell, 0.05 * 3600, 100);
    expect(cell.hysteresis()).toBeGreaterThan(0.5);
    run(cell, 0.05 * 3600, 100);
    expect(cell.hysteresis()).toBeGreaterThan(0.9);
  });
});

describe("temperature", () => {
  it("R0 at 0 °C is about 2.1× its value at 25 °C (Arrhenius, 20 kJ/mol), seen as the step drop", () => {
    const p = isothermal({ ...cellParams("NMC", 5), selfDischargeAmps: 0 });
    const drop = (celsius: number): number => {
      const cell = new CellModel(p, { soc: 0.5, celsius });
      const before = cell.volts();
      cell.step(1e-4, -5, celsius);
      return before - cell.volts();
    };
    const ratio = drop(0) / drop(25);
    expect(ratio).toBeGreaterThan(2.0);
    expect(ratio).toBeLessThan(2.2);
  });

  it("the temperature rises under load and returns towards ambient at rest", () => {
    const cell = new CellModel(cellParams("LFP", 100), { soc: 1, celsius: 25 });
    run(cell, 1800, -100);
    const hot = cell.celsius();
    expect(hot).toBeGreaterThan(26);
    run(cell, 6 * 3600, 0, 10);
    expect(cell.celsius() - 25).toBeLessThan(0.1 * (hot - 25));
    expect(cell.celsius()).toBeGreaterThanOrEqual(25);
  });

  it("a warm cell at rest cools towards ambient with τ = R_th·C_th", () => {
    const p = { ...cellParams("NMC", 5), selfDischargeAmps: 0 };
    const cell = new CellModel(p, { soc: 0.5, celsius: 35 });
    const tau = p.thermalKelvinPerWatt * p.thermalJoulesPerKelvin;
    run(cell, tau, 0, tau / 100);
    expect((cell.celsius() - 25) / 10).toBeCloseTo(Math.exp(-1), 6);
  });

  it("self-discharge takes about 2 % a month at 25 °C and twice as much at 35 °C", () => {
    const month = 30 * 24 * 3600;
    const at = (celsius: number): number => {
      const cell = new CellModel(cellParams("NMC", 5), { soc: 0.5, celsius });
      run(cell, month, 0, 600, celsius);
      return 0.5 - cell.soc();
    };
    expect(at(25)).toBeCloseTo(0.02, 3);
    expect(at(35) / at(25)).toBeCloseTo(2, 1);
  });
});
