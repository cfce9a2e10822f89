// SPDX-License-Identifier: MIT
// Quantisation of protection limits into BQ76952 data-memory codes and back
// (../shared/reference/afe-chips.md §2.4), and the f32 encoding of CC Gain. Pure integer maths in
// fixed units; products stay below 2^31 for Lua 5.3 (shunts up to 10 mΩ, currents up to 1000 A).
import { clamp, divRound } from "../../firmware/intmath";
import {
  cellThresholdStepTenthMv,
  currentThresholdStepUv,
  delayOffsetSteps,
  delayStepTenthMs,
  scdDelayCodeMax,
  scdDelayStepUs,
  scdThresholdMv,
  temperatureMaxC,
  temperatureMinC,
} from "./registers";

/** Largest current magnitude handled, mA; keeps deciA · µΩ below 2^31. */
const currentLimitMa = 1000000;

/** COV/CUV code (50.6 mV steps) nearest to `mv`, limited to low..high. */
export function cellThresholdCode(mv: number, low: number, high: number): number {
  return clamp(divRound(mv * 10, cellThresholdStepTenthMv), low, high);
}

export function cellThresholdMv(code: number): number {
  return divRound(code * cellThresholdStepTenthMv, 10);
}

/** Delay code N for about `ms`: the chip waits (N + 2) · 3.3 ms (§2.4). */
export function delayCode(ms: number, high: number): number {
  return clamp(divRound(ms * 10, delayStepTenthMs) - delayOffsetSteps, 1, high);
}

export function delayMs(code: number): number {
  return divRound((code + delayOffsetSteps) * delayStepTenthMs, 10);
}

/** Voltage across the shunt in µV for a current magnitude in mA. */
export function shuntUv(ma: number, shuntMicroOhm: number): number {
  let m = ma;
  if (m < 0) m = -m;
  const deciA = divRound(clamp(m, 0, currentLimitMa), 100);
  return divRound(deciA * shuntMicroOhm, 10);
}

/** OCC/OCD code (2 mV across the shunt) nearest to `ma`, limited to low..high (§2.4). */
export function currentCode(ma: number, shuntMicroOhm: number, low: number, high: number): number {
  return clamp(divRound(shuntUv(ma, shuntMicroOhm), currentThresholdStepUv), low, high);
}

export function currentCodeMa(code: number, shuntMicroOhm: number): number {
  return divRound(code * currentThresholdStepUv * 1000, shuntMicroOhm);
}

/** Index of the SCD table step nearest to `ma` across the shunt (§2.4). */
export function scdCode(ma: number, shuntMicroOhm: number): number {
  const uv = shuntUv(ma, shuntMicroOhm);
  let best = 0;
  let bestError = -1;
  for (let i = 0; i < scdThresholdMv.length; i++) {
    let e = scdThresholdMv[i] * 1000 - uv;
    if (e < 0) e = -e;
    if (bestError < 0 || e < bestError) {
      best = i;
      bestError = e;
    }
  }
  return best;
}

export function scdCodeMa(code: number, shuntMicroOhm: number): number {
  return divRound(scdThresholdMv[code] * 1000000, shuntMicroOhm);
}

/** SCD delay code: (N − 1) · 15 µs (§2.4). */
export function scdDelayCode(us: number): number {
  return clamp(divRound(us, scdDelayStepUs) + 1, 1, scdDelayCodeMax);
}

export function scdDelayUs(code: number): number {
  return (code - 1) * scdDelayStepUs;
}

/** Whole °C for a signed data-memory byte. */
export function temperatureCode(deciC: number): number {
  return clamp(divRound(deciC, 10), temperatureMinC, temperatureMaxC);
}

/** IEEE-754 single of a positive `x`, little-endian into out[0..3] (no typed arrays, lua.md §4). */
export function putFloat32(x: number, out: number[]): void {
  if (!(x > 0)) {
    for (let i = 0; i < 4; i++) out[i] = 0;
    return;
  }
  let m = x;
  let e = 0;
  while (m >= 2) {
    m = m / 2;
    e++;
  }
  while (m < 1) {
    m = m * 2;
    e--;
  }
  let mantissa = Math.floor((m - 1) * 8388608 + 0.5);
  if (mantissa >= 8388608) {
    mantissa = 0;
    e++;
  }
  const exponent = clamp(e + 127, 1, 254);
  out[0] = mantissa & 0xff;
  out[1] = (mantissa >>> 8) & 0xff;
  out[2] = ((mantissa >>> 16) & 0x7f) + 128 * (exponent & 1);
  out[3] = exponent >>> 1;
}
