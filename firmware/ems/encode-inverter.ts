// SPDX-License-Identifier: MIT
// Encoders of the inverter profile (0x351–0x35F): each fills a preallocated CanFrame from the
// core's outputs, in integer firmware units, through the signal table. Layouts and pitfalls:
// ../shared/reference/can-link.md §1.1, §1.2, §1.5.
//
// Decisions on the §1.5 pitfalls:
//  * CVL is never 0 (Victron reads 0 as over-voltage and may discharge hard). While charging is
//    blocked (CCL rounds to 0) CVL is lowered to the present pack voltage, not above the
//    configured limit, as diyBMS does and Safiery and Deye (W31) ask: an inverter that ignores
//    CCL 0 then still has nothing to push towards. It is at least 0.1 V (raw 1) whatever happens.
//  * CCL and DCL are the core's limits (firmware/limits.ts), rounded down to 0.1 A, never negative.
//    The core drives DCL to 0 only where discharging must stop: the discharge path is open (a
//    fault, standby, init), the lowest cell is at its under-voltage warning level, or a
//    temperature is at a discharge fault level. No 0.1 A stand-in is sent then: an island-mode
//    inverter that shuts down on DCL 0 is the intended outcome at an empty or faulted pack, and a
//    token current would ask it to keep drawing.
//  * DVL is rounded up, so the inverter stops at or above the configured level.
import type { CanFrame } from "../../hal/can";
import { FaultId } from "../fault-ids";
import type { Outputs, RunConfig } from "../types";
import { bit, currentLimitRaw, pair, rawCeil, rawFloor, rawRound, startFrame } from "./encode-common";
import { FrameId } from "./ids";
import { alarmsSig, infoSig, limitsSig, measurementsSig, nameSig, pylonFlagsSig, pylonRequestSig, socSohSig } from "./signals-inverter";
import { putInstance, putRow } from "./signals-table";
import { AlarmPair, ChemistryCode, pylonMagicN, pylonMagicP, systemStatusOnline } from "./signals-values";

/** 25 °C in deciC: 0x356 reports the extreme sensor further from it. */
const roomDeciC = 250;
/** ASCII space, the padding of the 0x35E name ("PYLON   ", §1.1). */
const space = 0x20;
/** Characters of the 0x35E name. */
export const nameLength = 8;

/** CVL raw (0.1 V) as sent: never 0, the pack voltage while charging is blocked. */
export function chargeVoltageLimitRaw(out: Outputs): number {
  let mv = out.chargeVoltageLimitMv;
  const charging = currentLimitRaw(limitsSig.chargeCurrentLimit, out.chargeCurrentLimitMa) > 0;
  if (!charging && out.sumCellMv > 0 && out.sumCellMv < mv) mv = out.sumCellMv;
  const raw = rawFloor(limitsSig.chargeVoltageLimit, mv);
  return raw >= 1 ? raw : 1;
}

/** 0x351: CVL, CCL, DCL, DVL. */
export function encodeLimits(frame: CanFrame, out: Outputs): void {
  startFrame(frame, FrameId.limits);
  const d = frame.data;
  putRow(d, limitsSig.chargeVoltageLimit, chargeVoltageLimitRaw(out));
  putRow(d, limitsSig.chargeCurrentLimit, currentLimitRaw(limitsSig.chargeCurrentLimit, out.chargeCurrentLimitMa));
  putRow(d, limitsSig.dischargeCurrentLimit, currentLimitRaw(limitsSig.dischargeCurrentLimit, out.dischargeCurrentLimitMa));
  putRow(d, limitsSig.dischargeVoltageLimit, rawCeil(limitsSig.dischargeVoltageLimit, out.dischargeVoltageLimitMv));
}

/** 0x355: SoC and SoH in whole percent (SoH limited to 100 %), SoC in 0.01 %. */
export function encodeSocSoh(frame: CanFrame, out: Outputs): void {
  startFrame(frame, FrameId.socSoh);
  const d = frame.data;
  let soc = out.socCentiPct;
  if (soc < 0) soc = 0;
  if (soc > 10000) soc = 10000;
  let soh = out.sohCentiPct;
  if (soh < 0) soh = 0;
  if (soh > 10000) soh = 10000;
  putRow(d, socSohSig.stateOfCharge, rawRound(socSohSig.stateOfCharge, soc));
  putRow(d, socSohSig.stateOfHealth, rawRound(socSohSig.stateOfHealth, soh));
  putRow(d, socSohSig.stateOfChargeHighRes, rawRound(socSohSig.stateOfChargeHighRes, soc));
}

