// SPDX-License-Identifier: MIT
// The firmware core's public surface, for boards, the shell and the bundle entry.
export { presetConfig } from "./config";
export { validateConfig } from "./validate";
export { createMeasurements, createState } from "./state";
export { step, maxStepMs } from "./step";
export { chargeTaperMa, chargeVoltageLimitMv, derateMa, dischargeTaperMa, updateLimits } from "./limits";
export { createEventLog, eventCapacity, eventSlot, eventsLost, logEvent, sequenceSlot } from "./events";
export {
  Quantity,
  activeCount,
  compileFaultTable,
  createFaultState,
  evaluateFaults,
  firstActiveFault,
  pathBlocked,
  rowAbove,
  rowLimit,
  rowOpensCharge,
  rowOpensDischarge,
  rowQuantity,
} from "./faults";
export { cellsComplete, currentUsable, measureRows, temperaturesComplete } from "./measure";
export { FaultId, faultCount, faultName } from "./fault-ids";
export { Activity, BmsMode, EventKind, FaultCause, RequestedMode, SocAnchor, activityName, bmsModeName, eventKindName } from "./types";
export type {
  BmsState,
  Chemistry,
  EventLog,
  FaultLimit,
  FaultState,
  FaultTable,
  Inputs,
  Measurements,
  Outputs,
  PackConfig,
} from "./types";
export { createSocState, socInit, socStep } from "./soc";
export { balanceStep, createBalanceState } from "./balancing";
