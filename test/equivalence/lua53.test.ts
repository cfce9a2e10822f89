// SPDX-License-Identifier: MIT
// The equivalence scenario (scenario.ts) through the Lua build in Debian's lua5.3, the C
// interpreter NodeMCU's Lua 5.3 derives from, against the TypeScript firmware: the same outputs
// and EMS frames tick by tick for over two hours, and the same event log. fengari (in
// three-runtimes.test.ts) has 32-bit integers like NodeMCU; lua5.3 has 64-bit ones and its own
// string and number formatting, so each catches what the other cannot.
// It belongs to `npm run test:interop` (scripts/interop.ts), which sets TSBMS_REQUIRE_LUA53=1:
// then it runs, and a missing lua5.3 fails it. Plain `npm test` skips it (fengari covers Lua there).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildLuaCore } from "../../scripts/build-lua";
import { haveLua53, Lua53Bms } from "../../sim/lua/lua53-bridge";
import { luaVmRuntime, typescriptRuntime } from "./runtimes";
import { durationS, nodemcu, runScenario, setup, tickMs, tickS, type Run } from "./scenario";

const required = process.env.TSBMS_REQUIRE_LUA53 === "1";
const available = haveLua53();

describe.skipIf(!required)("the scenario through the Lua build on lua5.3", () => {
  let run: Run;
  const vms: Lua53Bms[] = [];
  beforeAll(async () => {
    if (!available) throw new Error("lua5.3 is not installed (apt-get install -y lua5.3), and TSBMS_REQUIRE_LUA53=1 asks for it");
    const core = await buildLuaCore(nodemcu.name);
    const lua = luaVmRuntime(nodemcu, setup, "lua5.3", (rig) => {
      const vm = new Lua53Bms(core.file, rig);
      vms.push(vm);
      return vm;
    });
    run = runScenario(typescriptRuntime(nodemcu, setup), [lua]);
  }, 600_000);
  afterAll(() => {
    for (const vm of vms) vm.close();
  });

  it("gives the TypeScript firmware's outputs and EMS frames, tick by tick, for over two hours", () => {
    expect(run.records.length).toBe(durationS / tickS);
    const first = run.differences.map((d) => `${d.runtime}: tick ${d.tick} (t = ${(d.tick * tickMs) / 1000} s) field ${d.field}: reference ${String(d.reference)}, got ${String(d.other)}`);
    expect(first).toEqual([]);
    for (const [name, n] of run.internalErrors) expect(n, `${name} internal errors`).toBe(0);
    // The run did something: frames every tick, and the charge path opened on the way.
    expect(run.records.every((r) => r.frames.length > 0)).toBe(true);
    expect(run.records.some((r) => !r.chargeEnable)).toBe(true);
  });

  it("ends with the TypeScript firmware's event log", () => {
    const want = run.events.get(run.reference.name) ?? [];
    expect(want.length).toBeGreaterThan(10);
    for (const [name, log] of run.events) expect(log, name).toEqual(want);
  });
});
