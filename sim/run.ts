// SPDX-License-Identifier: MIT
// Runs a scenario on a board, faster than real time: each tick the load or charger draws its
// current through the FETs, the pack model advances, the simulated clock moves, and the firmware
// takes its tick through the emulated chips. What happened is kept as samples, events and a summary.
import type { BoardDefinition } from "../boards/types";
import { faultName } from "../firmware/fault-ids";
import { emsLinkStateName } from "../firmware/ems/link-state";
import { sequenceSlot } from "../firmware/events";
import { BmsMode, bmsModeName, activityName, EventKind, eventKindName, RequestedMode } from "../firmware/types";
import type { Outputs } from "../firmware/types";
import { Rig } from "./rig";
import type { Scenario, Segment } from "./scenario";
import { checkScenarioAgainstBoard } from "./scenario";

export interface RunEvent {
  timeMs: number;
  kind: string;
  /** Readable detail: the new mode, the fault's name … */
  detail: string;
}

export interface Sample {
  timeMs: number;
  currentMa: number;
  packMv: number;
  trueSocCentiPct: number;
  meanSocCentiPct: number;
  estimatedSocCentiPct: number;
  cellMv: number[];
  temperatureDeciC: number[];
  chargeEnable: boolean;
  dischargeEnable: boolean;
  mode: number;
  faultCount: number;
  warningCount: number;
  balanceCount: number;
  chargeCurrentLimitMa: number;
  dischargeCurrentLimitMa: number;
}

export interface Extreme {
  mv: number;
  cell: number;
  timeMs: number;
}

export interface RunSummary {
  scenario: string;
  board: string;
  simulatedS: number;
  wallS: number;
  ticks: number;
  /** Usable SoC: what the weakest cell still gives over what the string can hold (sim/pack.ts). */
  finalTrueSocPct: number;
  /** Mean of the cells' SoC: what a coulomb counter on the string current tracks. */
  finalMeanSocPct: number;
  finalEstimatedSocPct: number;
  /** Largest |usable − estimated| SoC, percentage points, after the first tick. */
  maxSocErrorPct: number;
  maxSocErrorAtMs: number;
  /** Largest |mean − estimated| SoC, percentage points. */
  maxMeanSocErrorPct: number;
  lowestCell: Extreme;
  highestCell: Extreme;
  balancingWh: number;
  spreadStartMv: number;
  spreadEndMv: number;
  spreadStartSocPct: number;
  spreadEndSocPct: number;
  finalMode: string;
  chargeEnable: boolean;
  dischargeEnable: boolean;
  internalErrors: number;
  /** The EMS link, when the board has one: frames each way, refused commands, link losses. */
  ems?: { framesFromBms: number; framesToBms: number; refused: number; linkLostEvents: number; linkOk: boolean; link: string };
}

export interface RunResult {
  summary: RunSummary;
  samples: Sample[];
  events: RunEvent[];
  /** The rig at the end, for tests that look deeper. */
  rig: Rig;
}

export interface RunOptions {
  /** Called with the fraction done, at most a few times a second. */
  onProgress?: (fraction: number) => void;
  /** Called after every tick, for tests that watch the run closely. */
  onTick?: (rig: Rig, out: Outputs, timeMs: number) => void;
  /** Keep the EMS link's frames as candump -L lines (rig.ems.log). */
  candump?: boolean;
}

function segmentAt(profile: Segment[], tS: number): Segment {
  let seg = profile[0];
  for (const s of profile) if (s.atS <= tS) seg = s;
  return seg;
}

function ambientAt(points: Scenario["ambient"], tS: number): number {
  if (tS <= points[0].atS) return points[0].celsius;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    if (tS <= b.atS) return b.atS === a.atS ? b.celsius : a.celsius + ((b.celsius - a.celsius) * (tS - a.atS)) / (b.atS - a.atS);
  }
  return points[points.length - 1].celsius;
}

