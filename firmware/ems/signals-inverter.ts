// SPDX-License-Identifier: MIT
// Signal rows of the inverter profile (0x351–0x35F), as in firmware/ems/tsbms.dbc. Layouts:
// ../shared/reference/can-link.md §1.1 (every field little-endian), §1.2 (0x35A pairs).
// `unitsPerRaw` converts firmware units: limits and voltages in mV, currents in mA, SoC in centiPct,
// temperatures in deciC, capacity in mAh.
import { FrameId } from "./ids";
import { addRow, muxNone, plain, scaled } from "./signals-table";

/** 0x351: CVL, CCL, DCL, DVL, 0.1 V / 0.1 A (CCL and DCL signed, sent ≥ 0). */
export const limitsSig = {
  chargeVoltageLimit: scaled(FrameId.limits, "ChargeVoltageLimit", 0, 16, false, 1, 10, 100),
  chargeCurrentLimit: scaled(FrameId.limits, "ChargeCurrentLimit", 16, 16, true, 1, 10, 100),
  dischargeCurrentLimit: scaled(FrameId.limits, "DischargeCurrentLimit", 32, 16, true, 1, 10, 100),
  dischargeVoltageLimit: scaled(FrameId.limits, "DischargeVoltageLimit", 48, 16, false, 1, 10, 100),
};

/** 0x355: SoC and SoH 1 %, high-resolution SoC 0.01 %. */
export const socSohSig = {
  stateOfCharge: scaled(FrameId.socSoh, "StateOfCharge", 0, 16, false, 1, 1, 100),
  stateOfHealth: scaled(FrameId.socSoh, "StateOfHealth", 16, 16, false, 1, 1, 100),
  stateOfChargeHighRes: scaled(FrameId.socSoh, "StateOfChargeHighRes", 32, 16, false, 1, 100, 1),
};

/** 0x356: pack voltage 0.01 V, current 0.1 A (positive = charging), temperature 0.1 °C. */
export const measurementsSig = {
  batteryVoltage: scaled(FrameId.measurements, "BatteryVoltage", 0, 16, true, 1, 100, 10),
  batteryCurrent: scaled(FrameId.measurements, "BatteryCurrent", 16, 16, true, 1, 10, 100),
  batteryTemperature: scaled(FrameId.measurements, "BatteryTemperature", 32, 16, true, 1, 10, 1),
};

const pf = FrameId.pylonFlags;
/** 0x359 (Pylon): protection flags bytes 0-1, warning flags bytes 2-3, module count, "PN". */
export const pylonFlagsSig = {
  protectionCellOverVoltage: plain(pf, "ProtectionCellOverVoltage", 1, 1),
  protectionCellUnderVoltage: plain(pf, "ProtectionCellUnderVoltage", 2, 1),
  protectionOverTemperature: plain(pf, "ProtectionOverTemperature", 3, 1),
  protectionUnderTemperature: plain(pf, "ProtectionUnderTemperature", 4, 1),
  protectionDischargeOverCurrent: plain(pf, "ProtectionDischargeOverCurrent", 7, 1),
  protectionChargeOverCurrent: plain(pf, "ProtectionChargeOverCurrent", 8, 1),
  // Byte 1 bit 3 as bsc_fw; ArminJo and Battery-Emulator use bit 7 (§1.1, unverified).
  protectionSystemError: plain(pf, "ProtectionSystemError", 11, 1),
  warningCellHighVoltage: plain(pf, "WarningCellHighVoltage", 17, 1),
  warningCellLowVoltage: plain(pf, "WarningCellLowVoltage", 18, 1),
  warningHighTemperature: plain(pf, "WarningHighTemperature", 19, 1),
  warningLowTemperature: plain(pf, "WarningLowTemperature", 20, 1),
  warningDischargeHighCurrent: plain(pf, "WarningDischargeHighCurrent", 23, 1),
  warningChargeHighCurrent: plain(pf, "WarningChargeHighCurrent", 24, 1),
  warningInternalCommFailure: plain(pf, "WarningInternalCommFailure", 27, 1),
  moduleCount: plain(pf, "ModuleCount", 32, 8),
  pylonMagicP: plain(pf, "PylonMagicP", 40, 8),
  pylonMagicN: plain(pf, "PylonMagicN", 48, 8),
};

