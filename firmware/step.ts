// SPDX-License-Identifier: MIT
// step(): the pure core. One call per control tick: measurements → fault table → mode and
// activity → SoC → paths → limits → balancing, all written into the preallocated state.out,
// which it returns. It mutates only `state`, reads no clock (time comes in as nowMs), keeps no
// module-level state and allocates nothing (prior-art.md §11 items 6–8).
//
// Modes: init → standby once the cells have been read completely (the SoC starts from their
// OCV); standby → active on a run request with no fault; active → fault when any fault tier is
// active (every row has an action); fault → active once all are released or cleared and run is
// still requested; active or fault → standby on a standby request. Every state re-checks the
// faults on every tick (foxBMS #68/#83, prior-art §10 item 3). conf.autoStart is applied by the
// shell as its initial request (firmware/shell.ts): honouring it here as well would make a
// standby request impossible to obey.
//
// Paths close only in active or fault mode, on a run request, and only where no active fault
// opens them nor a reading beyond a fault level still counts its delay. Garbage in (NaN,
// out-of-range) is a sensor fault, never a reason to close a path.
import { balanceStep } from "./balancing";
import { logEvent } from "./events";
import { divFloor } from "./intmath";
import { FaultId } from "./fault-ids";
import { activeCount, evaluateFaults, firstActiveFault, pathBlocked, pathPending } from "./faults";
import { updateLimits } from "./limits";
import { cellsComplete, currentUsable, measureRows, temperaturesComplete } from "./measure";
import { socInit, socStep } from "./soc";
import { Activity, BmsMode, EventKind, RequestedMode, SocAnchor } from "./types";
import type { BmsState, Inputs, Measurements, Outputs, RunConfig } from "./types";

/**
 * The longest interval one tick may count: 10 × the slowest tick a board may have (1000 ms,
 * boards/validate.ts). A longer gap (a stalled loop, a clock jump) counts as this much, so one
 * late tick cannot run a whole rest timer or SoC integration on a single current reading.
 */
export const maxStepMs = 10000;

/**
 * Time since the previous step: 0 on the first call, 0 when the clock went backwards (re-based
 * there, e.g. a wrapped counter), at most maxStepMs. A non-finite nowMs counts nothing and is
 * not remembered.
 */
function elapsedMs(state: BmsState, nowMs: number): number {
  if (!(nowMs > -1e15 && nowMs < 1e15)) return 0;
  const last = state.lastNowMs;
  state.lastNowMs = nowMs;
  if (last === -1) return 0;
  const dt = nowMs - last;
  if (dt < 0) return 0;
  return dt > maxStepMs ? maxStepMs : dt;
}

function setMode(state: BmsState, nowMs: number, mode: BmsMode, cause: number): void {
  if (state.mode === mode) return;
  state.mode = mode;
  logEvent(state.events, nowMs, EventKind.mode, mode, cause);
}

/**
 * init → standby: the SoC starts from the OCV of the first complete cell reading, unless a SoC
 * restored from storage (firmware/persist.ts) is already initialised: the counter beats an OCV
 * guess, which is tens of % off on the LFP plateau (soc.ts socInit).
 */
function leaveInit(conf: RunConfig, state: BmsState, m: Measurements, nowMs: number): void {
  if (!cellsComplete(state)) return;
  if (!state.soc.initialized) {
    socInit(conf, state.soc, m);
    if (state.soc.initialized) logEvent(state.events, nowMs, EventKind.socCorrected, state.soc.socCentiPct, SocAnchor.ocvBoot);
  }
  setMode(state, nowMs, BmsMode.standby, -1);
}

/** One mode transition at most per tick. `cause` is the fault behind a move to fault mode. */
function updateMode(conf: RunConfig, state: BmsState, inputs: Inputs, cause: number, nowMs: number): void {
  const wantRun = inputs.requestedMode === RequestedMode.run;
  const faulted = cause >= 0;
  const mode = state.mode;
  if (mode === BmsMode.init) leaveInit(conf, state, inputs.measurements, nowMs);
  else if (mode === BmsMode.standby) {
    if (wantRun && !faulted) setMode(state, nowMs, BmsMode.active, -1);
  } else if (mode === BmsMode.active) {
    if (faulted) setMode(state, nowMs, BmsMode.fault, cause);
    else if (!wantRun) setMode(state, nowMs, BmsMode.standby, -1);
  } else if (!wantRun) setMode(state, nowMs, BmsMode.standby, -1);
  else if (!faulted) setMode(state, nowMs, BmsMode.active, -1);
}

