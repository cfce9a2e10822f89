// SPDX-License-Identifier: MIT
// An Espruino board's tick time (scripts/espruino-time.ts): the tokens and calls a tick runs,
// counted in the built file through V8's block coverage, times what a token and a call cost on the
// interpreter (espruino.com/Performance: a 4 kHz pin toggle on the 72 MHz Original).
import inspector from "node:inspector/promises";
import vm from "node:vm";
import { beforeAll, describe, expect, it } from "vitest";
import { findBoard } from "../../boards/index";
import { buildEspruino, type EspruinoBuild } from "../../scripts/build";
import { callFloorMicros, tickWork, tokenMicros, workOf } from "../../scripts/espruino-time";

describe("the cost of a call and of a token", () => {
  it("takes a call as half a 250 µs toggle loop at 72 MHz, scaled by clock", () => {
    expect(callFloorMicros(72)).toBe(125);
    expect(callFloorMicros(64)).toBeCloseTo(140.6, 1);
    expect(callFloorMicros(84)).toBeCloseTo(107.1, 1);
  });

  it("takes a token as the loop's 250 µs over its 18 tokens, less the 8 % pretokenising gains, scaled by clock", () => {
    expect(tokenMicros(72)).toBeCloseTo((250 / 18) * (1.8 / 1.95), 6);
    expect(tokenMicros(64)).toBeCloseTo(tokenMicros(72) * (72 / 64), 6);
  });
});

describe("the work of a script, from its block coverage", () => {
  let compiled = 0;
  async function covered(code: string, run: string): Promise<{ calls: number; tokens: number }> {
    const session = new inspector.Session();
    session.connect();
    try {
      await session.post("Profiler.enable");
      await session.post("Profiler.startPreciseCoverage", { callCount: true, detailed: true });
      const context = vm.createContext({});
      // Never the same text twice: V8 would take it from its cache, without the branch counters.
      vm.runInContext(`${code}\n// ${++compiled}`, context, { filename: "work-test.js" });
      await session.post("Profiler.takePreciseCoverage");
      vm.runInContext(run, context);
      const c = (await session.post("Profiler.takePreciseCoverage")) as unknown as { result: { url: string; functions: { ranges: { startOffset: number; endOffset: number; count: number }[] }[] }[] };
      await session.post("Profiler.stopPreciseCoverage");
      const script = c.result.find((r) => r.url === "work-test.js");
      if (script === undefined) throw new Error("no coverage of work-test.js");
      return workOf(code, script.functions);
    } finally {
      session.disconnect();
    }
  }

  it("counts each executed token once per execution, and none of a branch not taken", async () => {
    // f: `function f(a){if(a>0){return 1}return 2}` is 19 tokens; called with 1 it runs all but
    // `return 2` (2 tokens), called with 0 all but `{return 1}` (4 tokens).
    const code = "function f(a){if(a>0){return 1}return 2}";
    const one = await covered(code, "f(1)");
    const zero = await covered(code, "f(0)");
    const both = await covered(code, "f(1);f(0)");
    expect(one.calls).toBe(1);
    expect(both.calls).toBe(2);
    expect(one.tokens).toBe(19 - 2);
    expect(zero.tokens).toBe(19 - 4);
    expect(both.tokens).toBe(one.tokens + zero.tokens);
  });

  it("counts a loop body once per iteration", async () => {
    const code = "function g(n){let s=0;for(let i=0;i<n;i++){s+=i}return s}";
    const ten = await covered(code, "g(10)");
    const twenty = await covered(code, "g(20)");
    // Ten more iterations: the body `{s+=i}` (5 tokens) and the loop's own test and update run ten times more.
    expect(twenty.tokens - ten.tokens).toBeGreaterThanOrEqual(10 * 5);
    expect(twenty.calls).toBe(ten.calls);
  });
});

describe("the work of a built file's tick", () => {
  const board = findBoard("pico-ltc6811-12s");
  let build: EspruinoBuild;
  beforeAll(async () => {
    build = await buildEspruino(board.name);
  });

  it("is counted from the file itself, the same on every run, and grows when a tick does more", async () => {
    const a = await tickWork(board, build, 50);
    const b = await tickWork(board, build, 50);
    expect(a).toEqual(b);
    // A tick reads 12 cells, runs the fault table, the estimators and the EMS link: well over a
    // hundred calls and thousands of tokens; the emulators' host code is not in the file.
    expect(a.calls).toBeGreaterThan(100);
    expect(a.tokens).toBeGreaterThan(20 * a.calls);
    // A 36-cell board's file (two chips of the same family) does more per tick.
    const big = findBoard("esp32-ltc6813x2-36s");
    const more = await tickWork(big, await buildEspruino(big.name), 50);
    expect(more.calls).toBeGreaterThan(a.calls);
    expect(more.tokens).toBeGreaterThan(a.tokens);
  });

  it("names its heaviest tick: the ticks that send frames weigh more than the mean, and within the cap the schedule sets", async () => {
    // 50 ticks of 100 ms: five frame sets go out, each spread over several ticks (firmware/ems/schedule.ts).
    const w = await tickWork(board, build, 50);
    expect(w.maxTokens).toBeGreaterThan(w.tokens);
    // Before the schedule spread a set, its one tick was about 3.8 times the mean on this board.
    expect(w.maxTokens).toBeLessThan(3 * w.tokens);
  });

  it("adds the tick's SPI wire time, and its heaviest tick holds both", async () => {
    const w = await tickWork(board, build, 20);
    // The LTC6811 (cell groups, status, aux, PLADC polls) and the MCP2515, both at 1 MHz: at
    // least the six cell-group reads of 8 bytes each, 384 µs.
    expect(w.busMicros).toBeGreaterThan(6 * 8 * 8);
    expect(w.maxTickMicros).toBeGreaterThanOrEqual(w.maxTokens * tokenMicros(board.mcu.clockMhz));
    expect(w.maxTickMicros).toBeGreaterThan(w.tokens * tokenMicros(board.mcu.clockMhz) + w.busMicros);
  });
});
