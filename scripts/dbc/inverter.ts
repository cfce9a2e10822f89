// SPDX-License-Identifier: MIT
// The inverter profile of the DBC: the "CAN-bus BMS" frames SMA, Victron and Pylontech-compatible
// inverters read (../shared/reference/can-link.md §1.1, §1.2). 11-bit ids, every field
// little-endian, whole set every 1 s with 0x351 first, names and versions every 10 s (§1.4).
import { FrameId } from "../../firmware/ems/ids";
import type { MessageDef, SignalDef } from "./model";

const deci: [number, number] = [1, 10];
const centi: [number, number] = [1, 100];

const alarmPairValues: [number, string][] = [
  [0, "NotSupported"],
  [1, "Active"],
  [2, "OK"],
  [3, "Reserved"],
];

/** The 0x35A items in pair order (§1.2): bytes 0-3 alarms, bytes 4-7 the same items as warnings. */
const alarmItems: [string, string][] = [
  ["General", "Any row is active in this tier."],
  ["HighVoltage", "Cell over-voltage row (FaultId cellOv)."],
  ["LowVoltage", "Cell under-voltage row (cellUv)."],
  ["HighTemperature", "Discharge over-temperature row (dischargeOt)."],
  ["LowTemperature", "Discharge under-temperature row (dischargeUt)."],
  ["HighTemperatureCharge", "Charge over-temperature row (chargeOt)."],
  ["LowTemperatureCharge", "Charge under-temperature row (chargeUt)."],
  ["HighDischargeCurrent", "Discharge over-current row (dischargeOc)."],
  ["HighChargeCurrent", "Charge over-current row (chargeOc)."],
  ["Contactor", "Not supported (0): the BMS has no contactor feedback."],
  ["ShortCircuit", "Short-circuit row (shortCircuit)."],
  ["BmsInternal", "Any sensor, plausibility or AFE-communication row (cellSensor, temperatureSensor, currentSensor, stackMismatch, afeComm)."],
  ["CellImbalance", "Not supported (0): the firmware has no imbalance criterion of its own."],
];

function alarmSignals(): SignalDef[] {
  const signals: SignalDef[] = [];
  for (const [tier, base, what] of [
    ["Alarm", 0, "fault tier"],
    ["Warning", 32, "warning tier"],
  ] as const) {
    alarmItems.forEach(([item, comment], k) => {
      signals.push({
        name: `${tier}${item}`,
        start: base + 2 * k,
        length: 2,
        max: 3,
        values: alarmPairValues,
        comment: comment.startsWith("Not supported") ? `${what}: ${comment}` : `${what}: 1 active, 2 OK (clear). ${comment}`,
      });
    });
  }
  signals.push({
    name: "SystemStatusOnline",
    start: 58,
    length: 2,
    max: 3,
    values: [
      [0, "NotSupported"],
      [2, "Online"],
    ],
    comment: "Byte 7 bits 2-3: 2 while the BMS is sending, as diyBMS and the REC capture send it (can-link.md 1.2, 2); its meaning is not documented by the inverter makers [unverified].",
  });
  return signals;
}

function flag(name: string, start: number, comment: string): SignalDef {
  return { name, start, length: 1, comment };
}

