// SPDX-License-Identifier: MIT
// The bq769x0 factory ADC calibration and the code → millivolt conversions built on it
// (../shared/reference/afe-chips.md §3, LibreSolar bq769x0.c). Integers only; every product
// stays below 2^31 for Lua's 32-bit integers.
import { divRound } from "../../firmware/intmath";
import { batGainFactor, gainBaseUvPerLsb } from "./registers";

/** GAIN = 365 + ((ADCGAIN1 & 0x0C) << 1 | (ADCGAIN2 & 0xE0) >> 5) µV/LSB, 365..396 (§3). */
export function gainFromTrims(adcGain1: number, adcGain2: number): number {
  return gainBaseUvPerLsb + ((adcGain1 & 0x0c) << 1) + ((adcGain2 & 0xe0) >>> 5);
}

/** OFFSET = ADCOFFSET read as a signed byte, mV (§3). */
export function offsetFromTrim(adcOffset: number): number {
  if (adcOffset >= 128) return adcOffset - 256;
  return adcOffset;
}

/** Cell voltage of a 14-bit code: code · gain / 1000 + offset (§3); 16383 · 396 < 2^23. */
export function codeToMv(code: number, gainUv: number, offsetMv: number): number {
  return divRound(code * gainUv, 1000) + offsetMv;
}

/** Stack voltage of the 16-bit BAT code: 4 · gain · code / 1000 + cells · offset (§3); < 2^27. */
export function batToMv(code: number, cells: number, gainUv: number, offsetMv: number): number {
  return divRound(batGainFactor * gainUv * code, 1000) + cells * offsetMv;
}
