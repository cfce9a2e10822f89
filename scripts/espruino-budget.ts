// SPDX-License-Identifier: MIT
// An estimate of the JsVars an Espruino board's firmware holds in steady state, taken from the
// shipped bundle itself: dist/<board>.js (scripts/build.ts, with its short property names and its
// typed arrays) runs in the Espruino stand-in (sim/espruino/standin.ts) for a number of ticks, and
// every value reachable from the bundle's top-level bindings (tables, classes) and its `tsbms`
// global (the running BMS) is costed with the model of ../shared/reference/espruino.md §6. It is an estimate: the real check
// is `process.memory()` and `E.getSizeOf` on the interpreter (§6, Guidance).
//
// Cost model (§6), 13-byte JsVars:
//  - a binding of the bundle's top-level scope costs its name (a string, below) plus its value;
//  - a number or boolean: 1, except an integer a name holds itself (below); an array: 1 + per
//    element present its index name and its value;
//  - an integer value of a property, a binding or an array element, and a boolean element of an
//    array, costs nothing beyond its name when it lies within the interpreter's reference range:
//    the name stores it in place of a reference (src/jsvar.c, jsvMakeIntoVariableName and
//    jsvSetValueOfName: JSV_NAME_STRING_INT, JSV_NAME_INT_INT, JSV_NAME_INT_BOOL). The range
//    follows the reference width, which follows the variable count (src/jsutils.h JSVARREF_BITS):
//    −2048…2047 on the MDBT42Q's 2,950, −4096…4095 on the Pico's 5,100. §6's two measured points
//    agree: 16 cell voltages (about 3,300 mV, beyond a 12-bit name) in an Array 33, and an object
//    with 5 short keys 10, where only a 16-cell pack voltage is beyond the range;
//  - a typed array: 3 + 1 per further 12 bytes beyond 4, which gives both measured points
//    ("Uint16Array(16): 6", "Float32Array(16): 8"); a further view on the same memory: 1;
//  - a string: 1 JsVar holding 4 characters, then 1 per further 10 ("36-char string: 5");
//  - an object: 1 + per property its name (as a string) + its value; an instance of a class also
//    its `__proto__` name (2), a class its `prototype` name (2) and prototype object. §6's
//    "16 small class instances (2 fields each) in an array: ≈ 106–125" needs the `__proto__`;
//  - a function saved to flash keeps its body in memory-mapped flash (§6, Guidance), but the
//    function itself is a JsVar with one child per parameter, a code child (its name and the
//    string pointing into flash) and, unless it was made at the top level, a scope child
//    (Espruino's src/jsparse.c, jspeFunctionDefinitionInternal, jspeiGetScopesAsVar; see
//    functionDepths): 3 + its scope child + its parameter count. Made inside one function with
//    one parameter, that is §6's "small function: 5". A line-number child, which only code sent
//    with line numbers and not pretokenised gets, is not counted. A class adds its methods and
//    static members.
// Objects the bundle did not make (pins, SPI1, Storage: Espruino's built-ins, played by the host)
// cost 1 JsVar for the reference. Not counted: the interpreter's own baseline (§6: "pins,
// peripherals, BLE, REPL history"), which only a board can show.
import * as acorn from "acorn";
import vm from "node:vm";
import type { BoardDefinition } from "../boards/types";
import { EspruinoStandIn } from "../sim/espruino/standin";
import type { EspruinoBuild } from "./build";
import { exposeTopLevel, topLevel, topName } from "./espruino-top-level";

export const bytesPerJsVar = 13;

export interface JsVarEstimate {
  total: number;
  /** JsVars by kind of value. */
  arrays: number;
  typedArrays: number;
  objects: number;
  numbers: number;
  strings: number;
  functions: number;
  /** Property and binding names. */
  names: number;
  /** Integers (and array booleans) held in their names, at no cost of their own. */
  packed: number;
}

const inlineChars = 4;
const charsPerExtraVar = 10;
/** The function and its code child (name + flash string); its scope child and parameters come on top. */
const functionVars = 3;

