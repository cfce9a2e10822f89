// Shared pieces of the conformance suite: every board in boards/index.ts runs the same scenarios
// through the unchanged firmware and its own emulated AFE, and is held to the same assertions.
import { join } from "node:path";
import type { BoardDefinition } from "../../boards/types";
import type { Outputs } from "../../firmware/types";
import type { Rig } from "../../sim/rig";
import { loadScenario, parseScenario } from "../../sim/scenario";
import type { Scenario } from "../../sim/scenario";
import { runScenario } from "../../sim/run";
import type { RunResult } from "../../sim/run";

export { boards } from "../../boards/index";

export function scenarioFile(name: string): Scenario {
  return loadScenario(join(import.meta.dirname, "..", "..", "sim", "scenarios", `${name}.json`));
}

export function scenario(data: unknown): Scenario {
  return parseScenario(data, "conformance scenario");
}

/** The AFE drives the FETs itself (BQ chips); otherwise the MCU's pins do (LTC681x boards). */
export function chipDrivesFets(board: BoardDefinition): boolean {
  return board.switches === undefined;
}

/** Time of the first event of `kind` whose detail is exactly `detail`, or −1. */
export function eventTime(r: RunResult, kind: string, detail: string): number {
  const e = r.events.find((x) => x.kind === kind && x.detail === detail);
  return e === undefined ? -1 : e.timeMs;
}

/** Details of every fault tier that was set (warnings left out). */
export function faultsSet(r: RunResult): string[] {
  return r.events.filter((e) => e.kind === "fault-set" && !e.detail.endsWith(" warning")).map((e) => e.detail);
}

/**
 * A level crossing seen tick by tick: when the value first reached the level, and since when it
 * has been there without a break (−1 while it is not).
 */
export class Crossing {
  firstMs = -1;
  sinceMs = -1;
  constructor(private readonly beyond: (value: number) => boolean) {}

  see(value: number, tMs: number): void {
    if (!this.beyond(value)) {
      this.sinceMs = -1;
      return;
    }
    if (this.firstMs < 0) this.firstMs = tMs;
    if (this.sinceMs < 0) this.sinceMs = tMs;
  }
}

/**
 * One path (charge or discharge) as it really is: the switch pins or the chip's FET, next to
 * what the firmware decided. Records when it first closed and when it first opened after that.
 */
export class PathWatch {
  closedMs = -1;
  openedMs = -1;
  /** Ticks on which the physical path and the firmware's output disagreed. */
  disagreements = 0;
  constructor(private readonly charge: boolean) {}

  see(rig: Rig, out: Outputs, tMs: number): void {
    const on = this.charge ? rig.chargeOn() : rig.dischargeOn();
    const wanted = this.charge ? out.chargeEnable : out.dischargeEnable;
    if (on !== wanted) this.disagreements++;
    if (on && this.closedMs < 0) this.closedMs = tMs;
    if (!on && this.closedMs >= 0 && this.openedMs < 0) this.openedMs = tMs;
  }
}

/** Highest and lowest true cell voltage of the pack model over a run, mV. */
export class CellExtremes {
  highestMv = -Infinity;
  lowestMv = Infinity;

  see(rig: Rig): void {
    for (let i = 0; i < rig.pack.cellCount; i++) {
      const mv = rig.pack.cellVolts(i) * 1000;
      if (mv > this.highestMv) this.highestMv = mv;
      if (mv < this.lowestMv) this.lowestMv = mv;
    }
  }
}

/**
 * Slack on a trip time: the firmware's debounce counts whole ticks, and the tick that first saw
 * the value beyond the level already counts (firmware/faults.ts). Two ticks cover the rounding
 * of a delay that is not a multiple of the tick and the tick in which the path is switched.
 */
export function tickSlackMs(tickMs: number): number {
  return 2 * tickMs;
}

export { runScenario };
export type { RunResult };

/**
 * One tick of the closed loop driven by hand (as sim/run.ts does it): the demand through the
 * FETs, the pack, the clock, the chip's own timers, and the firmware only when `firmware` is
 * true, so a test can stall it.
 */
export function stepRig(rig: Rig, demandMa: number, ambientCelsius: number, firmware: boolean): void {
  const tickMs = rig.board.tickMs;
  rig.advance(demandMa, tickMs, ambientCelsius);
  if (firmware) rig.shell.tick();
}

/** Highest true cell voltage of the pack now, mV. */
export function highestCellMv(rig: Rig): number {
  let mv = -Infinity;
  for (let i = 0; i < rig.pack.cellCount; i++) mv = Math.max(mv, rig.pack.cellVolts(i) * 1000);
  return mv;
}
