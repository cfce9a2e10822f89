// SPDX-License-Identifier: MIT
// Configuration validation, run once at start (it may allocate): every problem is reported as
// "<field path>: <what is wrong>", and nothing starts while any remains (firmware/shell.ts).
// Three classes of problem: a field missing or of the wrong type; a value outside the absolute
// safe window of the chemistry; a pair of values that contradict each other. Defaults must be
// safe, and a config that cannot trip is a bug (prior-art.md §10 item 6).
// "§n" is ../shared/reference/cells-and-limits.md.
import { Checker, delayMaxMs, isObject } from "./validate-fields";
import type { Obj } from "./validate-fields";

/** Absolute limits per chemistry: no configuration may go past them. */
interface SafeWindow {
  /** Highest cell OV fault level. */
  ovMaxMv: number;
  /** Lowest cell UV fault level. */
  uvMinMv: number;
  /** Lowest charge under-temperature fault level. */
  chargeMinDeciC: number;
}

// LFP: §8 LS fault 3.80 V is the highest LFP OV default; §4 the measured A123 cell is empty at
// 2.01 V. Charging below 0 °C: no §8 source allows it for LFP or NMC.
const lfpWindow: SafeWindow = { ovMaxMv: 3800, uvMinMv: 2000, chargeMinDeciC: 0 };
// NMC: §8 ENNOID hard OV 4.20–4.30 V; MSL 2.50 V (NCR18650BD), bq76952 CUV 2.53 V.
const nmcWindow: SafeWindow = { ovMaxMv: 4300, uvMinMv: 2500, chargeMinDeciC: 0 };
// LTO: §8 LS fault 2.85 V + 50 mV; foxBMS MSL 1.50 V; foxBMS charge window from −20 °C.
const ltoWindow: SafeWindow = { ovMaxMv: 2900, uvMinMv: 1500, chargeMinDeciC: -200 };
/** §8: no source charges above 50 °C; 60 °C is the bq76952 balancing top (§10). */
const chargeMaxDeciC = 600;
/** §8: the highest discharge MSL is 60 °C (foxBMS NMC), plus one 5 °C hysteresis step. */
const dischargeMaxDeciC = 650;
/** §8: the lowest discharge limit is −20 °C; 10 °C beyond it. */
const dischargeMinDeciC = -300;
/** Currents up to 1000 A keep the limit arithmetic (current × span ≤ 1000) inside 2^31. */
const currentMaxMa = 1000000;
/** Blind time after losing the AFE: at most 5 s, a few OV delays (§9). */
const afeLossMaxMs = 5000;
/** capacity × 3600 mAs must stay below 2^31 on a 32-bit Lua (lua.md §7): 500 Ah. */
const capacityMaxMah = 500000;

function safeWindow(chemistry: unknown): SafeWindow | undefined {
  if (chemistry === "LFP") return lfpWindow;
  if (chemistry === "NMC") return nmcWindow;
  if (chemistry === "LTO") return ltoWindow;
  return undefined;
}

function checkVoltages(c: Checker, prot: Obj | undefined, chem: string, w: SafeWindow | undefined): void {
  const ov = c.limit(prot, "protection", "cellOvMv", true, "mV", 0, 10000);
  const uv = c.limit(prot, "protection", "cellUvMv", false, "mV", 0, 10000);
  if (w !== undefined && ov !== undefined) c.atMost("protection.cellOvMv.faultLevel", ov.faultLevel, w.ovMaxMv, "mV", "the " + chem + " limit of");
  if (w !== undefined && uv !== undefined) c.atLeast("protection.cellUvMv.faultLevel", uv.faultLevel, w.uvMinMv, "mV", "the " + chem + " limit of");
  if (ov === undefined || uv === undefined) return;
  c.above("protection.cellOvMv.warnLevel", ov.warnLevel, uv.warnLevel, "mV", "cellUvMv.warnLevel");
  // A release level past the other fault level could never be reached.
  const ovRelease = ov.faultLevel - ov.hysteresis;
  const uvRelease = uv.faultLevel + uv.hysteresis;
  if (ovRelease <= uv.faultLevel) c.add("protection.cellOvMv.hysteresis", "release level " + ovRelease + " mV (faultLevel − hysteresis) is not above cellUvMv.faultLevel " + uv.faultLevel + " mV");
  if (uvRelease >= ov.faultLevel) c.add("protection.cellUvMv.hysteresis", "release level " + uvRelease + " mV (faultLevel + hysteresis) is not below cellOvMv.faultLevel " + ov.faultLevel + " mV");
}

