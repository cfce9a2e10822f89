// SPDX-License-Identifier: MIT
// The RAM estimate of an Espruino build (scripts/espruino-budget.ts): its cost model gives the
// sizes the fact sheet measured on the interpreter (../shared/reference/espruino.md §6), it walks
// the shipped bundle's own bindings, and the built firmware holds its per-cell data, logs and
// buffers in typed arrays and allocates nothing that stays between ticks.
import * as acorn from "acorn";
import vm from "node:vm";
import { beforeAll, describe, expect, it } from "vitest";
import { boards } from "../../boards/index";
import { FaultId } from "../../firmware/fault-ids";
import { buildEspruino, type EspruinoBuild } from "../../scripts/build";
import { boardBudget, estimateJsVars, functionDepths, referenceBits, stringVars, structureVars, typedArrayVars } from "../../scripts/espruino-budget";
import { exposeTopLevel, topLevel } from "../../scripts/espruino-top-level";
import { espruinoGlobalNames } from "../../scripts/espruino-names";
import { EspruinoStandIn } from "../../sim/espruino/standin";
import { espruinoContext } from "../../sim/espruino/restrict";

const espruinoBoards = boards.filter((b) => b.mcu.family === "espruino");

describe("the JsVar cost model", () => {
  it("gives §6's measured sizes: a 36-char string 5, Uint16Array(16) 6, Float32Array(16) 8", () => {
    expect(stringVars(36)).toBe(5);
    expect(typedArrayVars(32)).toBe(6);
    expect(typedArrayVars(64)).toBe(8);
  });

  it("gives §6's measured array and object: 16 cell voltages in a plain array 33, an object with 5 short keys 10", () => {
    const context = espruinoContext();
    // Made inside a function, not as globals: what the global object holds counts as the interpreter's.
    const cells = vm.runInContext("(function () { var a = []; for (var i = 0; i < 16; i++) a.push(3290 + i); return a; })()", context) as unknown;
    // Only the 16-cell pack voltage lies beyond what a 12-bit name holds.
    const object = vm.runInContext("(function () { return { soc: 50, soh: 98, packMv: 52800, currentMa: -1200, tempDeciC: 251 }; })()", context) as unknown;
    // With 2,950 variables (12-bit references) a name holds −2048…2047; a one-character binding name is one JsVar.
    expect(estimateJsVars(context, { a: cells }, { jsVarCount: 2950 }).total).toBe(1 + 33);
    expect(estimateJsVars(context, { o: object }, { jsVarCount: 2950 }).total).toBe(1 + 10);
  });

  it("costs an integer within the reference range nothing beyond its name, and one beyond it a JsVar", () => {
    const context = espruinoContext();
    const small = vm.runInContext("(function () { return [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]; })()", context) as unknown;
    const cells = vm.runInContext("(function () { return { a: 3300, b: 2047, c: -2048, d: 0.5, e: true }; })()", context) as unknown;
    expect(estimateJsVars(context, { a: small }, { jsVarCount: 2950 }).total).toBe(1 + 1 + 16);
    // 12-bit names: 3300 is beyond, the float and the boolean of a property take their own JsVar.
    const twelve = estimateJsVars(context, { o: cells }, { jsVarCount: 2950 });
    expect(twelve.total).toBe(1 + 1 + 5 + 3);
    expect(twelve.packed).toBe(2);
    // 13-bit names (the Pico's 5,100 variables) hold 3300 too.
    expect(estimateJsVars(context, { o: cells }, { jsVarCount: 5100 }).total).toBe(1 + 1 + 5 + 2);
    expect(referenceBits(2950)).toBe(12);
    expect(referenceBits(5100)).toBe(13);
    expect(referenceBits(16383)).toBe(14);
  });

  it("costs 16 class instances of two small fields in an array, class included, within §6's measured 106–125", () => {
    const context = espruinoContext();
    const list = vm.runInContext(
      "(function () { class P { constructor(a, b) { this.a = a; this.b = b; } } var l = []; for (var i = 0; i < 16; i++) l.push(new P(i, 2 * i)); return l; })()",
      context,
    ) as unknown;
    // The binding's name is not part of E.getSizeOf.
    const total = estimateJsVars(context, { l: list }, { jsVarCount: 2950 }).total - 1;
    expect(total).toBeGreaterThanOrEqual(106);
    expect(total).toBeLessThanOrEqual(125);
  });

  it("costs a one-parameter function made inside a function at 5 (§6), its binding's name on top", () => {
    const context = espruinoContext();
    const fn = vm.runInContext("(function () { return function (x) { return x; }; })()", context) as unknown;
    expect(estimateJsVars(context, { f: fn }, { jsVarCount: 2950 }).total).toBe(1 + 5);
  });

  it("gives a function made at the top level no scope child, and one made two functions deep a copied scope list", () => {
    const code = "function top(a,b){return a+b}function outer(){return function(){return function(x){return x}}}var inner=outer()();";
    const context = espruinoContext();
    vm.runInContext(exposeTopLevel(code), context);
    // Roots under their binding names: a top-level binding is also a property of the global object.
    const t = topLevel(context);
    const depths = functionDepths(code);
    // top: the function, its code child (2), two parameters; no scope.
    expect(estimateJsVars(context, { top: t.top }, { depths, jsVarCount: 2950 }).functions).toBe(3 + 2);
    // inner: made with two scopes open (outer's call, the anonymous function's): name, array, 2 elements.
    expect(estimateJsVars(context, { inner: t.inner }, { depths, jsVarCount: 2950 }).functions).toBe(3 + 4 + 1);
    // Without the depths, as if made inside one function.
    expect(estimateJsVars(context, { top: t.top }, { jsVarCount: 2950 }).functions).toBe(3 + 1 + 2);
  });

  it("costs a second view on the same memory one JsVar, the memory once", () => {
    const context = espruinoContext();
    const [whole, part] = vm.runInContext("(function () { var a = new Uint8Array(64); return [a, new Uint8Array(a.buffer, 0, 8)]; })()", context) as unknown[];
    const alone = estimateJsVars(context, { a: whole }, { jsVarCount: 2950 }).total;
    expect(alone).toBe(1 + typedArrayVars(64));
    expect(estimateJsVars(context, { a: whole, b: part }, { jsVarCount: 2950 }).total).toBe(alone + 1 + 1);
  });

  it("costs only the elements a sparse array holds: Espruino lists the set elements, not the holes", () => {
    const context = espruinoContext();
    const sparse = vm.runInContext("(function () { var a = []; a[20] = 7; return a; })()", context) as unknown;
    // The array, the one index name holding 7.
    expect(estimateJsVars(context, { a: sparse }, { jsVarCount: 2950 }).total).toBe(1 + 1 + 1);
  });

  it("counts an object reachable twice once, and the interpreter's own objects (Math, the global) as a reference", () => {
    const context = espruinoContext();
    const [o, p] = vm.runInContext("(function () { var o = { v: 1 }; return [o, { m: Math, g: global, o: o }]; })()", context) as unknown[];
    const alone = estimateJsVars(context, { o }, { jsVarCount: 2950 }).total;
    const both = estimateJsVars(context, { o, p }, { jsVarCount: 2950 }).total;
    // p: itself 1, names m g o 3, Math 1, global 1, o already counted 0; binding name 1.
    expect(both - alone).toBe(1 + 1 + 3 + 1 + 1);
  });

  it("exposes every top-level binding of a bundle, at its top level or inside its one wrapping function", () => {
    const context = espruinoContext();
    vm.runInContext(exposeTopLevel("var a=[1,2];function b(){return a}class C{m(){}}"), context);
    expect(Object.keys(topLevel(context)).sort()).toEqual(["C", "a", "b"]);
    const code = "var tsbms=(()=>{var a=[1,2];function b(){return a}class C{m(){}}return{b:b}})();";
    const wrapped = espruinoContext();
    vm.runInContext(exposeTopLevel(code), wrapped);
    expect(Object.keys(topLevel(wrapped)).sort()).toEqual(["C", "a", "b"]);
    // A name the file deletes at the end (a released binding) is gone from Espruino's root scope.
    const released = espruinoContext();
    vm.runInContext(exposeTopLevel("var a=[1];function b(){return 1}a=void 0;delete a;"), released);
    expect(Object.keys(topLevel(released))).toEqual(["b"]);
  });
});