function describeEvent(kind: number, value: number, cause: number): RunEvent["detail"] {
  if (kind === EventKind.mode) return `${bmsModeName[value]}${cause >= 0 ? ` (${faultName[cause]})` : ""}`;
  if (kind === EventKind.faultSet || kind === EventKind.faultCleared) return `${faultName[value]} ${cause === 0 ? "warning" : cause === 2 ? "fault (chip protection first)" : "fault"}`;
  if (kind === EventKind.activity) return activityName[value];
  if (kind === EventKind.socCorrected) return `SoC ${(value / 100).toFixed(2)} %`;
  if (kind === EventKind.emsLink) return value === 1 ? "EMS link lost" : "EMS link ok";
  if (kind === EventKind.afeRestart) return `AFE restart ${value} ${cause === 1 ? "confirmed" : "failed, retrying"}`;
  return `${value}/${cause}`;
}

function cellSpread(rig: Rig): { mv: number; socPct: number } {
  let vMin = Infinity, vMax = -Infinity, sMin = Infinity, sMax = -Infinity;
  for (let i = 0; i < rig.pack.cellCount; i++) {
    const v = rig.pack.cellVolts(i) * 1000;
    const s = rig.pack.cellSoc(i) * 100;
    vMin = Math.min(vMin, v);
    vMax = Math.max(vMax, v);
    sMin = Math.min(sMin, s);
    sMax = Math.max(sMax, s);
  }
  return { mv: Math.round(vMax - vMin), socPct: sMax - sMin };
}

