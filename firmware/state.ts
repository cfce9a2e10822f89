// SPDX-License-Identifier: MIT
// Everything the core remembers, allocated once at start from the configuration: the fault
// table compiled to flat arrays, per-row debounce state, SoC and balancing state, the event log
// and the outputs object step() fills and returns on every tick. Nothing is allocated after this.
import { booleanArray, numberArray } from "./alloc";
import { faultCount } from "./fault-ids";
import { createBalanceState } from "./balancing";
import { createEventLog } from "./events";
import { compileFaultTable, createFaultState } from "./faults";
import { chargeVoltageLimitMv } from "./limits";
import { createSocState } from "./soc";
import { Activity, BmsMode } from "./types";
import type { BmsState, FaultState, Measurements, Outputs, PackConfig, RunConfig } from "./types";

function createOutputs(conf: RunConfig, faults: FaultState): Outputs {
  return {
    mode: BmsMode.init,
    activity: Activity.idle,
    chargeEnable: false,
    dischargeEnable: false,
    balance: booleanArray(conf.seriesCount, false),
    balanceCount: 0,
    chargeCurrentLimitMa: 0,
    dischargeCurrentLimitMa: 0,
    // Published from the first tick on: never 0 (prior-art.md §10 item 7).
    chargeVoltageLimitMv: chargeVoltageLimitMv(conf),
    dischargeVoltageLimitMv: conf.seriesCount * conf.limits.cellDischargeMv,
    socCentiPct: 0,
    sohCentiPct: 0,
    minCellMv: 0,
    maxCellMv: 0,
    minCellIndex: 0,
    maxCellIndex: 0,
    sumCellMv: 0,
    minTemperatureDeciC: 0,
    maxTemperatureDeciC: 0,
    // The same arrays as the fault state: one copy in RAM, always current.
    faultActive: faults.faultActive,
    warningActive: faults.warnActive,
    faultCount: 0,
    warningCount: 0,
  };
}

/**
 * A fresh core state for `conf` (which validateConfig accepted): mode init, no faults, both
 * paths open. The configuration is compiled into the state, so a changed configuration needs a
 * new state.
 */
export function createState(conf: PackConfig): BmsState {
  const faults = createFaultState();
  return {
    mode: BmsMode.init,
    activity: Activity.idle,
    lastNowMs: -1,
    faults: faults,
    faultTable: compileFaultTable(conf),
    soc: createSocState(),
    balance: createBalanceState(conf.seriesCount),
    sensors: { lastCurrentMa: 0, currentSameMs: 0, currentSameCount: 0 },
    events: createEventLog(conf.eventLogSize),
    out: createOutputs(conf, faults),
  };
}

/**
 * The measurement buffers for `conf`, made once: the shell hands them to the AFE driver and to
 * step() on every tick. Nothing valid until the first reading.
 */
export function createMeasurements(conf: RunConfig): Measurements {
  return {
    cellMv: numberArray(conf.seriesCount, 0),
    stackMv: 0,
    currentMa: 0,
    temperatureDeciC: numberArray(conf.temperatureCount, 0),
    cellsValid: false,
    temperaturesValid: false,
    currentValid: false,
    openWire: booleanArray(conf.seriesCount, false),
    afeCommLost: false,
    chipFault: booleanArray(faultCount, false),
  };
}

/**
 * The part of `conf` the running BMS reads (types.ts RunConfig): a new object holding the same
 * sections, without the protection rows that createState and chipLimits compile at start.
 */
export function runConfig(conf: PackConfig): RunConfig {
  return {
    chemistry: conf.chemistry,
    seriesCount: conf.seriesCount,
    temperatureCount: conf.temperatureCount,
    capacityMah: conf.capacityMah,
    sensors: conf.sensors,
    limits: conf.limits,
    soc: conf.soc,
    balancing: conf.balancing,
    activityCurrentMa: conf.activityCurrentMa,
    autoStart: conf.autoStart,
    eventLogSize: conf.eventLogSize,
  };
}
