// SPDX-License-Identifier: MIT
// The packer and the inverter encoders compiled by typescript-to-lua and run by a real Lua 5.3
// (where installed): the arithmetic-only packing must give the same bytes as on V8, including a full
// 32-bit field and negative values, and the bytes must stay Lua integers (string.format "%02X" and
// string.char reject fractions). Desktop Lua has 64-bit integers, the device 32-bit
// (../shared/reference/lua.md §7): the packer forms no integer above 2^31 on purpose (pack.ts).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as tstl from "typescript-to-lua";
import { createCanFrame } from "../../hal/can";
import { encodeLimits } from "../../firmware/ems/encode-inverter";
import { putSignal } from "../../firmware/ems/pack";
import { presetConfig } from "../../firmware/config";
import { createState } from "../../firmware/state";

const root = join(import.meta.dirname, "..", "..");
const lua = ["lua5.3", "lua"].find((l) => spawnSync(l, ["-e", "assert(_VERSION == 'Lua 5.3')"]).status === 0);

const script = `
local p = require("firmware.ems.pack")
local e = require("firmware.ems.encode-inverter")
local function bytes(d)
  local t = {}
  for i = 1, 8 do
    assert(math.type(d[i]) == "integer", "byte " .. i .. " is not an integer")
    t[i] = string.format("%02X", d[i])
  end
  return table.concat(t)
end
local d = {0, 0, 0, 0, 0, 0, 0, 0}
p.putSignal(d, 8, 32, 4294967295)
p.putSignal(d, 40, 16, -2)
p.putSignal(d, 59, 3, 5)
print(bytes(d))
print(string.format("%d %d %d", p.getSignal(d, 8, 32, false), p.getSignal(d, 40, 16, true), p.getSignal(d, 59, 3, false)))
local f = {id = 0, extended = false, remote = false, dlc = 0, data = {0, 0, 0, 0, 0, 0, 0, 0}}
e.encodeLimits(f, {chargeVoltageLimitMv = 28700, chargeCurrentLimitMa = 70000, dischargeCurrentLimitMa = 100000, dischargeVoltageLimitMv = 23100, sumCellMv = 26100})
print(string.format("%03X#", f.id) .. bytes(f.data))
`;

describe.skipIf(lua === undefined)("the EMS packer on Lua 5.3", () => {
  it("packs the same bytes as on V8 and keeps them integers", () => {
    const out = mkdtempSync(join(tmpdir(), "tsbms-ems-lua-"));
    try {
      // Diagnostics are test/portability's business; the files this needs are emitted regardless.
      tstl.transpileProject(join(root, "tsconfig.lua.json"), { outDir: out });
      const r = spawnSync(lua ?? "lua5.3", ["-e", `package.path = "${out}/?.lua;" .. package.path`, "-"], { input: script, encoding: "utf8" });
      expect(r.stderr).toBe("");
      const d = [0, 0, 0, 0, 0, 0, 0, 0];
      putSignal(d, 8, 32, 4294967295);
      putSignal(d, 40, 16, -2);
      putSignal(d, 59, 3, 5);
      const hex = (a: number[]) => a.map((b) => b.toString(16).toUpperCase().padStart(2, "0")).join("");
      const f = createCanFrame();
      const o = createState(presetConfig("LFP", 16, 100000)).out;
      o.chargeVoltageLimitMv = 28700;
      o.chargeCurrentLimitMa = 70000;
      o.dischargeCurrentLimitMa = 100000;
      o.dischargeVoltageLimitMv = 23100;
      o.sumCellMv = 26100;
      encodeLimits(f, o);
      expect(r.stdout.trim().split("\n")).toEqual([hex(d), "4294967295 -2 5", `351#${hex(f.data)}`]);
      expect(hex(f.data)).toBe("1F01BC02E803E700");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
