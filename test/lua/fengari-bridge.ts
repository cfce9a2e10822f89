// SPDX-License-Identifier: MIT
// Runs the Lua build of a board's firmware (scripts/build-lua.ts, core bundle) in fengari, a Lua
// 5.3 VM in JavaScript, on a bridge platform: a Lua table implementing hal/hal.ts Platform whose
// SPI frames, pins, ADC and clock go out to JS functions backed by a simulator Rig's emulators.
// The Rig's own TypeScript shell is built but never ticked; the Lua shell drives the chips.
import { lauxlib, lua, lualib, to_luastring } from "fengari";
import type { Rig } from "../../sim/rig";
import type { SpiDevice, DigitalOut, AnalogIn } from "../../hal/hal";

type LuaState = unknown;

/** The Platform as a Lua table; each method calls into JS through js_* globals. */
const bridgeLua = `
local P = { storage = {} }
P.clock = { nowMs = function(self) return js_now() end }
function P.storage:read(name) return nil end
function P.storage:write(name, data) return true end
function P:spi(o)
  local h = js_spi_open(o.bus, o.select)
  return { transfer = function(self, tx, rx, n)
    for i = 1, n do js_put(i - 1, tx[i]) end
    js_spi_frame(h, n)
    for i = 1, n do rx[i] = js_get(i - 1) end
  end }
end
function P:i2c(o) error("bridge: no I2C on this board") end
function P:serial(o) error("bridge: no serial on this board") end
function P:digitalIn(o) error("bridge: no digital input on this board") end
function P:digitalOut(o)
  local h = js_out_open(o.pin, o.value)
  return { write = function(self, v) js_out_write(h, v) end }
end
function P:analogIn(o)
  local h, bits = js_analog_open(o.pin)
  return { resolution = bits, read = function(self) return js_analog_read(h) end }
end
function P:watchdog(o)
  return { kick = function(self) js_kick() end }
end
bms = core.createBms(P)
function tick_once()
  local out = bms:tick()
  return out.mode, out.chargeEnable, out.dischargeEnable, out.socCentiPct, bms.inputs.measurements.cellMv[1], bms.internalErrors
end
`;

export interface LuaTick {
  mode: number;
  chargeEnable: boolean;
  dischargeEnable: boolean;
  socCentiPct: number;
  cell0Mv: number;
  internalErrors: number;
}

function check(L: LuaState, status: number, what: string): void {
  if (status !== lua.LUA_OK) throw new Error(`${what}: ${lua.lua_tojsstring(L, -1)}`);
}

export class FengariBms {
  private readonly L: LuaState;
  kicks = 0;

  constructor(bundle: string, rig: Rig) {
    const L = lauxlib.luaL_newstate();
    this.L = L;
    lualib.luaL_openlibs(L);
    const buffer: number[] = [];
    const spi: SpiDevice[] = [];
    const outs: DigitalOut[] = [];
    const analog: AnalogIn[] = [];
    const fns: Record<string, (L: LuaState) => number> = {
      // A float, as the device's clock gives (hal/nodemcu/platform.ts NodeMcuClock: it counts in a
      // double so that it never wraps), so every run here holds the firmware to float times.
      js_now: (L) => (lua.lua_pushnumber(L, rig.platform.clock.nowMs()), 1),
      js_put: (L) => ((buffer[lauxlib.luaL_checkinteger(L, 1)] = lauxlib.luaL_checkinteger(L, 2)), 0),
      js_get: (L) => (lua.lua_pushinteger(L, buffer[lauxlib.luaL_checkinteger(L, 1)]), 1),
      js_spi_open: (L) => {
        spi.push(rig.platform.spi({ bus: lua.lua_tojsstring(L, 1), select: lua.lua_tojsstring(L, 2), hz: 0, mode: 0 }));
        lua.lua_pushinteger(L, spi.length - 1);
        return 1;
      },
      js_spi_frame: (L) => {
        const n = lauxlib.luaL_checkinteger(L, 2);
        spi[lauxlib.luaL_checkinteger(L, 1)].transfer(buffer, buffer, n);
        return 0;
      },
      js_out_open: (L) => {
        const pin = lua.lua_tojsstring(L, 1);
        // The Rig's TypeScript shell opened the pin already: the Lua shell drives the same one.
        const out = rig.platform.outputs.get(pin) ?? rig.platform.digitalOut({ pin, value: lauxlib.luaL_checkinteger(L, 2) });
        out.write(lauxlib.luaL_checkinteger(L, 2));
        outs.push(out);
        lua.lua_pushinteger(L, outs.length - 1);
        return 1;
      },
      js_out_write: (L) => (outs[lauxlib.luaL_checkinteger(L, 1)].write(lauxlib.luaL_checkinteger(L, 2)), 0),
      js_analog_open: (L) => {
        const a = rig.platform.analogIn({ pin: lua.lua_tojsstring(L, 1) });
        analog.push(a);
        lua.lua_pushinteger(L, analog.length - 1);
        lua.lua_pushinteger(L, a.resolution);
        return 2;
      },
      js_analog_read: (L) => (lua.lua_pushinteger(L, analog[lauxlib.luaL_checkinteger(L, 1)].read()), 1),
      js_kick: () => (this.kicks++, 0),
    };
    for (const [name, fn] of Object.entries(fns)) {
      lua.lua_pushjsfunction(L, fn);
      lua.lua_setglobal(L, to_luastring(name));
    }
    check(L, lauxlib.luaL_loadbuffer(L, to_luastring(bundle), null, to_luastring("=bms")), "loading the bundle");
    check(L, lua.lua_pcall(L, 0, 1, 0), "running the bundle");
    lua.lua_setglobal(L, to_luastring("core"));
    check(L, lauxlib.luaL_dostring(L, to_luastring(bridgeLua)), "wiring the firmware on the bridge");
  }

  tick(): LuaTick {
    const L = this.L;
    lua.lua_getglobal(L, to_luastring("tick_once"));
    check(L, lua.lua_pcall(L, 0, 6, 0), "tick");
    const r: LuaTick = {
      mode: lua.lua_tointeger(L, -6),
      chargeEnable: lua.lua_toboolean(L, -5),
      dischargeEnable: lua.lua_toboolean(L, -4),
      socCentiPct: lua.lua_tonumber(L, -3),
      cell0Mv: lua.lua_tonumber(L, -2),
      internalErrors: lua.lua_tointeger(L, -1),
    };
    lua.lua_pop(L, 6);
    return r;
  }

  /** A Lua expression's value, as a string, for the integer-width checks. */
  eval(expression: string): string {
    const L = this.L;
    check(L, lauxlib.luaL_dostring(L, to_luastring(`return tostring(${expression})`)), expression);
    const s = lua.lua_tojsstring(L, -1);
    lua.lua_pop(L, 1);
    return s;
  }
}
