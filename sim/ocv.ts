// SPDX-License-Identifier: MIT
// The simulated cells' open-circuit voltage OCV(z, T) in volts, floating point. At 25 °C inside
// 0..100 % it is the firmware's own table (firmware/ocv.ts, cells-and-limits.md §4) interpolated
// linearly, so the BMS and the simulated cell agree exactly on a rested cell. Added here:
//  * a temperature term (entropic coefficient dU/dT, constant per chemistry — an assumption, see
//    `entropicVoltsPerKelvin`);
//  * steep extensions beyond the table, so that pushing charge into a full cell (or out of an empty
//    one) moves its voltage far past any protection threshold, as a real abused cell does.
import type { Chemistry } from "../firmware/types";
import { ocvTable } from "../firmware/ocv";

export interface OcvCurve {
  chemistry: Chemistry;
  /** SoC points, 0..1, ascending. */
  soc: number[];
  /** Rest voltage at 25 °C at those points, V. */
  volts: number[];
  /** dOCV/dT, V/K (entropic coefficient), the same at every SoC. */
  entropicVoltsPerKelvin: number;
}

/**
 * Entropic coefficients (assumption, not from the fact sheet): published dU/dT curves for graphite
 * cells swing between about −0.4 and +0.2 mV/K with SoC; a small negative constant is used so that
 * a warm cell reads slightly lower and the reversible heat is exothermic on discharge. The effect
 * is a few mV over the operating range: enough for an estimator to see, too small to matter for
 * protection.
 */
const entropicVoltsPerKelvin: Record<Chemistry, number> = {
  LFP: -0.1e-3,
  NMC: -0.2e-3,
  LTO: -0.1e-3,
};

/**
 * Beyond 100 % the voltage rises by 1 V per 1 % of over-charge (the charge now goes into side
 * reactions and lithium plating, the electrode potential runs away), and below 0 % it falls as
 * steeply. The rise stops at `maxAboveFullVolts` over the 100 % point and the fall at 0 V: the
 * model has no meaning there any more, it only has to be far outside every threshold
 * (cells-and-limits.md §8: OV faults sit 0.05–0.25 V above the 100 % points of §4, UV faults above
 * the 0 % points). 0.7 V keeps the worst case (NMC, 4.89 V) under the 5 V a cell reading is still
 * taken as plausible, so an over-charge shows as over-voltage, not as a broken sense line.
 */
export const abuseVoltsPerUnitSoc = 100;
export const maxAboveFullVolts = 0.7;

const curves = new Map<Chemistry, OcvCurve>();

/** The OCV curve of a chemistry, from the firmware table (made once per chemistry). */
export function ocvCurve(chemistry: Chemistry): OcvCurve {
  let c = curves.get(chemistry);
  if (c === undefined) {
    const t = ocvTable(chemistry);
    c = {
      chemistry,
      soc: t.socCentiPct.map((x) => x / 10000),
      volts: t.mv.map((mv) => mv / 1000),
      entropicVoltsPerKelvin: entropicVoltsPerKelvin[chemistry],
    };
    curves.set(chemistry, c);
  }
  return c;
}

/** Rest voltage at 25 °C for a SoC that may lie outside 0..1 (abuse extensions). */
export function ocvVolts25(curve: OcvCurve, z: number): number {
  const s = curve.soc;
  const v = curve.volts;
  const n = s.length;
  if (z >= s[n - 1]) return v[n - 1] + Math.min(maxAboveFullVolts, abuseVoltsPerUnitSoc * (z - s[n - 1]));
  if (z <= s[0]) return Math.max(0, v[0] - abuseVoltsPerUnitSoc * (s[0] - z));
  let i = 1;
  while (s[i] < z) i++;
  return v[i - 1] + ((v[i] - v[i - 1]) * (z - s[i - 1])) / (s[i] - s[i - 1]);
}

/** OCV(z, T): the 25 °C curve plus the entropic term. */
export function ocvVolts(curve: OcvCurve, z: number, celsius: number): number {
  return ocvVolts25(curve, z) + curve.entropicVoltsPerKelvin * (celsius - 25);
}

/** Inverse of the 25 °C curve inside the table: SoC (0..1) of a rested cell at `volts`. */
export function socFromOcv25(curve: OcvCurve, volts: number): number {
  const s = curve.soc;
  const v = curve.volts;
  const n = v.length;
  if (volts <= v[0]) return s[0];
  if (volts >= v[n - 1]) return s[n - 1];
  let i = 1;
  while (v[i] < volts) i++;
  return s[i - 1] + ((s[i] - s[i - 1]) * (volts - v[i - 1])) / (v[i] - v[i - 1]);
}