/** Bits of a variable reference for an interpreter with `jsVarCount` variables (src/jsutils.h). */
export function referenceBits(jsVarCount: number): number {
  const limits = [254, 1023, 2047, 4095, 8191, 16383, 65535];
  const bits = [8, 10, 11, 12, 13, 14, 16];
  for (let i = 0; i < limits.length; i++) if (jsVarCount <= limits[i]) return bits[i];
  throw new Error(`espruino-budget: ${jsVarCount} variables is more than 16-bit references address`);
}

/** Does a name hold integer `v` itself, on an interpreter with `jsVarCount` variables? */
export function packsInName(v: number, jsVarCount: number): boolean {
  const half = 2 ** (referenceBits(jsVarCount) - 1);
  return Number.isInteger(v) && !Object.is(v, -0) && v >= -half && v < half;
}

/**
 * The JsVars with every integer in a JsVar of its own: what the structure holds whatever the
 * values. The estimate itself moves by a few as values cross the reference range (a cell voltage
 * in a 12-bit name costs one more above 2,047 mV), so growth is judged on this.
 */
export function structureVars(e: JsVarEstimate): number {
  return e.total + e.packed;
}

export interface EstimateOptions {
  /** functionDepths of the code that ran: sizes each function's scope child. */
  depths?: Map<string, number>;
  /** The interpreter's variable count, which sets the integers a name holds (referenceBits). */
  jsVarCount: number;
}

/** §6: "36-char string: 5" → 1 JsVar for the first 4 characters, 1 per further 10. */
export function stringVars(length: number): number {
  return 1 + Math.ceil(Math.max(0, length - inlineChars) / charsPerExtraVar);
}

/** §6: Uint16Array(16) (32 bytes) 6, Float32Array(16) (64 bytes) 8. */
export function typedArrayVars(bytes: number): number {
  return 3 + Math.ceil(Math.max(0, bytes - 4) / 12);
}

type Node = acorn.Node & Record<string, unknown>;
const isFunctionNode = (n: Node): boolean => n.type === "FunctionExpression" || n.type === "FunctionDeclaration" || n.type === "ArrowFunctionExpression";

/**
 * How many functions enclose each function and class of `code`, keyed by its source text (what
 * Function.prototype.toString gives back for it). Espruino gives a function made at the top level
 * no scope child, one made inside one function a child pointing at that scope, and one made
 * deeper a child pointing at a copied array of the scopes (src/jsparse.c,
 * jspeiGetScopesAsVar). Where two pieces of the same text differ in depth, the deeper one counts.
 */
export function functionDepths(code: string): Map<string, number> {
  const depths = new Map<string, number>();
  const visit = (n: Node, depth: number): void => {
    const fn = isFunctionNode(n);
    if (fn || n.type === "ClassExpression" || n.type === "ClassDeclaration") {
      const text = code.slice(n.start, n.end);
      depths.set(text, Math.max(depth, depths.get(text) ?? 0));
    }
    for (const value of Object.values(n)) {
      for (const c of Array.isArray(value) ? value : [value]) {
        if (c !== null && typeof c === "object" && typeof (c as Node).type === "string") visit(c as Node, fn ? depth + 1 : depth);
      }
    }
  };
  visit(acorn.parse(code, { ecmaVersion: 2022 }) as unknown as Node, 0);
  return depths;
}

/** JsVars of a function's scope child, by how many functions enclose it (functionDepths). */
export function scopeVars(depth: number): number {
  // None at the top level; the name pointing at the one open scope; the name, the copied array
  // and one element per scope when several are open.
  return depth === 0 ? 0 : depth === 1 ? 1 : 2 + depth;
}

/**
 * The interpreter's own objects in `context`: the global object and everything reachable from it
 * but through what the bundle put there (`tsbms`, the instrumentation). Espruino has them before
 * any code runs; the adapter keeping a reference to one (the global object) costs 1.
 */
