// SPDX-License-Identifier: MIT
// An estimate of the JsVars the firmware holds in steady state on an Espruino board, from the live
// objects of a BmsShell built for that board in Node (sim/rig.ts), counted with the cost model of
// ../shared/reference/espruino.md §6. It is an estimate: the real check is `process.memory()` and
// `E.getSizeOf` on the interpreter (§6, Guidance).
//
// Cost model (§6), 13-byte JsVars:
//  - every value takes at least one JsVar; an array or object is a linked list whose elements cost
//    key + value, 2 JsVars: "16 integers in a plain Array: 33", "16 floats: 33" → 1 + 2 per element,
//    integers and floats alike (the packed small int/bool case is not assumed: it would only lower
//    the figure);
//  - a string: 1 JsVar holding 4 characters, then 1 per further 10 ("36-char string: 5");
//    a property name costs the same as a string of its length;
//  - an object: 1 + per property (name + 1 for the value, or the referenced object counted once).
//    This over-estimates §6's measured objects (5 short keys: 14 here vs 10 measured; 2 long keys:
//    9 vs 7), so the figure errs high;
//  - a function saved to flash keeps its body in memory-mapped flash, not in JsVars (§6,
//    Guidance). ASSUMPTION (not in §6): 2 JsVars per function (the function and its link to the
//    code in flash), plus its name on the prototype. Module-level helpers that no live object
//    references are not reachable from here and are not counted.
// Objects of the simulator (the platform's buses, clock, Storage, watchdog) stand for Espruino's
// built-in peripherals: 1 JsVar for the reference, their insides not counted.
import type { BoardDefinition } from "../boards/types";
import { Rig } from "../sim/rig";

export const bytesPerJsVar = 13;

export interface JsVarEstimate {
  total: number;
  arrays: number;
  objects: number;
  numbersInt: number;
  numbersFloat: number;
  booleans: number;
  strings: number;
  functions: number;
}

const inlineChars = 4;
const charsPerExtraVar = 10;
const functionVars = 2;

/** §6: "36-char string: 5" → 1 JsVar for the first 4 characters, 1 per further 10. */
export function stringVars(length: number): number {
  return 1 + Math.ceil(Math.max(0, length - inlineChars) / charsPerExtraVar);
}

function isSimulatorObject(o: object): boolean {
  const name = (o as { constructor?: { name?: string } }).constructor?.name ?? "";
  return name.startsWith("Sim") || o instanceof Map;
}

/** JsVars reachable from `roots`, each shared object counted once. */
export function estimateJsVars(roots: unknown[]): JsVarEstimate {
  const e: JsVarEstimate = { total: 0, arrays: 0, objects: 0, numbersInt: 0, numbersFloat: 0, booleans: 0, strings: 0, functions: 0 };
  const seen = new Set<unknown>();
  const value = (v: unknown): number => {
    if (typeof v === "number") {
      if (Number.isInteger(v)) e.numbersInt++;
      else e.numbersFloat++;
      return 1;
    }
    if (typeof v === "boolean") {
      e.booleans++;
      return 1;
    }
    if (typeof v === "string") {
      e.strings++;
      return stringVars(v.length);
    }
    if (v === undefined || v === null) return 0;
    if (typeof v === "function" || typeof v === "object") return visit(v);
    throw new Error(`espruino-budget: cannot cost a value of type ${typeof v}`);
  };
  // The cost of an object the first time it is met; a reference to one already counted is free.
  const visit = (o: object): number => {
    if (seen.has(o)) return 0;
    seen.add(o);
    if (typeof o === "function") {
      e.functions++;
      let n = functionVars;
      if (/^class\b/.test(Function.prototype.toString.call(o))) n += visit((o as { prototype: object }).prototype);
      return n;
    }
    if (isSimulatorObject(o)) return 1;
    if (Array.isArray(o)) {
      e.arrays++;
      let n = 1;
      for (const v of o as unknown[]) n += 1 + value(v);
      return n;
    }
    e.objects++;
    let n = 1;
    for (const k of Object.getOwnPropertyNames(o)) {
      if (k === "constructor") continue;
      n += stringVars(k.length) + value((o as Record<string, unknown>)[k]);
    }
    // Class instances: the class (its prototype and methods) exists once.
    const proto = Object.getPrototypeOf(o) as object | null;
    if (proto !== null && proto !== Object.prototype) n += value(proto.constructor);
    return n;
  };
  for (const r of roots) e.total += value(r);
  return e;
}

