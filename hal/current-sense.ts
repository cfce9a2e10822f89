// SPDX-License-Identifier: MIT
// Pack current from a bidirectional shunt amplifier on an analog input: the amplifier sits at mid
// scale for 0 A (zeroCount) and moves by one count per `milliampsPerCount`. Positive = charging.
// A reading pinned to either rail is an open or shorted sensor, not a current: it is reported
// invalid so the firmware's current-sensor fault row sees it.
import type { AnalogIn } from "./hal";

export interface ShuntCurrentOptions {
  input: AnalogIn;
  /** ADC count at 0 A (mid scale for a bidirectional amplifier). */
  zeroCount: number;
  /** Current per ADC count, mA (shunt µΩ × amplifier gain × ADC step, from the board). */
  milliampsPerCount: number;
}

export class ShuntCurrentSense {
  /** Last reading, mA, positive into the pack. */
  currentMa = 0;
  /** The last reading was inside the rails. */
  valid = false;
  private readonly input: AnalogIn;
  private readonly zeroCount: number;
  private readonly milliampsPerCount: number;
  private readonly fullScale: number;

  constructor(options: ShuntCurrentOptions) {
    const full = Math.pow(2, options.input.resolution) - 1;
    if (!(options.zeroCount > 0 && options.zeroCount < full)) {
      throw new Error("current sensor: zeroCount must lie inside the converter range");
    }
    if (!(options.milliampsPerCount > 0)) throw new Error("current sensor: milliampsPerCount must be > 0");
    this.input = options.input;
    this.zeroCount = options.zeroCount;
    this.milliampsPerCount = options.milliampsPerCount;
    this.fullScale = full;
  }

  /** Read the input; returns the current in mA and updates `valid`. */
  read(): number {
    const raw = this.input.read();
    if (!(raw > 0 && raw < this.fullScale)) {
      this.valid = false;
      return this.currentMa;
    }
    this.valid = true;
    this.currentMa = Math.floor((raw - this.zeroCount) * this.milliampsPerCount + 0.5);
    return this.currentMa;
  }
}
