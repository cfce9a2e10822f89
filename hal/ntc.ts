// SPDX-License-Identifier: MIT
// NTC thermistor on an AFE GPIO: divider ratio → temperature in 0.1 °C by table lookup with
// linear interpolation (no logarithms on the targets, integers only).
//
// Circuit: a fixed pull-up resistor from VREF2 to the GPIO pin, the NTC from the pin to ground.
// Reading the pin and the reference in the same ADAX conversion makes the result ratiometric:
// ratio = V_gpio / V_ref = R_ntc / (R_ntc + R_pullup), independent of the reference's accuracy.
//
// Beta equation: R_ntc(T) = R25 · exp(B · (1/T − 1/T25)), T in kelvin, T25 = 298.15 K.
// The table below was computed offline from these two formulas with B = 3950 K, R25 = 10 kΩ,
// R_pullup = 10 kΩ, every 5 °C from −40 to 125 °C; the ratio is in 0.01 % (ratio · 10000,
// rounded). Linear interpolation between the 5 °C points stays within 0.15 °C of the equation
// over −20..60 °C (checked by test/drivers/ltc681x.test.ts against Math.exp).
import { smallIntsOf } from "../firmware/alloc";
import { divRound, interpolate } from "../firmware/intmath";

/** Beta constant of the thermistor, K. */
export const ntcBetaK = 3950;
/** Thermistor resistance at 25 °C, Ω. */
export const ntcR25Ohms = 10000;
/** Fixed pull-up from VREF2 to the GPIO pin, Ω. */
export const ntcPullupOhms = 10000;
/** First and last table temperature and step, 0.1 °C. */
export const ntcTableHotDeciC = 1250;
export const ntcTableColdDeciC = -400;
export const ntcTableStepDeciC = 50;

/** Divider ratio at each table point, 0.01 %, ascending (hot → cold). */
export const ntcRatioCentiPct: number[] = smallIntsOf([
  346, 391, 443, 503, 572, 652, 745, 854, 980, 1127, 1298, 1496, 1726, 1991, 2295, 2641, 3030,
  3465, 3941, 4456, 5000, 5563, 6130, 6686, 7216, 7708, 8149, 8535, 8862, 9133, 9352, 9524, 9657,
  9757,
]);

/** Temperature at each table point, 0.1 °C (125 °C down to −40 °C in 5 °C steps). */
export const ntcTemperatureDeciC: number[] = smallIntsOf([
  1250, 1200, 1150, 1100, 1050, 1000, 950, 900, 850, 800, 750, 700, 650, 600, 550, 500, 450, 400,
  350, 300, 250, 200, 150, 100, 50, 0, -50, -100, -150, -200, -250, -300, -350, -400,
]);

/**
 * Divider ratio in 0.01 % from the pin and reference readings (any unit, the same for both;
 * readings up to 65535 keep the product below 2^31 for Lua's 32-bit integers).
 */
export function ntcRatioCentiPctOf(pinCode: number, referenceCode: number): number {
  return divRound(pinCode * 10000, referenceCode);
}

/** What an open thermistor (ratio above the coldest table point) reads: no real temperature. */
export const ntcOpenDeciC = -2730;
/** What a shorted thermistor (ratio below the hottest table point) reads. */
export const ntcShortedDeciC = 2730;

/**
 * Temperature for a divider ratio in 0.01 %. Outside the table (−40 … 125 °C) the reading is no
 * temperature a pack can have: an open NTC (ratio → 100 %) reads ntcOpenDeciC and a short
 * (ratio → 0) ntcShortedDeciC, far outside any plausible range, so the firmware raises a sensor
 * fault instead of mistaking a broken wire for a cold or hot pack.
 */
export function ntcDeciC(ratioCentiPct: number): number {
  if (ratioCentiPct > ntcRatioCentiPct[ntcRatioCentiPct.length - 1]) return ntcOpenDeciC;
  if (ratioCentiPct < ntcRatioCentiPct[0]) return ntcShortedDeciC;
  return interpolate(ntcRatioCentiPct, ntcTemperatureDeciC, ratioCentiPct);
}
