// SPDX-License-Identifier: MIT
// The simulated pack: `seriesCount` cells in series, each an equivalent-circuit cell (sim/cell.ts)
// with its own capacity, resistance, self-discharge and initial SoC drawn around the nominal values
// (cells-and-limits.md §6), a bleed resistor per cell that the emulated AFE switches, optional
// thermal coupling between neighbours (§3) and fault injection (a soft internal short).
// Current is positive INTO the pack (charging); cell 0 is the bottom of the stack.
import { z } from "zod";
import type { Chemistry } from "../firmware/types";
import { CellModel, cellParams } from "./cell";
import type { CellParams } from "./cell";
import { rngStreams } from "./rng";

/** Cell-to-cell variation, each a standard deviation (normal, cut at ±3σ). */
export interface PackSpread {
  /** σ of the capacity, % of nominal. */
  capacityPct?: number;
  /** σ of the resistances (R0 and the RC pairs together), % of nominal. */
  resistancePct?: number;
  /** σ of the self-discharge current, % of its mean. */
  selfDischargePct?: number;
  /** σ of the initial SoC, percentage points. */
  initialSocPct?: number;
}

export interface PackOptions {
  chemistry: Chemistry;
  seriesCount: number;
  /** Nominal capacity of one cell (= of the series string), Ah. */
  capacityAh: number;
  seed?: number;
  spread?: PackSpread;
  /** Mean initial SoC, %. */
  initialSocPct?: number;
  ambientCelsius?: number;
  /** Balancing resistor across each cell, Ω. */
  bleedOhms?: number;
  /** Conductance between neighbouring cells, W/K (0 = thermally independent cells). */
  cellToCellWattsPerKelvin?: number;
  /** Capacity left of nominal, %; R grows with it (§7). */
  stateOfHealthPct?: number;
}

/**
 * Defaults of the spread (cells-and-limits.md §6 "Simulator defaults"): capacity σ 0.5 % (range
 * 0.3–1 %), resistance σ 2 % (1–3 %), self-discharge σ 30 % of the mean (10–50 %), initial SoC
 * σ 1 point (the low end of the ±1–3 % of an unbalanced pack).
 */
export const defaultSpread: Required<PackSpread> = { capacityPct: 0.5, resistancePct: 2, selfDischargePct: 30, initialSocPct: 1 };

/** Cell-to-cell spread (σ values); also the `pack.spread` field of scenario files. */
export const spreadSchema = z.strictObject({
  capacityPct: z.number().min(0).max(20).optional(),
  resistancePct: z.number().min(0).max(50).optional(),
  selfDischargePct: z.number().min(0).max(200).optional(),
  initialSocPct: z.number().min(0).max(30).optional(),
});

const optionsSchema = z.strictObject({
  chemistry: z.enum(["LFP", "NMC", "LTO"]),
  seriesCount: z.number().int().min(1).max(1000),
  capacityAh: z.number().positive().max(1e5),
  seed: z.number().int().default(1),
  spread: spreadSchema.default({}),
  initialSocPct: z.number().min(0).max(100).default(50),
  ambientCelsius: z.number().min(-60).max(100).default(25),
  // §10: 50–200 mA bleed is typical; 33 Ω gives ≈ 100 mA at 3.3 V.
  bleedOhms: z.number().positive().default(33),
  cellToCellWattsPerKelvin: z.number().min(0).default(0),
  stateOfHealthPct: z.number().gt(0).max(100).default(100),
});

function parseOptions(options: PackOptions): z.output<typeof optionsSchema> {
  const r = optionsSchema.safeParse(options);
  if (!r.success) {
    const lines = r.error.issues.map((issue) => `PackModel options.${issue.path.join(".")}: ${issue.message}`);
    throw new Error(lines.join("\n"));
  }
  return r.data;
}

/** Resistance growth with fade: +40 % at 80 % SoH, the middle of §7's +30–50 %. */
const resistanceGrowthPerFade = 2;