const al = FrameId.alarms;
/** 0x35A: two bits per item (§1.2); alarms in bytes 0-3, the same items as warnings in bytes 4-7. */
export const alarmsSig = {
  alarmGeneral: plain(al, "AlarmGeneral", 0, 2),
  alarmHighVoltage: plain(al, "AlarmHighVoltage", 2, 2),
  alarmLowVoltage: plain(al, "AlarmLowVoltage", 4, 2),
  alarmHighTemperature: plain(al, "AlarmHighTemperature", 6, 2),
  alarmLowTemperature: plain(al, "AlarmLowTemperature", 8, 2),
  alarmHighTemperatureCharge: plain(al, "AlarmHighTemperatureCharge", 10, 2),
  alarmLowTemperatureCharge: plain(al, "AlarmLowTemperatureCharge", 12, 2),
  alarmHighDischargeCurrent: plain(al, "AlarmHighDischargeCurrent", 14, 2),
  alarmHighChargeCurrent: plain(al, "AlarmHighChargeCurrent", 16, 2),
  alarmContactor: plain(al, "AlarmContactor", 18, 2),
  alarmShortCircuit: plain(al, "AlarmShortCircuit", 20, 2),
  alarmBmsInternal: plain(al, "AlarmBmsInternal", 22, 2),
  alarmCellImbalance: plain(al, "AlarmCellImbalance", 24, 2),
  warningGeneral: plain(al, "WarningGeneral", 32, 2),
  warningHighVoltage: plain(al, "WarningHighVoltage", 34, 2),
  warningLowVoltage: plain(al, "WarningLowVoltage", 36, 2),
  warningHighTemperature: plain(al, "WarningHighTemperature", 38, 2),
  warningLowTemperature: plain(al, "WarningLowTemperature", 40, 2),
  warningHighTemperatureCharge: plain(al, "WarningHighTemperatureCharge", 42, 2),
  warningLowTemperatureCharge: plain(al, "WarningLowTemperatureCharge", 44, 2),
  warningHighDischargeCurrent: plain(al, "WarningHighDischargeCurrent", 46, 2),
  warningHighChargeCurrent: plain(al, "WarningHighChargeCurrent", 48, 2),
  warningContactor: plain(al, "WarningContactor", 50, 2),
  warningShortCircuit: plain(al, "WarningShortCircuit", 52, 2),
  warningBmsInternal: plain(al, "WarningBmsInternal", 54, 2),
  warningCellImbalance: plain(al, "WarningCellImbalance", 56, 2),
  /** Byte 7 bits 2-3, 2 = online as diyBMS and the REC capture send it (§1.2, §2; unverified). */
  systemStatusOnline: plain(al, "SystemStatusOnline", 58, 2),
};

/** 0x35C (Pylon): request flags in byte 0, byte 1 = 0. */
export const pylonRequestSig = {
  fullChargeRequest: plain(FrameId.pylonRequest, "FullChargeRequest", 3, 1),
  forceChargeII: plain(FrameId.pylonRequest, "ForceChargeII", 4, 1),
  forceChargeI: plain(FrameId.pylonRequest, "ForceChargeI", 5, 1),
  dischargeEnable: plain(FrameId.pylonRequest, "DischargeEnable", 6, 1),
  chargeEnable: plain(FrameId.pylonRequest, "ChargeEnable", 7, 1),
};

/** 0x35E: the name, 8 ASCII characters NameChar0..NameChar7 (one family row). */
export const nameSig = {
  nameChar: addRow(FrameId.name, "NameChar", 0, 8, false, 1, 1, 1, muxNone, 8, 0),
};

/** 0x35F: chemistry code, firmware version, rated capacity 1 Ah. */
export const infoSig = {
  chemistryCode: plain(FrameId.info, "ChemistryCode", 0, 16),
  firmwareVersionMajor: plain(FrameId.info, "FirmwareVersionMajor", 16, 8),
  firmwareVersionMinor: plain(FrameId.info, "FirmwareVersionMinor", 24, 8),
  capacity: scaled(FrameId.info, "Capacity", 32, 16, false, 1, 1, 1000),
};