function checkCurrents(c: Checker, prot: Obj | undefined): void {
  c.limit(prot, "protection", "chargeOcMa", true, "mA", 1, currentMaxMa);
  const oc = c.limit(prot, "protection", "dischargeOcMa", true, "mA", 1, currentMaxMa);
  const sc = c.limit(prot, "protection", "shortCircuitMa", true, "mA", 1, currentMaxMa);
  if (oc !== undefined && sc !== undefined) c.atLeast("protection.shortCircuitMa.faultLevel", sc.faultLevel, oc.faultLevel, "mA", "dischargeOcMa.faultLevel");
}

function checkTemperatures(c: Checker, prot: Obj | undefined, chem: string, w: SafeWindow | undefined): void {
  const cot = c.limit(prot, "protection", "chargeOtDeciC", true, "deciC", -1000, 1000);
  const cut = c.limit(prot, "protection", "chargeUtDeciC", false, "deciC", -1000, 1000);
  const dot = c.limit(prot, "protection", "dischargeOtDeciC", true, "deciC", -1000, 1000);
  const dut = c.limit(prot, "protection", "dischargeUtDeciC", false, "deciC", -1000, 1000);
  if (cot !== undefined) c.atMost("protection.chargeOtDeciC.faultLevel", cot.faultLevel, chargeMaxDeciC, "deciC", "the limit of");
  if (w !== undefined && cut !== undefined) c.atLeast("protection.chargeUtDeciC.faultLevel", cut.faultLevel, w.chargeMinDeciC, "deciC", "the " + chem + " limit of");
  if (dot !== undefined) c.atMost("protection.dischargeOtDeciC.faultLevel", dot.faultLevel, dischargeMaxDeciC, "deciC", "the limit of");
  if (dut !== undefined) c.atLeast("protection.dischargeUtDeciC.faultLevel", dut.faultLevel, dischargeMinDeciC, "deciC", "the limit of");
  if (cot !== undefined && cut !== undefined) c.above("protection.chargeOtDeciC.warnLevel", cot.warnLevel, cut.warnLevel, "deciC", "chargeUtDeciC.warnLevel");
  if (dot !== undefined && dut !== undefined) c.above("protection.dischargeOtDeciC.warnLevel", dot.warnLevel, dut.warnLevel, "deciC", "dischargeUtDeciC.warnLevel");
}