export function runScenario(scenario: Scenario, board: BoardDefinition, options: RunOptions = {}): RunResult {
  const boardProblems = checkScenarioAgainstBoard(scenario, {
    cells: board.pack.seriesCount,
    thermistors: board.pack.temperatureCount,
    spiAfe: board.afe.type === "ltc6811" || board.afe.type === "ltc6813",
    currentSensor: board.currentSensor !== undefined,
  });
  if (boardProblems.length > 0) throw new Error(`scenario ${scenario.name} does not fit board ${board.name}:\n  ${boardProblems.join("\n  ")}`);
  const wallStart = performance.now();
  const tickMs = scenario.tickMs ?? board.tickMs;
  const rig = new Rig({
    board,
    seed: scenario.seed,
    initialSocPct: scenario.pack.initialSocPct,
    spread: scenario.pack.spread,
    ambientCelsius: ambientAt(scenario.ambient, 0),
    // Without an "ems" section the simulated EMS only listens: the BMS runs on its own.
    ems: {
      periodMs: scenario.ems === undefined ? 0 : scenario.ems.periodS * 1000,
      actions: scenario.ems?.actions ?? [],
      log: options.candump === true,
    },
  });
  const capacityAh = board.pack.capacityMah / 1000;
  const cells = board.pack.seriesCount;
  // A charger regulating its own terminal voltage needs a resistance estimate; over-estimating it
  // only slows the CV loop, never makes it overshoot. ≈ 2× a cell's DC resistance × cells.
  const chargerOhms = (cells * 0.2) / capacityAh;
  let chargerA = 0;
  const totalTicks = Math.ceil((scenario.durationS * 1000) / tickMs);
  const sampleEvery = Math.max(1, Math.round((scenario.sampleS * 1000) / tickMs));
  const samples: Sample[] = [];
  const events: RunEvent[] = [];
  let seenEvents = 0;
  const faults = scenario.faults.map((f) => ({ f, started: false, ended: false }));
  const commands = scenario.commands.map((c) => ({ c, done: false }));
  const summary: RunSummary = {
    scenario: scenario.name,
    board: board.name,
    simulatedS: 0,
    wallS: 0,
    ticks: 0,
    finalTrueSocPct: 0,
    finalMeanSocPct: 0,
    finalEstimatedSocPct: 0,
    maxMeanSocErrorPct: 0,
    maxSocErrorPct: 0,
    maxSocErrorAtMs: 0,
    lowestCell: { mv: Infinity, cell: -1, timeMs: 0 },
    highestCell: { mv: -Infinity, cell: -1, timeMs: 0 },
    balancingWh: 0,
    spreadStartMv: 0,
    spreadEndMv: 0,
    spreadStartSocPct: 0,
    spreadEndSocPct: 0,
    finalMode: "",
    chargeEnable: false,
    dischargeEnable: false,
    internalErrors: 0,
  };
  const start = cellSpread(rig);
  summary.spreadStartMv = start.mv;
  summary.spreadStartSocPct = start.socPct;
  let out: Outputs = rig.shell.state.out;
  let lastProgress = performance.now();

  for (let k = 1; k <= totalTicks; k++) {
    const tMs = k * tickMs;
    const tS = tMs / 1000;
    for (const entry of faults) applyFault(rig, entry, tS);
    for (const entry of commands) {
      if (!entry.done && entry.c.atS <= tS) {
        entry.done = true;
        if (entry.c.type === "clearFaults") rig.shell.clearFaults();
        else rig.shell.requestMode(entry.c.mode === "run" ? RequestedMode.run : RequestedMode.standby);
      }
    }
    // The demand of the load or charger for this tick.
    const seg = segmentAt(scenario.profile, tS);
    let demandA = 0;
    if (seg.mode === "current") demandA = seg.amps ?? (seg.c ?? 0) * capacityAh;
    else if (seg.mode === "power") demandA = seg.watts / Math.max(1, rig.pack.packVolts());
    else if (seg.mode === "charger") {
      const targetA = seg.amps ?? (seg.c ?? 0) * capacityAh;
      if (seg.followLimits) {
        const limitA = Math.min(targetA, out.chargeCurrentLimitMa / 1000);
        const errorV = out.chargeVoltageLimitMv / 1000 - rig.pack.packVolts();
        chargerA = Math.max(0, Math.min(limitA, chargerA + errorV / chargerOhms));
      } else chargerA = targetA;
      demandA = chargerA;
    } else chargerA = 0;
    if (seg.mode !== "charger") chargerA = 0;
    // The chip's own timers and protections run whether or not the firmware talks to it.
    rig.advance(Math.round(demandA * 1000), tickMs, ambientAt(scenario.ambient, tS));
    out = rig.shell.tick();
    rig.ems?.update();

    const log = rig.shell.state.events;
    for (; seenEvents < log.total; seenEvents++) {
      const slot = sequenceSlot(log, seenEvents);
      if (slot >= 0) events.push({ timeMs: log.timeMs[slot], kind: eventKindName[log.kind[slot]], detail: describeEvent(log.kind[slot], log.value[slot], log.cause[slot]) });
    }
    for (let i = 0; i < cells; i++) {
      const mv = rig.pack.cellVolts(i) * 1000;
      if (mv < summary.lowestCell.mv) summary.lowestCell = { mv, cell: i, timeMs: tMs };
      if (mv > summary.highestCell.mv) summary.highestCell = { mv, cell: i, timeMs: tMs };
    }
    const trueSoc = rig.pack.trueSocPct();
    const estSoc = out.socCentiPct / 100;
    // The estimate exists once the firmware left init (its first complete cell reading).
    const estimating = out.mode !== BmsMode.init;
    if (estimating && Math.abs(trueSoc - estSoc) > summary.maxSocErrorPct) {
      summary.maxSocErrorPct = Math.abs(trueSoc - estSoc);
      summary.maxSocErrorAtMs = tMs;
    }
    if (estimating) summary.maxMeanSocErrorPct = Math.max(summary.maxMeanSocErrorPct, Math.abs(rig.pack.meanSocPct() - estSoc));
    if (k % sampleEvery === 0 || k === totalTicks) samples.push(sample(rig, out, tMs));
    options.onTick?.(rig, out, tMs);
    if (options.onProgress !== undefined && (k & 1023) === 0 && performance.now() - lastProgress > 250) {
      lastProgress = performance.now();
      options.onProgress(k / totalTicks);
    }
  }
  const end = cellSpread(rig);
  summary.spreadEndMv = end.mv;
  summary.spreadEndSocPct = end.socPct;
  summary.ticks = totalTicks;
  summary.simulatedS = (totalTicks * tickMs) / 1000;
  summary.wallS = (performance.now() - wallStart) / 1000;
  summary.finalTrueSocPct = rig.pack.trueSocPct();
  summary.finalMeanSocPct = rig.pack.meanSocPct();
  summary.finalEstimatedSocPct = out.socCentiPct / 100;
  summary.balancingWh = rig.pack.bleedEnergyJoules() / 3600;
  summary.finalMode = bmsModeName[out.mode];
  summary.chargeEnable = out.chargeEnable;
  summary.dischargeEnable = out.dischargeEnable;
  summary.internalErrors = rig.shell.internalErrors;
  const link = rig.shell.ems;
  if (rig.ems !== undefined && link !== undefined) {
    summary.ems = {
      framesFromBms: rig.ems.counters.received,
      framesToBms: rig.ems.counters.sent,
      refused: link.state.refusedTotal,
      linkLostEvents: link.state.linkLostEvents,
      linkOk: link.state.linkOk,
      link: emsLinkStateName[link.state.link],
    };
  }
  return { summary, samples, events, rig };
}

