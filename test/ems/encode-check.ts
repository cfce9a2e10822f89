// SPDX-License-Identifier: MIT
// The expectations of the EMS-link encoder tests: every periodic BMS frame, encoded from a BMS
// status, decoded by candied on firmware/ems/tsbms.dbc, compared with that status signal by
// signal. Every decoded signal must be checked, so a signal added to the DBC without a check here
// fails. Physical values are rawValue × factor (candied clamps physValue, can-link.md §4.1).
import { expect } from "vitest";
import { createCanFrame } from "../../hal/can";
import { encodeBmsFrame, frameGroups } from "../../firmware/ems/encode";
import type { EmsSource } from "../../firmware/ems/encode";
import { FrameId } from "../../firmware/ems/ids";
import { frameTable } from "../../firmware/ems/signals";
import { FaultId, faultCount } from "../../firmware/fault-ids";
import { RequestedMode } from "../../firmware/types";
import { decodeFrame, loadDbc } from "./dbc-helpers";
import type { Decoded } from "./dbc-helpers";

const db = loadDbc();

/** Reads the decoded signals of one frame, remembering which were looked at. */
class Reader {
  private readonly checked = new Set<string>();
  constructor(
    readonly d: Decoded,
    readonly what: string,
  ) {}
  raw(name: string): number {
    const v = this.d.raw.get(name);
    if (v === undefined) throw new Error(`${this.what}: ${name} not decoded`);
    this.checked.add(name);
    return v;
  }
  phys(name: string): number {
    this.raw(name);
    return this.d.phys.get(name) as number;
  }
  /** Physical value in thousandths (mV, mA, …), rounded to undo float artefacts (28.700000000000003). */
  milli(name: string): number {
    return Math.round(this.phys(name) * 1000);
  }
  unchecked(): string[] {
    return [...this.d.raw.keys()].filter((n) => !this.checked.has(n));
  }
}

const any = (flags: boolean[], ids: number[]) => ids.some((id) => flags[id]);
const internal = [FaultId.cellSensor, FaultId.temperatureSensor, FaultId.currentSensor, FaultId.stackMismatch, FaultId.afeComm];

/** 0x35A items: the fault rows each reports, undefined = not supported (0). */
const alarmItems: [string, number[] | undefined][] = [
  ["HighVoltage", [FaultId.cellOv]],
  ["LowVoltage", [FaultId.cellUv]],
  ["HighTemperature", [FaultId.dischargeOt]],
  ["LowTemperature", [FaultId.dischargeUt]],
  ["HighTemperatureCharge", [FaultId.chargeOt]],
  ["LowTemperatureCharge", [FaultId.chargeUt]],
  ["HighDischargeCurrent", [FaultId.dischargeOc]],
  ["HighChargeCurrent", [FaultId.chargeOc]],
  ["Contactor", undefined],
  ["ShortCircuit", [FaultId.shortCircuit]],
  ["BmsInternal", internal],
  ["CellImbalance", undefined],
];

/** 0x359 flags: name → rows, for the fault (Protection…) and warning (Warning…) tiers. */
const pylonFlags: [string, boolean, number[]][] = [
  ["ProtectionCellOverVoltage", true, [FaultId.cellOv]],
  ["ProtectionCellUnderVoltage", true, [FaultId.cellUv]],
  ["ProtectionOverTemperature", true, [FaultId.chargeOt, FaultId.dischargeOt]],
  ["ProtectionUnderTemperature", true, [FaultId.chargeUt, FaultId.dischargeUt]],
  ["ProtectionDischargeOverCurrent", true, [FaultId.dischargeOc, FaultId.shortCircuit]],
  ["ProtectionChargeOverCurrent", true, [FaultId.chargeOc]],
  ["ProtectionSystemError", true, internal],
  ["WarningCellHighVoltage", false, [FaultId.cellOv]],
  ["WarningCellLowVoltage", false, [FaultId.cellUv]],
  ["WarningHighTemperature", false, [FaultId.chargeOt, FaultId.dischargeOt]],
  ["WarningLowTemperature", false, [FaultId.chargeUt, FaultId.dischargeUt]],
  ["WarningDischargeHighCurrent", false, [FaultId.dischargeOc, FaultId.shortCircuit]],
  ["WarningChargeHighCurrent", false, [FaultId.chargeOc]],
  ["WarningInternalCommFailure", false, [FaultId.afeComm]],
];

/** What the runs went through, so the checks are known to have seen each kind of status. */
export interface Coverage {
  charging: boolean;
  discharging: boolean;
  fault: boolean;
  warning: boolean;
  latched: boolean;
  chipFault: boolean;
  balancing: boolean;
  cvlLowered: boolean;
  dclZero: boolean;
  noneSlot: boolean;
}