function checkSensors(c: Checker, root: Obj, prot: Obj | undefined): void {
  const s = c.section(root, "", "sensors");
  const cellMin = c.int(s, "sensors", "cellMinPlausibleMv", "mV", 0, 10000);
  const cellMax = c.int(s, "sensors", "cellMaxPlausibleMv", "mV", 0, 10000);
  c.int(s, "sensors", "stackToleranceMv", "mV", 1, 100000);
  const tMin = c.int(s, "sensors", "temperatureMinPlausibleDeciC", "deciC", -2730, 3000);
  const tMax = c.int(s, "sensors", "temperatureMaxPlausibleDeciC", "deciC", -2730, 3000);
  c.int(s, "sensors", "currentStuckMs", "ms", 1, 3600000);
  c.int(s, "sensors", "sensorDelayMs", "ms", 0, delayMaxMs);
  c.int(s, "sensors", "afeLossDelayMs", "ms", 0, afeLossMaxMs);
  c.bool(s, "sensors", "latch");
  // The plausible range must include every fault level, or the sensor row would hide the fault.
  const uv = c.peek(prot, "cellUvMv");
  const ov = c.peek(prot, "cellOvMv");
  if (cellMin !== undefined && uv !== undefined) c.below("sensors.cellMinPlausibleMv", cellMin, uv.faultLevel, "mV", "cellUvMv.faultLevel");
  if (cellMax !== undefined && ov !== undefined) c.above("sensors.cellMaxPlausibleMv", cellMax, ov.faultLevel, "mV", "cellOvMv.faultLevel");
  const cut = c.peek(prot, "chargeUtDeciC");
  const dut = c.peek(prot, "dischargeUtDeciC");
  const cot = c.peek(prot, "chargeOtDeciC");
  const dot = c.peek(prot, "dischargeOtDeciC");
  if (tMin !== undefined && cut !== undefined) c.below("sensors.temperatureMinPlausibleDeciC", tMin, cut.faultLevel, "deciC", "chargeUtDeciC.faultLevel");
  if (tMin !== undefined && dut !== undefined) c.below("sensors.temperatureMinPlausibleDeciC", tMin, dut.faultLevel, "deciC", "dischargeUtDeciC.faultLevel");
  if (tMax !== undefined && cot !== undefined) c.above("sensors.temperatureMaxPlausibleDeciC", tMax, cot.faultLevel, "deciC", "chargeOtDeciC.faultLevel");
  if (tMax !== undefined && dot !== undefined) c.above("sensors.temperatureMaxPlausibleDeciC", tMax, dot.faultLevel, "deciC", "dischargeOtDeciC.faultLevel");
}

function checkLimits(c: Checker, root: Obj, prot: Obj | undefined): void {
  const l = c.section(root, "", "limits");
  const chargeMax = c.int(l, "limits", "chargeCurrentMaxMa", "mA", 0, currentMaxMa);
  const dischargeMax = c.int(l, "limits", "dischargeCurrentMaxMa", "mA", 0, currentMaxMa);
  // CVL = seriesCount × cellChargeMv must never be 0 (prior-art.md §10 item 7).
  const cellCharge = c.int(l, "limits", "cellChargeMv", "mV", 1, 10000);
  const cellDischarge = c.int(l, "limits", "cellDischargeMv", "mV", 1, 10000);
  c.int(l, "limits", "voltageTaperMv", "mV", 0, 1000);
  const floor = c.int(l, "limits", "taperFloorMa", "mA", 0, currentMaxMa);
  const coc = c.peek(prot, "chargeOcMa");
  const doc = c.peek(prot, "dischargeOcMa");
  const ov = c.peek(prot, "cellOvMv");
  const uv = c.peek(prot, "cellUvMv");
  if (chargeMax !== undefined && coc !== undefined) c.atMost("limits.chargeCurrentMaxMa", chargeMax, coc.warnLevel, "mA", "protection.chargeOcMa.warnLevel");
  if (dischargeMax !== undefined && doc !== undefined) c.atMost("limits.dischargeCurrentMaxMa", dischargeMax, doc.warnLevel, "mA", "protection.dischargeOcMa.warnLevel");
  if (floor !== undefined && chargeMax !== undefined) c.atMost("limits.taperFloorMa", floor, chargeMax, "mA", "chargeCurrentMaxMa");
  if (cellCharge !== undefined && ov !== undefined) c.atMost("limits.cellChargeMv", cellCharge, ov.warnLevel, "mV", "protection.cellOvMv.warnLevel");
  if (cellDischarge !== undefined && uv !== undefined) c.atLeast("limits.cellDischargeMv", cellDischarge, uv.warnLevel, "mV", "protection.cellUvMv.warnLevel");
  if (cellCharge !== undefined && cellDischarge !== undefined) c.above("limits.cellChargeMv", cellCharge, cellDischarge, "mV", "cellDischargeMv");
}