/** The temperature 0x356 reports: the extreme further from 25 °C, the hottest on a tie. */
export function batteryTemperatureDeciC(out: Outputs): number {
  const hot = out.maxTemperatureDeciC - roomDeciC;
  const cold = roomDeciC - out.minTemperatureDeciC;
  return cold > hot ? out.minTemperatureDeciC : out.maxTemperatureDeciC;
}

/** 0x356: sum of the cells (0.01 V), pack current (0.1 A, + = charging), temperature (0.1 °C). */
export function encodeMeasurements(frame: CanFrame, out: Outputs, currentMa: number): void {
  startFrame(frame, FrameId.measurements);
  const d = frame.data;
  putRow(d, measurementsSig.batteryVoltage, rawRound(measurementsSig.batteryVoltage, out.sumCellMv));
  putRow(d, measurementsSig.batteryCurrent, rawRound(measurementsSig.batteryCurrent, currentMa));
  putRow(d, measurementsSig.batteryTemperature, rawRound(measurementsSig.batteryTemperature, batteryTemperatureDeciC(out)));
}

/** A sensor, plausibility or AFE-communication row is active in `active` (fault or warning tier). */
export function internalActive(active: boolean[]): boolean {
  return active[FaultId.cellSensor] || active[FaultId.temperatureSensor] || active[FaultId.currentSensor] || active[FaultId.stackMismatch] || active[FaultId.afeComm];
}

/**
 * One tier of 0x359 (Pylon) from `active` (per FaultId): the protection rows (bytes 0-1), or the
 * warning rows at `rowOffset` from them (bytes 2-3, the same items in the same bits). The last item
 * differs by tier, so it comes in as `last`: a system error for protection, an internal
 * communication failure for the warnings. The rows are read as pylonFlagsSig.x, never through an
 * alias, here and in every encoder: the Espruino build then writes each row number into the file
 * (scripts/espruino-constants.ts).
 */
function putPylonTier(d: number[], rowOffset: number, active: boolean[], last: boolean): void {
  putRow(d, pylonFlagsSig.protectionCellOverVoltage + rowOffset, bit(active[FaultId.cellOv]));
  putRow(d, pylonFlagsSig.protectionCellUnderVoltage + rowOffset, bit(active[FaultId.cellUv]));
  putRow(d, pylonFlagsSig.protectionOverTemperature + rowOffset, bit(active[FaultId.chargeOt] || active[FaultId.dischargeOt]));
  putRow(d, pylonFlagsSig.protectionUnderTemperature + rowOffset, bit(active[FaultId.chargeUt] || active[FaultId.dischargeUt]));
  putRow(d, pylonFlagsSig.protectionDischargeOverCurrent + rowOffset, bit(active[FaultId.dischargeOc] || active[FaultId.shortCircuit]));
  putRow(d, pylonFlagsSig.protectionChargeOverCurrent + rowOffset, bit(active[FaultId.chargeOc]));
  putRow(d, pylonFlagsSig.protectionSystemError + rowOffset, bit(last));
}

/** 0x359 (Pylon): protection flags from the fault tier, warning flags from the warning tier. */
export function encodePylonFlags(frame: CanFrame, out: Outputs, moduleCount: number): void {
  startFrame(frame, FrameId.pylonFlags);
  const d = frame.data;
  putPylonTier(d, 0, out.faultActive, internalActive(out.faultActive));
  putPylonTier(d, pylonFlagsSig.warningCellHighVoltage - pylonFlagsSig.protectionCellOverVoltage, out.warningActive, out.warningActive[FaultId.afeComm]);
  putRow(d, pylonFlagsSig.moduleCount, moduleCount);
  putRow(d, pylonFlagsSig.pylonMagicP, pylonMagicP);
  putRow(d, pylonFlagsSig.pylonMagicN, pylonMagicN);
}

/**
 * One tier of 0x35A (§1.2) from `active` (per FaultId) and its count: the alarm rows, or the
 * warning rows at `rowOffset` from them (the same items in the same order, bytes 4-7). Contactor
 * and cell imbalance are not supported (0): the BMS has no contactor feedback and no imbalance
 * criterion.
 */
