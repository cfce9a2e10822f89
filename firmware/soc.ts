// SPDX-License-Identifier: MIT
// State of charge: coulomb counting in integer mAs, corrected by anchors the pack cannot fake.
// * ocvBoot: OCV table of the average cell at start (LibreSolar does the same, prior-art.md §7).
// * ocvRest: OCV after `restMs` below `restCurrentMa` (foxBMS: < 200 mA for 10 min,
//   cells-and-limits.md §12.2), only where the curve is steep enough to trust.
// * full: highest cell at `fullCellMv` with a tail current for `fullHoldMs` (diyBMS resync,
//   §12.2), the one LFP anchor that works on every cycle.
// No empty anchor: the 0 % points of the tables (firmware/ocv.ts: LFP 2010 mV, NMC 2520 mV) lie
// at or below the cell UV fault levels (§8: LFP 2.50 V, NMC 2.5–3.0 V), so the protection opens
// the discharge path before such a condition could hold; a loaded-voltage threshold above them
// would have to guess the IR drop. The low end is corrected by the rest OCV, trusted there.
// Coulombic efficiency (99.5–99.9 %, §12.1) is not modelled: the full anchor removes its slow
// upward drift on every complete charge.
//
// The average cell (not the lowest) stands for the pack: the same current flows through every cell,
// so the counted charge moves the mean cell charge, and the mean is what the counter tracks between
// anchors. The lowest cell would make one weak or self-discharged cell move the whole pack's SoC;
// with imbalance the usable SoC differs from the mean by about the spread (±1–3 %, §6), which
// balancing shrinks and the full anchor (highest cell) bounds at the top.
//
// 32-bit care (Lua 5.3 on the device, lua.md §7): mA × ms is split into whole seconds and the
// rest so no product passes 2^31 for any tick length; ratios are double divisions done first.
// The counter holds capacities up to 110 % of rated (firmware/soh.ts): capacityMah ≤ 540 000.
import type { Measurements, RunConfig, SocState } from "./types";
import { SocAnchor } from "./types";
import { clamp, divFloor, divRound, roundInt } from "./intmath";
import { socFromOcvCentiPct } from "./ocv";
import { capacityAtCentiPct, nominalCapacityMas, sohAnchor, sohCount } from "./soh";

/** restMs stops growing here (11.6 days) so a long rest never overflows 32 bits. */
const REST_MS_CAP = 1000000000;

export function createSocState(): SocState {
  return {
    initialized: false,
    capacityMas: 0,
    remainingMas: 0,
    remainderMaMs: 0,
    socCentiPct: 0,
    restMs: 0,
    restCorrected: false,
    fullMs: 0,
    fullAnchored: false,
    anchorSocCentiPct: 0,
    anchorKind: SocAnchor.none,
    sinceAnchorMas: 0,
    sohCentiPct: 0,
    cycleCentiCount: 0,
    dischargedMas: 0,
  };
}

/** Mean cell voltage, mV (n × 5000 mV stays far inside 32 bits). */
function averageCellMv(m: Measurements): number {
  const n = m.cellMv.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += m.cellMv[i];
  return divRound(sum, n);
}

function maxCellMv(m: Measurements): number {
  let v = m.cellMv[0];
  for (let i = 1; i < m.cellMv.length; i++) if (m.cellMv[i] > v) v = m.cellMv[i];
  return v;
}

/**
 * SoC of `remainingMas` in `capacityMas`. `/` is a double division on V8, Espruino and Lua 5.3
 * (lua.md §4), so dividing first is exact enough (53-bit mantissa) and never forms mAs × 10000,
 * which passes 2^31 above 60 Ah.
 */
function socOfRemaining(soc: SocState): number {
  return clamp(roundInt((soc.remainingMas / soc.capacityMas) * 10000), 0, 10000);
}

/** Puts the counter at `socCentiPct` of the capacity in use. */
function setSoc(soc: SocState, socCentiPct: number): void {
  soc.remainingMas = clamp(roundInt((soc.capacityMas / 10000) * socCentiPct), 0, soc.capacityMas);
  soc.socCentiPct = socCentiPct;
}

/** SoH bookkeeping first (it may change the capacity), then the counter moves to the anchor. */
function anchorAt(conf: RunConfig, soc: SocState, kind: SocAnchor, socCentiPct: number): SocAnchor {
  sohAnchor(conf, soc, kind, socCentiPct);
  setSoc(soc, socCentiPct);
  return kind;
}

/** The OCV curve is steep enough at this SoC to correct the counter (SocConfig, §12.2). */
function ocvTrusted(conf: RunConfig, socCentiPct: number): boolean {
  return socCentiPct < conf.soc.ocvTrustBelowCentiPct || socCentiPct > conf.soc.ocvTrustAboveCentiPct;
}

/**
 * Initial SoC from the OCV of the average cell. Boot OCV is trusted at every SoC because there is
 * nothing better, but on the LFP plateau (0.4–0.7 mV/%, 10–25 mV hysteresis, §4, §5, §12.2) it can
 * be tens of % off until the first full charge. Needs valid cells; without them it leaves the
 * state uninitialised and socStep tries again. A capacity or SoH already set (restored) is kept.
 */