export class PackModel {
  readonly chemistry: Chemistry;
  readonly cellCount: number;
  readonly capacityAh: number;
  readonly bleedOhms: number;
  readonly cellToCellWattsPerKelvin: number;
  private readonly cells: CellModel[];
  private readonly bleedOn: boolean[];
  private readonly shortOhms: (number | undefined)[];
  /** Cell temperatures at the start of a step, for the neighbour coupling. */
  private readonly startCelsius: Float64Array;
  private ambient: number;
  private seconds = 0;

  constructor(options: PackOptions) {
    const o = parseOptions(options);
    this.chemistry = o.chemistry;
    this.cellCount = o.seriesCount;
    this.capacityAh = o.capacityAh;
    this.bleedOhms = o.bleedOhms;
    this.cellToCellWattsPerKelvin = o.cellToCellWattsPerKelvin;
    this.ambient = o.ambientCelsius;
    const spread = { ...defaultSpread, ...o.spread };
    // One stream per drawn quantity: changing one σ (or adding cells) never changes another draw.
    const [capRng, resRng, sdRng, socRng] = rngStreams(o.seed, 4);
    const soh = o.stateOfHealthPct / 100;
    const nominal = cellParams(o.chemistry, o.capacityAh);
    this.cells = [];
    for (let i = 0; i < o.seriesCount; i++) {
      const capFactor = soh * capRng.truncatedNormal(1, spread.capacityPct / 100);
      const resFactor = (1 + resistanceGrowthPerFade * (1 - soh)) * resRng.truncatedNormal(1, spread.resistancePct / 100);
      // A leakage cannot be negative; σ up to 200 % of the mean is allowed, so clamp.
      const sdFactor = Math.max(0, sdRng.truncatedNormal(1, spread.selfDischargePct / 100));
      const soc = Math.min(1, Math.max(0, socRng.truncatedNormal(o.initialSocPct, spread.initialSocPct) / 100));
      const p: CellParams = {
        ...nominal,
        capacityAh: nominal.capacityAh * Math.max(0.01, capFactor),
        r0Ohms: nominal.r0Ohms * resFactor,
        rc: nominal.rc.map((k) => ({ ohms: k.ohms * resFactor, tauSeconds: k.tauSeconds })),
        selfDischargeAmps: nominal.selfDischargeAmps * sdFactor,
      };
      this.cells.push(new CellModel(p, { soc, celsius: o.ambientCelsius }));
    }
    this.bleedOn = this.cells.map(() => false);
    this.shortOhms = this.cells.map(() => undefined);
    this.startCelsius = new Float64Array(o.seriesCount);
  }

  private check(i: number): CellModel {
    const c = this.cells[i];
    if (c === undefined) throw new RangeError(`PackModel cell index: ${i} is outside 0..${this.cellCount - 1}`);
    return c;
  }

  /**
   * Advances the pack by `dtSeconds` with `currentAmps` into the pack (+ = charging) through every
   * cell, at `ambientCelsius` (default: the last ambient given).
   */
  step(dtSeconds: number, currentAmps: number, ambientCelsius: number = this.ambient): void {
    if (!(dtSeconds >= 0) || !Number.isFinite(dtSeconds)) throw new Error(`PackModel.step dtSeconds: must be a finite number ≥ 0, got ${dtSeconds}`);
    if (!Number.isFinite(currentAmps)) throw new Error(`PackModel.step currentAmps: must be finite, got ${currentAmps}`);
    if (!Number.isFinite(ambientCelsius)) throw new Error(`PackModel.step ambientCelsius: must be finite, got ${ambientCelsius}`);
    this.ambient = ambientCelsius;
    const n = this.cellCount;
    const g = this.cellToCellWattsPerKelvin;
    if (g > 0) {
      for (let i = 0; i < n; i++) this.startCelsius[i] = this.cells[i].celsius();
      for (let i = 0; i < n; i++) {
        let sum = 0;
        let count = 0;
        if (i > 0) {
          sum += this.startCelsius[i - 1];
          count++;
        }
        if (i < n - 1) {
          sum += this.startCelsius[i + 1];
          count++;
        }
        if (count > 0) this.cells[i].step(dtSeconds, currentAmps, ambientCelsius, g * count, sum / count);
        else this.cells[i].step(dtSeconds, currentAmps, ambientCelsius);
      }
    } else {
      for (let i = 0; i < n; i++) this.cells[i].step(dtSeconds, currentAmps, ambientCelsius);
    }
    this.seconds += dtSeconds;
  }

