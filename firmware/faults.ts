// SPDX-License-Identifier: MIT
// The fault table: one row per FaultId, each with a warning and a fault tier (foxBMS RSL/MSL,
// prior-art.md §2.1) and an up/down debounce per tier (foxBMS DIAG_Handler, prior-art §2.2):
// a bad sample adds the time since the previous sample, a good one subtracts it (floor 0, cap at
// the delay). A tier trips when its counter reaches the delay, so the trip time does not depend
// on the tick period, and delay 0 trips on the first bad sample. It releases once the value is
// back past level ∓ hysteresis and the counter has run down to 0; a latching fault tier instead
// waits for a clear command given while its condition is gone (prior-art §2.3, §10 item 9).
//
// A row whose quantity was not measured this tick holds its counters (neither up nor down): stale
// data neither trips nor releases. Missing data is itself a row (afeComm, the sensor rows), so
// losing a measurement cannot silence protection for longer than that row's delay (prior-art §10
// item 5).
import { booleanArray, flagsOf, intArray, numberArray } from "./alloc";
import { FaultId, faultCount } from "./fault-ids";
import { logEvent } from "./events";
import { EventKind, FaultCause } from "./types";
import type { EventLog, FaultLimit, FaultState, FaultTable, PackConfig } from "./types";

/** What a row watches. */
export const Quantity = {
  maxCell: 0,
  minCell: 1,
  /** Magnitude of a charging current (0 while discharging). */
  chargeCurrent: 2,
  /** Magnitude of a discharging current (0 while charging). */
  dischargeCurrent: 3,
  maxTemperature: 4,
  minTemperature: 5,
  /** A yes/no condition: value 1 is bad, level 1, no hysteresis. */
  condition: 6,
} as const;

// Rows, indexed by FaultId (fault-ids.ts order).
/** Quantity of each row. */
export const rowQuantity = [
  Quantity.maxCell, Quantity.minCell, Quantity.chargeCurrent, Quantity.dischargeCurrent,
  Quantity.dischargeCurrent, Quantity.maxTemperature, Quantity.minTemperature,
  Quantity.maxTemperature, Quantity.minTemperature, Quantity.condition, Quantity.condition,
  Quantity.condition, Quantity.condition, Quantity.condition,
];
/** true: bad at or above the level; false: bad at or below it. */
export const rowAbove = flagsOf([true, false, true, true, true, true, false, true, false, true, true, true, true, true]);
/**
 * Paths each fault tier opens. A discharge over-temperature opens charge too: its level is at or
 * above the charge limit, and charging would heat the cells further. A discharge
 * under-temperature leaves charge to the charge UT row, whose level is the higher one.
 */
export const rowOpensCharge = flagsOf([true, false, true, false, true, true, true, true, false, true, true, true, true, true]);
export const rowOpensDischarge = flagsOf([false, true, false, true, true, false, false, true, true, true, true, true, true, true]);

/** The configured limit of a row with a level, or undefined for the condition rows. */
export function rowLimit(conf: PackConfig, id: number): FaultLimit | undefined {
  const p = conf.protection;
  if (id === FaultId.cellOv) return p.cellOvMv;
  if (id === FaultId.cellUv) return p.cellUvMv;
  if (id === FaultId.chargeOc) return p.chargeOcMa;
  if (id === FaultId.dischargeOc) return p.dischargeOcMa;
  if (id === FaultId.shortCircuit) return p.shortCircuitMa;
  if (id === FaultId.chargeOt) return p.chargeOtDeciC;
  if (id === FaultId.chargeUt) return p.chargeUtDeciC;
  if (id === FaultId.dischargeOt) return p.dischargeOtDeciC;
  if (id === FaultId.dischargeUt) return p.dischargeUtDeciC;
  return undefined;
}

/** Delay of a condition row: AFE loss has its own, the plausibility rows share sensorDelayMs. */
function conditionDelayMs(conf: PackConfig, id: number): number {
  if (id === FaultId.afeComm) return conf.sensors.afeLossDelayMs;
  return conf.sensors.sensorDelayMs;
}

/**
 * Compiles the rows' levels from the configuration into flat arrays (once, at start). Condition
 * rows have no earlier level to warn at: their warning tier mirrors the fault tier. The warning
 * tier's hysteresis is capped at the distance between the two levels (types.ts FaultLimit): the
 * §8 reset voltages are meant for the fault tier, e.g. LFP UV 2.50 V → 3.10 V, and would keep a
 * 2.80 V warning set until the pack is nearly full again.
 */
