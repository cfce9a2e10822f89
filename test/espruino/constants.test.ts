// SPDX-License-Identifier: MIT
// Handles made at load time written into the Espruino file as numbers (scripts/espruino-constants.ts):
// only an object of integers that is read as `X.p` and nothing else, and that two start-up runs agree on.
import vm from "node:vm";
import { beforeAll, describe, expect, it } from "vitest";
import { boards } from "../../boards/index";
import { buildEspruino, type EspruinoBuild } from "../../scripts/build";
import { inlineHandles, readOnlyObjects } from "../../scripts/espruino-constants";

/** The object values `code` leaves in its top-level bindings `names`, run in a fresh context. */
function valuesAfter(code: string, names: string[]): Record<string, unknown> {
  const context = vm.createContext({});
  vm.runInContext(`${code};globalThis.__values={${names.map((n) => `${n}:${n}`).join(",")}}`, context);
  return (context as { __values: Record<string, unknown> }).__values;
}

describe("writing load-time handles in as numbers", () => {
  const rows = "var n=0;function row(){return n++}var A={x:row(),y:row()};var B={x:row()};";

  it("writes each read X.p of an object of integers as its number", () => {
    const code = `${rows}function f(d){return d[A.x]+A.y}`;
    const values = valuesAfter(code, ["A", "B"]);
    const out = inlineHandles(code, [values, values]);
    expect(out.inlined).toEqual(["A"]);
    expect(out.code).toContain("function f(d){return d[0]+1}");
  });

  it("wraps a negative number, and one read further (X.p.q), in parentheses", () => {
    const code = "var A={x:-1,y:3};function f(){return A.x+A.y.toString()}";
    const values = valuesAfter(code, ["A"]);
    expect(inlineHandles(code, [values, values]).code).toContain("return (-1)+(3).toString()");
  });

  it("leaves an object that is written, aliased, passed, indexed or called through", () => {
    for (const use of ["A.x=5", "A.x++", "delete A.x", "var s=A", "g(A)", "A[k]", "A.x()", "A={x:1,y:2}"]) {
      const code = `${rows}function g(o){return o}function f(k){${use}}`;
      const values = valuesAfter(code, ["A", "B"]);
      expect(readOnlyObjects(code).map((c) => c.name), use).not.toContain("A");
      expect(inlineHandles(code, [values, values]).inlined, use).not.toContain("A");
    }
  });

  it("leaves an object whose values are not all integers, or differ between two start-ups", () => {
    const code = "var A={x:1.5};var B={x:'a'};var C={x:1,y:{}};var D={x:1};function f(){return A.x+B.x+C.x+D.x}";
    const one = valuesAfter(code, ["A", "B", "C", "D"]);
    const other = { ...one, D: { x: 2 } };
    expect(inlineHandles(code, [one, one]).inlined).toEqual(["D"]);
    expect(inlineHandles(code, [one, other]).inlined).toEqual([]);
    expect(() => inlineHandles(code, [one])).toThrow(/two start-up runs/);
  });
});

describe.each(boards.filter((b) => b.mcu.family === "espruino").map((b) => [b.name, b] as const))("the built file of %s", (_name, board) => {
  let build: EspruinoBuild;
  beforeAll(async () => {
    build = await buildEspruino(board.name);
  });

  it("holds the EMS signal rows as numbers: every handle object is written in, then released", () => {
    // 16 handle objects in firmware/ems/signals-inverter.ts and signals-detail.ts.
    expect(build.inlined.length).toBeGreaterThanOrEqual(16);
    for (const name of build.inlined) expect(build.released).toContain(name);
    // The row builders' calls stay: they fill the signal table at load.
    expect(build.code).toContain('"AlarmGeneral"');
  });
});