function putAlarmTier(d: number[], rowOffset: number, active: boolean[], activeCount: number): void {
  putRow(d, alarmsSig.alarmGeneral + rowOffset, pair(activeCount > 0));
  putRow(d, alarmsSig.alarmHighVoltage + rowOffset, pair(active[FaultId.cellOv]));
  putRow(d, alarmsSig.alarmLowVoltage + rowOffset, pair(active[FaultId.cellUv]));
  putRow(d, alarmsSig.alarmHighTemperature + rowOffset, pair(active[FaultId.dischargeOt]));
  putRow(d, alarmsSig.alarmLowTemperature + rowOffset, pair(active[FaultId.dischargeUt]));
  putRow(d, alarmsSig.alarmHighTemperatureCharge + rowOffset, pair(active[FaultId.chargeOt]));
  putRow(d, alarmsSig.alarmLowTemperatureCharge + rowOffset, pair(active[FaultId.chargeUt]));
  putRow(d, alarmsSig.alarmHighDischargeCurrent + rowOffset, pair(active[FaultId.dischargeOc]));
  putRow(d, alarmsSig.alarmHighChargeCurrent + rowOffset, pair(active[FaultId.chargeOc]));
  putRow(d, alarmsSig.alarmContactor + rowOffset, AlarmPair.notSupported);
  putRow(d, alarmsSig.alarmShortCircuit + rowOffset, pair(active[FaultId.shortCircuit]));
  putRow(d, alarmsSig.alarmBmsInternal + rowOffset, pair(internalActive(active)));
  putRow(d, alarmsSig.alarmCellImbalance + rowOffset, AlarmPair.notSupported);
}

/** 0x35A: alarms from the fault tier, warnings from the warning tier (§1.2). */
export function encodeAlarms(frame: CanFrame, out: Outputs): void {
  startFrame(frame, FrameId.alarms);
  const d = frame.data;
  putAlarmTier(d, 0, out.faultActive, out.faultCount);
  putAlarmTier(d, alarmsSig.warningGeneral - alarmsSig.alarmGeneral, out.warningActive, out.warningCount);
  putRow(d, alarmsSig.systemStatusOnline, systemStatusOnline);
}

/**
 * 0x35C (Pylon): charge/discharge enable while the matching limit is above 0 (the same rounding as
 * 0x351, so the two frames never disagree). No force-charge or full-charge requests.
 */
export function encodePylonRequest(frame: CanFrame, out: Outputs): void {
  startFrame(frame, FrameId.pylonRequest);
  const d = frame.data;
  putRow(d, pylonRequestSig.chargeEnable, bit(currentLimitRaw(limitsSig.chargeCurrentLimit, out.chargeCurrentLimitMa) > 0));
  putRow(d, pylonRequestSig.dischargeEnable, bit(currentLimitRaw(limitsSig.dischargeCurrentLimit, out.dischargeCurrentLimitMa) > 0));
}

/**
 * Fills `into` (8 entries) with the character codes of `name`, padded with spaces; a character
 * outside printable ASCII becomes '?'. Call once at start: it reads a string.
 */
export function nameCodes(name: string, into: number[]): void {
  for (let i = 0; i < nameLength; i++) {
    let c = i < name.length ? name.charCodeAt(i) : space;
    if (!(c >= 0x20 && c <= 0x7e)) c = 0x3f;
    into[i] = c;
  }
}

/** 0x35E: the name, from codes made once by nameCodes. */
export function encodeName(frame: CanFrame, codes: number[]): void {
  startFrame(frame, FrameId.name);
  for (let i = 0; i < nameLength; i++) putInstance(frame.data, nameSig.nameChar, i, codes[i]);
}

/** ChemistryCode of a configuration. */
export function chemistryCode(conf: RunConfig): number {
  if (conf.chemistry === "LFP") return ChemistryCode.LFP;
  if (conf.chemistry === "NMC") return ChemistryCode.NMC;
  if (conf.chemistry === "LTO") return ChemistryCode.LTO;
  return ChemistryCode.unknown;
}

/** 0x35F: chemistry, firmware version, rated capacity (1 Ah, rounded). */
export function encodeInfo(frame: CanFrame, conf: RunConfig, firmwareMajor: number, firmwareMinor: number): void {
  startFrame(frame, FrameId.info);
  const d = frame.data;
  putRow(d, infoSig.chemistryCode, chemistryCode(conf));
  putRow(d, infoSig.firmwareVersionMajor, firmwareMajor);
  putRow(d, infoSig.firmwareVersionMinor, firmwareMinor);
  putRow(d, infoSig.capacity, rawRound(infoSig.capacity, conf.capacityMah));
}
