// SPDX-License-Identifier: MIT
// The EMS link compiled for Lua 5.3 (typescript-to-lua, as the NodeMCU build) gives the same answer
// as on V8 for the same frames, garbage included: on Lua a bit operation on a fraction or NaN
// raises an error, so a frame that slipped past the checks would stop the control loop there.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tstl from "typescript-to-lua";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { createCanFrame } from "../../hal/can";
import { E2eIdMode, e2eP01Crc } from "../../firmware/ems/e2e";
import { emsTick, handleEmsFrame } from "../../firmware/ems/link";
import { applyEmsLimits } from "../../firmware/ems/link-service";
import { createEmsState } from "../../firmware/ems/link-state";
import { luaCompilerOptions } from "../../scripts/lua-config";
import { emsConfig } from "./link-bench";

const root = join(import.meta.dirname, "..", "..");
const lua = spawnSync("lua5.3", ["-v"]).status === 0;

interface Step {
  id: number;
  extended: boolean;
  remote: boolean;
  dlc: number;
  data: number[];
  nowMs: number;
  bmsChargeMa: number;
  bmsDischargeMa: number;
}

/** A seeded mix of sound commands, broken ones and garbage, with time moving on. */
function scenario(seed: number, count: number): Step[] {
  const rng = xoroshiro128plus(seed);
  const draw = (lo: number, hi: number) => uniformInt(rng, lo, hi);
  const odd = [Number.NaN, 1.5, 256, -1, Infinity];
  const steps: Step[] = [];
  let now = 0;
  let bmsC = 50000;
  let bmsD = 50000;
  for (let n = 0; n < count; n++) {
    const data = [0, draw(0, 15), 0, 0, 0, 0, 0, 0];
    const id = draw(0, 9) === 0 ? [0x305, 0x351, 1200.5, Number.NaN][draw(0, 3)] : 0x4b0 + draw(0, 7);
    if (id === 0x4b0) data[2] = draw(0, 4);
    if (id === 0x4b1) for (let i = 2; i < 6; i++) data[i] = draw(0, 4) === 0 ? 0xff : draw(0, 200);
    if (id === 0x4b2) data[2] = draw(0, 5) === 0 ? 0x55 : 0xaa;
    if (Number.isInteger(id)) data[0] = e2eP01Crc(id, E2eIdMode.both, data, 8);
    if (draw(0, 9) === 0) data[0] ^= 1 << draw(0, 7);
    if (draw(0, 19) === 0) data[draw(0, 7)] = odd[draw(0, odd.length - 1)];
    now += draw(0, 5) === 0 ? draw(3000, 8000) : draw(-50, 800);
    if (draw(0, 19) === 0) {
      bmsC = draw(0, 60000);
      bmsD = draw(0, 60000);
    }
    steps.push({ id, extended: draw(0, 29) === 0, remote: draw(0, 29) === 0, dlc: draw(0, 5) === 0 ? draw(0, 8) : 8, data, nowMs: now, bmsChargeMa: bmsC, bmsDischargeMa: bmsD });
  }
  return steps;
}

/** What the supervisor answers to the steps, as one line per step. */
function runOnV8(steps: Step[], lostUntilFirst: boolean): string {
  const conf = emsConfig({ lostUntilFirst });
  const ems = createEmsState(conf, undefined);
  const f = createCanFrame();
  const out = { chargeCurrentLimitMa: 0, dischargeCurrentLimitMa: 0 };
  const lines: string[] = [];
  for (const s of steps) {
    f.id = s.id;
    f.extended = s.extended;
    f.remote = s.remote;
    f.dlc = s.dlc;
    for (let i = 0; i < 8; i++) f.data[i] = s.data[i];
    const r = handleEmsFrame(conf, ems, f, s.nowMs);
    emsTick(conf, ems, s.nowMs);
    out.chargeCurrentLimitMa = s.bmsChargeMa;
    out.dischargeCurrentLimitMa = s.bmsDischargeMa;
    applyEmsLimits(ems, out as never);
    lines.push([r, ems.reply.data.slice(0, 6).join(" "), ems.link, ems.requestedMode, out.chargeCurrentLimitMa, out.dischargeCurrentLimitMa].join(","));
  }
  lines.push(ems.resultCount.join(" ") + "," + ems.refusedTotal);
  return lines.join("\n");
}

