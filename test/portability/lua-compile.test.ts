// SPDX-License-Identifier: MIT
// firmware/ and hal/ must compile through typescript-to-lua (Lua 5.3, as NodeMCU runs) with no
// diagnostic: the lint profile catches most of what Lua cannot do, the compiler the rest
// (../shared/reference/lua.md §5).
import { describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ts from "typescript";
import * as tstl from "typescript-to-lua";

const root = join(import.meta.dirname, "..", "..");

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
});
