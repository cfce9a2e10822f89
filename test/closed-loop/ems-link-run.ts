// SPDX-License-Identifier: MIT
// Shared by the closed-loop EMS-link tests: run a scenario with the simulated EMS on a board's own
// transport (MCP2515 on the virtual CAN bus, or SLCAN on the simulated UART), keep every frame the
// EMS received with its arrival time, and decode frames with an independent decoder (candied on
// firmware/ems/tsbms.dbc, through test/ems/dbc-helpers.ts).
import type { BoardDefinition } from "../../boards/types";
import { findBoard } from "../../boards/index";
import type { EmsConfig } from "../../firmware/ems/link-config";
import type { Outputs } from "../../firmware/types";
import { createCanFrame } from "../../hal/can";
import type { CanFrame } from "../../hal/can";
import { parseScenario } from "../../sim/scenario";
import { runScenario } from "../../sim/run";
import type { RunResult } from "../../sim/run";
import type { Rig } from "../../sim/rig";
import { decodeFrame, loadDbc } from "../ems/dbc-helpers";
import type { Decoded } from "../ems/dbc-helpers";

export const db = loadDbc();

/** One board per transport: an MCP2515 on SPI and SLCAN on a UART. */
export const transportBoards = ["wifi-ltc6813-16s", "mdbt42q-bq76952-16s"] as const;

/** A frame the simulated EMS received from the BMS, and when (simulated ms). */
export interface Arrival {
  frame: CanFrame;
  timeMs: number;
}

export interface EmsRun {
  result: RunResult;
  /** Every BMS frame the EMS received from the second tick on (the listener is attached at the first). */
  arrivals: Arrival[];
}

export type TickWatcher = (rig: Rig, out: Outputs, timeMs: number, thisTick: Arrival[]) => void;

/**
 * Runs `scenario` (raw JSON, validated by the scenario schema) on `board`; `watch` is called after
 * every tick with the frames the EMS received in that tick.
 */
export function runWithEms(board: BoardDefinition, scenario: unknown, watch?: TickWatcher, candump = false): EmsRun {
  const arrivals: Arrival[] = [];
  let thisTick: Arrival[] = [];
  let attached = false;
  const result = runScenario(parseScenario(scenario, "test scenario"), board, {
    candump,
    onTick: (rig, out, timeMs) => {
      const ems = rig.ems;
      if (ems === undefined) throw new Error(`board ${board.name} has no simulated EMS`);
      if (!attached) {
        attached = true;
        ems.listen((f, t) => {
          const frame = createCanFrame();
          frame.id = f.id;
          frame.dlc = f.dlc;
          frame.extended = f.extended;
          frame.remote = f.remote;
          for (let i = 0; i < 8; i++) frame.data[i] = f.data[i];
          const a = { frame, timeMs: t };
          arrivals.push(a);
          thisTick.push(a);
        });
      }
      watch?.(rig, out, timeMs, thisTick);
      thisTick = [];
    },
  });
  return { result, arrivals };
}

/** The board `name` with its EMS supervision changed (a copy; the board registry is untouched). */
export function boardWithSupervision(name: string, change: Partial<EmsConfig>): BoardDefinition {
  const board = findBoard(name);
  const ems = board.ems;
  if (ems === undefined) throw new Error(`board ${name} has no EMS link`);
  return { ...board, name: `${name}-changed`, ems: { ...ems, supervision: { ...ems.supervision, ...change } } };
}

export function supervisionOf(board: BoardDefinition): EmsConfig {
  if (board.ems === undefined) throw new Error(`board ${board.name} has no EMS link`);
  return board.ems.supervision;
}

/** Decoded signals (raw values) of a received frame. */
export function decode(frame: CanFrame): Decoded {
  return decodeFrame(db, frame);
}

/** A raw signal of a decoded frame; throws naming the signal when it is not there. */
export function raw(d: Decoded, signal: string): number {
  const v = d.raw.get(signal);
  if (v === undefined) throw new Error(`${d.name}: signal ${signal} not decoded`);
  return v;
}

/** The first arrival of `id` at or after `fromMs` whose decoded frame satisfies `test`. */
export function firstArrival(arrivals: Arrival[], id: number, fromMs: number, test: (d: Decoded) => boolean): Arrival | undefined {
  return arrivals.find((a) => a.frame.id === id && a.timeMs >= fromMs && test(decode(a.frame)));
}

/** Arrivals of `id` in [fromMs, toMs). */
export function arrivalsOf(arrivals: Arrival[], id: number, fromMs = 0, toMs = Infinity): Arrival[] {
  return arrivals.filter((a) => a.frame.id === id && a.timeMs >= fromMs && a.timeMs < toMs);
}

/** The run's events of one kind whose detail starts with `detail`. */
export function eventsOf(run: EmsRun, kind: string, detail: string): number[] {
  return run.result.events.filter((e) => e.kind === kind && e.detail.startsWith(detail)).map((e) => e.timeMs);
}

/** The eight data bytes of a protected command frame built by an encoder of firmware/ems/commands-encode.ts. */
export function commandBytes(build: (f: CanFrame) => void): number[] {
  const f = createCanFrame();
  build(f);
  return f.data.slice(0, f.dlc);
}

/** Integer division rounded half away from zero, as the firmware's divRound. */
export function roundHalfAway(value: number, unit: number): number {
  const q = Math.abs(value) / unit;
  return Math.sign(value) * Math.floor(q + 0.5);
}

/** Bit n set for every true entry n. */
export function mask(flags: boolean[]): number {
  return flags.reduce((m, f, i) => m + (f ? 2 ** i : 0), 0);
}
