// SPDX-License-Identifier: MIT
// The last two steps of an Espruino build (scripts/build.ts): terser compacts esbuild's output,
// and the final text is linted with the subset rules Espruino needs, so the file that is uploaded
// is itself checked, not only its sources.
//
// Why terser after esbuild: esbuild minifies but never inlines a function or a constant across
// modules. On Espruino every function is a JsVar with one child per parameter, a code child and a
// scope child (4 + parameters JsVars, ../shared/reference/espruino.md §6 "small function: 5"),
// and every top-level constant a name and a value. terser's compressor, working inside the
// bundle's IIFE, inlines functions called once and constants, which removes those JsVars; it
// renames locals only, never properties (esbuild's property names, and the board JSON keyed by
// them, stay valid). ecma 2015: it may use nothing newer than what esbuild targets (§11).
import * as acorn from "acorn";
import { Linter } from "eslint";
import { minify } from "terser";
import { bannedGlobals, bannedProperties, bannedSyntax } from "./lint-target-rules.js";

/** The compacted bundle. */
export async function compact(code: string): Promise<string> {
  const out = await minify(code, {
    ecma: 2015,
    // Passes until nothing more inlines (3 reach the fixpoint on these bundles); hoist_props turns
    // constant objects that never escape into plain variables, which then inline. reduce_funcs
    // off: otherwise a function used once moves to its call site as a function expression, which
    // Espruino would make on every call (lintOutput refuses that).
    compress: { passes: 3, inline: 3, hoist_props: true, reduce_funcs: false },
    mangle: true,
    // Classes keep their names: an error message or a stand-in report may name one.
    keep_classnames: true,
    // Non-ASCII characters as \u escapes, as esbuild writes them: Espruino's Unicode support is
    // partial (espruino.md §2), and the upload path moves the file as bytes.
    format: { ascii_only: true },
  });
  if (out.code === undefined) throw new Error("terser returned no code");
  return out.code;
}

// Only what Espruino lacks: the Lua-only rules (null, >>, typed arrays …) do not apply to a file
// Espruino alone runs, and esbuild's own helpers use some of them.
const forEspruino = (r: { message: string }): boolean => /Espruino/.test(r.message) && !/typescript-to-lua|Lua has/.test(r.message);

const outputRules: Linter.RulesRecord = {
  "no-restricted-syntax": ["error", ...bannedSyntax.filter(forEspruino)],
  "no-restricted-globals": ["error", ...bannedGlobals.filter(forEspruino)],
  "no-restricted-properties": ["error", ...bannedProperties.filter(forEspruino)],
};

type Node = { type: string; start: number; callee?: Node } & Record<string, unknown>;

/**
 * Function expressions called where they are made inside a function that may run more than once,
 * as "line:column message". Such a function is made anew on every call: JsVars allocated and
 * freed each tick (espruino.md §6), the short-lived closures the firmware avoids. terser makes
 * them when it moves a function used once to its call site (its reduce_funcs, off in compact).
 * One inside functions that are themselves called where they are made (start-up, run once) is
 * fine.
 */
export function closuresMadePerCall(code: string): string[] {
  const found: string[] = [];
  const isFunction = (n: Node | undefined): boolean => n !== undefined && (n.type === "FunctionExpression" || n.type === "ArrowFunctionExpression" || n.type === "FunctionDeclaration");
  // `onceOnly`: every function around this point is called right where it is made.
  const visit = (node: Node, onceOnly: boolean, calledHere: boolean): void => {
    const inside = isFunction(node) ? onceOnly && calledHere : onceOnly;
    if (node.type === "CallExpression" && isFunction(node.callee) && !onceOnly) {
      const at = acorn.getLineInfo(code, node.start);
      found.push(`${at.line}:${at.column + 1} a function made and called inside a function that runs more than once: a closure on every call`);
    }
    for (const [key, value] of Object.entries(node)) {
      const children = Array.isArray(value) ? value : [value];
      for (const c of children) {
        if (c !== null && typeof c === "object" && typeof (c as Node).type === "string") {
          visit(c as Node, inside, node.type === "CallExpression" && key === "callee");
        }
      }
    }
  };
  visit(acorn.parse(code, { ecmaVersion: 2022 }) as unknown as Node, true, false);
  return found;
}

/** Constructs Espruino cannot run, and closures made per call, in the final text, as "line:column message". */
export function lintOutput(code: string): string[] {
  const linter = new Linter({ configType: "flat" });
  const messages = linter.verify(code, [{ languageOptions: { ecmaVersion: 2022, sourceType: "script" }, rules: outputRules }]);
  const problems = messages.map((m) => `${m.line}:${m.column} ${m.message}`);
  return problems.length > 0 ? problems : closuresMadePerCall(code);
}
