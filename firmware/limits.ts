// SPDX-License-Identifier: MIT
// Charge and discharge limits published to the EMS or inverter and obeyed by the core. Current
// limits start from the configured maxima and are derated near the edges (foxBMS SoF
// "trapezoid" between the operating and safety limits, prior-art.md §2.5; ENNOID throttling,
// §4):
//  * voltage: linear over `voltageTaperMv` below the cell OV warning level down to `taperFloorMa`,
//    0 at or above the warning; for discharge the same above the UV warning level, no floor;
//  * temperature: full current inside the warning levels, linear to 0 between the warning and the
//    fault level of the charge (discharge) temperature rows;
//  * an active warning of an over-current row halves that direction's maximum;
//  * a direction whose path is open (a fault, standby, init) gets 0.
// The voltage limits never drop to 0: a charge voltage limit of 0 makes inverters force a
// discharge (diyBMS #175, prior-art §10 item 7). Integer math only; products stay below 2^31
// because validateConfig bounds currents to 10^6 mA and the taper/derate spans to 1000.
import { divFloor } from "./intmath";
import { FaultId } from "./fault-ids";
import type { BmsState, FaultTable, RunConfig } from "./types";

/**
 * `maxMa` derated by a value between a warning and a fault level, for either direction (the
 * fault level above the warning for upper limits, below it for lower ones): 0 at or beyond the
 * fault level, full at or inside the warning level, linear (rounded down) between.
 */
export function derateMa(maxMa: number, value: number, warnLevel: number, faultLevel: number): number {
  const up = faultLevel >= warnLevel;
  if (up ? value >= faultLevel : value <= faultLevel) return 0;
  if (up ? value <= warnLevel : value >= warnLevel) return maxMa;
  // Between the two levels, so the span is not 0.
  const span = up ? faultLevel - warnLevel : warnLevel - faultLevel;
  const left = up ? faultLevel - value : value - faultLevel;
  return divFloor(maxMa * left, span);
}

/** Charge current allowed by the highest cell (taper below the OV warning level). */
export function chargeTaperMa(conf: RunConfig, t: FaultTable, maxCellMv: number): number {
  const l = conf.limits;
  const warn = t.warnLevel[FaultId.cellOv];
  if (maxCellMv >= warn) return 0;
  const taper = l.voltageTaperMv;
  if (taper <= 0 || maxCellMv <= warn - taper) return l.chargeCurrentMaxMa;
  const floor = l.taperFloorMa < l.chargeCurrentMaxMa ? l.taperFloorMa : l.chargeCurrentMaxMa;
  return floor + divFloor((l.chargeCurrentMaxMa - floor) * (warn - maxCellMv), taper);
}

/** Discharge current allowed by the lowest cell (taper above the UV warning level, no floor). */
export function dischargeTaperMa(conf: RunConfig, t: FaultTable, minCellMv: number): number {
  const l = conf.limits;
  const warn = t.warnLevel[FaultId.cellUv];
  if (minCellMv <= warn) return 0;
  const taper = l.voltageTaperMv;
  if (taper <= 0 || minCellMv >= warn + taper) return l.dischargeCurrentMaxMa;
  return divFloor(l.dischargeCurrentMaxMa * (minCellMv - warn), taper);
}

/** CVL = seriesCount × cellChargeMv, in every mode; validateConfig makes sure it is > 0. */
export function chargeVoltageLimitMv(conf: RunConfig): number {
  return conf.seriesCount * conf.limits.cellChargeMv;
}

function lower(a: number, b: number): number {
  return a < b ? a : b;
}

/** The temperature derating of one direction: the hot row on the highest, the cold on the lowest. */
function temperatureMa(t: FaultTable, maxMa: number, hot: number, cold: number, maxT: number, minT: number): number {
  const h = derateMa(maxMa, maxT, t.warnLevel[hot], t.faultLevel[hot]);
  return lower(h, derateMa(maxMa, minT, t.warnLevel[cold], t.faultLevel[cold]));
}

/**
 * Writes the four limits into state.out from its aggregates, warnings and path enables (call after
 * those are set). Allocates nothing.
 */
export function updateLimits(conf: RunConfig, state: BmsState): void {
  const out = state.out;
  const t = state.faultTable;
  const w = state.faults.warnActive;
  const l = conf.limits;

  let charge = chargeTaperMa(conf, t, out.maxCellMv);
  charge = lower(charge, temperatureMa(t, l.chargeCurrentMaxMa, FaultId.chargeOt, FaultId.chargeUt, out.maxTemperatureDeciC, out.minTemperatureDeciC));
  if (w[FaultId.chargeOc]) charge = lower(charge, divFloor(l.chargeCurrentMaxMa, 2));
  if (!out.chargeEnable) charge = 0;

  let discharge = dischargeTaperMa(conf, t, out.minCellMv);
  discharge = lower(discharge, temperatureMa(t, l.dischargeCurrentMaxMa, FaultId.dischargeOt, FaultId.dischargeUt, out.maxTemperatureDeciC, out.minTemperatureDeciC));
  if (w[FaultId.dischargeOc] || w[FaultId.shortCircuit]) discharge = lower(discharge, divFloor(l.dischargeCurrentMaxMa, 2));
  if (!out.dischargeEnable) discharge = 0;

  out.chargeCurrentLimitMa = charge;
  out.dischargeCurrentLimitMa = discharge;
  out.chargeVoltageLimitMv = chargeVoltageLimitMv(conf);
  out.dischargeVoltageLimitMv = conf.seriesCount * l.cellDischargeMv;
}