export function socInit(conf: RunConfig, soc: SocState, m: Measurements): void {
  if (soc.capacityMas <= 0) {
    if (soc.sohCentiPct > 0) {
      soc.capacityMas = capacityAtCentiPct(conf, soc.sohCentiPct);
    } else {
      soc.capacityMas = nominalCapacityMas(conf);
      soc.sohCentiPct = 10000;
    }
  }
  if (!m.cellsValid || m.cellMv.length === 0) return;
  anchorAt(conf, soc, SocAnchor.ocvBoot, socFromOcvCentiPct(conf.chemistry, averageCellMv(m)));
  soc.restMs = 0;
  soc.restCorrected = false;
  soc.fullMs = 0;
  soc.fullAnchored = false;
  soc.initialized = true;
}

/** Books whole mAs: the clamped counter, the SoH span and the discharged-charge carry. */
function countWhole(conf: RunConfig, soc: SocState, wholeMas: number): void {
  soc.remainingMas = clamp(soc.remainingMas + wholeMas, 0, soc.capacityMas);
  sohCount(conf, soc, wholeMas);
  if (wholeMas < 0) {
    // Equivalent full cycles against the rated capacity: a carry below 1/100 cycle keeps the
    // counters small (capacityMah × 36 mAs is one hundredth of a cycle).
    const centiCycleMas = conf.capacityMah * 36;
    soc.dischargedMas = soc.dischargedMas - wholeMas;
    if (soc.dischargedMas >= centiCycleMas) {
      const cycles = divFloor(soc.dischargedMas, centiCycleMas);
      soc.cycleCentiCount = soc.cycleCentiCount + cycles;
      soc.dischargedMas = soc.dischargedMas - cycles * centiCycleMas;
    }
  }
}

/**
 * Integrates `currentMa` over `dtMs` exactly: the sub-mAs part is carried in remainderMaMs
 * (0 ≤ r < 1000 mA·ms), so no charge is lost or invented over any number of ticks. The part of
 * the tick below one second goes through the remainder (|I| × 999 ms + r); whole seconds are
 * booked in chunks of at most 1000 s, so no product passes 2^31 below 2000 A even after a long gap.
 */
function countCharge(conf: RunConfig, soc: SocState, currentMa: number, dtMs: number): void {
  let seconds = divFloor(dtMs, 1000);
  const acc = currentMa * (dtMs - seconds * 1000) + soc.remainderMaMs;
  const carryMas = divFloor(acc, 1000);
  soc.remainderMaMs = acc - carryMas * 1000;
  countWhole(conf, soc, carryMas);
  while (seconds > 0) {
    const chunk = seconds > 1000 ? 1000 : seconds;
    countWhole(conf, soc, currentMa * chunk);
    seconds = seconds - chunk;
  }
}

/** Rest timer: runs below restCurrentMa, restarts (and re-arms the rest correction) above it. */
function trackRest(conf: RunConfig, soc: SocState, currentMa: number, dtMs: number): void {
  const magnitudeMa = currentMa < 0 ? -currentMa : currentMa;
  if (magnitudeMa < conf.soc.restCurrentMa) {
    soc.restMs = soc.restMs + dtMs > REST_MS_CAP ? REST_MS_CAP : soc.restMs + dtMs;
  } else {
    soc.restMs = 0;
    soc.restCorrected = false;
  }
}

/** End-of-charge detection; returns true on the tick the full anchor is due. */
function fullDue(conf: RunConfig, soc: SocState, m: Measurements, dtMs: number): boolean {
  const c = conf.soc;
  const tail = m.currentMa > c.restCurrentMa && m.currentMa < c.fullTailCurrentMa;
  if (!tail || maxCellMv(m) < c.fullCellMv) {
    soc.fullMs = 0;
    return false;
  }
  soc.fullMs = soc.fullMs + dtMs > c.fullHoldMs ? c.fullHoldMs : soc.fullMs + dtMs;
  return soc.fullMs >= c.fullHoldMs && !soc.fullAnchored;
}

/**
 * One tick of SoC estimation. Counts when the current is valid (holds otherwise), then applies at
 * most one anchor and returns it (SocAnchor.none on ordinary ticks). Before a successful socInit
 * it initialises from the OCV as soon as the cells are valid and returns ocvBoot.
 */
export function socStep(conf: RunConfig, soc: SocState, m: Measurements, dtMs: number): SocAnchor {
  if (!soc.initialized) {
    socInit(conf, soc, m);
    return soc.initialized ? SocAnchor.ocvBoot : SocAnchor.none;
  }
  if (!m.currentValid || dtMs <= 0) return SocAnchor.none;
  countCharge(conf, soc, m.currentMa, dtMs);
  trackRest(conf, soc, m.currentMa, dtMs);
  // A discharge re-arms the full anchor: one per charge, not one per fullHoldMs on float.
  if (m.currentMa < -conf.soc.restCurrentMa) soc.fullAnchored = false;
  if (m.cellsValid && m.cellMv.length > 0) {
    if (fullDue(conf, soc, m, dtMs)) {
      soc.fullAnchored = true;
      return anchorAt(conf, soc, SocAnchor.full, 10000);
    }
    if (soc.restMs >= conf.soc.restMs && !soc.restCorrected) {
      // Once per rest, applied or refused: the OCV only creeps on from here (§12.2).
      soc.restCorrected = true;
      const ocvSoc = socFromOcvCentiPct(conf.chemistry, averageCellMv(m));
      if (ocvTrusted(conf, ocvSoc)) return anchorAt(conf, soc, SocAnchor.ocvRest, ocvSoc);
    }
  }
  soc.socCentiPct = socOfRemaining(soc);
  return SocAnchor.none;
}