export function compileFaultTable(conf: PackConfig): FaultTable {
  const t: FaultTable = {
    warnLevel: intArray(faultCount, 1),
    faultLevel: intArray(faultCount, 1),
    hysteresis: intArray(faultCount, 0),
    warnHysteresis: intArray(faultCount, 0),
    warnDelayMs: intArray(faultCount, 0),
    faultDelayMs: intArray(faultCount, 0),
    latch: booleanArray(faultCount, false),
    value: numberArray(faultCount, 0),
    available: booleanArray(faultCount, false),
  };
  for (let id = 0; id < faultCount; id++) {
    const l = rowLimit(conf, id);
    if (l !== undefined) {
      t.warnLevel[id] = l.warnLevel;
      t.faultLevel[id] = l.faultLevel;
      t.hysteresis[id] = l.hysteresis;
      const gap = l.faultLevel > l.warnLevel ? l.faultLevel - l.warnLevel : l.warnLevel - l.faultLevel;
      t.warnHysteresis[id] = l.hysteresis < gap ? l.hysteresis : gap;
      t.warnDelayMs[id] = l.delayMs;
      t.faultDelayMs[id] = l.delayMs;
      t.latch[id] = l.latch;
    } else {
      t.warnDelayMs[id] = conditionDelayMs(conf, id);
      t.faultDelayMs[id] = conditionDelayMs(conf, id);
      t.latch[id] = conf.sensors.latch;
    }
  }
  return t;
}

/** Per-row debounce state, all clear. */
export function createFaultState(): FaultState {
  return {
    warnActive: booleanArray(faultCount, false),
    faultActive: booleanArray(faultCount, false),
    warnCounterMs: intArray(faultCount, 0),
    faultCounterMs: intArray(faultCount, 0),
    latched: booleanArray(faultCount, false),
    byChip: booleanArray(faultCount, false),
  };
}

/** The sample is at or beyond the level. NaN is never beyond (and never released, below). */
function beyond(above: boolean, value: number, level: number): boolean {
  return above ? value >= level : value <= level;
}

/** The sample is back past the level by more than the hysteresis. */
function released(above: boolean, value: number, level: number, hysteresis: number): boolean {
  return above ? value < level - hysteresis : value > level + hysteresis;
}

/**
 * Counts a tier's debounce counter up by dtMs while `bad`, down while not, within [0, delayMs];
 * a chip flag fills it at once. Returns it. One place for both tiers: this is the debounce every
 * trip depends on.
 */
function count(counter: number[], id: number, bad: boolean, chip: boolean, delayMs: number, dtMs: number): number {
  let c = chip ? delayMs : counter[id];
  if (bad) {
    c += dtMs;
    if (c > delayMs) c = delayMs;
  } else {
    c -= dtMs;
    if (c < 0) c = 0;
  }
  counter[id] = c;
  return c;
}

/** One row's warning tier. */
function warnTier(t: FaultTable, f: FaultState, log: EventLog, id: number, chip: boolean, dtMs: number, nowMs: number): void {
  const above = rowAbove[id];
  const v = t.value[id];
  const level = t.warnLevel[id];
  // beyond(above, v, level) written out: this runs for every row of every tick, and a call costs
  // far more than the comparison on Espruino (scripts/espruino-time.ts).
  const bad = chip || (above ? v >= level : v <= level);
  const delayMs = t.warnDelayMs[id];
  const c = count(f.warnCounterMs, id, bad, chip, delayMs, dtMs);
  if (!f.warnActive[id]) {
    if (bad && c >= delayMs) {
      f.warnActive[id] = true;
      logEvent(log, nowMs, EventKind.faultSet, id, FaultCause.warning);
    }
  } else if (c === 0 && !chip && released(above, v, level, t.warnHysteresis[id])) {
    f.warnActive[id] = false;
    logEvent(log, nowMs, EventKind.faultCleared, id, 0);
  }
}

/**
 * One row's fault tier; true when it tripped on this sample. `chip`: the AFE's own protection
 * acted for this row, which trips the tier at once and holds it while the chip reports it (the
 * chip has already opened its FETs; the firmware records why and keeps the path open).
 */
