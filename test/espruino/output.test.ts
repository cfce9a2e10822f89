// SPDX-License-Identifier: MIT
// The last steps of an Espruino build (scripts/espruino-output.ts): terser inlines what esbuild
// leaves as separate functions and constants, keeps non-ASCII text as escapes, and the final text
// is refused when it holds a construct Espruino cannot run (../shared/reference/espruino.md §2, §3).
import { describe, expect, it } from "vitest";
import { closuresMadePerCall, compact, lintOutput } from "../../scripts/espruino-output";

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
