// SPDX-License-Identifier: MIT
// One pass over a tick's measurements: the aggregates the outputs publish (lowest/highest cell
// with its index, sum, lowest/highest temperature) and the input of every fault table row.
//
// A reading outside the plausible range (NaN included: every comparison with NaN is false, on V8,
// Espruino and Lua alike) is a sensor fault, not a cell: it is left out of the aggregates, so a
// broken channel raises the sensor row instead of a false OV/UV, while the other cells stay
// protected. Aggregates keep their last value while their readings are invalid; the rows that
// use them hold (firmware/faults.ts).
import { FaultId } from "./fault-ids";
import type { BmsState, Measurements, RunConfig } from "./types";

/** Beyond ±10^9 mA a current reading is garbage whatever the pack. */
const currentGarbageMa = 1000000000;

function setRow(state: BmsState, id: number, available: boolean, value: number): void {
  state.faultTable.available[id] = available;
  state.faultTable.value[id] = value;
}

/** Cells: aggregates, cell OV/UV, cell sensor, stack mismatch, AFE link. */
function scanCells(conf: RunConfig, state: BmsState, m: Measurements): void {
  const out = state.out;
  const low = conf.sensors.cellMinPlausibleMv;
  const high = conf.sensors.cellMaxPlausibleMv;
  let minMv = 0;
  let maxMv = 0;
  let minIndex = -1;
  let maxIndex = -1;
  let sum = 0;
  let bad = 0;
  let openWire = false;
  // Plausible: within [low, high], written out in both loops rather than called per reading (a
  // call costs far more than the comparison on Espruino, scripts/espruino-time.ts).
  for (let i = 0; i < conf.seriesCount; i++) {
    const v = m.cellMv[i];
    if (v >= low && v <= high) {
      if (minIndex < 0 || v < minMv) {
        minMv = v;
        minIndex = i;
      }
      if (maxIndex < 0 || v > maxMv) {
        maxMv = v;
        maxIndex = i;
      }
      sum += v;
    } else bad++;
    if (m.openWire[i]) openWire = true;
  }
  const valid = m.cellsValid;
  if (valid && minIndex >= 0) {
    out.minCellMv = minMv;
    out.maxCellMv = maxMv;
    out.minCellIndex = minIndex;
    out.maxCellIndex = maxIndex;
    out.sumCellMv = sum;
  }
  setRow(state, FaultId.cellOv, valid && minIndex >= 0, maxMv);
  setRow(state, FaultId.cellUv, valid && minIndex >= 0, minMv);
  setRow(state, FaultId.cellSensor, valid, bad > 0 || openWire ? 1 : 0);
  // The stack check needs every cell; with one missing the cell sensor row speaks.
  const diff = sum - m.stackMv;
  const agree = diff <= conf.sensors.stackToleranceMv && diff >= -conf.sensors.stackToleranceMv;
  setRow(state, FaultId.stackMismatch, valid && bad === 0, agree ? 0 : 1);
  setRow(state, FaultId.afeComm, true, valid ? 0 : 1);
}

/** Temperatures: aggregates, the four temperature rows, the temperature sensor row. */
function scanTemperatures(conf: RunConfig, state: BmsState, m: Measurements): void {
  const out = state.out;
  const low = conf.sensors.temperatureMinPlausibleDeciC;
  const high = conf.sensors.temperatureMaxPlausibleDeciC;
  let minT = 0;
  let maxT = 0;
  let seen = 0;
  let bad = 0;
  for (let i = 0; i < conf.temperatureCount; i++) {
    const v = m.temperatureDeciC[i];
    if (v >= low && v <= high) {
      if (seen === 0 || v < minT) minT = v;
      if (seen === 0 || v > maxT) maxT = v;
      seen++;
    } else bad++;
  }
  const valid = m.temperaturesValid;
  const usable = valid && seen > 0;
  if (usable) {
    out.minTemperatureDeciC = minT;
    out.maxTemperatureDeciC = maxT;
  }
  setRow(state, FaultId.chargeOt, usable, maxT);
  setRow(state, FaultId.dischargeOt, usable, maxT);
  setRow(state, FaultId.chargeUt, usable, minT);
  setRow(state, FaultId.dischargeUt, usable, minT);
  // Temperatures missing while the cells arrive is a sensor fault; both missing is the AFE link
  // (afeComm row), and this row holds so the two do not cancel out.
  setRow(state, FaultId.temperatureSensor, valid || m.cellsValid, !valid || bad > 0 ? 1 : 0);
}

/**
 * Identical readings in a row a stuck verdict also needs, whatever the tick: on a slow tick
 * (up to 1 s, boards/validate.ts) a handful of samples of a coarse but live converter can agree
 * by chance within currentStuckMs; 60 cannot (at a 100 ms tick the 30 s rule needs 300 anyway).
 */
export const currentStuckSamples = 60;

/** Current: the three current rows and the current sensor row (missing or stuck). */
function scanCurrent(conf: RunConfig, state: BmsState, m: Measurements, dtMs: number): void {
  const i = m.currentMa;
  const ok = m.currentValid && i > -currentGarbageMa && i < currentGarbageMa;
  const s = state.sensors;
  const stuckMs = conf.sensors.currentStuckMs;
  if (ok) {
    // A reading that sits still at rest is normal (a quantised idle shunt); one that does not move
    // by a single mA while current flows is a frozen converter.
    const rest = conf.soc.restCurrentMa;
    if (i === s.lastCurrentMa && (i > rest || i < -rest)) {
      s.currentSameMs += dtMs;
      if (s.currentSameMs > stuckMs) s.currentSameMs = stuckMs;
      if (s.currentSameCount < currentStuckSamples) s.currentSameCount++;
    } else {
      s.currentSameMs = 0;
      s.currentSameCount = 0;
    }
    s.lastCurrentMa = i;
  }
  setRow(state, FaultId.chargeOc, ok, i > 0 ? i : 0);
  setRow(state, FaultId.dischargeOc, ok, i < 0 ? -i : 0);
  setRow(state, FaultId.shortCircuit, ok, i < 0 ? -i : 0);
  const stuck = s.currentSameMs >= stuckMs && s.currentSameCount >= currentStuckSamples;
  setRow(state, FaultId.currentSensor, true, !ok || stuck ? 1 : 0);
}

/** Fills the aggregates in state.out and every row input of state.faultTable. */
export function measureRows(conf: RunConfig, state: BmsState, m: Measurements, dtMs: number): void {
  scanCells(conf, state, m);
  scanTemperatures(conf, state, m);
  scanCurrent(conf, state, m, dtMs);
}

/** This tick every cell was read (AFE valid) and every reading was plausible. */
export function cellsComplete(state: BmsState): boolean {
  return state.faultTable.available[FaultId.stackMismatch];
}

/** This tick the current reading is usable. */
export function currentUsable(state: BmsState): boolean {
  return state.faultTable.available[FaultId.chargeOc];
}

/** This tick every temperature was read and plausible. */
export function temperaturesComplete(state: BmsState): boolean {
  const t = state.faultTable;
  return t.available[FaultId.chargeOt] && t.available[FaultId.temperatureSensor] && t.value[FaultId.temperatureSensor] === 0;
}
