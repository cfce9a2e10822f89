// SPDX-License-Identifier: MIT
// Chemistry presets: a complete, validated PackConfig from chemistry, cell count and capacity.
// Every number cites its source; "§n" is ../shared/reference/cells-and-limits.md, "prior-art §n"
// is ../shared/reference/prior-art.md. Abbreviations: LS = LibreSolar bms_common.c, foxBMS
// MSL/RSL/MOL = maximum safety / recommended safety / maximum operating limit (prior-art §2.1).
// Boards copy a preset and change what their hardware needs (boards/*.ts).
import { divRound } from "./intmath";
import type { Chemistry, FaultLimit, PackConfig } from "./types";

/** Per-chemistry cell numbers (mV, deciC); the rest of a preset is shared or derived. */
interface CellPreset {
  ovWarnMv: number;
  ovFaultMv: number;
  ovHysteresisMv: number;
  uvWarnMv: number;
  uvFaultMv: number;
  uvHysteresisMv: number;
  chargeMv: number;
  fullMv: number;
  balanceMinMv: number;
  chargeMinDeciC: number;
  chargeMaxDeciC: number;
  dischargeMinDeciC: number;
  dischargeMaxDeciC: number;
  restMs: number;
  ocvTrustBelowCentiPct: number;
  ocvTrustAboveCentiPct: number;
}

const lfp: CellPreset = {
  // §8: charge stop 3.55 V (LS) is the warning; cells are rated 3.65 V, the fault.
  ovWarnMv: 3550,
  ovFaultMv: 3650,
  // §8 OV reset 3.40 V (LS): release 250 mV under the fault level.
  ovHysteresisMv: 250,
  // §8: discharge stop 2.80 V, UV fault 2.50 V, UV reset 3.10 V (LS) → 600 mV.
  uvWarnMv: 2800,
  uvFaultMv: 2500,
  uvHysteresisMv: 600,
  // CVL per cell 100 mV under the warning, where the taper starts (§4: 100 % rests at ≈ 3.39 V).
  chargeMv: 3450,
  // Full when the highest cell is at 3.40 V with a tail current (§12.2, §4 rested 100 % ≈ 3.39 V).
  fullMv: 3400,
  // §10: LFP imbalance shows only above 3.40–3.45 V; balance at the top.
  balanceMinMv: 3400,
  // §8: charge 0…45 °C, discharge −20…45 °C (LS).
  chargeMinDeciC: 0,
  chargeMaxDeciC: 450,
  dischargeMinDeciC: -200,
  dischargeMaxDeciC: 450,
  // §12.2: LFP takes hours to relax; one hour, and only off the plateau (below 15 %, above 95 %).
  restMs: 3600000,
  ocvTrustBelowCentiPct: 1500,
  ocvTrustAboveCentiPct: 9500,
};

const nmc: CellPreset = {
  // §8: charge stop 4.20 V (LS) warning, 4.25 V (LS) fault, OV reset 4.05 V → 200 mV.
  ovWarnMv: 4200,
  ovFaultMv: 4250,
  ovHysteresisMv: 200,
  // §8: discharge stop 3.20 V (LS), UV fault 3.00 V (LS), UV reset 3.50 V → 500 mV.
  uvWarnMv: 3200,
  uvFaultMv: 3000,
  uvHysteresisMv: 500,
  // §8: foxBMS RSL 4.15 V / ENNOID soft 4.10–4.15 V as the charge voltage.
  chargeMv: 4150,
  fullMv: 4100,
  // §10: LS starts balancing above 3.80 V for NMC.
  balanceMinMv: 3800,
  // §8: charge 0…45 °C, discharge −20…60 °C (foxBMS MSL).
  chargeMinDeciC: 0,
  chargeMaxDeciC: 450,
  dischargeMinDeciC: -200,
  dischargeMaxDeciC: 600,
  // §12.2: NMC relaxes to a few mV in 30–60 min; its curve is steep everywhere (≈ 9 mV/%), so the
  // OCV is trusted at any SoC (below 10000 or above 0, types.ts SocConfig).
  restMs: 1800000,
  ocvTrustBelowCentiPct: 10000,
  ocvTrustAboveCentiPct: 0,
};

