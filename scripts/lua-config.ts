// SPDX-License-Identifier: MIT
// The typescript-to-lua options every Lua compile in the project uses, read from
// tsconfig.lua.json: the Lua target, lualib mode and the plugins (scripts/tstl-plugins/), so the
// board build (scripts/build-lua.ts) and the tests compile the firmware the same way.
import { join } from "node:path";
import * as ts from "typescript";
import * as tstl from "typescript-to-lua";

const root = join(import.meta.dirname, "..");
export const luaConfigFile = join(root, "tsconfig.lua.json");

/** The compiler options of tsconfig.lua.json (its file list is not part of them). */
export function luaCompilerOptions(): tstl.CompilerOptions {
  const parsed = tstl.parseConfigFileWithSystem(luaConfigFile);
  const errors = parsed.errors.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) throw new Error(`${luaConfigFile}: ${errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, " ")).join("; ")}`);
  return parsed.options;
}
