// SPDX-License-Identifier: MIT
// The BQ76952 direct commands 0x00..0x7F outside the subcommand interface
// (../shared/reference/afe-chips.md §2.2): safety alerts and status, Battery Status, the
// measurement results in the user units of DA Configuration (§2.4), Alarm Status / Raw / Enable
// and FET Status. Every value is a 16-bit little-endian word at an even address.
import {
  Alarm,
  BatteryStatus,
  ccGainTimesMicroOhm,
  DataMemory,
  DaConfig,
  Direct,
  FetControl,
  FetStatus,
  zeroCelsiusDeciK,
} from "../../hal/bq76952/registers";
import type { DataMemoryStore } from "./bq76952-memory";
import type { ProtectionEngine } from "./bq76952-protect";
import type { ChipModes } from "./bq76952-subcommand";

/** The last ADC scan: voltages of the 16 inputs (mV), the true current, TS temperatures. */
export interface Scan {
  inputMv: number[];
  currentMa: number;
  tsCelsius: number[];
}

/** Alarm Status (latched, write 1 to clear) and Alarm Enable (§2.2). */
export interface AlarmRegisters {
  latched: number;
  enable: number;
}

/** Everything a direct command reads. The objects are shared with the chip, not copies. */
export interface DirectSources {
  memory: DataMemoryStore;
  protection: ProtectionEngine;
  modes: ChipModes;
  scan: Scan;
  alarm: AlarmRegisters;
  /** Input (1..16) of each cell. */
  channelOfCell: number[];
  thermistors: number;
  shuntMicroOhm: number;
  internalCelsius: number;
}

const i16 = (v: number): number => Math.max(-32768, Math.min(32767, Math.round(v))) & 0xffff;
const deciK = (c: number): number => i16(c * 10 + zeroCelsiusDeciK - 0.15);

export function batteryStatus(s: DirectSources): number {
  let v = 0;
  if (s.modes.cfgUpdate) v |= BatteryStatus.cfgUpdate;
  if (s.modes.por) v |= BatteryStatus.por;
  if (s.protection.status.some((b) => b !== 0)) v |= BatteryStatus.safetyFault;
  return v;
}

/** FET Status: test mode, host OFF commands and the CHG/DSG FET Protections masks (§2.3, §2.4). */
export function fetStatus(s: DirectSources): number {
  const st = s.protection.status;
  const m = s.modes;
  const blocked = (masks: number[]): boolean => st.some((b, k) => (b & s.memory.u8(masks[k])) !== 0);
  const chgBlocked = blocked([DataMemory.chgFetProtectionsA, DataMemory.chgFetProtectionsB, DataMemory.chgFetProtectionsC]);
  const dsgBlocked = blocked([DataMemory.dsgFetProtectionsA, DataMemory.dsgFetProtectionsB, DataMemory.dsgFetProtectionsC]);
  let chg: boolean;
  let dsg: boolean;
  if (!m.fetEnabled) {
    // FET test mode: only FET_CONTROL turns them on (§2.3).
    chg = m.testControl !== undefined && (m.testControl & FetControl.chgOff) === 0;
    dsg = m.testControl !== undefined && (m.testControl & FetControl.dsgOff) === 0;
  } else {
    chg = !m.hostChargeOff && !chgBlocked;
    dsg = !m.hostDischargeOff && !dsgBlocked;
  }
  // FETs off in CONFIG_UPDATE [unverified].
  if (m.cfgUpdate) chg = dsg = false;
  return (chg ? FetStatus.chg : 0) | (dsg ? FetStatus.dsg : 0);
}

/** The 16-bit value at an even direct-command address (an odd one is its high byte). */
export function directWord(s: DirectSources, address: number): number {
  const da = s.memory.u8(DataMemory.daConfiguration);
  const ampsScale = [10, 1, 0.1, 0.01][da & DaConfig.userAmpsMask];
  const voltsScale = (da & DaConfig.userVoltsCv) !== 0 ? 0.1 : 1;
  const input = s.scan.inputMv;
  const stackMv = s.channelOfCell.reduce((sum, ch) => sum + input[ch - 1], 0);
  const alert = s.protection.alert;
  const status = s.protection.status;
  if (address >= Direct.cell1 && address < Direct.stack) return i16(input[(address - Direct.cell1) / 2]);
  switch (address) {
    case Direct.safetyAlertA:
      return alert[0] | (status[0] << 8);
    case Direct.safetyAlertB:
      return alert[1] | (status[1] << 8);
    case Direct.safetyAlertC:
      return alert[2] | (status[2] << 8);
    case Direct.batteryStatus:
      return batteryStatus(s);
    case Direct.stack:
      return i16(stackMv * voltsScale);
    case Direct.pack:
    case Direct.ld:
      return i16((fetStatus(s) & FetStatus.dsg) !== 0 ? stackMv * voltsScale : 0);
    case Direct.cc2: {
      // CC2 = true current · (written CC Gain / the gain that matches the shunt).
      const gainRatio = s.memory.float(DataMemory.ccGain) / (ccGainTimesMicroOhm / s.shuntMicroOhm);
      return i16(s.scan.currentMa * gainRatio * ampsScale);
    }
    case Direct.alarmStatus:
      return s.alarm.latched;
    case Direct.alarmRawStatus:
      return (status[0] !== 0 ? Alarm.safetyStatusA : 0) | (s.modes.cbMask !== 0 ? Alarm.cb : 0);
    case Direct.alarmEnable:
      return s.alarm.enable;
    case Direct.internalTemperature:
      return deciK(s.internalCelsius);
    case Direct.ts1Temperature:
    case Direct.ts2Temperature:
    case Direct.ts3Temperature: {
      const k = (address - Direct.ts1Temperature) / 2;
      return k < s.thermistors ? deciK(s.scan.tsCelsius[k]) : 0;
    }
    case Direct.fetStatus - 1:
      return fetStatus(s) << 8;
    default:
      return 0;
  }
}

/** One byte of a direct command. */
export function directByte(s: DirectSources, address: number): number {
  const word = directWord(s, address & 0xfe);
  return (address & 1) === 0 ? word & 0xff : (word >>> 8) & 0xff;
}

/** A byte written to a direct command: Alarm Status clears where 1 is written, Alarm Enable stores. */
export function writeDirectByte(s: DirectSources, address: number, value: number): void {
  const alarm = s.alarm;
  if (address === Direct.alarmStatus) alarm.latched &= ~value;
  else if (address === Direct.alarmStatus + 1) alarm.latched &= ~(value << 8);
  else if (address === Direct.alarmEnable) alarm.enable = (alarm.enable & 0xff00) | value;
  else if (address === Direct.alarmEnable + 1) alarm.enable = (alarm.enable & 0xff) | (value << 8);
}
