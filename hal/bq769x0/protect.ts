// SPDX-License-Identifier: MIT
// Quantising AfeLimits to the bq769x0 protection registers and back
// (../shared/reference/afe-chips.md §3 PROTECT1..3, OV_TRIP, UV_TRIP).
// Thresholds go to the nearest step (ties to the lower one); a threshold more than half a step
// outside the chip's range is refused (AfeStatus.invalid), since the chip would then act far
// from what was asked. Delays go to the nearest step and are held at the table ends: the chip's
// shortest OV delay is 1 s, so a 200 ms request becomes 1 s and `applied` says so.
// The chip has no charge over-current and no temperature protection: those applied fields are 0.
import { AfeStatus, type AfeLimits } from "../afe";
import { divRound } from "../../firmware/intmath";
import { codeToMv } from "./calibration";
import {
  ocdDelayMs,
  ocdDelayShift,
  ocdThreshMvRsns0,
  ocdThreshMvRsns1,
  ovDelayMs,
  ovDelayShift,
  ovTripBaseCode,
  rsnsBit,
  scdDelayShift,
  scdDelayUs,
  scdThreshMvRsns0,
  scdThreshMvRsns1,
  tripStepCodes,
  uvDelayMs,
  uvDelayShift,
  uvTripBaseCode,
} from "./registers";

/** Register bytes for PROTECT1, PROTECT2, PROTECT3, OV_TRIP, UV_TRIP (0x06..0x0A), in order. */
export const protectRegisterCount = 5;

/** Table entry `i` in the caller's unit: table[i] · num / den (mV → mA: num 10^6, den µΩ). */
function entry(table: number[], i: number, num: number, den: number): number {
  return divRound(table[i] * num, den);
}

/**
 * Index of the entry nearest `target`; −1 when `target` is more than half a step beyond an end
 * and `holdEnds` is false.
 */
export function nearestIndex(table: number[], num: number, den: number, target: number, holdEnds: boolean): number {
  const last = table.length - 1;
  const first = entry(table, 0, num, den);
  const top = entry(table, last, num, den);
  if (!holdEnds) {
    if (2 * target < 3 * first - entry(table, 1, num, den)) return -1;
    if (2 * target > 3 * top - entry(table, last - 1, num, den)) return -1;
  }
  let best = 0;
  for (let i = 1; i <= last; i++) {
    if (Math.abs(entry(table, i, num, den) - target) < Math.abs(entry(table, best, num, den) - target)) best = i;
  }
  return best;
}

/** OV_TRIP/UV_TRIP byte whose code is nearest `mv`; −1 when outside the register's range. */
function tripByte(mv: number, baseCode: number, gainUv: number, offsetMv: number): number {
  const code = divRound((mv - offsetMv) * 1000, gainUv);
  const trip = divRound(code - baseCode, tripStepCodes);
  if (trip < 0 || trip > 255) return -1;
  return trip;
}

/**
 * Fill `bytes[0..4]` with PROTECT1..3, OV_TRIP, UV_TRIP for `limits` and `applied` with what
 * they mean. Returns invalid (bytes and applied untouched in meaning) when a limit is out of reach.
 */
export function quantiseLimits(limits: AfeLimits, gainUv: number, offsetMv: number, shuntMicroOhm: number, bytes: number[], applied: AfeLimits): AfeStatus {
  const ov = tripByte(limits.cellOvMv, ovTripBaseCode, gainUv, offsetMv);
  const uv = tripByte(limits.cellUvMv, uvTripBaseCode, gainUv, offsetMv);
  if (ov < 0 || uv < 0 || limits.cellUvMv >= limits.cellOvMv) return AfeStatus.invalid;
  // RSNS = 1 doubles both current ranges: used only when a threshold needs it (§3).
  // Compared in mA (table mV · 10^6 / µΩ ≤ 2·10^8): mA · µΩ could pass 2^31.
  const rsns = limits.shortCircuitMa > entry(scdThreshMvRsns0, 7, 1000000, shuntMicroOhm) || limits.dischargeOcMa > entry(ocdThreshMvRsns0, 15, 1000000, shuntMicroOhm);
  let scdTable = scdThreshMvRsns0;
  let ocdTable = ocdThreshMvRsns0;
  if (rsns) {
    scdTable = scdThreshMvRsns1;
    ocdTable = ocdThreshMvRsns1;
  }
  const scd = nearestIndex(scdTable, 1000000, shuntMicroOhm, limits.shortCircuitMa, false);
  const ocd = nearestIndex(ocdTable, 1000000, shuntMicroOhm, limits.dischargeOcMa, false);
  if (scd < 0 || ocd < 0) return AfeStatus.invalid;
  const scdDelay = nearestIndex(scdDelayUs, 1, 1, limits.shortCircuitDelayUs, true);
  const ocdDelay = nearestIndex(ocdDelayMs, 1, 1, limits.dischargeOcDelayMs, true);
  const ovDelay = nearestIndex(ovDelayMs, 1, 1, limits.cellOvDelayMs, true);
  const uvDelay = nearestIndex(uvDelayMs, 1, 1, limits.cellUvDelayMs, true);
  bytes[0] = scd + scdDelay * (1 << scdDelayShift);
  if (rsns) bytes[0] += rsnsBit;
  bytes[1] = ocd + ocdDelay * (1 << ocdDelayShift);
  bytes[2] = uvDelay * (1 << uvDelayShift) + ovDelay * (1 << ovDelayShift);
  bytes[3] = ov;
  bytes[4] = uv;
  applied.cellOvMv = codeToMv(ovTripBaseCode + tripStepCodes * ov, gainUv, offsetMv);
  applied.cellUvMv = codeToMv(uvTripBaseCode + tripStepCodes * uv, gainUv, offsetMv);
  applied.cellOvDelayMs = ovDelayMs[ovDelay];
  applied.cellUvDelayMs = uvDelayMs[uvDelay];
  applied.chargeOcMa = 0;
  applied.chargeOcDelayMs = 0;
  applied.dischargeOcMa = entry(ocdTable, ocd, 1000000, shuntMicroOhm);
  applied.dischargeOcDelayMs = ocdDelayMs[ocdDelay];
  applied.shortCircuitMa = entry(scdTable, scd, 1000000, shuntMicroOhm);
  applied.shortCircuitDelayUs = scdDelayUs[scdDelay];
  applied.chargeOtDeciC = 0;
  applied.dischargeOtDeciC = 0;
  applied.chargeUtDeciC = 0;
  return AfeStatus.ok;
}
