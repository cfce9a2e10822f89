// SPDX-License-Identifier: MIT
// The device build (dist/<board>.lua, with the NodeMCU platform) loads in the system lua5.3 with
// the NodeMCU modules stubbed, starts its tmr loop and survives its ticks with no AFE answering:
// both FET pins stay at the off level, no exception reaches the shell, and the watchdog (never
// kicked without a good AFE read) restarts the MCU after ten ticks.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { buildLua } from "../../scripts/build-lua";
import { findBoard } from "../../boards/index";

const lua = spawnSync("lua5.3", ["-v"]).status === 0;
const board = findBoard("nodemcu-esp32-ltc6811-12s");

/**
 * NodeMCU module stubs shaped like the NodeMCU dev-esp32 docs (docs/modules/*.md): SPI answers a
 * released MISO line, the timer is fired by hand, node.uptime gives its two results (lowbits,
 * highbits), and io (which holds file contents on dev-esp32, file.md) keeps files in memory with
 * the standard Lua 5.3 handle results (nil at end of file, write returns the handle).
 */
const stubs = `
local writes = {}
local alarm
local us = 0
spi = { HSPI = 1, VSPI = 2, master = function(host, cfg)
  return { device = function(self, c) return { transfer = function(self, s) return string.rep("\\255", #s) end } end }
end }
gpio = { IN = 0, OUT = 1, config = function(c) end, write = function(p, v) writes[p] = v end, read = function(p) return 0 end }
adc = { ADC1 = 1, ATTEN_11db = 3, setwidth = function() end, setup = function() end, read = function(u, ch) return 2048 end }
tmr = { ALARM_AUTO = 1, create = function() return { alarm = function(self, ms, mode, cb) alarm = cb; return true end } end }
local tick, firstRestart = 0, 0
node = { uptime = function() return us, 0 end, restart = function() if firstRestart == 0 then firstRestart = tick end end }
local files = {}
io = { open = function(name, mode)
  local h = { pos = 1 }
  if mode:sub(1, 1) == "r" then
    if files[name] == nil then return nil, name .. ": No such file or directory", 2 end
  else
    files[name] = ""
  end
  function h:read(n)
    local s = files[name]
    if self.pos > #s then return nil end
    local part = s:sub(self.pos, self.pos + n - 1)
    self.pos = self.pos + #part
    return part
  end
  function h:write(s) files[name] = files[name] .. s; return self end
  function h:close() return true end
  return h
end }
i2c = {}; uart = {}
local m = dofile(arg[1])
for k = 1, 20 do tick = k; us = us + 100000; alarm(nil) end
print(m.bms.internalErrors, writes[25], writes[26], m.bms.state.out.chargeEnable, m.bms.inputs.measurements.afeCommLost, firstRestart)
`;

describe.skipIf(!lua)("the NodeMCU device build on lua5.3 with stubbed modules", () => {
  it("loads, starts the tmr loop and keeps both paths open while the AFE is silent, and restarts the MCU once the watchdog starves (10 ticks)", async () => {
    const build = await buildLua(board.name);
    expect(build.bytes).toBeGreaterThan(0);
    const run = spawnSync("lua5.3", ["-", build.file], { input: stubs, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.stdout.trim().split("\t")).toEqual(["0", "0", "0", "false", "true", "11"]);
  }, 120000);
});