function intrinsicObjects(context: vm.Context, own: Record<string, unknown>): Set<object> {
  const found = new Set<object>();
  const global = vm.runInContext("global", context) as object;
  const todo: object[] = [global];
  while (todo.length > 0) {
    const o = todo.pop() as object;
    if (found.has(o)) continue;
    found.add(o);
    const next = [Object.getPrototypeOf(o) as object | null];
    for (const k of Object.getOwnPropertyNames(o)) {
      // The bundle's own: a top-level `var` or function of a script is a property of the global object.
      if (o === global && (k === "tsbms" || k === topName || k in own)) continue;
      const d = Object.getOwnPropertyDescriptor(o, k);
      if (d !== undefined) next.push(...("value" in d ? [d.value as unknown] : [d.get, d.set]).map((v) => (v !== null && (typeof v === "object" || typeof v === "function") ? (v as object) : null)));
    }
    for (const n of next) if (n !== null) todo.push(n);
  }
  return found;
}

/** JsVars of everything reachable from the bundle's top-level bindings and its `tsbms` global, in `context`. */
export function estimateTopLevel(context: vm.Context, options: EstimateOptions): JsVarEstimate {
  // And `tsbms`, the global the file leaves for the console: what runs is reachable from there
  // even once the file has released the top-level bindings start-up alone used.
  return estimateJsVars(context, { ...topLevel(context), tsbms: vm.runInContext("global.tsbms", context) as unknown }, options);
}

/**
 * JsVars of everything reachable from `roots` (bindings: each costs its name too), objects of
 * `context`. Without `depths`, or for a function they do not know, a function is taken as made
 * inside one function.
 */
export function estimateJsVars(context: vm.Context, roots: Record<string, unknown>, options: EstimateOptions): JsVarEstimate {
  const depths = options.depths;
  const contextObjectPrototype = vm.runInContext("Object.prototype", context) as object;
  const intrinsics = intrinsicObjects(context, roots);
  const made = (o: object): boolean => {
    if (intrinsics.has(o)) return false;
    for (let p = Object.getPrototypeOf(o) as object | null; p !== null; p = Object.getPrototypeOf(p) as object | null) {
      if (p === contextObjectPrototype) return true;
    }
    return false;
  };
  const e: JsVarEstimate = { total: 0, arrays: 0, typedArrays: 0, objects: 0, numbers: 0, strings: 0, functions: 0, names: 0, packed: 0 };
  const seen = new Set<unknown>();
  const name = (n: string): number => {
    const c = stringVars(n.length);
    e.names += c;
    return c;
  };
  // The value of a name (property, binding, array element): an integer in range lives in the name.
  const named = (v: unknown, arrayElement: boolean): number => {
    if ((typeof v === "number" && packsInName(v, options.jsVarCount)) || (arrayElement && typeof v === "boolean")) {
      e.packed++;
      return 0;
    }
    return value(v);
  };
  const value = (v: unknown): number => {
    if (typeof v === "number" || typeof v === "boolean") {
      e.numbers++;
      return 1;
    }
    if (typeof v === "string") {
      const c = stringVars(v.length);
      e.strings += c;
      return c;
    }
    if (v === undefined || v === null) return 0;
    if (typeof v === "function" || typeof v === "object") return visit(v);
    throw new Error(`espruino-budget: cannot cost a value of type ${typeof v}`);
  };
  // Own properties, read through their descriptors (a getter on a prototype is costed, not called).
  const members = (o: object, skip: readonly string[]): number => {
    let n = 0;
    for (const k of Object.getOwnPropertyNames(o)) {
      if (skip.includes(k)) continue;
      const d = Object.getOwnPropertyDescriptor(o, k);
      if (d === undefined) continue;
      n += name(k) + ("value" in d ? named(d.value, false) : value(d.get) + value(d.set));
    }
    return n;
  };
  const visit = (o: object): number => {
    if (seen.has(o)) return 0;
    seen.add(o);
    if (ArrayBuffer.isView(o)) {
      // A view on memory another view already holds (new Uint8Array(buffer, offset, length)) is
      // one JsVar pointing at the same ArrayBuffer (Espruino's ArrayBufferView); the buffer and
      // its bytes count once, with the first view met.
      const c = seen.has(o.buffer) ? 1 : typedArrayVars(o.buffer.byteLength);
      seen.add(o.buffer);
      e.typedArrays += c;
      return c;
    }
    if (!made(o)) return 1;
    if (typeof o === "function") {
      const depth = depths?.get(Function.prototype.toString.call(o)) ?? 1;
      const own = functionVars + scopeVars(depth) + (o as (...a: unknown[]) => unknown).length;
      const c = own + members(o, ["length", "name", "prototype", "arguments", "caller"]);
      e.functions += own;
      const proto = (o as { prototype?: object }).prototype;
      // A class's methods live on its prototype: the object, and the name `prototype` that holds it.
      // A plain function's prototype is never used here.
      return /^class\b/.test(Function.prototype.toString.call(o)) && proto !== undefined ? c + name("prototype") + 1 + members(proto, ["constructor"]) : c;
    }
    if (Array.isArray(o)) {
      // Only the elements that are there: an Espruino array is a list of its set elements (§6), so
      // a sparse one (frames kept by length) pays nothing for its holes.
      const present = Object.keys(o);
      let c = 1;
      for (const k of present) c += 1 + named((o as unknown[])[Number(k)], true);
      // The array and its index names; the values count under their own kinds.
      e.arrays += 1 + present.length;
      return c;
    }
    e.objects++;
    const proto = Object.getPrototypeOf(o) as object | null;
    if (proto === null || proto === contextObjectPrototype) return 1 + members(o, []);
    // An instance made with `new` holds its class's prototype under the name `__proto__`
    // (src/jsparse.c jspeConstruct: jsvAddNamedChild(thisObj, prototype, JSPARSE_INHERITS_VAR)).
    return 1 + name("__proto__") + members(o, []) + value((proto as { constructor?: unknown }).constructor);
  };
  for (const [k, v] of Object.entries(roots)) e.total += name(k) + named(v, false);
  return e;
}

