// SPDX-License-Identifier: MIT
// Which top-level bindings of an Espruino board's built file nothing can use once start-up is
// over, so the file ends by setting them to undefined and deleting them, and Espruino frees what
// they held: the configuration validator, the board parser, the option checks, the factories that
// wire the drivers. Their code stays in flash; the function objects (3 JsVars and one per
// parameter each, scripts/espruino-budget.ts) and the names go.
//
// Found in two parts, so that neither has to be complete on its own:
//  - what exists: the file runs start-up in the Espruino stand-in (sim/espruino), and every object
//    reachable from what start-up left behind (the `tsbms` global, the interval and the serial
//    handler Espruino will call) is walked: instances lead to their class's methods, objects to
//    their properties, functions to the variables they closed over (read through the V8
//    inspector's [[Scopes]]: a closure may be the only holder of an object), never through the
//    global object itself;
//  - what code can name: each live function's source (found by its text) references top-level
//    bindings (eslint-scope resolves every identifier, so a local that shadows one does not
//    count); a binding named by live code is live, its value is walked, and so on to a fixpoint.
// A class reached only as an instance's constructor stays for its methods, but its constructor's
// references (the validator the shell's constructor calls) do not make anything live: only code
// that names the class can make another instance.
import * as acorn from "acorn";
import { analyze } from "eslint-scope";
import type * as ESTree from "estree";
import inspector from "node:inspector/promises";
import vm from "node:vm";

type Node = acorn.Node & Record<string, unknown>;

/** Source positions of every reference to a top-level binding, with the binding's name. */
function topLevelReferences(program: acorn.Program): { at: number; name: string }[] {
  const scopes = analyze(program as unknown as ESTree.Program, { ecmaVersion: 2022, sourceType: "script" });
  const refs: { at: number; name: string }[] = [];
  for (const v of scopes.globalScope?.variables ?? []) {
    for (const r of v.references) refs.push({ at: (r.identifier as unknown as acorn.Node).start, name: v.name });
  }
  return refs.sort((a, b) => a.at - b.at);
}

/** The names referenced in [start, end). */
function namesIn(refs: { at: number; name: string }[], start: number, end: number): Set<string> {
  const names = new Set<string>();
  for (const r of refs) if (r.at >= start && r.at < end) names.add(r.name);
  return names;
}

interface Analysis {
  /** Source text of every arrow function that uses `this` (its own, an enclosing function's). */
  arrowsUsingThis: Set<string>;
  /** Source text of a function or class (as Function.prototype.toString gives it) → names it references. */
  byText: Map<string, Set<string>>;
  /** Top-level binding → names its declaration references. */
  byBinding: Map<string, Set<string>>;
}

