// SPDX-License-Identifier: MIT
// The physical side of the NTC divider the firmware reads (hal/ntc.ts): temperature → pin voltage
// with the beta equation, in floating point, for the emulated AFE's GPIO inputs.
//
//   R_ntc(T) = R25 · exp(B · (1/T − 1/T25)),  T in kelvin, T25 = 298.15 K
//   V_pin    = V_ref · R_ntc / (R_ntc + R_pullup)   (pull-up from VREF2, NTC to ground)
import { ntcBetaK, ntcPullupOhms, ntcR25Ohms } from "../hal/ntc";

const kelvinAt0C = 273.15;
const t25K = 298.15;

/** Thermistor resistance at `celsius`, Ω. */
export function ntcOhms(celsius: number): number {
  return ntcR25Ohms * Math.exp(ntcBetaK * (1 / (celsius + kelvinAt0C) - 1 / t25K));
}

/** Divider ratio V_pin / V_ref at `celsius` (0..1). */
export function ntcRatio(celsius: number): number {
  const r = ntcOhms(celsius);
  return r / (r + ntcPullupOhms);
}

/** Pin voltage at `celsius` with the divider fed from `referenceVolts`. */
export function ntcDividerVolts(celsius: number, referenceVolts: number): number {
  if (!Number.isFinite(celsius)) throw new Error(`ntc: temperature ${celsius} °C is not a number`);
  return referenceVolts * ntcRatio(celsius);
}