export interface BoardBudget {
  board: string;
  jsVars: number;
  afterTicks: { ticks: number; estimate: JsVarEstimate }[];
}

/** The estimate for a board's firmware (the shell and the board definition) after each tick count. */
export function boardBudget(board: BoardDefinition, tickCounts: number[]): BoardBudget {
  const rig = new Rig({ board, seed: 7, initialSocPct: 50, spread: {}, ambientCelsius: 25 });
  const afterTicks: BoardBudget["afterTicks"] = [];
  let done = 0;
  for (const target of [...tickCounts].sort((a, b) => a - b)) {
    for (; done < target; done++) {
      rig.trueCurrentMa = rig.gate(-Math.round(board.pack.capacityMah / 5));
      rig.pack.step(board.tickMs / 1000, rig.trueCurrentMa / 1000, 25);
      rig.platform.clock.advance(board.tickMs);
      rig.afe.update();
      rig.shell.tick();
      rig.ems?.update();
    }
    afterTicks.push({ ticks: target, estimate: estimateJsVars([rig.shell, board]) });
  }
  return { board: board.name, jsVars: board.mcu.jsVars, afterTicks };
}

/** The issue's budgets for a 16-cell pack: free share of each board's JsVars that must remain. */
export const sixteenCellBudgets = [
  { model: "Espruino Pico", jsVars: 5100, minFreePct: 60 },
  { model: "MDBT42Q", jsVars: 2950, minFreePct: 30 },
];

/**
 * ASSUMPTION, not from the fact sheet: §6 and §11 give no Espruino-vs-V8 speed ratio (only that a
 * 72 MHz Original toggles a pin at about 4 kHz in a tight loop, and that minifying made code 1.8×
 * faster). The interpreter is taken to be 2,000× slower than V8 on this host at 64–84 MHz.
 */
export const assumedSlowdown = 2000;

export function budgetLines(b: BoardBudget, cells: number, coreMicros: number, tickMicros: number): string[] {
  const last = b.afterTicks[b.afterTicks.length - 1].estimate;
  const e = last;
  const pct = (n: number, of: number): string => `${((100 * n) / of).toFixed(1)} %`;
  const lines = [
    `JsVars (estimate, §6 cost model; the real check is process.memory() on the interpreter): ${e.total} (${e.total * bytesPerJsVar} bytes)` +
      (b.jsVars > 0 ? `, ${pct(e.total, b.jsVars)} of this board's ${b.jsVars}` : ""),
    `  of which ${e.arrays} arrays, ${e.objects} objects, ${e.numbersInt} integers, ${e.numbersFloat} floats, ${e.booleans} booleans, ${e.strings} strings, ${e.functions} functions/classes`,
    `  no growth: ${b.afterTicks.map((t) => `${t.estimate.total} after ${t.ticks} ticks`).join(", ")} (${b.afterTicks.every((t) => t.estimate.total === e.total) ? "equal" : "DIFFERENT: something is allocated per tick"})`,
  ];
  if (cells === 16) {
    for (const budget of sixteenCellBudgets) {
      const free = 100 - (100 * e.total) / budget.jsVars;
      lines.push(
        `  16-cell budget ${budget.model} (${budget.jsVars} JsVars, ≥ ${budget.minFreePct} % free): ${free.toFixed(1)} % free → ${free >= budget.minFreePct ? "met" : "NOT met"} (estimate)`,
      );
    }
  }
  lines.push(
    `  tick time on a 64–84 MHz board, assuming ${assumedSlowdown}× slower than V8 here (an assumption, see scripts/espruino-budget.ts): core step ${pct((coreMicros * assumedSlowdown) / 1000, 100)}, whole tick ${pct((tickMicros * assumedSlowdown) / 1000, 100)} of a 100 ms period`,
  );
  return lines;
}
