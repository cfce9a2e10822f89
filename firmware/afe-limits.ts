// SPDX-License-Identifier: MIT
// The thresholds the AFE enforces on its own, derived from the pack configuration: a second
// layer under the firmware's fault table. Each sits beyond the firmware's fault level and waits
// longer, so in normal operation the firmware decides (the same decision on every AFE) and the
// chip only acts when the firmware cannot: a stalled MCU, a lost bus, a hung loop. Short circuit
// is the exception: only the chip can act in microseconds (cells-and-limits.md §9), so its level
// is the firmware's own and the chip always acts first there; the shell then records it.
import type { AfeLimits } from "../hal/afe";
import { divRound } from "./intmath";
import type { PackConfig } from "./types";

/** Beyond the firmware OV/UV fault levels: one bq76952 COV step (50.6 mV) past the OV level. */
export const chipOvMarginMv = 50;
/** UV margin: cells sag under load; the chip must not cut before the firmware's 2 s UV delay. */
export const chipUvMarginMv = 100;
/** Over-current margin, % of the firmware fault level (bq769x0 OCD steps are 5.5–11 mV). */
export const chipOcMarginPct = 25;
/** Temperature margin: one release hysteresis (5 °C, §8). */
export const chipTemperatureMarginDeciC = 50;
/**
 * Extra delay over the firmware's: the chip waits at least one more second for OV/UV (bq769x0 OV
 * delays 1/2/4/8 s, §9) and twice the firmware's delay for over-current.
 */
export const chipVoltageExtraDelayMs = 1000;
/** §9: LibreSolar's short-circuit delay on the bq769x0, 200 µs. */
export const chipShortCircuitDelayUs = 200;

function margin(ma: number): number {
  return ma + divRound(ma * chipOcMarginPct, 100);
}

/** Fills `into` with the chip's thresholds for `conf` (at start; allocates nothing). */
export function chipLimits(conf: PackConfig, into: AfeLimits): AfeLimits {
  const p = conf.protection;
  into.cellOvMv = p.cellOvMv.faultLevel + chipOvMarginMv;
  into.cellOvDelayMs = p.cellOvMv.delayMs + chipVoltageExtraDelayMs;
  into.cellUvMv = p.cellUvMv.faultLevel - chipUvMarginMv;
  into.cellUvDelayMs = p.cellUvMv.delayMs + chipVoltageExtraDelayMs;
  into.chargeOcMa = margin(p.chargeOcMa.faultLevel);
  into.chargeOcDelayMs = 2 * p.chargeOcMa.delayMs;
  into.dischargeOcMa = margin(p.dischargeOcMa.faultLevel);
  into.dischargeOcDelayMs = 2 * p.dischargeOcMa.delayMs;
  into.shortCircuitMa = p.shortCircuitMa.faultLevel;
  into.shortCircuitDelayUs = chipShortCircuitDelayUs;
  into.chargeOtDeciC = p.chargeOtDeciC.faultLevel + chipTemperatureMarginDeciC;
  into.dischargeOtDeciC = p.dischargeOtDeciC.faultLevel + chipTemperatureMarginDeciC;
  into.chargeUtDeciC = p.chargeUtDeciC.faultLevel - chipTemperatureMarginDeciC;
  return into;
}

/** An all-zero AfeLimits, for `applied` and the scratch of chipLimits (made once). */
export function createAfeLimits(): AfeLimits {
  return {
    cellOvMv: 0,
    cellOvDelayMs: 0,
    cellUvMv: 0,
    cellUvDelayMs: 0,
    chargeOcMa: 0,
    chargeOcDelayMs: 0,
    dischargeOcMa: 0,
    dischargeOcDelayMs: 0,
    shortCircuitMa: 0,
    shortCircuitDelayUs: 0,
    chargeOtDeciC: 0,
    dischargeOtDeciC: 0,
    chargeUtDeciC: 0,
  };
}
