// SPDX-License-Identifier: MIT
// The NodeMCU start-up refuses a firmware whose floats are single precision (hal/nodemcu/numbers.ts):
// the check, fed a single-precision conversion (Math.fround, IEEE 754 binary32), names the build
// option; fed the device's own `n / 1` on doubles it passes. The built start-up runs it first.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { checkNumbers, numberProblem } from "../../hal/nodemcu/numbers";
import { buildLua } from "../../scripts/build-lua";
import { findBoard } from "../../boards/index";

describe("the NodeMCU number check", () => {
  it("passes numbers that hold integers past 2^24 (double floats, as on Lua 5.3 with LUA_NUMBER_DOUBLE)", () => {
    expect(numberProblem((n) => n / 1)).toBeUndefined();
    expect(() => checkNumbers("b")).not.toThrow();
  });

  it("refuses single-precision floats, naming the build option", () => {
    expect(Math.fround(16777217)).toBe(16777216);
    expect(numberProblem(Math.fround)).toMatch(/single precision.*LUA_NUMBER_DOUBLE/);
  });

  it("runs before anything else in the built start-up", async () => {
    const board = findBoard("nodemcu-esp32-ltc6811-12s");
    const build = await buildLua(board.name);
    const lua = readFileSync(build.file, "utf8");
    const check = lua.indexOf("checkNumbers(board.name)");
    expect(check).toBeGreaterThan(0);
    // The platform (buses, pins) is made only after it.
    expect(lua.indexOf("__TS__New(NodeMcuPlatform)", check)).toBeGreaterThan(check);
  }, 120000);
});
