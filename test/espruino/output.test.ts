// SPDX-License-Identifier: MIT
// The last steps of an Espruino build (scripts/espruino-output.ts): terser inlines what esbuild
// leaves as separate functions and constants, keeps non-ASCII text as escapes, and the final text
// is refused when it holds a construct Espruino cannot run (../shared/reference/espruino.md §2, §3).
import { describe, expect, it } from "vitest";
import { espruinoGlobalNames } from "../../scripts/espruino-names";
import { atTopLevel, closuresMadePerCall, compact, lintOutput, namesAvoiding } from "../../scripts/espruino-output";

describe("compacting the bundle", () => {
  it("inlines constants but leaves every function where it is, made once", async () => {
    const code = "(()=>{const limitMv=3650;function over(v){return v>limitMv}function tick(v){return over(v)?1:0}globalThis.t=tick})();";
    const out = await compact(code);
    expect(out).toContain(">3650");
    expect(out).not.toMatch(/limitMv|const \w+=3650/);
    expect(closuresMadePerCall(out)).toEqual([]);
    const context: { t?: (v: number) => number } = {};
    new Function("globalThis", out)(context);
    expect([context.t?.(3700), context.t?.(3600)]).toEqual([1, 0]);
  });

  it("writes non-ASCII characters as escapes", async () => {
    const out = await compact('(()=>{globalThis.s="a − b"})();');
    expect(out).toContain("\\u2212");
    expect([...out].every((c) => c.charCodeAt(0) < 128)).toBe(true);
  });
});

describe("the bundle's statements at the top level", () => {
  it("come out of the wrapping function unchanged, and run the same", () => {
    const code = "(()=>{var a=2;function f(x){return a*x}globalThis.r=f(21)})();";
    const top = atTopLevel(code);
    expect(top).toBe("var a=2;function f(x){return a*x}globalThis.r=f(21)");
    const context: { r?: number } = {};
    new Function("globalThis", top)(context);
    expect(context.r).toBe(42);
  });

  it("are refused when the bundle is not one function called once, or its function returns", () => {
    expect(() => atTopLevel("var a=1;(()=>{})();")).toThrow(/not one function called once/);
    expect(() => atTopLevel("((x)=>{globalThis.x=x})(1);")).toThrow(/not one function called once/);
    expect(() => atTopLevel("(()=>{var a=1;return a})();")).toThrow(/returns/);
  });

  it("never declare a name Espruino already has (E, a pin, a peripheral), even one esbuild chose", async () => {
    const avoid = espruinoGlobalNames();
    // 3,000 locals: terser's names reach two and three characters, where pins (A0, D14) live.
    const locals = Array.from({ length: 3000 }, (_, i) => `var v${i}=[${i}];`).join("");
    const uses = Array.from({ length: 3000 }, (_, i) => `v${i}`).join(",");
    // Each used twice, so terser keeps them as variables.
    const out = atTopLevel(await compact(`(()=>{var E=[1];${locals}globalThis.all=[E,${uses}];globalThis.again=[E,${uses}]})();`, avoid));
    const declared = [...out.matchAll(/(?:var |,)([A-Za-z_$][\w$]*)=\[/g)].map((m) => m[1]);
    expect(declared).toHaveLength(3001);
    for (const name of ["E", "A0", "D14", "B3", "LED1", "NaN"]) expect(declared).not.toContain(name);
    const generated = namesAvoiding(avoid);
    expect(Array.from({ length: 3000 }, (_, i) => generated.get(i)).filter((n) => avoid.includes(n))).toEqual([]);
  });
});

describe("the check of the final text", () => {
  it("names each construct Espruino cannot run, with its position", () => {
    const problems = lintOutput("var a=[1,2];var b=[...a];var c=Array.from(a);var d;d??=1;var e=2**3;");
    expect(problems).toHaveLength(4);
    expect(problems.join("\n")).toMatch(/1:\d+ spread: Espruino cannot run it/);
    expect(problems.join("\n")).toMatch(/Array\.from/);
    expect(problems.join("\n")).toMatch(/\?\?=: Espruino cannot run it/);
    expect(problems.join("\n")).toMatch(/\*\*: not on Espruino/);
  });

  it("accepts what only Lua lacks (null, >>, typed arrays) in a file Espruino alone runs", () => {
    expect(lintOutput("var a=null;var b=-8>>1;var c=new Uint8Array(4);var d=function(x){return x};")).toEqual([]);
  });
});

describe("closures made on every call", () => {
  it("are found inside a function that can run many times", () => {
    const problems = closuresMadePerCall("(()=>{function tick(v){return function(x){return x+1}(v)}globalThis.t=tick})();");
    expect(problems).toEqual(["1:31 a function made and called inside a function that runs more than once: a closure on every call"]);
  });

  it("are not reported inside functions that run once, where they are made (start-up)", () => {
    expect(closuresMadePerCall("(()=>{var table=function(){var t=[];(function(){t.push(1)})();return t}();globalThis.t=table})();")).toEqual([]);
  });
});
