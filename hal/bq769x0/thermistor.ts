// SPDX-License-Identifier: MIT
// The bq769x0 TS inputs with TEMP_SEL = 1 (../shared/reference/afe-chips.md §3): an internal
// 10 kΩ pull-up from 3.3 V, a 10 kΩ NTC (β ≈ 3435 K) to ground, read at 382 µV/LSB. hal/ntc.ts
// has the same divider shape but a β of 3950 K, up to ~3 °C off at the ends, so this file holds
// the β 3435 table. It was computed offline with R_ntc(T) = R25 · exp(B · (1/T − 1/T25)),
// R25 = 10 kΩ, B = 3435 K, ratio = R_ntc / (R_ntc + 10 kΩ) in 0.01 %, every 5 °C from 125 °C
// down to −40 °C; linear interpolation stays within 0.11 °C of the equation over −20..60 °C.
import { divRound, interpolate } from "../../firmware/intmath";
import { ntcOpenDeciC, ntcShortedDeciC, ntcTemperatureDeciC } from "../ntc";
import { tsSupplyMv, tsUvPerLsb } from "./registers";
import { smallIntsOf } from "../../firmware/alloc";

/** β of the thermistor the table was made for, K (§3). */
export const tsBetaK = 3435;
export const tsR25Ohms = 10000;
export const tsPullupOhms = 10000;

/** Divider ratio at each point of ntcTemperatureDeciC (125 °C … −40 °C), 0.01 %, ascending. */
export const tsRatioCentiPct: number[] = smallIntsOf([
  525, 582, 647, 720, 804, 898, 1006, 1128, 1267, 1425, 1605, 1808, 2038, 2296, 2586, 2908, 3265,
  3654, 4076, 4526, 5000, 5490, 5986, 6480, 6960, 7416, 7840, 8223, 8563, 8857, 9106, 9312, 9480,
  9613,
]);

/**
 * Temperature in 0.1 °C from a 14-bit TS code. V_ts = code · 382 µV; ratio = V_ts / 3.3 V. An
 * open or shorted thermistor reads hal/ntc.ts's out-of-range values, so the firmware raises a
 * sensor fault. code · 382 ≤ 6.3·10^6 stays far below 2^31.
 */
export function tsDeciC(code: number): number {
  // ratio [0.01 %] = code · 382 µV · 10000 / 3 300 000 µV = code · 382 / 330
  const ratio = divRound(code * tsUvPerLsb, divRound(tsSupplyMv, 10));
  if (ratio > tsRatioCentiPct[tsRatioCentiPct.length - 1]) return ntcOpenDeciC;
  if (ratio < tsRatioCentiPct[0]) return ntcShortedDeciC;
  return interpolate(tsRatioCentiPct, ntcTemperatureDeciC, ratio);
}