function applyFault(rig: Rig, entry: { f: Scenario["faults"][number]; started: boolean; ended: boolean }, tS: number): void {
  const f = entry.f;
  if (!entry.started && f.atS <= tS) {
    entry.started = true;
    if (f.type === "cellInternalShort") rig.pack.injectInternalShort(f.cell, f.ohms);
    else if (f.type === "thermistorOpen") rig.thermistorOpen[f.sensor] = true;
    else if (f.type === "afeSilence") rig.afe.silence(true);
    else if (f.type === "currentSensorStuck") rig.currentSensor?.stuck(true);
    else if (f.type === "openWire") rig.afe.openWire(f.wire, true);
    else if (f.type === "pecErrors" || f.type === "crcErrors") rig.afe.checksumErrors(f.count);
    else if (f.type === "droppedAnswers") rig.afe.dropAnswers(f.count);
    else if (f.type === "chipReset") rig.afe.reset();
    else if (f.type === "measurementFrozen") rig.afe.frozen(true);
  }
  if (entry.started && !entry.ended && "untilS" in f && f.untilS !== undefined && f.untilS <= tS) {
    entry.ended = true;
    if (f.type === "thermistorOpen") rig.thermistorOpen[f.sensor] = false;
    else if (f.type === "afeSilence") rig.afe.silence(false);
    else if (f.type === "currentSensorStuck") rig.currentSensor?.stuck(false);
    else if (f.type === "openWire") rig.afe.openWire(f.wire, false);
    else if (f.type === "measurementFrozen") rig.afe.frozen(false);
  }
}

function sample(rig: Rig, out: Outputs, timeMs: number): Sample {
  const m = rig.shell.inputs.measurements;
  return {
    timeMs,
    currentMa: rig.trueCurrentMa,
    packMv: Math.round(rig.pack.packVolts() * 1000),
    trueSocCentiPct: Math.round(rig.pack.trueSocPct() * 100),
    meanSocCentiPct: Math.round(rig.pack.meanSocPct() * 100),
    estimatedSocCentiPct: out.socCentiPct,
    cellMv: m.cellMv.slice(),
    temperatureDeciC: m.temperatureDeciC.slice(),
    chargeEnable: out.chargeEnable,
    dischargeEnable: out.dischargeEnable,
    mode: out.mode,
    faultCount: out.faultCount,
    warningCount: out.warningCount,
    balanceCount: out.balanceCount,
    chargeCurrentLimitMa: out.chargeCurrentLimitMa,
    dischargeCurrentLimitMa: out.dischargeCurrentLimitMa,
  };
}