/**
 * idle / charge / discharge from the current against activityCurrentMa. Leaving charge or
 * discharge takes the current under half the threshold, so noise at the threshold does not fill
 * the event log. Held while the current reading is unusable.
 */
function updateActivity(conf: RunConfig, state: BmsState, m: Measurements, nowMs: number): void {
  if (!currentUsable(state)) return;
  const i = m.currentMa;
  const on = conf.activityCurrentMa;
  const off = divFloor(on, 2);
  let next: Activity = Activity.idle;
  if (i > on || (state.activity === Activity.charge && i > off)) next = Activity.charge;
  else if (i < -on || (state.activity === Activity.discharge && i < -off)) next = Activity.discharge;
  if (next !== state.activity) {
    state.activity = next;
    logEvent(state.events, nowMs, EventKind.activity, next, -1);
  }
}

/** Coulomb counting and anchors, on ticks whose readings are numbers (NaN must not reach it). */
function updateSoc(conf: RunConfig, state: BmsState, m: Measurements, dtMs: number, nowMs: number): void {
  if (state.mode === BmsMode.init) return;
  if (!currentUsable(state) || (m.cellsValid && !cellsComplete(state))) return;
  const anchor = socStep(conf, state.soc, m, dtMs);
  if (anchor !== SocAnchor.none) logEvent(state.events, nowMs, EventKind.socCorrected, state.soc.socCentiPct, anchor);
}

/** Balancing only while active and charging or resting, with no fault and sound temperatures. */
function updateBalancing(conf: RunConfig, state: BmsState, m: Measurements): void {
  const out = state.out;
  const b = conf.balancing;
  const allowed =
    state.mode === BmsMode.active &&
    state.activity !== Activity.discharge &&
    out.faultCount === 0 &&
    cellsComplete(state) &&
    temperaturesComplete(state) &&
    out.minTemperatureDeciC >= b.minTemperatureDeciC &&
    out.maxTemperatureDeciC <= b.maxTemperatureDeciC;
  balanceStep(conf, state.balance, m, allowed);
  const active = state.balance.active;
  for (let i = 0; i < out.balance.length; i++) out.balance[i] = allowed && active[i];
  out.balanceCount = allowed ? state.balance.count : 0;
}

/**
 * One control tick at time `nowMs` (ms, any epoch, from the platform clock). Returns state.out,
 * the same object on every call. Never throws on bad measurements and never closes a path
 * because of them.
 */
export function step(conf: RunConfig, state: BmsState, inputs: Inputs, nowMs: number): Outputs {
  const out = state.out;
  const m = inputs.measurements;
  const dtMs = elapsedMs(state, nowMs);

  measureRows(conf, state, m, dtMs);
  if (m.afeCommLost) {
    // The driver already counted its consecutive failed reads up to the board's limit: no
    // further debounce, the link is lost now (the time-based delay stays as the safety net for
    // drivers that fail without counting).
    state.faults.faultCounterMs[FaultId.afeComm] = conf.sensors.afeLossDelayMs;
    state.faults.warnCounterMs[FaultId.afeComm] = conf.sensors.afeLossDelayMs;
  }
  const tripped = evaluateFaults(state.faultTable, state.faults, state.events, m.chipFault, inputs.clearFaults, dtMs, nowMs);
  out.faultCount = activeCount(state.faults, true);
  out.warningCount = activeCount(state.faults, false);

  updateMode(conf, state, inputs, tripped >= 0 ? tripped : firstActiveFault(state.faults), nowMs);
  updateActivity(conf, state, m, nowMs);
  updateSoc(conf, state, m, dtMs, nowMs);

  const paths = state.mode === BmsMode.active || state.mode === BmsMode.fault;
  const run = inputs.requestedMode === RequestedMode.run;
  out.mode = state.mode;
  out.activity = state.activity;
  // A closed path stays closed while a bad reading counts its delay; an open one does not close
  // on such a reading (faults.ts pathPending).
  out.chargeEnable = paths && run && !pathBlocked(state.faults, true) && (out.chargeEnable || !pathPending(state.faultTable, state.faults, true));
  out.dischargeEnable = paths && run && !pathBlocked(state.faults, false) && (out.dischargeEnable || !pathPending(state.faultTable, state.faults, false));
  updateLimits(conf, state);
  updateBalancing(conf, state, m);
  out.socCentiPct = state.soc.socCentiPct;
  out.sohCentiPct = state.soc.sohCentiPct;
  return out;
}