describe.each(espruinoBoards.map((b) => [b.name, b] as const))("the built firmware of %s on Espruino", (_name, board) => {
  let build: EspruinoBuild;
  beforeAll(async () => {
    build = await buildEspruino(board.name);
  });

  it("keeps cell voltages, the event log, the persisted record and CAN frame bytes in typed arrays", () => {
    const s = new EspruinoStandIn(board, build, { seed: 7, initialSocPct: 50, ambientCelsius: 25 });
    const shell = s.app.shell;
    expect(shell).toBeDefined();
    if (shell === undefined) return;
    const typed = (v: unknown): string => (ArrayBuffer.isView(v) ? (v as object).constructor.name : "not a typed array");
    expect(typed(shell.inputs.measurements.cellMv)).toBe("Float64Array");
    expect(typed(shell.state.events.timeMs)).toBe("Float64Array");
    expect(typed(shell.persist?.record)).toBe("Uint8Array");
    // Flags: one byte each (hal/espruino/alloc.ts booleanArray).
    expect(typed(shell.state.faults.faultActive)).toBe("Uint8Array");
    expect(typed(shell.state.out.balance)).toBe("Uint8Array");
  });

  it("lets go of the configuration validator once started: its binding is undefined while the BMS runs", () => {
    const program = acorn.parse(build.code, { ecmaVersion: 2022 });
    const validator = program.body.find((n) => n.type === "FunctionDeclaration" && build.code.slice(n.start, n.end).includes('"expected an object"'));
    const name = validator?.type === "FunctionDeclaration" ? validator.id.name : undefined;
    expect(name).toBeDefined();
    expect(build.released).toContain(name);
    const s = new EspruinoStandIn(board, build, { seed: 7, initialSocPct: 50, ambientCelsius: 25 });
    for (let k = 0; k < 20; k++) s.step(0, board.tickMs);
    expect(vm.runInContext(`typeof ${String(name)}`, s.context)).toBe("undefined");
    expect(s.app.ticks).toBe(20);
    expect(s.app.escaped).toBe(0);
  });

  it("keeps no protection rows once started: they live on, compiled, in the fault table", () => {
    const s = new EspruinoStandIn(board, build, { seed: 7, initialSocPct: 50, ambientCelsius: 25 });
    const shell = s.app.shell;
    expect(shell).toBeDefined();
    if (shell === undefined) return;
    expect("protection" in shell.conf).toBe(false);
    expect(shell.state.faultTable.faultLevel[FaultId.cellOv]).toBe(board.pack.protection.cellOvMv.faultLevel);
  });

  it("holds its tables and buffers in typed arrays: no plain array of more than 9 numbers or flags, and no string of more than 64 characters (the signal names), is reachable", () => {
    const s = new EspruinoStandIn(board, { code: exposeTopLevel(build.code), propertyNames: build.propertyNames }, { seed: 7, initialSocPct: 50, ambientCelsius: 25 });
    for (let k = 0; k < 20; k++) s.step(0, board.tickMs);
    const global = vm.runInContext("global", s.context) as object;
    const seen = new Set<object>();
    const long: string[] = [];
    const walk = (v: unknown, path: string): void => {
      if (v === null || (typeof v !== "object" && typeof v !== "function") || seen.has(v) || v === global || ArrayBuffer.isView(v)) return;
      seen.add(v);
      if (Array.isArray(v) && v.length > 9 && (v as unknown[]).every((e) => typeof e === "number" || typeof e === "boolean")) long.push(`${path} [${v.length}]`);
      for (const k of Object.getOwnPropertyNames(v)) {
        const d = Object.getOwnPropertyDescriptor(v, k);
        if (d !== undefined && "value" in d && typeof d.value === "string" && d.value.length > 64) long.push(`${path}.${k} "${d.value.slice(0, 20)}…" (${d.value.length})`);
        if (d !== undefined && "value" in d) walk(d.value, `${path}.${k}`);
      }
    };
    walk({ ...topLevel(s.context), tsbms: s.context.tsbms as unknown }, "top");
    expect(long).toEqual([]);
  });

  it("declares its bindings at the top level, none of them a name Espruino already has", () => {
    const context = espruinoContext();
    vm.runInContext(exposeTopLevel(build.code), context);
    const names = Object.keys(topLevel(context));
    expect(names.length).toBeGreaterThan(100);
    const taken = new Set(espruinoGlobalNames());
    expect(names.filter((n) => taken.has(n))).toEqual([]);
  });

  it("holds the same structure after 100 and 3,000 ticks: nothing allocated per tick stays", () => {
    const b = boardBudget(board, build, [100, 3000]);
    // Values move across the reference range (a JsVar more or less), the structure does not.
    expect(structureVars(b.afterTicks[1].estimate)).toBe(structureVars(b.afterTicks[0].estimate));
    expect(b.afterTicks[0].estimate.total).toBeGreaterThan(1000);
  });
});
