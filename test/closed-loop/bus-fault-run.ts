// SPDX-License-Identifier: MIT
// A closed-loop run with injected bus and chip faults, recorded tick by tick: what the firmware
// decided (mode, paths, faults, readings) after each tick, and what the chip held just before
// each tick (after the scenario's fault was applied, before the firmware could react): its FETs
// and an image of the protection configuration the firmware writes into it.
import { findBoard } from "../../boards/index";
import type { BoardDefinition } from "../../boards/types";
import { DataMemory } from "../../hal/bq76952/registers";
import { Reg } from "../../hal/bq769x0/registers";
import { Bq76952Emulator } from "../../sim/emulators/bq76952";
import { Bq769x0Emulator } from "../../sim/emulators/bq769x0";
import { Ltc681xChain } from "../../sim/emulators/ltc681x";
import type { SimAfe } from "../../sim/afe-model";
import type { Rig } from "../../sim/rig";
import { runScenario, type RunResult } from "../../sim/run";
import { parseScenario } from "../../sim/scenario";

export interface AfterTick {
  t: number;
  mode: number;
  chargeEnable: boolean;
  dischargeEnable: boolean;
  /** The FETs as the hardware holds them (chip registers or switch pins). */
  chargeOn: boolean;
  dischargeOn: boolean;
  cellsValid: boolean;
  faultActive: boolean[];
  warningCount: number;
  cellMv: number[];
}

export interface BeforeTick {
  t: number;
  chargeOn: boolean;
  dischargeOn: boolean;
  protection: number[];
}

export interface FaultRun {
  board: BoardDefinition;
  result: RunResult;
  after: AfterTick[];
  /** From the second tick on (the hook is installed by the first). */
  before: BeforeTick[];
}

/**
 * The protection configuration the firmware wrote into the chip: bq769x0 PROTECT1..3, OV_TRIP,
 * UV_TRIP, CC_CFG (0x06..0x0B, afe-chips.md §3); BQ76952 the data-memory thresholds, delays and
 * enables (§2.4); LTC681x the configuration register groups (§1).
 */
export function protectionImage(afe: SimAfe): number[] {
  const chip = afe.chip;
  if (chip instanceof Bq769x0Emulator) {
    const image: number[] = [];
    for (let a = Reg.protect1; a <= Reg.ccCfg; a++) image.push(chip.register(a));
    return image;
  }
  if (chip instanceof Bq76952Emulator) {
    const m = chip.memory;
    const bytes = [
      DataMemory.enabledProtectionsA,
      DataMemory.enabledProtectionsB,
      DataMemory.cuvThreshold,
      DataMemory.covThreshold,
      DataMemory.occThreshold,
      DataMemory.ocd1Threshold,
      DataMemory.scdThreshold,
      DataMemory.scdDelay,
      DataMemory.otcThreshold,
      DataMemory.otdThreshold,
      DataMemory.utcThreshold,
      DataMemory.daConfiguration,
    ];
    return [...bytes.map((a) => m.u8(a)), m.u16(DataMemory.cuvDelay), m.u16(DataMemory.covDelay), m.u16(DataMemory.vcellMode)];
  }
  if (chip instanceof Ltc681xChain) return chip.getConfig(0);
  throw new Error(`protectionImage: no image for the ${afe.family} emulator`);
}

function installBeforeTick(rig: Rig, into: BeforeTick[]): void {
  const update = rig.afe.update.bind(rig.afe);
  rig.afe.update = () => {
    update();
    into.push({ t: rig.platform.clock.nowMs(), chargeOn: rig.chargeOn(), dischargeOn: rig.dischargeOn(), protection: protectionImage(rig.afe) });
  };
}

/** Runs `boardName` discharging at 0.2C from 60 % SoC with `faults` and `commands`. */
export function runFaults(boardName: string, faults: unknown[], durationS: number, commands: unknown[] = []): FaultRun {
  const board = findBoard(boardName);
  const scenario = parseScenario({
    name: "bus-faults",
    durationS,
    pack: { initialSocPct: 60 },
    profile: [{ atS: 0, mode: "current", c: -0.2 }],
    faults,
    commands,
  });
  const after: AfterTick[] = [];
  const before: BeforeTick[] = [];
  let hooked = false;
  const result = runScenario(scenario, board, {
    onTick: (rig, out, t) => {
      if (!hooked) installBeforeTick(rig, before);
      hooked = true;
      const m = rig.shell.inputs.measurements;
      after.push({
        t,
        mode: out.mode,
        chargeEnable: out.chargeEnable,
        dischargeEnable: out.dischargeEnable,
        chargeOn: rig.chargeOn(),
        dischargeOn: rig.dischargeOn(),
        cellsValid: m.cellsValid,
        faultActive: out.faultActive.slice(),
        warningCount: out.warningCount,
        cellMv: m.cellMv.slice(),
      });
    },
  });
  return { board, result, after, before };
}

/** Time of the first tick at or after `fromMs` that satisfies `pred`, or −1. */
export function firstAt(ticks: AfterTick[], fromMs: number, pred: (a: AfterTick) => boolean): number {
  const hit = ticks.find((a) => a.t >= fromMs && pred(a));
  return hit === undefined ? -1 : hit.t;
}

/** Names of the rows whose fault tier was set (warnings left out), in order. */
export function faultSets(r: RunResult): string[] {
  return r.events.filter((e) => e.kind === "fault-set" && !e.detail.endsWith(" warning")).map((e) => e.detail.split(" ")[0]);
}
