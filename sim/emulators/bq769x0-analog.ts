// SPDX-License-Identifier: MIT
// What the emulated bq769x0 converts (../shared/reference/afe-chips.md §3): cell inputs, the
// stack, the TS pins and the coulomb counter, as register codes from the programmed factory gain
// and offset. Floating point here; the driver under test does the integer way back.
import { tsBetaK, tsPullupOhms, tsR25Ohms } from "../../hal/bq769x0/thermistor";

/** How the emulated chip reaches the pack. */
export interface Bq769x0Port {
  /** True terminal voltage of pack cell `i` (bottom cell 0), V. */
  cellVolts(i: number): number;
  /** Bleed switch of pack cell `i`. */
  setBleed(i: number, on: boolean): void;
  /** Temperature at thermistor `k` (TS1 first), °C. */
  thermistorCelsius(k: number): number;
  /** Pack current, mA, positive into the pack (charging). */
  packCurrentMa(): number;
}

export type Bq769x0Variant = "bq76920" | "bq76930" | "bq76940";

export const groupCount = (v: Bq769x0Variant): number => (v === "bq76940" ? 3 : v === "bq76930" ? 2 : 1);

/**
 * Pack cell on each input (−1 = unused, shorted to the input below). Cells are spread evenly over
 * the groups, lower groups first; a group of n < 5 cells uses its bottom n − 1 inputs and its
 * top input [datasheet cell-configuration table].
 */
export function cellOnInput(variant: Bq769x0Variant, cells: number): number[] {
  const groups = groupCount(variant);
  const map = new Array<number>(5 * groups).fill(-1);
  let cell = 0;
  for (let g = 0; g < groups; g++) {
    const n = Math.floor(cells / groups) + (g < cells % groups ? 1 : 0);
    for (let k = 0; k < n - 1; k++) map[5 * g + k] = cell++;
    map[5 * g + 4] = cell++;
  }
  return map;
}

const clampCode = (x: number, max: number): number => Math.min(max, Math.max(0, Math.round(x)));

/** 14-bit cell code for `mv`: code · gain / 1000 + offset = mV (§3). */
export const cellCode = (mv: number, gainUv: number, offsetMv: number): number => clampCode(((mv - offsetMv) * 1000) / gainUv, 0x3fff);

/** 16-bit BAT code: 4 · gain · code / 1000 + cells · offset = mV (§3). */
export const batCode = (mv: number, cells: number, gainUv: number, offsetMv: number): number =>
  clampCode(((mv - cells * offsetMv) * 1000) / (4 * gainUv), 0xffff);

/** 14-bit TS code (TEMP_SEL = 1): 10 kΩ pull-up from 3.3 V, β 3435 NTC, 382 µV/LSB (§3). */
export function tsCode(celsius: number): number {
  if (!Number.isFinite(celsius)) throw new Error(`bq769x0 emulator: thermistor temperature ${celsius} °C is not a number`);
  const r = tsR25Ohms * Math.exp(tsBetaK * (1 / (celsius + 273.15) - 1 / 298.15));
  return clampCode((3300e3 * r) / (r + tsPullupOhms) / 382, 0x3fff);
}

/** TS code with TEMP_SEL = 0 (die temperature, 25 °C ≈ 1.200 V [datasheet]). */
export const dieCode = clampCode(1200e3 / 382, 0x3fff);

/** Signed 16-bit CC code for a mean current over the window: 8.44 µV/LSB across the shunt (§3). */
export function ccCode(meanMa: number, shuntMicroOhm: number): number {
  const uv = (meanMa * shuntMicroOhm) / 1e6 * 1000;
  return Math.min(32767, Math.max(-32768, Math.round(uv / 8.44)));
}
