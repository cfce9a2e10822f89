// SPDX-License-Identifier: MIT
// Handles made at load time, written into an Espruino board's built file as the numbers they are.
//
// The EMS signal rows are numbered as their modules load: `alarmsSig = { alarmGeneral:
// plain(…), … }` holds the row index addRow returned (firmware/ems/signals-inverter.ts). Those
// objects are constants in all but name: the same numbers on every start of every board, never
// written. terser cannot know that (they come from calls), so each would stay an object with one
// JsVar a property (scripts/espruino-budget.ts) and a property lookup on every read. This step
// replaces every `X.p` of such an object with its number; the binding is then unused and the
// release (scripts/espruino-release.ts) drops it.
//
// An object qualifies when, at once:
//  - it is the value of a top-level binding whose initializer is an object literal;
//  - every reference to the binding is a read `X.p` with a plain property name: never assigned,
//    updated or deleted through, never passed, aliased or spread as a whole (eslint-scope resolves
//    the references, so a local of the same name does not count);
//  - after start-up, in two stand-in runs that differ in seed, charge and temperature, it is a
//    plain object whose properties are all the same safe integers in both.
import * as acorn from "acorn";
import { analyze } from "eslint-scope";
import type * as ESTree from "estree";

type Node = acorn.Node & Record<string, unknown>;

/** A binding that may be inlined: where its reads are, and the property each reads. */
interface Candidate {
  name: string;
  /** `wrap`: the read is itself the object of a member expression (`X.p.q`), so its number needs parentheses. */
  reads: { start: number; end: number; property: string; wrap: boolean }[];
}

/** Parent of every node of `program`. */
function parents(program: acorn.Program): Map<Node, Node> {
  const up = new Map<Node, Node>();
  const visit = (n: Node): void => {
    for (const key of Object.keys(n)) {
      const v = n[key];
      const children = Array.isArray(v) ? v : [v];
      for (const c of children) {
        if (c !== null && typeof c === "object" && typeof (c as Node).type === "string") {
          up.set(c as Node, n);
          visit(c as Node);
        }
      }
    }
  };
  visit(program as unknown as Node);
  return up;
}

/** Top-level `X = { … }` bindings read only as `X.p`, with those reads. */
export function readOnlyObjects(code: string): Candidate[] {
  // ranges: eslint-scope reads them.
  const program = acorn.parse(code, { ecmaVersion: 2022, ranges: true });
  const declared = new Map<string, Node>();
  for (const s of program.body) {
    // esbuild and terser write module constants as `var`: a later assignment is a reference
    // other than `X.p`, which disqualifies the binding below.
    if (s.type !== "VariableDeclaration") continue;
    for (const d of s.declarations) {
      if (d.id.type === "Identifier" && d.init?.type === "ObjectExpression") declared.set(d.id.name, d.id as unknown as Node);
    }
  }
  const up = parents(program);
  const scopes = analyze(program as unknown as ESTree.Program, { ecmaVersion: 2022, sourceType: "script" });
  const found: Candidate[] = [];
  for (const v of scopes.globalScope?.variables ?? []) {
    const id = declared.get(v.name);
    if (id === undefined) continue;
    const reads: Candidate["reads"] = [];
    let ok = true;
    for (const r of v.references) {
      const ident = r.identifier as unknown as Node;
      if (ident === id) continue; // the declaration's own initialisation
      const parent = up.get(ident);
      const member = parent?.type === "MemberExpression" && parent.object === ident && parent.computed === false ? parent : undefined;
      const around = member === undefined ? undefined : up.get(member);
      const written =
        around !== undefined &&
        ((around.type === "AssignmentExpression" && around.left === member) ||
          around.type === "UpdateExpression" ||
          (around.type === "UnaryExpression" && around.operator === "delete") ||
          (around.type === "CallExpression" && around.callee === member));
      if (member === undefined || written || (member.property as Node).type !== "Identifier") {
        ok = false;
        break;
      }
      const wrap = around?.type === "MemberExpression" && around.object === member;
      reads.push({ start: member.start, end: member.end, property: (member.property as unknown as { name: string }).name, wrap });
    }
    if (ok && reads.length > 0) found.push({ name: v.name, reads });
  }
  return found;
}

/** `v`'s own properties when it is a plain object of safe integers only, else undefined. */
function integersOf(v: unknown): Map<string, number> | undefined {
  if (v === null || typeof v !== "object" || Array.isArray(v) || ArrayBuffer.isView(v)) return undefined;
  const proto = Object.getPrototypeOf(v) as object | null;
  if (proto === null || Object.getPrototypeOf(proto) !== null) return undefined;
  const out = new Map<string, number>();
  for (const k of Object.getOwnPropertyNames(v)) {
    const d = Object.getOwnPropertyDescriptor(v, k);
    if (d === undefined || !("value" in d) || !Number.isSafeInteger(d.value)) return undefined;
    out.set(k, d.value as number);
  }
  return out;
}

/**
 * `code` with every read of a qualifying object replaced by its number. `runs`: the file's
 * top-level bindings after start-up in at least two stand-in runs (scripts/espruino-budget.ts
 * topLevel); a value that differs between them, or is not all integers, is left alone.
 */
export function inlineHandles(code: string, runs: Record<string, unknown>[]): { code: string; inlined: string[] } {
  if (runs.length < 2) throw new Error("espruino-constants: two start-up runs are needed to tell a constant from a value");
  const edits: { start: number; end: number; text: string }[] = [];
  const inlined: string[] = [];
  for (const c of readOnlyObjects(code)) {
    const seen = runs.map((r) => integersOf(r[c.name]));
    const first = seen[0];
    if (first === undefined || seen.some((s) => s === undefined || s.size !== first.size || [...first].some(([k, n]) => s.get(k) !== n))) continue;
    if (c.reads.some((r) => !first.has(r.property))) continue;
    for (const r of c.reads) {
      const n = first.get(r.property) as number;
      edits.push({ start: r.start, end: r.end, text: n < 0 || r.wrap ? `(${n})` : String(n) });
    }
    inlined.push(c.name);
  }
  edits.sort((a, b) => b.start - a.start);
  let out = code;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return { code: out, inlined: inlined.sort() };
}
