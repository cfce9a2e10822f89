// SPDX-License-Identifier: MIT
// The NodeMCU build of the firmware (typescript-to-lua, Lua 5.3) runs in fengari against the
// simulator's emulated chips through a bridge of the HAL, and answers tick by tick exactly as the
// TypeScript firmware does on the simulator for the same pack. fengari, like NodeMCU's default
// build, has 32-bit integers (fengari README "Integers"), so this is also the integer-width check.
import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { buildLuaCore } from "../../scripts/build-lua";
import { findBoard } from "../../boards/index";
import { Rig } from "../../sim/rig";
import { BmsMode } from "../../firmware/types";
import { FengariBms } from "./fengari-bridge";
import type { LuaTick } from "./fengari-bridge";

const board = findBoard("nodemcu-esp32-ltc6811-12s");
const rigOptions = { board, seed: 21, initialSocPct: 70, spread: {}, ambientCelsius: 25 };
let bundle = "";

beforeAll(async () => {
  bundle = readFileSync((await buildLuaCore(board.name)).file, "utf8");
}, 120000);

/** One simulated tick on a rig: the load through the FETs, the pack, the clock, the chip timers. */
function advance(rig: Rig, demandMa: number): void {
  rig.advance(demandMa, board.tickMs, 25);
}

/** Cell `cell` reads `volts` from now on, on the chip the firmware measures. */
function forceCell(rig: Rig, cell: number, volts: number): void {
  const real = rig.pack.cellVolts.bind(rig.pack);
  rig.pack.cellVolts = (i: number) => (i === cell ? volts : real(i));
}

describe("the NodeMCU Lua build in fengari (Lua 5.3, 32-bit integers)", () => {
  it("has the 32-bit integers of NodeMCU's default Lua 5.3 build", () => {
    const rig = new Rig(rigOptions);
    const vm = new FengariBms(bundle, rig);
    expect(vm.eval("math.maxinteger")).toBe("2147483647");
    expect(vm.eval("0x7fffffff + 1")).toBe("-2147483648");
    // The >>> lowering after scripts/tstl-plugins/portable-shifts.cjs: a mask, not a float error.
    expect(vm.eval("(-8 & 0xFFFFFFFF) >> 28")).toBe("15");
  });

  it("discharges 600 ticks, trips on a forced over-voltage, and matches the TypeScript firmware tick by tick", () => {
    const ts = new Rig(rigOptions);
    const luaRig = new Rig(rigOptions);
    const vm = new FengariBms(bundle, luaRig);
    const demandMa = -2500;
    const lua: LuaTick[] = [];
    const js: LuaTick[] = [];
    const run = (ticks: number) => {
      for (let k = 0; k < ticks; k++) {
        advance(ts, demandMa);
        advance(luaRig, demandMa);
        const o = ts.shell.tick();
        js.push({ mode: o.mode, chargeEnable: o.chargeEnable, dischargeEnable: o.dischargeEnable, socCentiPct: o.socCentiPct, cell0Mv: ts.shell.inputs.measurements.cellMv[0], internalErrors: ts.shell.internalErrors });
        lua.push(vm.tick());
      }
    };
    run(600);
    const at600 = lua[599];
    expect(at600.internalErrors).toBe(0);
    expect(at600.mode).toBe(BmsMode.active);
    expect(at600.chargeEnable && at600.dischargeEnable).toBe(true);
    expect(luaRig.dischargeOn()).toBe(true);
    // The readings track the pack: cell 0 within 5 mV of the model, SoC fell under the load.
    expect(Math.abs(at600.cell0Mv - luaRig.pack.cellVolts(0) * 1000)).toBeLessThan(5);
    expect(at600.socCentiPct).toBeLessThan(lua[10].socCentiPct);
    expect(Math.abs(at600.socCentiPct / 100 - luaRig.pack.trueSocPct())).toBeLessThan(3);

    const ovVolts = board.pack.protection.cellOvMv.faultLevel / 1000 + 0.05;
    forceCell(ts, 4, ovVolts);
    forceCell(luaRig, 4, ovVolts);
    run(100);
    const last = lua[lua.length - 1];
    expect(last.chargeEnable).toBe(false);
    expect(luaRig.chargeOn()).toBe(false);
    expect(last.internalErrors).toBe(0);
    expect(lua).toEqual(js);
  });
});