function luaNumber(v: number): string {
  if (Number.isNaN(v)) return "(0/0)";
  if (v === Infinity) return "math.huge";
  return String(v);
}

function luaScript(dir: string, steps: Step[], lostUntilFirst: boolean): string {
  const rows = steps.map(
    (s) => `{${luaNumber(s.id)},${s.extended},${s.remote},${s.dlc},{${s.data.map(luaNumber).join(",")}},${s.nowMs},${s.bmsChargeMa},${s.bmsDischargeMa}}`,
  );
  return `package.path = "${dir}/?.lua;" .. package.path
local link = require("firmware.ems.link")
local cfg = require("firmware.ems.link-config")
local st = require("firmware.ems.link-state")
local svc = require("firmware.ems.link-service")
local can = require("hal.can")
local conf = cfg.defaultEmsConfig(100000, 100000)
conf.lostUntilFirst = ${lostUntilFirst}
local ems = st.createEmsState(conf, nil)
local f = can.createCanFrame()
local out = { chargeCurrentLimitMa = 0, dischargeCurrentLimitMa = 0 }
local steps = {
${rows.join(",\n")}
}
local function i(v) return string.format("%d", v) end
for _, s in ipairs(steps) do
  f.id = s[1]; f.extended = s[2]; f.remote = s[3]; f.dlc = s[4]
  for k = 1, 8 do f.data[k] = s[5][k] end
  local r = link.handleEmsFrame(conf, ems, f, s[6])
  link.emsTick(conf, ems, s[6])
  out.chargeCurrentLimitMa = s[7]; out.dischargeCurrentLimitMa = s[8]
  svc.applyEmsLimits(ems, out)
  local d = ems.reply.data
  print(i(r) .. "," .. i(d[1]) .. " " .. i(d[2]) .. " " .. i(d[3]) .. " " .. i(d[4]) .. " " .. i(d[5]) .. " " .. i(d[6]) .. "," .. i(ems.link) .. "," .. i(ems.requestedMode) .. "," .. i(out.chargeCurrentLimitMa) .. "," .. i(out.dischargeCurrentLimitMa))
end
local counts = {}
for k = 1, #ems.resultCount do counts[k] = i(ems.resultCount[k]) end
io.write(table.concat(counts, " ") .. "," .. i(ems.refusedTotal))
`;
}

describe.skipIf(!lua)("the EMS link on Lua 5.3", () => {
  it("answers 1500 mixed frames exactly as on V8, without an error", () => {
    const dir = mkdtempSync(join(tmpdir(), "tsbms-ems-lua-"));
    try {
      const files = ["firmware/ems/link-service.ts", "firmware/ems/commands-encode.ts"].map((f) => join(root, f));
      // The project's Lua options and plugins (tsconfig.lua.json), as the board build uses.
      const result = tstl.transpileFiles(files, { ...luaCompilerOptions(), outDir: dir, rootDir: root });
      expect(result.diagnostics.map((d) => String(d.messageText))).toEqual([]);
      for (const lostUntilFirst of [false, true]) {
        const steps = scenario(lostUntilFirst ? 11 : 10, 1500);
        writeFileSync(join(dir, "run.lua"), luaScript(dir, steps, lostUntilFirst));
        const run = spawnSync("lua5.3", [join(dir, "run.lua")], { encoding: "utf8" });
        expect(run.stderr).toBe("");
        expect(run.stdout).toBe(runOnV8(steps, lostUntilFirst));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
