// SPDX-License-Identifier: MIT
// The EMS link's signal table in one import: the table and its accessors, every row of the
// inverter and detailed profiles, the value tables and the frame table. Importing this module
// loads both row modules, so signalTable is complete (rows are added as the modules load).
// Source of truth: firmware/ems/tsbms.dbc; test/ems/dbc-signals.test.ts keeps the two equal.
export {
  muxNone,
  muxSwitch,
  signalTable,
  signalDbc,
  instanceStart,
  instanceMux,
  instanceName,
  rowName,
  addRow,
  isSigned,
  signalRowCapacity,
  findRow,
  putRow,
  putInstance,
  getRow,
  getInstance,
} from "./signals-table";
export type { SignalDbc, SignalTable } from "./signals-table";
export { limitsSig, socSohSig, measurementsSig, pylonFlagsSig, alarmsSig, pylonRequestSig, nameSig, infoSig } from "./signals-inverter";
export {
  maxCellSlots,
  maxTemperatureSlots,
  slotsPerGroup,
  cellsPerBalanceGroup,
  stateSig,
  cellVoltagesSig,
  temperaturesSig,
  balancingSig,
  faultsSig,
  healthSig,
  countersSig,
  commandReplySig,
  modeRequestSig,
  limitRequestSig,
  faultClearSig,
} from "./signals-detail";
export {
  AlarmPair,
  systemStatusOnline,
  noEmsModeRaw,
  ChemistryCode,
  noCellRaw,
  noTemperatureRaw,
  noFaultRaw,
  pylonMagicP,
  pylonMagicN,
  FrameProfile,
  frameTable,
  frameIndex,
  frameDlc,
} from "./signals-values";