export const inverterMessages: MessageDef[] = [
  {
    id: FrameId.limits,
    name: "Limits",
    dlc: 8,
    sender: "BMS",
    cycleMs: 1000,
    spontaneous: true,
    comment: "Charge and discharge limits. Mandatory; sent first in every 1 s set: a Victron GX drops the battery when 0x351 is absent for more than 3 s (can-link.md 1.4).",
    signals: [
      { name: "ChargeVoltageLimit", start: 0, length: 16, factor: deci, unit: "V", comment: "CVL. Never 0: an inverter reads 0 as over-voltage and may discharge the pack hard (can-link.md 1.5). While charging is blocked (CCL 0) it is lowered to the present pack voltage (diyBMS, Safiery, Deye W31)." },
      { name: "ChargeCurrentLimit", start: 16, length: 16, signed: true, factor: deci, min: 0, max: 3276.7, unit: "A", comment: "CCL, never negative, rounded down. 0 while the charge path is open or the highest cell is at its warning level." },
      { name: "DischargeCurrentLimit", start: 32, length: 16, signed: true, factor: deci, min: 0, max: 3276.7, unit: "A", comment: "DCL, never negative, rounded down. 0 only where discharging must stop: the discharge path is open (a fault, standby, init), the lowest cell is at its warning level, or a temperature is at a discharge fault level. Some inverters shut down on DCL 0 (can-link.md 1.5); that is intended then." },
      { name: "DischargeVoltageLimit", start: 48, length: 16, factor: deci, unit: "V", comment: "DVL, rounded up. Victron ignores it; SMA and Pylon inverters use it." },
    ],
  },
  {
    id: FrameId.socSoh,
    name: "SocSoh",
    dlc: 6,
    sender: "BMS",
    cycleMs: 1000,
    comment: "State of charge and health. Mandatory.",
    signals: [
      { name: "StateOfCharge", start: 0, length: 16, max: 100, unit: "%", comment: "Rounded to the nearest percent." },
      { name: "StateOfHealth", start: 16, length: 16, max: 100, unit: "%", comment: "Capacity estimate over the rated capacity, limited to 100 %." },
      { name: "StateOfChargeHighRes", start: 32, length: 16, factor: centi, max: 100, unit: "%", comment: "Optional high-resolution SoC." },
    ],
  },
  {
    id: FrameId.measurements,
    name: "Measurements",
    dlc: 6,
    sender: "BMS",
    cycleMs: 1000,
    comment: "Pack voltage, current and temperature.",
    signals: [
      { name: "BatteryVoltage", start: 0, length: 16, signed: true, factor: centi, unit: "V", comment: "Sum of the cell voltages; limited to 327.67 V." },
      { name: "BatteryCurrent", start: 16, length: 16, signed: true, factor: deci, unit: "A", comment: "Positive = charging (into the pack)." },
      { name: "BatteryTemperature", start: 32, length: 16, signed: true, factor: deci, unit: "degC", comment: "The extreme sensor further from 25 degC (the hottest on a tie): heat and cold both derate the pack." },
    ],
  },
  {
    id: FrameId.pylonFlags,
    name: "PylonFlags",
    dlc: 7,
    sender: "BMS",
    cycleMs: 1000,
    comment: "Pylontech protection (fault tier) and warning flags, 1 = active (can-link.md 1.1). Board option.",
    signals: [
      flag("ProtectionCellOverVoltage", 1, "cellOv fault."),
      flag("ProtectionCellUnderVoltage", 2, "cellUv fault."),
      flag("ProtectionOverTemperature", 3, "chargeOt or dischargeOt fault."),
      flag("ProtectionUnderTemperature", 4, "chargeUt or dischargeUt fault."),
      flag("ProtectionDischargeOverCurrent", 7, "dischargeOc or shortCircuit fault."),
      flag("ProtectionChargeOverCurrent", 8, "chargeOc fault."),
      flag("ProtectionSystemError", 11, "Any sensor, plausibility or AFE-communication fault. Sources disagree on its position: byte 1 bit 3 (bsc_fw, used here) or bit 7 (ArminJo, Battery-Emulator) [unverified]."),
      flag("WarningCellHighVoltage", 17, "cellOv warning."),
      flag("WarningCellLowVoltage", 18, "cellUv warning."),
      flag("WarningHighTemperature", 19, "chargeOt or dischargeOt warning."),
      flag("WarningLowTemperature", 20, "chargeUt or dischargeUt warning."),
      flag("WarningDischargeHighCurrent", 23, "dischargeOc or shortCircuit warning."),
      flag("WarningChargeHighCurrent", 24, "chargeOc warning."),
      flag("WarningInternalCommFailure", 27, "afeComm warning."),
      { name: "ModuleCount", start: 32, length: 8, comment: "Battery modules behind this BMS." },
      { name: "PylonMagicP", start: 40, length: 8, values: [[0x50, "P"]], comment: "Always 0x50 ('P')." },
      { name: "PylonMagicN", start: 48, length: 8, values: [[0x4e, "N"]], comment: "Always 0x4E ('N')." },
    ],
  },
  {
    id: FrameId.alarms,
    name: "Alarms",
    dlc: 8,
    sender: "BMS",
    cycleMs: 1000,
    spontaneous: true,
    comment: "Alarms (bytes 0-3, fault tier) and warnings (bytes 4-7, warning tier), two bits per item: 0 not supported, 1 active, 2 OK, 3 reserved (can-link.md 1.2).",
    signals: alarmSignals(),
  },
  {
    id: FrameId.pylonRequest,
    name: "PylonRequest",
    dlc: 2,
    sender: "BMS",
    cycleMs: 1000,
    comment: "Pylontech request flags (can-link.md 1.1); byte 1 is 0. Board option.",
    signals: [
      flag("FullChargeRequest", 3, "Not used: always 0."),
      flag("ForceChargeII", 4, "Not used: always 0."),
      flag("ForceChargeI", 5, "Not used: always 0."),
      flag("DischargeEnable", 6, "1 while the discharge current limit is above 0."),
      flag("ChargeEnable", 7, "1 while the charge current limit is above 0."),
    ],
  },
  {
    id: FrameId.name,
    name: "Name",
    dlc: 8,
    sender: "BMS",
    cycleMs: 10000,
    comment: "Manufacturer name, ASCII, padded with spaces to 8 characters. Pylon-compatible inverters require PYLON followed by three spaces (can-link.md 1.1).",
    signals: Array.from({ length: 8 }, (_, k): SignalDef => ({ name: `NameChar${k}`, start: 8 * k, length: 8, comment: `Character ${k} of the name (ASCII).` })),
  },
  {
    id: FrameId.info,
    name: "Info",
    dlc: 8,
    sender: "BMS",
    cycleMs: 10000,
    comment: "Chemistry, firmware version and capacity. Only bytes 4-5 agree across sources (can-link.md 1.1); Victron ignores the frame. Bytes 6-7 are 0.",
    signals: [
      {
        name: "ChemistryCode",
        start: 0,
        length: 16,
        values: [
          [0, "Unknown"],
          [1, "LFP"],
          [2, "NMC"],
          [3, "LTO"],
        ],
        comment: "This project's chemistry code (sources use bytes 0-1 for a model or chemistry code of their own).",
      },
      { name: "FirmwareVersionMajor", start: 16, length: 8 },
      { name: "FirmwareVersionMinor", start: 24, length: 8 },
      { name: "Capacity", start: 32, length: 16, unit: "Ah", comment: "Rated (online) capacity, 1 Ah." },
    ],
  },
];