  /** Simulated time so far, s. */
  timeSeconds(): number {
    return this.seconds;
  }

  /** Terminal voltage of cell i under the present current, V. */
  cellVolts(i: number): number {
    return this.check(i).volts();
  }

  /** True SoC of cell i, 0..1. */
  cellSoc(i: number): number {
    return this.check(i).soc();
  }

  /** SoC of cell i as the model holds it: above 1 after over-charge, below 0 after over-discharge. */
  cellSocRaw(i: number): number {
    return this.check(i).socRaw();
  }

  cellCelsius(i: number): number {
    return this.check(i).celsius();
  }

  /** Capacity of cell i after spread and SoH, Ah. */
  cellCapacityAh(i: number): number {
    return this.check(i).params.capacityAh;
  }

  /** R0 of cell i at 25 °C and 50 % SoC after spread and SoH, Ω. */
  cellNominalR0Ohms(i: number): number {
    return this.check(i).params.r0Ohms;
  }

  /** Self-discharge leakage of cell i at 25 °C, A. */
  cellSelfDischargeAmps(i: number): number {
    return this.check(i).params.selfDischargeAmps;
  }

  /** The cell model itself, for tests that look inside. */
  cell(i: number): CellModel {
    return this.check(i);
  }

  /** Sum of the cell terminal voltages, V. */
  packVolts(): number {
    let v = 0;
    for (let i = 0; i < this.cellCount; i++) v += this.cells[i].volts();
    return v;
  }

  /**
   * The pack's usable SoC, %: of the charge the string can still deliver before its first cell is
   * empty (D = min z·Q) and the charge it can still take before its first cell is full
   * (C = min (1 − z)·Q), the share D/(D + C). It is 0 when the lowest cell is empty and 100 when
   * the highest is full, whatever the imbalance, which is what a BMS anchoring at its empty and
   * full detections can be held to; with balanced, equal cells it equals the cells' SoC.
   */
  trueSocPct(): number {
    let d = Infinity;
    let c = Infinity;
    for (let i = 0; i < this.cellCount; i++) {
      const cell = this.cells[i];
      const q = cell.params.capacityAh;
      const s = cell.soc();
      d = Math.min(d, s * q);
      c = Math.min(c, (1 - s) * q);
    }
    const total = d + c;
    return total > 0 ? (100 * d) / total : 0;
  }

  /** Mean of the cells' SoC, %. */
  meanSocPct(): number {
    let s = 0;
    for (let i = 0; i < this.cellCount; i++) s += this.cells[i].soc();
    return (100 * s) / this.cellCount;
  }

  /** Switches the bleed resistor of cell i: it draws V/R from that cell only and heats it. */
  setBleed(i: number, on: boolean): void {
    const c = this.check(i);
    this.bleedOn[i] = on;
    c.setBleedOhms(on ? this.bleedOhms : undefined);
  }

  bleeding(i: number): boolean {
    this.check(i);
    return this.bleedOn[i];
  }

  /** Energy burnt in all bleed resistors so far, J. */
  bleedEnergyJoules(): number {
    let e = 0;
    for (let i = 0; i < this.cellCount; i++) e += this.cells[i].bleedJoules;
    return e;
  }

  /**
   * A soft internal short of `ohms` in cell i (undefined removes it): an extra leakage V/R inside
   * the cell, its heat released in the cell.
   */
  injectInternalShort(i: number, ohms: number | undefined): void {
    const c = this.check(i);
    if (ohms !== undefined && !(ohms > 0)) throw new Error(`PackModel.injectInternalShort ohms: must be > 0, got ${ohms}`);
    this.shortOhms[i] = ohms;
    c.setShortOhms(ohms);
  }

  internalShortOhms(i: number): number | undefined {
    this.check(i);
    return this.shortOhms[i];
  }
}
