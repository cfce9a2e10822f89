// SPDX-License-Identifier: MIT
// The board's current measurement as its analog input sees it: a shunt amplifier or hall sensor
// centred at `zeroCount`, with the errors that limit coulomb counting (cells-and-limits.md §12.1):
// offset, gain error and noise, then the ADC's rounding and rails. A stuck output can be injected.
import { z } from "zod";
import { Rng } from "./rng";

export interface CurrentSensorOptions {
  /** Offset added to the true current, mA. */
  offsetMa?: number;
  /** Gain error, ‰ (5 = reads 0.5 % high). */
  gainErrorPermille?: number;
  /** σ of white noise on each reading, mA. */
  noiseMa?: number;
  seed?: number;
  resolutionBits?: number;
  /** Current per ADC count, mA (positive: more count = more charging current). */
  milliampsPerCount: number;
  /** Count at zero current; default mid-scale. */
  zeroCount?: number;
}

const optionsSchema = z.strictObject({
  offsetMa: z.number().default(0),
  gainErrorPermille: z.number().gt(-1000).default(0),
  noiseMa: z.number().min(0).default(0),
  seed: z.number().int().default(1),
  resolutionBits: z.number().int().min(1).max(24).default(12),
  milliampsPerCount: z.number().positive(),
  zeroCount: z.number().int().min(0).optional(),
});

export class CurrentSensorModel {
  readonly offsetMa: number;
  readonly gainErrorPermille: number;
  readonly noiseMa: number;
  readonly resolutionBits: number;
  readonly milliampsPerCount: number;
  readonly zeroCount: number;
  readonly maxCount: number;
  private readonly rng: Rng;
  private isStuck = false;
  private last: number;

  constructor(options: CurrentSensorOptions) {
    const r = optionsSchema.safeParse(options);
    if (!r.success) {
      throw new Error(r.error.issues.map((issue) => `CurrentSensorModel options.${issue.path.join(".")}: ${issue.message}`).join("\n"));
    }
    const o = r.data;
    this.offsetMa = o.offsetMa;
    this.gainErrorPermille = o.gainErrorPermille;
    this.noiseMa = o.noiseMa;
    this.resolutionBits = o.resolutionBits;
    this.milliampsPerCount = o.milliampsPerCount;
    this.maxCount = Math.pow(2, o.resolutionBits) - 1;
    this.zeroCount = o.zeroCount ?? Math.pow(2, o.resolutionBits - 1);
    if (this.zeroCount > this.maxCount) throw new Error(`CurrentSensorModel options.zeroCount: ${this.zeroCount} is above the ${o.resolutionBits}-bit maximum ${this.maxCount}`);
    this.rng = new Rng(o.seed);
    this.last = this.zeroCount;
  }

  /**
   * The ADC count for `trueCurrentMa` (+ = charging): zeroCount + (I·(1 + gain) + offset + noise) /
   * mA per count, rounded, within 0..2^bits − 1. While stuck, the last count again.
   */
  rawCount(trueCurrentMa: number): number {
    if (this.isStuck) return this.last;
    if (!Number.isFinite(trueCurrentMa)) throw new Error(`CurrentSensorModel.rawCount trueCurrentMa: must be finite, got ${trueCurrentMa}`);
    const noise = this.noiseMa > 0 ? this.rng.normal(0, this.noiseMa) : 0;
    const ma = trueCurrentMa * (1 + this.gainErrorPermille / 1000) + this.offsetMa + noise;
    const count = Math.round(this.zeroCount + ma / this.milliampsPerCount);
    this.last = count < 0 ? 0 : count > this.maxCount ? this.maxCount : count;
    return this.last;
  }

  /** Fault injection: a stuck sensor keeps returning its last count until released. */
  stuck(on: boolean): void {
    this.isStuck = on;
  }

  isStuckNow(): boolean {
    return this.isStuck;
  }

  /** The current a count stands for with an ideal sensor, mA (what the firmware should compute). */
  idealMaOf(count: number): number {
    return (count - this.zeroCount) * this.milliampsPerCount;
  }
}
