// SPDX-License-Identifier: MIT
// Signal rows of the detailed profile (0x4A0–0x4A6), the command reply (0x4B8) and the EMS
// commands (0x4B0–0x4B2), as in firmware/ems/tsbms.dbc. The commands carry an AUTOSAR E2E profile 1
// CRC in byte 0 and an alive counter in the low nibble of byte 1 (../shared/reference/can-link.md
// §7.2); their payload starts at byte 2.
import { FrameId } from "./ids";
import { addRow, plain, scaled, switchRow } from "./signals-table";

/** Cells the multiplexed voltage frame can carry: 16 groups of 3. */
export const maxCellSlots = 48;
/** Temperature sensors the multiplexed temperature frame can carry: 4 groups of 3. */
export const maxTemperatureSlots = 12;
/** Values per voltage or temperature frame. */
export const slotsPerGroup = 3;
/** Cells per balancing frame (one 32-bit mask). */
export const cellsPerBalanceGroup = 32;

const st = FrameId.state;
/** 0x4A0: mode, activity, switches, counts, EMS link. */
export const stateSig = {
  mode: plain(st, "Mode", 0, 8),
  activity: plain(st, "Activity", 8, 8),
  chargeEnable: plain(st, "ChargeEnable", 16, 1),
  dischargeEnable: plain(st, "DischargeEnable", 17, 1),
  emsLinkOk: plain(st, "EmsLinkOk", 18, 1),
  runRequested: plain(st, "RunRequested", 19, 1),
  faultCount: plain(st, "FaultCount", 24, 8),
  warningCount: plain(st, "WarningCount", 32, 8),
  balanceCount: plain(st, "BalanceCount", 40, 8),
  emsRequestedMode: plain(st, "EmsRequestedMode", 48, 8),
};

/** 0x4A1: group k in byte 0, cells 3k..3k+2 as u16 mV in bytes 1-6, the cell count in byte 7. */
export const cellVoltagesSig = {
  cellGroup: switchRow(FrameId.cellVoltages, "CellGroup", 0, 8),
  cellVoltage: addRow(FrameId.cellVoltages, "CellVoltage", 8, 16, false, 1, 1, 1, 0, maxCellSlots, slotsPerGroup),
  cellCount: plain(FrameId.cellVoltages, "CellCount", 56, 8),
};

/** 0x4A2: group k in byte 0, sensors 3k..3k+2 as s16 0.1 °C in bytes 1-6, the sensor count in byte 7. */
export const temperaturesSig = {
  temperatureGroup: switchRow(FrameId.temperatures, "TemperatureGroup", 0, 8),
  temperature: addRow(FrameId.temperatures, "Temperature", 8, 16, true, 1, 10, 1, 0, maxTemperatureSlots, slotsPerGroup),
  temperatureCount: plain(FrameId.temperatures, "TemperatureCount", 56, 8),
};

/** 0x4A3: group g in byte 0, the bleed mask of cells 32g..32g+31 in bytes 1-4, the count in byte 5. */
export const balancingSig = {
  balanceGroup: switchRow(FrameId.balancing, "BalanceGroup", 0, 8),
  balanceMask: addRow(FrameId.balancing, "BalanceMask", 8, 32, false, 1, 1, 1, 0, 2, 1),
  balanceCount: plain(FrameId.balancing, "BalanceCount", 40, 8),
};

/** 0x4A4: fault, warning and latch masks (bit n = FaultId n), the first fault, chip trips. */
export const faultsSig = {
  activeFaults: plain(FrameId.faults, "ActiveFaults", 0, 16),
  activeWarnings: plain(FrameId.faults, "ActiveWarnings", 16, 16),
  latchedFaults: plain(FrameId.faults, "LatchedFaults", 32, 16),
  firstFault: plain(FrameId.faults, "FirstFault", 48, 8),
  firstFaultByChip: plain(FrameId.faults, "FirstFaultByChip", 56, 1),
  chipFaultCount: plain(FrameId.faults, "ChipFaultCount", 57, 7),
};

/** 0x4A5: SoC and SoH 0.01 %, equivalent full cycles, capacity 0.1 Ah. */
export const healthSig = {
  stateOfCharge: scaled(FrameId.health, "StateOfCharge", 0, 16, false, 1, 100, 1),
  stateOfHealth: scaled(FrameId.health, "StateOfHealth", 16, 16, false, 1, 100, 1),
  // The firmware counts centi-cycles (SocState.cycleCentiCount).
  cycleCount: scaled(FrameId.health, "CycleCount", 32, 16, false, 1, 1, 100),
  capacity: scaled(FrameId.health, "Capacity", 48, 16, false, 1, 10, 100),
};

/** 0x4A6: running counts, low 16 bits each. */
export const countersSig = {
  eventsLogged: plain(FrameId.counters, "EventsLogged", 0, 16),
  internalErrors: plain(FrameId.counters, "InternalErrors", 16, 16),
  afeRestarts: plain(FrameId.counters, "AfeRestarts", 32, 16),
  refusedCommands: plain(FrameId.counters, "RefusedCommands", 48, 16),
};

/** 0x4B8: the command answered, its counter, the result (ReplyResult), refusals so far. */
export const commandReplySig = {
  commandId: plain(FrameId.commandReply, "CommandId", 0, 16),
  aliveCounter: plain(FrameId.commandReply, "AliveCounter", 16, 8),
  result: plain(FrameId.commandReply, "Result", 24, 8),
  refusedTotal: plain(FrameId.commandReply, "RefusedTotal", 32, 16),
};

/** 0x4B0: E2E header, the requested mode (EmsMode) in byte 2. */
export const modeRequestSig = {
  crc: plain(FrameId.modeRequest, "Crc", 0, 8),
  aliveCounter: plain(FrameId.modeRequest, "AliveCounter", 8, 4),
  requestedMode: plain(FrameId.modeRequest, "RequestedMode", 16, 8),
};

/** 0x4B1: E2E header, charge and discharge current limits 0.1 A (0xFFFF = no request). */
export const limitRequestSig = {
  crc: plain(FrameId.limitRequest, "Crc", 0, 8),
  aliveCounter: plain(FrameId.limitRequest, "AliveCounter", 8, 4),
  chargeCurrentLimit: scaled(FrameId.limitRequest, "ChargeCurrentLimit", 16, 16, false, 1, 10, 100),
  dischargeCurrentLimit: scaled(FrameId.limitRequest, "DischargeCurrentLimit", 32, 16, false, 1, 10, 100),
};

/** 0x4B2: E2E header, the clear key (must be 0xAA) in byte 2. */
export const faultClearSig = {
  crc: plain(FrameId.faultClear, "Crc", 0, 8),
  aliveCounter: plain(FrameId.faultClear, "AliveCounter", 8, 4),
  clearKey: plain(FrameId.faultClear, "ClearKey", 16, 8),
};