const lto: CellPreset = {
  // §8: warning 2.80 V, fault 2.85 V (LS), OV reset 2.70 V → 150 mV.
  ovWarnMv: 2800,
  ovFaultMv: 2850,
  ovHysteresisMv: 150,
  // §8: discharge stop 2.00 V, UV fault 1.90 V (LS), UV reset 2.10 V → 200 mV.
  uvWarnMv: 2000,
  uvFaultMv: 1900,
  uvHysteresisMv: 200,
  // §8: foxBMS RSL 2.75 V.
  chargeMv: 2750,
  fullMv: 2700,
  // §10: LS balances LTO above 2.50 V.
  balanceMinMv: 2500,
  // §8: charge −20…45 °C, discharge −20…55 °C (foxBMS default cell MSL).
  chargeMinDeciC: -200,
  chargeMaxDeciC: 450,
  dischargeMinDeciC: -200,
  dischargeMaxDeciC: 550,
  // §4: the LTO table rises ≈ 2.6–8 mV/% [calc] (LFP plateau 0.4–0.7): trusted everywhere.
  restMs: 1800000,
  ocvTrustBelowCentiPct: 10000,
  ocvTrustAboveCentiPct: 0,
};

function cellPreset(chemistry: Chemistry): CellPreset {
  if (chemistry === "NMC") return nmc;
  if (chemistry === "LTO") return lto;
  return lfp;
}

function limit(warnLevel: number, faultLevel: number, hysteresis: number, delayMs: number, latch: boolean): FaultLimit {
  return { warnLevel: warnLevel, faultLevel: faultLevel, hysteresis: hysteresis, delayMs: delayMs, latch: latch };
}

/** 5 °C inside each temperature fault level: foxBMS RSL vs MSL (prior-art §2.1). */
const temperatureWarnDeciC = 50;
/** §8: 5 °C release hysteresis (LS; bq76952 recovery 5 °C). */
const temperatureHysteresisDeciC = 50;
/** §9: bq769x0 OV delay choices 1/2/4/8 s: the shortest, since cells climb fast at the top. */
const ovDelayMs = 1000;
/** §9: LS software OV/UV delay 2 s; load steps sag the cells, so UV waits the longer time. */
const uvDelayMs = 2000;
/** §8, §9: LS over-current delay 320 ms. */
const ocDelayMs = 320;
/** §9: bq76952 temperature delays 2 s. */
const temperatureDelayMs = 2000;

/**
 * A complete configuration for `seriesCount` cells of `chemistry`, `capacityMah` each string.
 * Currents derive from 1C = capacityMah mA (LS: OC = 1C, §8).
 */
