// SPDX-License-Identifier: MIT
// The lines `npm run bench` prints for an Espruino board's RAM and tick time (scripts/bench.ts),
// from the JsVar estimate (scripts/espruino-budget.ts) and the tick's work (scripts/espruino-time.ts).
import { bytesPerJsVar, structureVars, type BoardBudget } from "./espruino-budget";

/** How long a tick takes: on this host, and its floor on the board (scripts/espruino-time.ts). */
export interface TickTime {
  /** The core step on this host, µs. */
  coreMicros: number;
  /** The shell's whole tick on this host (firmware, driver, EMS link; emulators answering inside), µs. */
  tickMicros: number;
  /** Calls of the built file's functions per tick. */
  callsPerTick: number;
  /** The floor of one call on the board, µs. */
  callFloorMicros: number;
  /** Tokens of the built file executed per tick, on average. */
  tokensPerTick: number;
  /** Tokens of the heaviest tick of the run. */
  maxTokensPerTick: number;
  /** One executed token on the board, µs. */
  tokenMicros: number;
  /** SPI and I2C wire time per tick at the board's bus clocks, µs. */
  busMicrosPerTick: number;
  /** The longest tick, its tokens and its bus time, µs. */
  maxTickMicros: number;
  tickMs: number;
  clockMhz: number;
}

export function budgetLines(b: BoardBudget, cells: number, time: TickTime): string[] {
  const e = b.afterTicks[b.afterTicks.length - 1].estimate;
  const pct = (n: number, of: number): string => `${((100 * n) / of).toFixed(1)} %`;
  const lines = [
    `JsVars (estimate from the built bundle in the stand-in, §6 cost model; the real check is process.memory() on the interpreter): ${e.total} (${e.total * bytesPerJsVar} bytes)` +
      (b.jsVars > 0 ? `, ${pct(e.total, b.jsVars)} of this board's ${b.jsVars}` : ""),
    `  by kind: ${e.names} names, ${e.arrays} arrays, ${e.typedArrays} typed arrays, ${e.objects} objects, ${e.numbers} numbers, ${e.strings} strings, ${e.functions} functions; ${e.packed} integers held in their names`,
    `  no growth: ${b.afterTicks.map((t) => `${t.estimate.total} after ${t.ticks} ticks (${structureVars(t.estimate)} with every integer in a JsVar of its own)`).join(", ")}: the structure is ${b.afterTicks.every((t) => structureVars(t.estimate) === structureVars(e)) ? "equal" : "DIFFERENT: something is allocated per tick"}`,
  ];
  if (cells === 16) {
    for (const budget of b.onBudgetModels) {
      const free = 100 - (100 * budget.estimate.total) / budget.jsVars;
      lines.push(
        `  16-cell budget ${budget.model} (${budget.jsVars} JsVars, ≥ ${budget.minFreePct} % free): ${budget.estimate.total} JsVars there, ${free.toFixed(1)} % free → ${free >= budget.minFreePct ? "met" : "NOT met"} (estimate)`,
      );
    }
  }
  const floorMs = (time.callsPerTick * time.callFloorMicros) / 1000;
  const tokenMs = (time.tokensPerTick * time.tokenMicros) / 1000;
  const busMs = time.busMicrosPerTick / 1000;
  const tickMs = tokenMs + busMs;
  lines.push(
    `  tick time on this ${time.clockMhz} MHz board (scripts/espruino-time.ts): ${time.tokensPerTick.toFixed(0)} tokens executed per tick (V8 block coverage of the built file in the stand-in) at ${time.tokenMicros.toFixed(1)} µs a token (espruino.com/Performance's 4 kHz toggle loop, pretokenised), about ${tokenMs.toFixed(0)} ms, and ${busMs.toFixed(1)} ms of SPI and I2C transfers (wire time at the board's bus clocks; UART output is buffered): about ${tickMs.toFixed(0)} ms, ${pct(tickMs, time.tickMs)} of the ${time.tickMs} ms tick → ${tickMs <= time.tickMs / 2 ? "idle most of the time" : "NOT idle most of the time"} (estimate); the heaviest tick ${time.maxTokensPerTick.toFixed(0)} tokens, about ${(time.maxTickMicros / 1000).toFixed(0)} ms with its transfers; floor from the ${time.callsPerTick.toFixed(0)} calls alone at ≥ ${time.callFloorMicros.toFixed(0)} µs a call: ≥ ${floorMs.toFixed(0)} ms; on this host: core step ${time.coreMicros.toFixed(2)} µs, the shell's whole tick ${time.tickMicros.toFixed(1)} µs with the emulators`,
  );
  return lines;
}
