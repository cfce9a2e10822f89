// SPDX-License-Identifier: MIT
// Options of the bq769x0 emulator and their zod schema: every error names the field.
import { z } from "zod";
import type { Clock } from "../../hal/hal";
import type { Bq769x0Port, Bq769x0Variant } from "./bq769x0-analog";

export interface Bq769x0EmulatorOptions {
  variant: Bq769x0Variant;
  cells: number;
  /** 7-bit address of the part number (0x08 or 0x18): the CRCs cover it. */
  address: number;
  /** Sense resistor, µΩ: turns the port's current into the CC and OCD/SCD voltages. */
  shuntMicroOhm: number;
  port: Bq769x0Port;
  clock: Clock;
  /** Seed of the factory calibration when gain/offset are not given, and of the noise. */
  seed?: number;
  /** Factory gain programmed into ADCGAIN1/2, 365..396 µV/LSB. */
  gainUvPerLsb?: number;
  /** Factory offset programmed into ADCOFFSET, −128..127 mV. */
  offsetMv?: number;
  /** σ of the white noise on every cell conversion, mV. */
  noiseMv?: number;
}

const fn = z.custom<(...args: never[]) => unknown>((f) => typeof f === "function", "must be a function");
export const optionsSchema = z.strictObject({
  variant: z.enum(["bq76920", "bq76930", "bq76940"]),
  cells: z.number().int().min(3).max(15),
  address: z.union([z.literal(0x08), z.literal(0x18)]),
  shuntMicroOhm: z.number().positive(),
  port: z.object({ cellVolts: fn, setBleed: fn, thermistorCelsius: fn, packCurrentMa: fn }),
  clock: z.object({ nowMs: fn }),
  seed: z.number().int().default(1),
  gainUvPerLsb: z.number().int().min(365).max(396).optional(),
  offsetMv: z.number().int().min(-128).max(127).optional(),
  noiseMv: z.number().min(0).default(0),
});

