// SPDX-License-Identifier: MIT
// firmware/ and hal/ must compile through typescript-to-lua (Lua 5.3, as NodeMCU runs) with no
// diagnostic: the lint profile catches most of what Lua cannot do, the compiler the rest
// (../shared/reference/lua.md §5). The compiled check codes (PEC15, the E2E CRC, CRC-16) then run
// in fengari, a Lua 5.3 with 32-bit integers like NodeMCU's default build (§7), and give V8's
// answers on seeded vectors: their `>>>`, `<<` and masks are where the integer width shows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ts from "typescript";
import * as tstl from "typescript-to-lua";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { pec15 } from "../../hal/ltc681x/pec";
import { E2eIdMode, e2eP01Crc } from "../../firmware/ems/e2e";
import { crc16 } from "../../firmware/crc16";
import { runFengari } from "../lua/fengari-run";

const root = join(import.meta.dirname, "..", "..");

/** Seeded byte strings of 0..12 bytes and 11-bit/29-bit ids. */
function vectors(seed: number, count: number): { data: number[]; id: number }[] {
  const rng = xoroshiro128plus(seed);
  const out: { data: number[]; id: number }[] = [];
  for (let n = 0; n < count; n++) {
    const length = uniformInt(rng, 0, 12);
    const data: number[] = [];
    for (let i = 0; i < length; i++) data.push(uniformInt(rng, 0, 255));
    out.push({ data, id: uniformInt(rng, 0, 1) === 0 ? uniformInt(rng, 0, 0x7ff) : uniformInt(rng, 0, 0x1fffffff) });
  }
  return out;
}

describe("the Lua build of the firmware", () => {
  it("compiles firmware/ and hal/ for Lua 5.3 without a diagnostic", () => {
    const out = mkdtempSync(join(tmpdir(), "tsbms-lua-"));
    try {
      const result = tstl.transpileProject(join(root, "tsconfig.lua.json"), { outDir: out });
      const messages = result.diagnostics.map((d) => {
        const where = d.file !== undefined && d.start !== undefined ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : "";
        return where + ts.flattenDiagnosticMessageText(d.messageText, "\n");
      });
      expect(messages).toEqual([]);
      expect(readdirSync(join(out, "firmware"))).toContain("step.lua");
      expect(readdirSync(join(out, "hal", "ltc681x"))).toContain("driver.lua");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  describe("run in fengari (32-bit integers)", () => {
    let out = "";
    beforeAll(() => {
      out = mkdtempSync(join(tmpdir(), "tsbms-lua-run-"));
      tstl.transpileProject(join(root, "tsconfig.lua.json"), { outDir: out });
    }, 120000);
    afterAll(() => rmSync(out, { recursive: true, force: true }));

    const cases = vectors(7, 60);
    const table = (v: number[]) => `{${v.join(",")}}`;
    /** One line per vector from Lua: `expression(data, id)` over all the vectors. */
    const onLua = (requires: string, expression: string) =>
      runFengari(
        `${requires}\nlocal r = {}\nfor _, c in ipairs({${cases.map((c) => `{${table(c.data)},${c.id},${c.data.length}}`).join(",")}}) do\n  local data, id, n = c[1], c[2], c[3]\n  r[#r + 1] = string.format("%d", ${expression})\nend\nreturn table.concat(r, " ")`,
        out,
      );

    it("PEC15 (hal/ltc681x/pec.ts) gives V8's value for every vector", () => {
      const lua = onLua(`local p = require("hal.ltc681x.pec")`, "p.pec15(data, 0, n)");
      expect(lua).toBe(cases.map((c) => pec15(c.data, 0, c.data.length)).join(" "));
    });

    it("the E2E P01 CRC (firmware/ems/e2e.ts) gives V8's value for both data-id modes", () => {
      const frames = cases.map((c) => c.data.concat([0, 0, 0, 0, 0, 0, 0, 0]).slice(0, 8));
      for (const mode of [E2eIdMode.both, E2eIdMode.nibble]) {
        const lua = onLua(`local e = require("firmware.ems.e2e")`, `e.e2eP01Crc(id, ${mode}, {data[1] or 0, data[2] or 0, data[3] or 0, data[4] or 0, data[5] or 0, data[6] or 0, data[7] or 0, data[8] or 0}, 8)`);
        expect(lua, `mode ${mode}`).toBe(cases.map((c, k) => e2eP01Crc(c.id, mode, frames[k], 8)).join(" "));
      }
    });

    it("CRC-16 (firmware/crc16.ts) gives V8's value for every vector", () => {
      const lua = onLua(`local c16 = require("firmware.crc16")`, "c16.crc16(data, 0, n)");
      expect(lua).toBe(cases.map((c) => crc16(c.data, 0, c.data.length)).join(" "));
    });
  });
});