function checkFrame(r: Reader, id: number, group: number, src: EmsSource, seen: Coverage): void {
  const conf = src.conf;
  const state = src.state;
  const out = state.out;
  const m = src.inputs.measurements;
  const mask = (flags: boolean[]) => flags.slice(0, faultCount).reduce((a, f, i) => a + (f ? 2 ** i : 0), 0);
  if (id === FrameId.limits) {
    const ccl = Math.max(0, out.chargeCurrentLimitMa);
    const dcl = Math.max(0, out.dischargeCurrentLimitMa);
    const sentCcl = r.milli("ChargeCurrentLimit");
    expect(sentCcl).toBeLessThanOrEqual(ccl);
    expect(sentCcl).toBeGreaterThan(ccl - 100);
    const sentDcl = r.milli("DischargeCurrentLimit");
    expect(sentDcl).toBeLessThanOrEqual(dcl);
    expect(sentDcl).toBeGreaterThan(dcl - 100);
    if (dcl === 0) seen.dclZero = true;
    const cvlTarget = sentCcl === 0 && out.sumCellMv > 0 ? Math.min(out.chargeVoltageLimitMv, out.sumCellMv) : out.chargeVoltageLimitMv;
    const cvl = r.milli("ChargeVoltageLimit");
    expect(cvl).toBeGreaterThan(0);
    expect(cvl).toBeLessThanOrEqual(cvlTarget);
    expect(cvl).toBeGreaterThan(cvlTarget - 100);
    if (cvlTarget < out.chargeVoltageLimitMv) seen.cvlLowered = true;
    const dvl = r.milli("DischargeVoltageLimit");
    expect(dvl).toBeGreaterThanOrEqual(out.dischargeVoltageLimitMv);
    expect(dvl).toBeLessThan(out.dischargeVoltageLimitMv + 100);
  } else if (id === FrameId.socSoh) {
    expect(Math.abs(r.phys("StateOfCharge") * 100 - out.socCentiPct)).toBeLessThanOrEqual(50);
    expect(Math.round(r.phys("StateOfChargeHighRes") * 100)).toBe(out.socCentiPct);
    expect(Math.abs(r.phys("StateOfHealth") * 100 - Math.min(10000, out.sohCentiPct))).toBeLessThanOrEqual(50);
  } else if (id === FrameId.measurements) {
    expect(Math.abs(r.milli("BatteryVoltage") - out.sumCellMv)).toBeLessThanOrEqual(5);
    expect(Math.abs(r.milli("BatteryCurrent") - m.currentMa)).toBeLessThanOrEqual(50);
    const hot = out.maxTemperatureDeciC;
    const cold = out.minTemperatureDeciC;
    expect(Math.round(r.phys("BatteryTemperature") * 10)).toBe(250 - cold > hot - 250 ? cold : hot);
    if (m.currentMa > 0) seen.charging = true;
    if (m.currentMa < 0) seen.discharging = true;
  } else if (id === FrameId.pylonFlags) {
    for (const [name, fault, ids] of pylonFlags) expect(r.raw(name), name).toBe(any(fault ? out.faultActive : out.warningActive, ids) ? 1 : 0);
    expect(r.raw("ModuleCount")).toBe(src.moduleCount);
    expect(String.fromCharCode(r.raw("PylonMagicP"), r.raw("PylonMagicN"))).toBe("PN");
  } else if (id === FrameId.alarms) {
    expect(r.raw("AlarmGeneral")).toBe(out.faultCount > 0 ? 1 : 2);
    expect(r.raw("WarningGeneral")).toBe(out.warningCount > 0 ? 1 : 2);
    for (const [item, ids] of alarmItems) {
      expect(r.raw(`Alarm${item}`), `Alarm${item}`).toBe(ids === undefined ? 0 : any(out.faultActive, ids) ? 1 : 2);
      expect(r.raw(`Warning${item}`), `Warning${item}`).toBe(ids === undefined ? 0 : any(out.warningActive, ids) ? 1 : 2);
    }
    expect(r.raw("SystemStatusOnline")).toBe(2);
  } else if (id === FrameId.pylonRequest) {
    expect(r.raw("ChargeEnable")).toBe(out.chargeCurrentLimitMa >= 100 ? 1 : 0);
    expect(r.raw("DischargeEnable")).toBe(out.dischargeCurrentLimitMa >= 100 ? 1 : 0);
    for (const n of ["ForceChargeI", "ForceChargeII", "FullChargeRequest"]) expect(r.raw(n)).toBe(0);
  } else if (id === FrameId.name) {
    expect(Array.from({ length: 8 }, (_, k) => String.fromCharCode(r.raw(`NameChar${k}`))).join("")).toBe("TSBMS   ");
  } else if (id === FrameId.info) {
    expect(r.raw("ChemistryCode")).toBe({ LFP: 1, NMC: 2, LTO: 3 }[conf.chemistry]);
    expect([r.raw("FirmwareVersionMajor"), r.raw("FirmwareVersionMinor")]).toEqual([src.firmwareMajor, src.firmwareMinor]);
    expect(r.raw("Capacity")).toBe(Math.round(conf.capacityMah / 1000));
  } else if (id === FrameId.state) {
    expect([r.raw("Mode"), r.raw("Activity")]).toEqual([out.mode, out.activity]);
    expect([r.raw("ChargeEnable"), r.raw("DischargeEnable")]).toEqual([Number(out.chargeEnable), Number(out.dischargeEnable)]);
    expect([r.raw("FaultCount"), r.raw("WarningCount"), r.raw("BalanceCount")]).toEqual([out.faultCount, out.warningCount, out.balanceCount]);
    expect([r.raw("EmsLinkOk"), r.raw("RunRequested"), r.raw("EmsRequestedMode")]).toEqual([Number(src.emsLinkOk), Number(src.inputs.requestedMode === RequestedMode.run), src.emsRequestedMode]);
  } else if (id === FrameId.cellVoltages) {
    expect([r.raw("CellGroup"), r.raw("CellCount")]).toEqual([group, conf.seriesCount]);
    for (let j = 0; j < 3; j++) {
      const cell = 3 * group + j;
      expect(r.raw(`CellVoltage${cell}`), `cell ${cell}`).toBe(cell < conf.seriesCount ? m.cellMv[cell] : 0xffff);
      if (cell >= conf.seriesCount) seen.noneSlot = true;
    }
  } else if (id === FrameId.temperatures) {
    expect([r.raw("TemperatureGroup"), r.raw("TemperatureCount")]).toEqual([group, conf.temperatureCount]);
    for (let j = 0; j < 3; j++) {
      const sensor = 3 * group + j;
      if (sensor < conf.temperatureCount) expect(Math.round(r.phys(`Temperature${sensor}`) * 10), `sensor ${sensor}`).toBe(m.temperatureDeciC[sensor]);
      else expect(r.raw(`Temperature${sensor}`)).toBe(0x7fff);
    }
  } else if (id === FrameId.balancing) {
    expect([r.raw("BalanceGroup"), r.raw("BalanceCount")]).toEqual([group, out.balanceCount]);
    const bits = r.raw(`BalanceMask${group}`);
    for (let i = 0; i < 32; i++) {
      const cell = 32 * group + i;
      expect(Math.floor(bits / 2 ** i) % 2, `cell ${cell}`).toBe(cell < conf.seriesCount && out.balance[cell] ? 1 : 0);
    }
    if (out.balanceCount > 0) seen.balancing = true;
  } else if (id === FrameId.faults) {
    const f = state.faults;
    expect(r.raw("ActiveFaults")).toBe(mask(out.faultActive));
    expect(r.raw("ActiveWarnings")).toBe(mask(out.warningActive));
    expect(r.raw("LatchedFaults")).toBe(mask(f.latched));
    const first = r.raw("FirstFault");
    if (out.faultCount === 0) expect(first).toBe(255);
    else expect(out.faultActive[first], `first fault ${first} is active`).toBe(true);
    expect(r.raw("FirstFaultByChip")).toBe(first !== 255 && f.byChip[first] ? 1 : 0);
    expect(r.raw("ChipFaultCount")).toBe(out.faultActive.filter((a, i) => a && f.byChip[i]).length);
    if (out.faultCount > 0) seen.fault = true;
    if (out.warningCount > 0) seen.warning = true;
    if (f.latched.some((l) => l)) seen.latched = true;
    if (first !== 255 && f.byChip[first]) seen.chipFault = true;
  } else if (id === FrameId.health) {
    expect(Math.round(r.phys("StateOfCharge") * 100)).toBe(out.socCentiPct);
    expect(Math.round(r.phys("StateOfHealth") * 100)).toBe(out.sohCentiPct);
    expect(r.raw("CycleCount")).toBe(Math.floor(state.soc.cycleCentiCount / 100));
    expect(Math.abs(r.phys("Capacity") - state.soc.capacityMas / 3600 / 1000)).toBeLessThanOrEqual(0.05);
  } else if (id === FrameId.counters) {
    expect(r.raw("EventsLogged")).toBe(state.events.total % 65536);
    expect(r.raw("InternalErrors")).toBe(src.internalErrors % 65536);
    expect(r.raw("AfeRestarts")).toBe(src.afeRestarts % 65536);
    expect(r.raw("RefusedCommands")).toBe(src.refusedCommands % 65536);
  } else throw new Error(`no check for frame 0x${id.toString(16)}`);
}

/** Encodes every group of every periodic BMS frame and checks it against the status. */
export function checkAllFrames(src: EmsSource, seen: Coverage, when: string): number {
  const frame = createCanFrame();
  let frames = 0;
  for (const id of frameTable.id) {
    const groups = frameGroups(src.conf, id);
    for (let g = 0; g < groups; g++) {
      expect(encodeBmsFrame(frame, id, g, src)).toBe(true);
      const r = new Reader(decodeFrame(db, frame), `${when} 0x${id.toString(16)}/${g}`);
      checkFrame(r, id, g, src, seen);
      expect(r.unchecked(), r.what).toEqual([]);
      frames++;
    }
  }
  return frames;
}

/** A coverage record with nothing seen yet. */
export function noCoverage(): Coverage {
  return { charging: false, discharging: false, fault: false, warning: false, latched: false, chipFault: false, balancing: false, cvlLowered: false, dclZero: false, noneSlot: false };
}
