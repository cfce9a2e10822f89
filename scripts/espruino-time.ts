// SPDX-License-Identifier: MIT
// How long an Espruino board spends in one control tick, from what can be counted in the built
// file and two published speeds, not from an assumed slowdown.
//
// Espruino executes the source text itself, token by token, with no bytecode (espruino.md §6;
// espruino.com/Performance, EspruinoDocs info/Performance.md: "source code size affects code
// execution speed"). So what a tick costs follows the tokens it runs:
//  - tokens per tick: V8's block coverage (call and branch counts) of dist/<board>.js running in
//    the Espruino stand-in (sim/espruino), each token of the file (acorn's tokenizer) weighted by
//    the count of the innermost covered range holding it. A branch not taken has its own range
//    with count 0, so this counts the tokens executed. Espruino also reads the tokens it skips
//    (the other arm of an if), and the emulators' host code is not in the file: a floor in that
//    respect.
//  - µs per token, from two measurements that agree:
//     - espruino.com/Performance: `while (1) {A0.set();A0.reset();}` makes "roughly a 4kHz square
//       wave" on the Espruino board (the Original, STM32F103 at 72 MHz, §6 table): 18 tokens per
//       250 µs, 13.9 µs a token;
//     - a Leibniz series on the Pico (84 MHz), Espruino forum, December 2017: 1,000,000 iterations
//       of about 34 tokens in 458 s, 13.5 µs a token there, 15.7 µs at 72 MHz.
//    The lower, 13.9 µs at 72 MHz, is taken, less the 8 % that pretokenising minified code gains
//    (§6: minified 1.8×, minified and pretokenised 1.95×), and scaled by clock.
//  - calls per tick, times half a toggle-loop period (125 µs at 72 MHz, a call with its share of
//    the loop), is kept as a second, lower floor: it ignores everything but the calls.
// The bus transfers come on top: Espruino's SPI.send and I2C writeTo/readFrom hold the interpreter
// until the last bit is clocked, so the stand-in adds up their wire time at the clocks the file
// set up (sim/espruino/standin.ts busMicros; LTC681x conversions are in it, as the PLADC polls
// the driver clocks until the emulated converter is done). UART output is buffered and drained by
// an interrupt, so it is not.
import * as acorn from "acorn";
import inspector from "node:inspector/promises";
import type { BoardDefinition } from "../boards/types";
import { EspruinoStandIn } from "../sim/espruino/standin";
import type { EspruinoBuild } from "./build";

/** §6 / espruino.com/Performance: about 4 kHz pin toggling on the 72 MHz Espruino Original. */
const toggleLoopMicros = 250;
const callsPerToggleLoop = 2;
/** Tokens of `while (1) {A0.set();A0.reset();}`. */
const tokensPerToggleLoop = 18;
const toggleBoardMhz = 72;
/** §6: minified and pretokenised 1.95× against verbose source, minified alone 1.8×. */
const pretokenisedGain = 1.95 / 1.8;

/** The floor of one function call on a board clocked at `clockMhz`, µs. */
export function callFloorMicros(clockMhz: number): number {
  return ((toggleLoopMicros / callsPerToggleLoop) * toggleBoardMhz) / clockMhz;
}

/** What one executed token of a minified, pretokenised file costs at `clockMhz`, µs. */
export function tokenMicros(clockMhz: number): number {
  return ((toggleLoopMicros / tokensPerToggleLoop / pretokenisedGain) * toggleBoardMhz) / clockMhz;
}

interface Coverage {
  result: { url: string; functions: { ranges: { startOffset: number; endOffset: number; count: number }[] }[] }[];
}

export interface TickWork {
  /** Calls of the file's functions per tick. */
  calls: number;
  /** Tokens of the file executed per tick. */
  tokens: number;
}

/** The mean tick and the heaviest one of a run. */
export interface TickWorkRun extends TickWork {
  /** Tokens of the tick that executed the most. */
  maxTokens: number;
  /** Wire time of the SPI and I2C transfers per tick, µs. */
  busMicros: number;
  /** The longest tick at the board's clock: its tokens at tokenMicros and its bus time, µs. */
  maxTickMicros: number;
}