function faultTier(t: FaultTable, f: FaultState, log: EventLog, id: number, chip: boolean, clear: boolean, dtMs: number, nowMs: number): boolean {
  const above = rowAbove[id];
  const v = t.value[id];
  const level = t.faultLevel[id];
  // beyond(above, v, level) written out, as in warnTier.
  const bad = chip || (above ? v >= level : v <= level);
  const delayMs = t.faultDelayMs[id];
  const c = count(f.faultCounterMs, id, bad, chip, delayMs, dtMs);
  if (!f.faultActive[id]) {
    if (bad && c >= delayMs) {
      f.faultActive[id] = true;
      f.latched[id] = t.latch[id];
      // A chip flag means the chip's FETs are already open: it acted first, even when the
      // firmware's own tier would have tripped on this same sample.
      f.byChip[id] = chip;
      logEvent(log, nowMs, EventKind.faultSet, id, chip ? FaultCause.chip : FaultCause.firmware);
      return true;
    }
    return false;
  }
  const gone = !chip && released(above, v, level, t.hysteresis[id]);
  if (f.latched[id]) {
    // Only an explicit clear, and only once the condition is gone; the counter restarts.
    if (clear && gone) {
      f.faultActive[id] = false;
      f.latched[id] = false;
      f.faultCounterMs[id] = 0;
      f.byChip[id] = false;
      logEvent(log, nowMs, EventKind.faultCleared, id, 1);
    }
  } else if (c === 0 && gone) {
    f.faultActive[id] = false;
    f.byChip[id] = false;
    logEvent(log, nowMs, EventKind.faultCleared, id, 1);
  }
  return false;
}

/**
 * Evaluates every row on this tick's t.value / t.available (filled by measureRows) and the
 * chip's own protection flags `chip` (per FaultId), logging each tier that sets or clears. A
 * chip flag is evaluated even when the row's value is unavailable: the chip saw it. Returns the
 * first FaultId whose fault tier tripped on this sample, or −1. Allocates nothing.
 */
export function evaluateFaults(t: FaultTable, f: FaultState, log: EventLog, chip: boolean[], clear: boolean, dtMs: number, nowMs: number): number {
  let tripped = -1;
  for (let id = 0; id < faultCount; id++) {
    const byChip = chip[id];
    if (t.available[id] || byChip) {
      // A quiet row, nearly every row of nearly every tick: no chip flag, both tiers clear with
      // empty counters, the value short of both levels. Both tiers would count 0 down to 0 and do
      // nothing else, so they are skipped: on Espruino, which runs the code token by token,
      // that is most of the fault table's time (scripts/espruino-time.ts).
      if (!byChip && !f.warnActive[id] && !f.faultActive[id] && f.warnCounterMs[id] === 0 && f.faultCounterMs[id] === 0) {
        const v = t.value[id];
        const above = rowAbove[id];
        if (above ? v < t.warnLevel[id] && v < t.faultLevel[id] : v > t.warnLevel[id] && v > t.faultLevel[id]) continue;
      }
      warnTier(t, f, log, id, byChip, dtMs, nowMs);
      if (faultTier(t, f, log, id, byChip, clear, dtMs, nowMs) && tripped < 0) tripped = id;
    }
  }
  return tripped;
}

/** The lowest FaultId whose fault tier is active, or −1. */
export function firstActiveFault(f: FaultState): number {
  for (let id = 0; id < faultCount; id++) if (f.faultActive[id]) return id;
  return -1;
}

/** An active fault tier opens the charge path (charge = true) or the discharge path. */
export function pathBlocked(f: FaultState, charge: boolean): boolean {
  for (let id = 0; id < faultCount; id++) {
    if (f.faultActive[id] && (charge ? rowOpensCharge[id] : rowOpensDischarge[id])) return true;
  }
  return false;
}

/**
 * A row that opens this path (charge = true: the charge path) reads at or beyond its fault level
 * on this sample while its fault tier is still counting its delay. The delay keeps a transient
 * from opening a closed path; it is no reason to close an open one into a condition already
 * measured (a cold or over-charged pack at start, a charger plugged into a cold pack).
 */
export function pathPending(t: FaultTable, f: FaultState, charge: boolean): boolean {
  for (let id = 0; id < faultCount; id++) {
    const opens = charge ? rowOpensCharge[id] : rowOpensDischarge[id];
    if (opens && t.available[id] && !f.faultActive[id] && beyond(rowAbove[id], t.value[id], t.faultLevel[id])) return true;
  }
  return false;
}

/** Active tiers: fault tiers (fault = true) or warning tiers. */
export function activeCount(f: FaultState, fault: boolean): number {
  let n = 0;
  for (let id = 0; id < faultCount; id++) if (fault ? f.faultActive[id] : f.warnActive[id]) n++;
  return n;
}
