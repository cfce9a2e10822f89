// SPDX-License-Identifier: MIT
// The NodeMCU clock (hal/nodemcu/platform.ts NodeMcuClock) on a Lua with 32-bit integers, as
// NodeMCU's own build and fengari have: node.uptime's µs wrap at 2^31 every 35.8 min, and the ms
// count goes on past 2^31 ms (24.8 days) instead of turning negative, which the firmware would
// read as "never".
import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as tstl from "typescript-to-lua";
import { luaCompilerOptions } from "../../scripts/lua-config";
import { runFengari } from "./fengari-run";

const root = resolve(__dirname, "../..");

describe("the NodeMCU clock on 32-bit Lua integers", () => {
  it("counts whole ms past 2^31 ms, through the µs uptime's wraps, without turning negative", () => {
    const dir = mkdtempSync(join(tmpdir(), "tsbms-clock-"));
    try {
      const result = tstl.transpileFiles([join(root, "hal/nodemcu/platform.ts"), join(root, "hal/nodemcu/globals.d.ts")], {
        ...luaCompilerOptions(),
        outDir: dir,
        rootDir: root,
      });
      expect(result.diagnostics.filter((d) => d.category === 1).map((d) => String(d.messageText))).toEqual([]);
      // 26 days in steps of 20 min plus 0.7 ms (each below the 35.8 min wrap of the µs count),
      // the µs count wrapping as NodeMCU's integer build does; the clock is read at every step.
      const stepUs = 20 * 60 * 1000000 + 700;
      const steps = Math.ceil((26 * 24 * 3600 * 1000000) / stepUs);
      const out = runFengari(
        `
local us = 0
node = { uptime = function() return us, 0 end }
local lualib = require("lualib_bundle")
local P = require("hal.nodemcu.platform")
local c = lualib.__TS__New(P.NodeMcuClock)
local last, negative, backwards, crossed = 0, 0, 0, false
for k = 1, ${steps} do
  us = (us + ${stepUs}) % 2147483648
  local ms = c:nowMs()
  if ms < 0 then negative = negative + 1 end
  if ms < last then backwards = backwards + 1 end
  if ms > 2147483648 then crossed = true end
  last = ms
end
return string.format("%d %d %s %.0f %s", negative, backwards, tostring(crossed), last, math.type(last))
`,
        dir,
      );
      // Exactly the whole ms of the µs elapsed (the sub-ms rest carries over).
      const expectedMs = Math.floor((steps * stepUs) / 1000);
      expect(out).toBe(`0 0 true ${expectedMs} float`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60000);
});
