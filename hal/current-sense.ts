// SPDX-License-Identifier: MIT
// Pack current from a bidirectional shunt amplifier on an analog input: the amplifier sits at mid
// scale for 0 A (zeroCount) and moves by one count per `milliampsPerCount`. Positive = charging.
// A reading pinned to either rail is an open or shorted sensor, not a current: it is reported
// invalid so the firmware's current-sensor fault row sees it. One exception: the first reading
// pinned to the discharge rail is also what a short circuit beyond full scale reads, so it is
// reported as the full-scale discharge current. The short-circuit row (delay 0) then opens both
// paths at once instead of after the sensor row's delay; a reading still pinned after that is
// the sensor again (a real short stops once the paths are open).
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
  /** The previous reading was pinned to a rail. */
  private railed = false;

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
    if (raw > 0 && raw < this.fullScale) {
      this.railed = false;
      this.valid = true;
      this.currentMa = Math.floor((raw - this.zeroCount) * this.milliampsPerCount + 0.5);
      return this.currentMa;
    }
    // Count 0 is the discharge rail: milliampsPerCount > 0, more counts = more charging.
    const firstAtDischargeRail = raw <= 0 && !this.railed;
    this.railed = true;
    this.valid = firstAtDischargeRail;
    if (firstAtDischargeRail) this.currentMa = Math.floor(-this.zeroCount * this.milliampsPerCount + 0.5);
    return this.currentMa;
  }
}
