// SPDX-License-Identifier: MIT
// Identifiers of the fault table rows (firmware/faults.ts). Numbers, not strings, because they
// travel in frames and the event log; the order is part of the EMS protocol, so append only.

export const FaultId = {
  cellOv: 0,
  cellUv: 1,
  chargeOc: 2,
  dischargeOc: 3,
  shortCircuit: 4,
  chargeOt: 5,
  chargeUt: 6,
  dischargeOt: 7,
  dischargeUt: 8,
  /** A cell reading out of range or an open sense wire. */
  cellSensor: 9,
  /** A thermistor reading out of range. */
  temperatureSensor: 10,
  /** The current reading is missing or stuck. */
  currentSensor: 11,
  /** Sum of cells disagrees with the stack measurement. */
  stackMismatch: 12,
  /** No valid AFE reading (PEC/CRC failures, silence). */
  afeComm: 13,
} as const;
export type FaultId = (typeof FaultId)[keyof typeof FaultId];

export const faultCount = 14;

/** Names for reports and logs, indexed by FaultId. */
export const faultName = [
  "cell-ov",
  "cell-uv",
  "charge-oc",
  "discharge-oc",
  "short-circuit",
  "charge-ot",
  "charge-ut",
  "discharge-ot",
  "discharge-ut",
  "cell-sensor",
  "temperature-sensor",
  "current-sensor",
  "stack-mismatch",
  "afe-comm",
];