function analyse(code: string): Analysis {
  const program = acorn.parse(code, { ecmaVersion: 2022, ranges: true });
  const refs = topLevelReferences(program);
  const byText = new Map<string, Set<string>>();
  const arrowsUsingThis = new Set<string>();
  const usesThis = (n: Node): boolean => {
    if (n.type === "ThisExpression") return true;
    if (n.type === "FunctionExpression" || n.type === "FunctionDeclaration") return false;
    return Object.values(n).some((value) => (Array.isArray(value) ? value : [value]).some((c) => c !== null && typeof c === "object" && typeof (c as Node).type === "string" && usesThis(c as Node)));
  };
  const add = (text: string, start: number, end: number): void => {
    const names = namesIn(refs, start, end);
    const had = byText.get(text);
    byText.set(text, had === undefined ? names : new Set([...had, ...names]));
  };
  const visit = (n: Node): void => {
    if (n.type === "FunctionExpression" || n.type === "FunctionDeclaration" || n.type === "ArrowFunctionExpression" || n.type === "ClassExpression" || n.type === "ClassDeclaration") {
      add(code.slice(n.start, n.end), n.start, n.end);
      if (n.type === "ArrowFunctionExpression" && usesThis(n.body as Node)) arrowsUsingThis.add(code.slice(n.start, n.end));
    }
    if (n.type === "MethodDefinition" || n.type === "Property") {
      // A method's text starts at its key; `static ` is not part of it.
      const key = n.key as Node;
      if ((n.value as Node).type === "FunctionExpression") add(code.slice(key.start, n.end), n.start, n.end);
    }
    for (const value of Object.values(n)) {
      for (const c of Array.isArray(value) ? value : [value]) if (c !== null && typeof c === "object" && typeof (c as Node).type === "string") visit(c as Node);
    }
  };
  visit(program as unknown as Node);
  // What a variable's initializer names matters only inside the functions and classes in it: the
  // rest ran once, at start, and what it made is walked as a value (a table the signal rows were
  // built into does not keep the row builder).
  const isCode = (n: Node): boolean => n.type === "FunctionExpression" || n.type === "ArrowFunctionExpression" || n.type === "ClassExpression";
  const laterCode = (init: Node | null | undefined): Set<string> => {
    const names = new Set<string>();
    const visitInit = (n: Node): void => {
      if (isCode(n)) {
        for (const name of namesIn(refs, n.start, n.end)) names.add(name);
        return;
      }
      for (const value of Object.values(n)) {
        for (const c of Array.isArray(value) ? value : [value]) if (c !== null && typeof c === "object" && typeof (c as Node).type === "string") visitInit(c as Node);
      }
    };
    if (init !== null && init !== undefined) visitInit(init);
    return names;
  };
  const byBinding = new Map<string, Set<string>>();
  for (const s of program.body) {
    if (s.type === "FunctionDeclaration" || s.type === "ClassDeclaration") byBinding.set((s.id as acorn.Identifier).name, namesIn(refs, s.start, s.end));
    if (s.type === "VariableDeclaration") {
      for (const d of s.declarations) if (d.id.type === "Identifier") byBinding.set(d.id.name, laterCode(d.init as Node | null | undefined));
    }
  }
  return { arrowsUsingThis, byText, byBinding };
}

interface RemoteObject {
  objectId?: string;
}
interface PropertyDescriptor {
  name: string;
  value?: RemoteObject;
}

/**
 * The objects `fn` closed over, from every scope around it but the global one (whose bindings
 * are walked by name). The inspector runs in this thread, so the objects come back as themselves.
 */
async function closedOver(session: inspector.Session, fn: unknown): Promise<unknown[]> {
  const host = globalThis as { __tsbmsProbe?: unknown; __tsbmsSink?: unknown[] };
  host.__tsbmsProbe = fn;
  host.__tsbmsSink = [];
  try {
    const probe = (await session.post("Runtime.evaluate", { expression: "globalThis.__tsbmsProbe" })) as { result: RemoteObject };
    const sink = (await session.post("Runtime.evaluate", { expression: "globalThis.__tsbmsSink" })) as { result: RemoteObject };
    const props = (await session.post("Runtime.getProperties", { objectId: probe.result.objectId, ownProperties: false })) as unknown as { internalProperties?: PropertyDescriptor[] };
    const scopes = props.internalProperties?.find((p) => p.name === "[[Scopes]]")?.value?.objectId;
    if (scopes === undefined) return [];
    const list = (await session.post("Runtime.getProperties", { objectId: scopes, ownProperties: true })) as { result: (PropertyDescriptor & { value?: RemoteObject & { description?: string } })[] };
    for (const scope of list.result) {
      if (scope.value?.objectId === undefined || /^(Global|Script)\b/.test(scope.value.description ?? "")) continue;
      const vars = (await session.post("Runtime.getProperties", { objectId: scope.value.objectId, ownProperties: true })) as { result: PropertyDescriptor[] };
      for (const v of vars.result) {
        if (v.value?.objectId === undefined) continue;
        await session.post("Runtime.callFunctionOn", { objectId: sink.result.objectId, functionDeclaration: "function (v) { this.push(v); }", arguments: [{ objectId: v.value.objectId }] });
      }
    }
    return host.__tsbmsSink;
  } finally {
    delete host.__tsbmsProbe;
    delete host.__tsbmsSink;
  }
}

/**
 * The top-level bindings of `code` (already run in `context`, which holds them as properties of its
 * global object) that hold an object or a function nothing reachable from `roots` can use.
 */
export async function unusedAfterStart(code: string, context: vm.Context, roots: unknown[]): Promise<string[]> {
  const session = new inspector.Session();
  session.connect();
  try {
    return await walk(code, context, roots, session);
  } finally {
    session.disconnect();
  }
}