/** The budgets for a 16-cell pack: free share of each board's JsVars that must remain. */
export const sixteenCellBudgets = [
  { model: "Espruino Pico", jsVars: 5100, minFreePct: 60 },
  { model: "MDBT42Q", jsVars: 2950, minFreePct: 30 },
];

export interface BoardBudget {
  board: string;
  jsVars: number;
  afterTicks: { ticks: number; estimate: JsVarEstimate }[];
  /**
   * After the last tick count, the estimate on each interpreter of the 16-cell budgets: their
   * variable counts differ, so do the integers a name holds (referenceBits).
   */
  onBudgetModels: { model: string; jsVars: number; minFreePct: number; estimate: JsVarEstimate }[];
}

/**
 * The estimate for a board's built bundle after each tick count: the bundle runs in the stand-in,
 * discharging at C/5 from half charge, with the simulated EMS on the board's link.
 */
export function boardBudget(board: BoardDefinition, build: EspruinoBuild, tickCounts: number[]): BoardBudget {
  const s = new EspruinoStandIn(board, { code: exposeTopLevel(build.code), propertyNames: build.propertyNames }, { seed: 7, initialSocPct: 50, ambientCelsius: 25 });
  const depths = functionDepths(build.code);
  if (s.app.error !== undefined) throw new Error(`espruino-budget: ${board.name} did not start: ${s.app.error}`);
  const afterTicks: BoardBudget["afterTicks"] = [];
  let done = 0;
  for (const target of [...tickCounts].sort((a, b) => a - b)) {
    for (; done < target; done++) {
      s.step(-Math.round(board.pack.capacityMah / 5), board.tickMs);
    }
    afterTicks.push({ ticks: target, estimate: estimateTopLevel(s.context, { depths, jsVarCount: board.mcu.jsVars }) });
  }
  const onBudgetModels = sixteenCellBudgets.map((m) => ({ ...m, estimate: estimateTopLevel(s.context, { depths, jsVarCount: m.jsVars }) }));
  return { board: board.name, jsVars: board.mcu.jsVars, afterTicks, onBudgetModels };
}