/** Start offsets of the file's tokens: tokenised once, weighted at every coverage take. */
export function tokenStarts(code: string): Int32Array {
  const starts: number[] = [];
  for (const t of acorn.tokenizer(code, { ecmaVersion: 2022 })) starts.push(t.start);
  return Int32Array.from(starts);
}

/** Calls and executed tokens of `code` from one coverage take (`starts` from tokenStarts(code)). */
export function workOf(code: string, functions: Coverage["result"][number]["functions"], starts: Int32Array = tokenStarts(code)): TickWork {
  const ranges = functions.flatMap((f) => f.ranges);
  // Innermost wins: paint the ranges from the largest to the smallest.
  ranges.sort((a, b) => b.endOffset - b.startOffset - (a.endOffset - a.startOffset));
  const count = new Float64Array(code.length);
  for (const r of ranges) count.fill(r.count, r.startOffset, r.endOffset);
  let tokens = 0;
  for (const start of starts) tokens += count[start];
  let calls = 0;
  for (const f of functions) calls += f.ranges[0].count;
  return { calls, tokens };
}

let runs = 0;

/**
 * Calls and executed tokens of the built file per control tick, averaged over `ticks` ticks of a
 * C/5 discharge after `warmUp` ticks, with the simulated EMS listening, the SPI and I2C wire time,
 * and the heaviest tick (coverage is taken after every tick: its counts restart at each take).
 */
export async function tickWork(board: BoardDefinition, build: EspruinoBuild, ticks: number, warmUp = 50): Promise<TickWorkRun> {
  const session = new inspector.Session();
  session.connect();
  try {
    // On before the file is compiled: only functions compiled with block coverage on count their branches.
    await session.post("Profiler.enable");
    await session.post("Profiler.startPreciseCoverage", { callCount: true, detailed: true });
    // A text V8 has not compiled before: a function taken from its compilation cache keeps the
    // counters it was compiled with, none for branches when that was without block coverage.
    runs++;
    const fresh = { ...build, code: `${build.code}\n// tickWork ${runs}` };
    const s = new EspruinoStandIn(board, fresh, { seed: 7, initialSocPct: 50, ambientCelsius: 25 });
    if (s.app.error !== undefined) throw new Error(`espruino-time: ${board.name} did not start: ${s.app.error}`);
    const demandMa = -Math.round(board.pack.capacityMah / 5);
    for (let k = 0; k < warmUp; k++) s.step(demandMa, board.tickMs);
    // Counts restart at each take: this one drops start-up's and the warm-up's.
    await session.post("Profiler.takePreciseCoverage");
    const starts = tokenStarts(build.code);
    const perToken = tokenMicros(board.mcu.clockMhz);
    let calls = 0;
    let tokens = 0;
    let maxTokens = 0;
    const busStart = s.busMicros;
    let maxTickMicros = 0;
    for (let k = 0; k < ticks; k++) {
      const busBefore = s.busMicros;
      s.step(demandMa, board.tickMs);
      const coverage = (await session.post("Profiler.takePreciseCoverage")) as unknown as Coverage;
      const script = coverage.result.find((r) => r.url.endsWith(`${board.name}.js`));
      if (script === undefined) throw new Error(`espruino-time: no coverage for ${board.name}.js`);
      const w = workOf(build.code, script.functions, starts);
      calls += w.calls;
      tokens += w.tokens;
      maxTokens = Math.max(maxTokens, w.tokens);
      maxTickMicros = Math.max(maxTickMicros, w.tokens * perToken + s.busMicros - busBefore);
    }
    await session.post("Profiler.stopPreciseCoverage");
    return { calls: calls / ticks, tokens: tokens / ticks, maxTokens, busMicros: (s.busMicros - busStart) / ticks, maxTickMicros };
  } finally {
    session.disconnect();
  }
}
