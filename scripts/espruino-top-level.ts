// SPDX-License-Identifier: MIT
// An Espruino board's built file, instrumented so its top-level bindings can be read after it ran
// in the stand-in: the JsVar estimate walks them (scripts/espruino-budget.ts), and the build reads
// the handles start-up made (scripts/espruino-constants.ts).
import * as acorn from "acorn";
import vm from "node:vm";

/** Name of the object the instrumented bundle fills with its top-level bindings. */
export const topName = "__tsbmsTopLevel";

/**
 * The bundle with one statement added at the end of its top level (or, for a bundle that is one
 * immediately called function, at the end of that function) that copies every top-level binding
 * into a global object, so they can be walked (closures alone may reach them otherwise).
 */
export function exposeTopLevel(code: string): string {
  const program = acorn.parse(code, { ecmaVersion: 2022 }) as unknown as acorn.Program;
  // `(() => { … })();`, `!function () { … }();` or `var x = (() => { … })();`: the wrapper's body.
  const first = program.body[0];
  let e: acorn.Expression | null | undefined = first?.type === "ExpressionStatement" ? first.expression : first?.type === "VariableDeclaration" ? first.declarations[0].init : undefined;
  if (e?.type === "UnaryExpression") e = e.argument;
  const fn = program.body.length === 1 && e?.type === "CallExpression" ? e.callee : undefined;
  const wrapped = fn !== undefined && (fn.type === "ArrowFunctionExpression" || fn.type === "FunctionExpression") && fn.body.type === "BlockStatement" ? fn.body : undefined;
  const statements = wrapped !== undefined ? wrapped.body : program.body;
  const declared: string[] = [];
  const deleted = new Set<string>();
  for (const s of statements) {
    if (s.type === "VariableDeclaration") {
      for (const d of s.declarations) if (d.id.type === "Identifier") declared.push(d.id.name);
    } else if ((s.type === "FunctionDeclaration" || s.type === "ClassDeclaration") && s.id !== null) declared.push(s.id.name);
    // `delete name;` at the top level (scripts/espruino-release.ts): gone from Espruino's root scope.
    else if (s.type === "ExpressionStatement" && s.expression.type === "UnaryExpression" && s.expression.operator === "delete" && s.expression.argument.type === "Identifier") {
      deleted.add(s.expression.argument.name);
    }
  }
  const names = declared.filter((n) => !deleted.has(n));
  const last = statements[statements.length - 1];
  const at = wrapped === undefined ? code.length : last.type === "ReturnStatement" ? last.start : wrapped.end - 1;
  const capture = `;${topName}={${names.map((n) => `${JSON.stringify(n)}:${n}`).join(",")}};`;
  return code.slice(0, at) + capture + code.slice(at);
}

/** The bundle's top-level bindings (after exposeTopLevel), by name. */
export function topLevel(context: vm.Context): Record<string, unknown> {
  const top = vm.runInContext(`typeof ${topName} === "object" ? ${topName} : undefined`, context) as Record<string, unknown> | undefined;
  if (top === undefined) throw new Error("espruino-budget: the bundle did not reach its end (was it instrumented with exposeTopLevel?)");
  return top;
}
