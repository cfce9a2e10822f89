// SPDX-License-Identifier: MIT
// The last steps of an Espruino build (scripts/build.ts): terser compacts esbuild's output, its
// statements move out of the bundle's wrapping function to the top level, and the final text is
// linted with the subset rules Espruino needs, so the file that is uploaded is itself checked,
// not only its sources.
//
// Why terser after esbuild: esbuild minifies but never inlines a function or a constant across
// modules. On Espruino every function is a JsVar with one child per parameter, a code child and a
// scope child (4 + parameters JsVars inside a function, ../shared/reference/espruino.md §6 "small
// function: 5"), and every top-level constant a name and a value. terser's compressor, working
// inside the bundle's wrapping function, inlines functions called once and constants, which removes those JsVars; it
// renames locals only, never properties (esbuild's property names, and the board JSON keyed by
// them, stay valid). ecma 2015: it may use nothing newer than what esbuild targets (§11).
import * as acorn from "acorn";
import { Linter } from "eslint";
import { minify, type SimpleIdentifierMangler } from "terser";
import { bannedGlobals, bannedProperties, bannedSyntax } from "./lint-target-rules.js";

const firstChars = "etnrisoaludcfhpmgvbywkxjqzETNRISOALUDCFHPMGVBYWKXJQZ_$";
const laterChars = `${firstChars}0123456789`;

/**
 * terser's short names in order, leaving out `avoid`. Passing them as terser's `reserved` would
 * not do: terser keeps a reserved name that esbuild already gave a local (a minified `E`), where
 * this renames it like any other.
 */
export function namesAvoiding(avoid: Iterable<string>): SimpleIdentifierMangler {
  const skip = new Set(avoid);
  const made: string[] = [];
  let k = 0;
  const nameOf = (i: number): string => {
    let name = firstChars[i % firstChars.length];
    for (let j = Math.floor(i / firstChars.length); j > 0; j = Math.floor((j - 1) / laterChars.length)) name += laterChars[(j - 1) % laterChars.length];
    return name;
  };
  return {
    get(n: number): string {
      while (made.length <= n) {
        const name = nameOf(k++);
        if (!skip.has(name)) made.push(name);
      }
      return made[n];
    },
  };
}

/** The compacted bundle; none of the names it declares is one of `avoid` (scripts/espruino-names.ts). */
export async function compact(code: string, avoid: string[] = []): Promise<string> {
  const out = await minify(code, {
    ecma: 2015,
    // Passes until nothing more inlines (3 reach the fixpoint on these bundles); hoist_props turns
    // constant objects that never escape into plain variables, which then inline. reduce_funcs
    // off: otherwise a function used once moves to its call site as a function expression, which
    // Espruino would make on every call (lintOutput refuses that).
    compress: { passes: 3, inline: 3, hoist_props: true, reduce_funcs: false },
    // The names stay at the top level in the end (atTopLevel): none may hide an Espruino global.
    mangle: { nth_identifier: namesAvoiding(avoid) },
    // Classes keep their names: an error message or a stand-in report may name one.
    keep_classnames: true,
    // Non-ASCII characters as \u escapes, as esbuild writes them: Espruino's Unicode support is
    // partial (espruino.md §2), and the upload path moves the file as bytes.
    format: { ascii_only: true },
  });
  if (out.code === undefined) throw new Error("terser returned no code");
  return out.code;
}

/**
 * The statements of the bundle's one immediately called function, as top-level statements.
 * Espruino gives a function made inside another function a child pointing at the scope it was
 * made in; one made at the top level has none (src/jsparse.c, jspeFunctionDefinitionInternal and
 * jspeiGetScopesAsVar: no scope when none is open, the open scope when one is, a copied array of
 * them when several are). Unwrapped, every module-level function and method of the firmware
 * saves that JsVar (../shared/reference/espruino.md §6), and the bindings live in the root scope
 * instead of the wrapper's, at the same cost. What moves to the root scope must not hide a
 * global: compact's `reserved`.
 */
export function atTopLevel(code: string): string {
  const program = acorn.parse(code, { ecmaVersion: 2022 }) as unknown as acorn.Program;
  const only = program.body.length === 1 ? program.body[0] : undefined;
  let e: acorn.Expression | undefined = only?.type === "ExpressionStatement" ? only.expression : undefined;
  if (e?.type === "UnaryExpression") e = e.argument;
  const fn = e?.type === "CallExpression" && e.arguments.length === 0 ? e.callee : undefined;
  if (fn === undefined || (fn.type !== "ArrowFunctionExpression" && fn.type !== "FunctionExpression") || fn.params.length > 0 || fn.body.type !== "BlockStatement") {
    throw new Error("atTopLevel: the bundle is not one function called once with no arguments");
  }
  const body = code.slice(fn.body.start + 1, fn.body.end - 1);
  // A `return` or a directive in the wrapper would mean something else (or nothing) at the top level.
  if (fn.body.body.some((s) => s.type === "ReturnStatement" || (s.type === "ExpressionStatement" && "directive" in s))) {
    throw new Error("atTopLevel: the bundle's function returns or holds a directive at its top level");
  }
  acorn.parse(body, { ecmaVersion: 2022, sourceType: "script" });
  return body;
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
