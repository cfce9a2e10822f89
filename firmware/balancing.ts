// SPDX-License-Identifier: MIT
// Passive balancing: decide which bleed resistors are on this tick.
// * Start above lowest + startMv, go on until at most lowest + stopMv: per-cell hysteresis, as in
//   bq76952 (start 40 / stop 20 mV) and VESC BMS (15 / 8 mV) (../shared/reference/
//   cells-and-limits.md §10, prior-art.md §6). The lowest cell is the reference, not the average.
// * Only cells at or above minCellMv: LFP hides its imbalance on the plateau and shows it only
//   above about 3.40 V, so it balances at the top of charge (§10).
// * Only inside the temperature window, with fresh temperatures (foxBMS ≤ 70 °C, bq76952 −20…60 °C).
// * At most maxCells at once, highest first (VESC "prioritised by imbalance"; internal-FET AFEs are
//   limited by package dissipation, LibreSolar default 4, bq76952 default 1, §10).
// * With noAdjacent never two neighbours (bq769x0, LibreSolar refuses adjacent cells): the higher
//   cell wins because it is chosen first.
// * Off whenever the caller does not allow it (faults, standby, rest policy), when disabled, when
//   the cell readings are stale, and while any sense wire is open (its readings are not cells).
//
// The readings need no IR-drop compensation: the LTC681x driver converts with DCP=0, which switches
// the discharge off while each cell converts (../shared/reference/afe-chips.md §1.4, §1.8). An AFE
// that measures while bleeding (DCP=1) would need it.
//
// Selection allocates nothing and does not sort: repeated maximum scans over the preallocated
// `candidate` scratch, at most maxCells scans of seriesCount cells per tick.
import type { BalanceState, Measurements, RunConfig } from "./types";
import { booleanArray, intArray } from "./alloc";

/** Candidate marks in BalanceState.candidate. */
const NOT_CANDIDATE = 0;
const MAY_START = 1;
const MAY_CONTINUE = 2;

export function createBalanceState(cells: number): BalanceState {
  return { active: booleanArray(cells, false), count: 0, candidate: intArray(cells, NOT_CANDIDATE) };
}

function allOff(bal: BalanceState): void {
  for (let i = 0; i < bal.active.length; i++) bal.active[i] = false;
  bal.count = 0;
}

/** Every temperature is fresh and inside [min, max]. */
function temperaturesAllow(conf: RunConfig, m: Measurements): boolean {
  if (!m.temperaturesValid) return false;
  const b = conf.balancing;
  for (let i = 0; i < m.temperatureDeciC.length; i++) {
    const t = m.temperatureDeciC[i];
    if (t < b.minTemperatureDeciC || t > b.maxTemperatureDeciC) return false;
  }
  return true;
}

function anyOpenWire(m: Measurements): boolean {
  for (let i = 0; i < m.openWire.length; i++) if (m.openWire[i]) return true;
  return false;
}

/** Marks the cells that want to bleed, from the previous tick's `active` (the hysteresis). */
function markCandidates(conf: RunConfig, bal: BalanceState, m: Measurements): number {
  const b = conf.balancing;
  const n = bal.candidate.length;
  let lowestMv = m.cellMv[0];
  for (let i = 1; i < n; i++) if (m.cellMv[i] < lowestMv) lowestMv = m.cellMv[i];
  let candidates = 0;
  for (let i = 0; i < n; i++) {
    const v = m.cellMv[i];
    let mark = NOT_CANDIDATE;
    if (v >= b.minCellMv) {
      if (bal.active[i] && v > lowestMv + b.stopMv) mark = MAY_CONTINUE;
      else if (v > lowestMv + b.startMv) mark = MAY_START;
    }
    bal.candidate[i] = mark;
    if (mark !== NOT_CANDIDATE) candidates++;
  }
  return candidates;
}

/** Cell i may be chosen next to the cells already chosen in `active`. */
function neighboursFree(conf: RunConfig, bal: BalanceState, i: number): boolean {
  if (!conf.balancing.noAdjacent) return true;
  if (i > 0 && bal.active[i - 1]) return false;
  if (i + 1 < bal.active.length && bal.active[i + 1]) return false;
  return true;
}

/**
 * The highest remaining candidate that fits next to the chosen ones, or −1. On equal voltage a
 * cell already bleeding wins (no flapping between equals), then the lower index.
 */
function bestCandidate(conf: RunConfig, bal: BalanceState, m: Measurements): number {
  let best = -1;
  for (let i = 0; i < bal.candidate.length; i++) {
    const mark = bal.candidate[i];
    if (mark !== NOT_CANDIDATE && !bal.active[i] && neighboursFree(conf, bal, i)) {
      if (best < 0 || m.cellMv[i] > m.cellMv[best]) best = i;
      else if (m.cellMv[i] === m.cellMv[best] && mark > bal.candidate[best]) best = i;
    }
  }
  return best;
}

/**
 * One balancing decision. Writes bal.active (per cell: bleed on) and bal.count. `allowed` is the
 * caller's verdict (no fault, mode, activity policy); everything cell-level is decided here.
 */
export function balanceStep(conf: RunConfig, bal: BalanceState, m: Measurements, allowed: boolean): void {
  const b = conf.balancing;
  if (!allowed || !b.enabled || !m.cellsValid || bal.active.length === 0) {
    allOff(bal);
    return;
  }
  if (!temperaturesAllow(conf, m) || anyOpenWire(m) || markCandidates(conf, bal, m) === 0) {
    allOff(bal);
    return;
  }
  allOff(bal);
  while (bal.count < b.maxCells) {
    const i = bestCandidate(conf, bal, m);
    if (i < 0) break;
    bal.active[i] = true;
    bal.count++;
  }
}