async function walk(code: string, context: vm.Context, roots: unknown[], session: inspector.Session): Promise<string[]> {
  const { arrowsUsingThis, byText, byBinding } = analyse(code);
  const global = vm.runInContext("global", context) as object;
  const objectPrototype = vm.runInContext("Object.prototype", context) as object;
  const functionPrototype = vm.runInContext("Function.prototype", context) as object;
  const liveNames = new Set<string>();
  const seen = new Set<object>();
  const names: string[] = [];
  const values: unknown[] = [...roots];
  const fromBundle = (o: object): boolean => {
    for (let p = Object.getPrototypeOf(o) as object | null; p !== null; p = Object.getPrototypeOf(p) as object | null) {
      if (p === objectPrototype || p === functionPrototype) return true;
    }
    return false;
  };
  const ownClass = (p: object): boolean => {
    const c = Object.getOwnPropertyDescriptor(p, "constructor")?.value as unknown;
    return typeof c === "function" && !/\{ \[native code\] \}$/.test(Function.prototype.toString.call(c));
  };
  const members = (o: object, skip: string[]): void => {
    for (const k of Object.getOwnPropertyNames(o)) {
      const d = Object.getOwnPropertyDescriptor(o, k);
      if (d !== undefined && !skip.includes(k)) values.push(...("value" in d ? [d.value] : [d.get, d.set]));
    }
  };
  while (values.length > 0 || names.length > 0) {
    const n = names.pop();
    if (n !== undefined) {
      if (!liveNames.has(n)) {
        liveNames.add(n);
        for (const m of byBinding.get(n) ?? []) names.push(m);
        values.push(context[n]);
      }
      continue;
    }
    const v = values.pop();
    if (v === null || (typeof v !== "object" && typeof v !== "function") || seen.has(v) || v === global || ArrayBuffer.isView(v) || !fromBundle(v)) continue;
    seen.add(v);
    if (typeof v === "function") {
      const text = Function.prototype.toString.call(v);
      // A bound function hides its target and `this` from the inspector.
      if ((v as { name?: unknown }).name?.toString().startsWith("bound ") === true) throw new Error(`espruino-release: a live bound function (${String((v as { name?: unknown }).name)}): bind is not walked`);
      // One of the context's own (Math.floor …): no source, names nothing of ours.
      if (/\{ \[native code\] \}$/.test(text)) continue;
      if (arrowsUsingThis.has(text)) {
        throw new Error(`espruino-release: a live arrow function uses \`this\`, which the inspector does not show (write \`const self = this\` and a function): ${text.slice(0, 80)}`);
      }
      const refs = byText.get(text);
      if (refs === undefined) throw new Error(`espruino-release: no source for a live function: ${text.slice(0, 80)}`);
      names.push(...refs);
      values.push(...(await closedOver(session, v)));
      members(v, ["prototype", "length", "name", "arguments", "caller"]);
      const proto = (v as { prototype?: unknown }).prototype;
      if (typeof proto === "object" && proto !== null) members(proto, ["constructor"]);
      continue;
    }
    members(v, []);
    // An instance: its class's methods, but not the class itself (see the header). The context's
    // own prototypes (Array.prototype …) hold nothing of ours.
    for (let p = Object.getPrototypeOf(v) as object | null; p !== null && ownClass(p); p = Object.getPrototypeOf(p) as object | null) members(p, ["constructor"]);
  }
  const unused: string[] = [];
  for (const name of byBinding.keys()) {
    const value = context[name] as unknown;
    if (!liveNames.has(name) && (typeof value === "function" || (typeof value === "object" && value !== null))) unused.push(name);
  }
  return unused;
}

/**
 * `code` ending by setting `names` to undefined, then deleting them. Espruino removes a deleted
 * root variable, name and all (src/jsparse.c jspeFactorDelete: "if no parent, check in root");
 * V8 keeps a `var` (not configurable), where the undefined is what a wrongly released name would
 * meet, so the stand-in's runs still catch one.
 */
export function releasing(code: string, names: string[]): string {
  return names.length === 0 ? code : `${code};${names.join("=")}=void 0;${names.map((n) => `delete ${n};`).join("")}`;
}