function checkSoc(c: Checker, root: Obj, prot: Obj | undefined): void {
  const s = c.section(root, "", "soc");
  const rest = c.int(s, "soc", "restCurrentMa", "mA", 1, currentMaxMa);
  c.int(s, "soc", "restMs", "ms", 0, 1000000000);
  const full = c.int(s, "soc", "fullCellMv", "mV", 1, 10000);
  const tail = c.int(s, "soc", "fullTailCurrentMa", "mA", 1, currentMaxMa);
  c.int(s, "soc", "fullHoldMs", "ms", 0, 1000000000);
  c.int(s, "soc", "ocvTrustBelowCentiPct", "centiPct", 0, 10000);
  c.int(s, "soc", "ocvTrustAboveCentiPct", "centiPct", 0, 10000);
  c.int(s, "soc", "sohMinSpanCentiPct", "centiPct", 1, 10000);
  c.int(s, "soc", "sohBlendPermille", "permille", 0, 1000);
  const ov = c.peek(prot, "cellOvMv");
  const uv = c.peek(prot, "cellUvMv");
  if (full !== undefined && ov !== undefined) c.atMost("soc.fullCellMv", full, ov.warnLevel, "mV", "protection.cellOvMv.warnLevel");
  if (full !== undefined && uv !== undefined) c.above("soc.fullCellMv", full, uv.warnLevel, "mV", "protection.cellUvMv.warnLevel");
  if (tail !== undefined && rest !== undefined) c.above("soc.fullTailCurrentMa", tail, rest, "mA", "restCurrentMa");
}

function checkBalancing(c: Checker, root: Obj, prot: Obj | undefined, cells: number | undefined): void {
  const b = c.section(root, "", "balancing");
  c.bool(b, "balancing", "enabled");
  const start = c.int(b, "balancing", "startMv", "mV", 1, 1000);
  const stop = c.int(b, "balancing", "stopMv", "mV", 0, 1000);
  const minCell = c.int(b, "balancing", "minCellMv", "mV", 0, 10000);
  const tMin = c.int(b, "balancing", "minTemperatureDeciC", "deciC", -1000, 1000);
  const tMax = c.int(b, "balancing", "maxTemperatureDeciC", "deciC", -1000, 1000);
  const maxCells = c.int(b, "balancing", "maxCells", "", 0, 36);
  c.bool(b, "balancing", "noAdjacent");
  if (start !== undefined && stop !== undefined && stop >= start) c.add("balancing", "stopMv " + stop + " is not below startMv " + start);
  if (tMin !== undefined && tMax !== undefined && tMin >= tMax) c.add("balancing", "minTemperatureDeciC " + tMin + " is not below maxTemperatureDeciC " + tMax);
  if (maxCells !== undefined && cells !== undefined) c.atMost("balancing.maxCells", maxCells, cells, "", "seriesCount");
  const ov = c.peek(prot, "cellOvMv");
  if (minCell !== undefined && ov !== undefined) c.below("balancing.minCellMv", minCell, ov.faultLevel, "mV", "protection.cellOvMv.faultLevel");
}

/**
 * Every problem of `conf` as "<field path>: <message>", empty when it is a sound PackConfig.
 * Accepts anything (parsed JSON included) and never throws.
 */
export function validateConfig(conf: unknown): string[] {
  const c = new Checker();
  if (!isObject(conf)) {
    c.add("configuration", "expected an object");
    return c.problems;
  }
  const chemistry = conf["chemistry"];
  const w = safeWindow(chemistry);
  let chem = "";
  if (chemistry === undefined) c.add("chemistry", "missing");
  else if (w === undefined) c.add("chemistry", "expected one of LFP, NMC, LTO");
  else chem = chemistry as string;
  const cells = c.int(conf, "", "seriesCount", "", 1, 36);
  c.int(conf, "", "temperatureCount", "", 1, 64);
  c.int(conf, "", "capacityMah", "mAh", 1, capacityMaxMah);
  c.int(conf, "", "activityCurrentMa", "mA", 1, currentMaxMa);
  c.bool(conf, "", "autoStart");
  c.int(conf, "", "eventLogSize", "", 4, 4096);
  const prot = c.section(conf, "", "protection");
  checkVoltages(c, prot, chem, w);
  checkCurrents(c, prot);
  checkTemperatures(c, prot, chem, w);
  checkSensors(c, conf, prot);
  checkLimits(c, conf, prot);
  checkSoc(c, conf, prot);
  checkBalancing(c, conf, prot, cells);
  return c.problems;
}