export function presetConfig(chemistry: Chemistry, seriesCount: number, capacityMah: number): PackConfig {
  const c = cellPreset(chemistry);
  const oneC = capacityMah;
  // foxBMS MJ1 current tiers 10 / 9.5 / 9.0 A (MSL/RSL/MOL, §8): warning at 95 % of the fault,
  // continuous maximum at 90 %.
  const ocWarn = divRound(oneC * 95, 100);
  const currentMax = divRound(oneC * 90, 100);
  const currentHysteresis = divRound(oneC, 20);
  // 0.01C: rest and activity threshold, well above the current-sensor offset of §12.1 (50 mA on
  // 100 Ah is 0.0005C).
  const hundredthC = divRound(oneC, 100);
  return {
    chemistry: chemistry,
    seriesCount: seriesCount,
    // One thermistor at least; boards set their own count.
    temperatureCount: 1,
    capacityMah: capacityMah,
    protection: {
      cellOvMv: limit(c.ovWarnMv, c.ovFaultMv, c.ovHysteresisMv, ovDelayMs, false),
      cellUvMv: limit(c.uvWarnMv, c.uvFaultMv, c.uvHysteresisMv, uvDelayMs, false),
      // OC latches: foxBMS keeps FATAL faults until an explicit request (prior-art §2.3), ENNOID
      // latches over-current (prior-art §4); an auto-retry would pulse an overload every second.
      chargeOcMa: limit(ocWarn, oneC, currentHysteresis, ocDelayMs, true),
      dischargeOcMa: limit(ocWarn, oneC, currentHysteresis, ocDelayMs, true),
      // §8: LS short circuit = 2 × the OC limit. Software sees it at the first sample (delay 0)
      // behind the AFE's µs hardware trip (§9), and it latches. Its warning coincides with the
      // fault: the band between OC and SC is the discharge OC row's.
      shortCircuitMa: limit(2 * oneC, 2 * oneC, currentHysteresis, 0, true),
      chargeOtDeciC: limit(c.chargeMaxDeciC - temperatureWarnDeciC, c.chargeMaxDeciC, temperatureHysteresisDeciC, temperatureDelayMs, false),
      chargeUtDeciC: limit(c.chargeMinDeciC + temperatureWarnDeciC, c.chargeMinDeciC, temperatureHysteresisDeciC, temperatureDelayMs, false),
      dischargeOtDeciC: limit(c.dischargeMaxDeciC - temperatureWarnDeciC, c.dischargeMaxDeciC, temperatureHysteresisDeciC, temperatureDelayMs, false),
      dischargeUtDeciC: limit(c.dischargeMinDeciC + temperatureWarnDeciC, c.dischargeMinDeciC, temperatureHysteresisDeciC, temperatureDelayMs, false),
    },
    sensors: {
      // An open or shorted sense line reads near 0; an LTC681x register reads 0xFFFF = 6553.5 mV
      // after a clear or power-on reset (afe-chips.md §1.5). No cell of §8 lives outside 0.5–5 V.
      cellMinPlausibleMv: 500,
      cellMaxPlausibleMv: 5000,
      // Σ cells vs stack: 5 mV per cell (LTC6813 total error < 2.2 mV, §12.2) plus 100 mV for the
      // stack measurement's own resolution (10 mV units on the bq76952, afe-chips.md §2.2).
      stackToleranceMv: 100 + 5 * seriesCount,
      // An open NTC divider reads near −150 °C, a shorted one far above 100 °C: −40…120 °C covers
      // every limit of §8 with margin.
      temperatureMinPlausibleDeciC: -400,
      temperatureMaxPlausibleDeciC: 1200,
      // A reading frozen to the mA under load for 30 s is a stuck converter (§12.1: one LSB of a
      // real shunt path is several mA and noise moves it every few ticks).
      currentStuckMs: 30000,
      // §9: SimpBMS trips after 500 ms.
      sensorDelayMs: 500,
      // Blind for at most 1 s: the OV delay above, so losing the AFE never silences protection
      // for longer than a fault would take to trip (prior-art §10 item 5).
      afeLossDelayMs: 1000,
      // Missing data must raise a fault and faults latch until cleared (prior-art §10 items 5, 9).
      latch: true,
    },
    limits: {
      chargeCurrentMaxMa: currentMax,
      dischargeCurrentMaxMa: currentMax,
      cellChargeMv: c.chargeMv,
      // DVL at the discharge stop (warning) level, §8.
      cellDischargeMv: c.uvWarnMv,
      // The last 100 mV before a warning: full current below, 0 at the warning.
      voltageTaperMv: 100,
      // 0.02C keeps a CV top-off going inside the taper, below the 0.05C full-detection tail.
      taperFloorMa: divRound(oneC, 50),
    },
    soc: {
      restCurrentMa: hundredthC,
      restMs: c.restMs,
      fullCellMv: c.fullMv,
      // 0.05C tail held 3 min (diyBMS resync, §12.2).
      fullTailCurrentMa: divRound(oneC, 20),
      fullHoldMs: 180000,
      ocvTrustBelowCentiPct: c.ocvTrustBelowCentiPct,
      ocvTrustAboveCentiPct: c.ocvTrustAboveCentiPct,
      // Anchors ≥ 50 % apart: a 1 % counting error (§12.1 gain error) then moves the capacity
      // estimate by ≤ 2 %; a new estimate is blended in at 25 %.
      sohMinSpanCentiPct: 5000,
      sohBlendPermille: 250,
    },
    balancing: {
      enabled: true,
      // §10 VESC BMS start/end 15 / 8 mV above the lowest cell.
      startMv: 15,
      stopMv: 8,
      minCellMv: c.balanceMinMv,
      // §10 bq76952 default cell window −20…60 °C.
      minTemperatureDeciC: -200,
      maxTemperatureDeciC: 600,
      // §10 LS max-balanced-cells default 4. Adjacency is an AFE property: bq769x0 boards set it.
      maxCells: seriesCount < 4 ? seriesCount : 4,
      noAdjacent: false,
    },
    activityCurrentMa: hundredthC,
    autoStart: true,
    eventLogSize: 64,
  };
}
