// SPDX-License-Identifier: MIT
// The lint profile for firmware/ and hal/ (eslint.config.js with scripts/lint-target-rules.js)
// rejects every construct Espruino or typescript-to-lua on Lua 5.3 cannot run, accepts the portable
// way of writing the same thing, and leaves sim/ (host code) alone.
// Facts: shared/reference/espruino.md §2, §3, §12 and lua.md §3–§5, §8.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint, type Linter } from "eslint";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
// These paths are reserved in eslint.config.js (projectService.allowDefaultProject) and never exist
// on disk, so the type-aware rules work on the snippets without a file in the tree.
const firmwareProbe = path.join(repoRoot, "firmware", "__lint_probe__.ts");
const halProbe = path.join(repoRoot, "hal", "__lint_probe__.ts");
const simProbe = path.join(repoRoot, "sim", "__lint_probe__.ts");

// One instance for the whole file: the TypeScript project service is built once and reused.
const eslint = new ESLint({ cwd: repoRoot });

const linted = new Map<string, Promise<Linter.LintMessage[]>>();

/** Lints one snippet as if it were the file at filePath; each snippet is linted only once. */
function lint(code: string, filePath: string): Promise<Linter.LintMessage[]> {
  const key = `${filePath}\n${code}`;
  let result = linted.get(key);
  if (result === undefined) {
    result = eslint.lintText(code, { filePath }).then((results) => results.flatMap((r) => r.messages));
    linted.set(key, result);
  }
  return result;
}

const summary = (messages: Linter.LintMessage[]): string[] =>
  messages.map((m) => `${m.line}:${m.column} ${m.ruleId ?? "(fatal)"}: ${m.message}`);

interface Banned {
  /** The construct, as the test title names it. */
  construct: string;
  /** A small module that uses it. */
  code: string;
  /** The rule expected to reject it. */
  rule: string;
  /** Text the rule's message must contain, so the report names what is wrong. */
  names: string;
  /** The same thing written the portable way: must lint with no message at all. */
  allowed: string;
  /** Also lint the banned code as a sim/ file, where it is normal Node code and must pass. */
  host?: true;
}

const syntax = "no-restricted-syntax";
const globals = "no-restricted-globals";
const properties = "no-restricted-properties";
const imports = "no-restricted-imports";
const useBeforeDefine = "@typescript-eslint/no-use-before-define";
const strictBoolean = "@typescript-eslint/strict-boolean-expressions";

const readerFactory = `function reader(i: number): () => number {
  return () => i;
}
export const readers: (() => number)[] = [];
for (let i = 0; i < 3; i++) {
  readers.push(reader(i));
}
`;

const banned: Banned[] = [
  {
    construct: "object destructuring",
    code: `export function cellMv(o: { mV: number }): number {
  const { mV } = o;
  return mV;
}
`,
    rule: syntax,
    names: "destructuring",
    allowed: `export function cellMv(o: { mV: number }): number {
  const mV = o.mV;
  return mV;
}
`,
    host: true,
  },
  {
    construct: "array destructuring",
    code: `export function first(a: number[]): number {
  const [x] = a;
  return x;
}
`,
    rule: syntax,
    names: "destructuring",
    allowed: `export function first(a: number[]): number {
  const x = a[0];
  return x;
}
`,
    host: true,
  },
  {
    construct: "parameter destructuring",
    code: `export function cellMv({ mV }: { mV: number }): number {
  return mV;
}
`,
    rule: syntax,
    names: "destructuring",
    allowed: `export function cellMv(o: { mV: number }): number {
  return o.mV;
}
`,
    host: true,
  },
  {
    construct: "spread in a call",
    code: `export function highest(a: number[]): number {
  return Math.max(...a);
}
`,
    rule: syntax,
    names: "spread",
    allowed: `export function highest(a: number[]): number {
  let best = a[0];
  for (let i = 1; i < a.length; i++) {
    best = Math.max(best, a[i]);
  }
  return best;
}
`,
    host: true,
  },
  {
    construct: "spread in an array literal",
    code: `export function copy(a: number[]): number[] {
  return [...a];
}
`,
    rule: syntax,
    names: "spread",
    allowed: `export function copy(a: number[]): number[] {
  return a.slice();
}
`,
    host: true,
  },
  {
    construct: "spread in an object literal",
    code: `export function copy(o: { mV: number }): { mV: number } {
  return { ...o };
}
`,
    rule: syntax,
    names: "spread",
    allowed: `export function copy(o: { mV: number }): { mV: number } {
  return { mV: o.mV };
}
`,
    host: true,
  },
  {
    construct: "rest parameters",
    code: `export function count(...a: number[]): number {
  return a.length;
}
`,
    rule: syntax,
    names: "rest parameters",
    allowed: `export function count(a: number[]): number {
  return a.length;
}
`,
    host: true,
  },
  {
    construct: "default parameters",
    code: `export function scale(x: number, k = 2): number {
  return x * k;
}
`,
    rule: syntax,
    names: "default parameters",
    allowed: `export function scale(x: number, k?: number): number {
  return k !== undefined ? x * k : x * 2;
}
`,
    host: true,
  },
  {
    construct: "a computed key in an object literal",
    code: `const key = "mV";
export const reading = { [key]: 3300 };
`,
    rule: syntax,
    names: "computed keys",
    allowed: `export const reading = { mV: 3300 };
`,
  },
  {
    construct: "a computed class method name",
    code: `const key = "read";
export class Afe {
  [key](): number {
    return 1;
  }
}
`,
    rule: syntax,
    names: "computed keys",
    allowed: `export class Afe {
  read(): number {
    return 1;
  }
}
`,
  },
  {
    construct: "a computed class field name",
    code: `const key = "mV";
export class Cell {
  [key] = 0;
}
`,
    rule: syntax,
    names: "computed keys",
    allowed: `export class Cell {
  mV = 0;
}
`,
  },
  {
    construct: "a computed abstract method name",
    code: `const key = "read";
export abstract class Afe {
  abstract [key](): number;
}
`,
    rule: syntax,
    names: "computed keys",
    allowed: `export abstract class Afe {
  abstract read(): number;
}
`,
  },
  {
    construct: "a generator",
    code: `export function* ids(): Generator<number> {
  yield 1;
}
`,
    rule: syntax,
    names: "generators",
    allowed: `export function ids(): number[] {
  return [1];
}
`,
    host: true,
  },
  {
    construct: "yield",
    code: `export function* ids(): Generator<number> {
  yield 1;
}
`,
    rule: syntax,
    names: "yield",
    allowed: `export function ids(): number[] {
  return [1];
}
`,
  },
  {
    construct: "an async function",
    code: `export async function read(): Promise<number> {
  return 1;
}
`,
    rule: syntax,
    names: "async functions",
    allowed: `export function read(): number {
  return 1;
}
`,
    host: true,
  },
  {
    construct: "await",
    code: `export async function read(f: () => Promise<number>): Promise<number> {
  return await f();
}
`,
    rule: syntax,
    names: "await",
    allowed: `export function read(f: () => number): number {
  return f();
}
`,
  },
  {
    construct: "a labelled break",
    code: `export function firstOver(rows: number[][], limit: number): number {
  let found = -1;
  outer: for (let r = 0; r < rows.length; r++) {
    for (let c = 0; c < rows[r].length; c++) {
      if (rows[r][c] > limit) {
        found = r;
        break outer;
      }
    }
  }
  return found;
}
`,
    rule: syntax,
    names: "labels",
    allowed: `export function firstOver(rows: number[][], limit: number): number {
  for (let r = 0; r < rows.length; r++) {
    for (let c = 0; c < rows[r].length; c++) {
      if (rows[r][c] > limit) {
        return r;
      }
    }
  }
  return -1;
}
`,
  },
  {
    construct: "a #private field",
    code: `export class Counter {
  #count = 0;
  next(): number {
    this.#count += 1;
    return this.#count;
  }
}
`,
    rule: syntax,
    names: "#private",
    allowed: `export class Counter {
  private count = 0;
  next(): number {
    this.count += 1;
    return this.count;
  }
}
`,
  },
  {
    construct: "new.target",
    code: `export class Base {
  kind: string;
  constructor() {
    this.kind = new.target.name;
  }
}
`,
    rule: syntax,
    names: "new.target",
    allowed: `export class Base {
  kind: string;
  constructor(kind: string) {
    this.kind = kind;
  }
}
`,
  },
  {
    construct: "new Map()",
    code: `export const byId = new Map<number, number>();
`,
    rule: globals,
    names: "'Map'",
    allowed: `export const byId: number[] = [];
`,
    host: true,
  },
  {
    construct: "a reference to Map",
    code: `export const Table = Map;
`,
    rule: globals,
    names: "'Map'",
    allowed: `export const table: number[] = [];
`,
    host: true,
  },
  {
    construct: "Map as a parameter type",
    code: `export function size(m: Map<number, number>): number {
  return m.size;
}
`,
    rule: syntax,
    names: "Map/Set/WeakMap/Symbol types",
    allowed: `export function size(a: number[]): number {
  return a.length;
}
`,
    host: true,
  },
  {
    construct: "new Set()",
    code: `export const seen = new Set<number>();
`,
    rule: globals,
    names: "'Set'",
    allowed: `export const seen: boolean[] = [];
`,
  },
  {
    construct: "a reference to Set",
    code: `export const Unique = Set;
`,
    rule: globals,
    names: "'Set'",
    allowed: `export const unique: boolean[] = [];
`,
  },
  {
    construct: "Symbol()",
    code: `export const tag = Symbol("tag");
`,
    rule: globals,
    names: "'Symbol'",
    allowed: `export const tag = "tag";
`,
  },
  {
    construct: "a reference to Symbol",
    code: `export const iteratorKey = Symbol.iterator;
`,
    rule: globals,
    names: "'Symbol'",
    allowed: `export const iteratorKey = "iterator";
`,
  },
  {
    construct: "new WeakMap()",
    code: `export const extra = new WeakMap<object, number>();
`,
    rule: globals,
    names: "'WeakMap'",
    allowed: `export const extra: number[] = [];
`,
  },
  {
    construct: "a reference to WeakMap",
    code: `export const Side = WeakMap;
`,
    rule: globals,
    names: "'WeakMap'",
    allowed: `export const side: number[] = [];
`,
  },
  {
    construct: "the ** operator",
    code: `export const full = 2 ** 10;
`,
    rule: syntax,
    names: "**",
    allowed: `export const full = Math.pow(2, 10);
`,
    host: true,
  },
  {
    construct: "the **= operator",
    code: `export function square(x: number): number {
  let y = x;
  y **= 2;
  return y;
}
`,
    rule: syntax,
    names: "**=",
    allowed: `export function square(x: number): number {
  return x * x;
}
`,
  },
  {
    construct: "the ??= operator",
    code: `export function orZero(x: number | undefined): number {
  let y = x;
  y ??= 0;
  return y;
}
`,
    rule: syntax,
    names: "??=",
    allowed: `export function orZero(x: number | undefined): number {
  return x ?? 0;
}
`,
  },
  {
    construct: "the ||= operator",
    code: `export function either(a: boolean, b: boolean): boolean {
  let y = a;
  y ||= b;
  return y;
}
`,
    rule: syntax,
    names: "||=",
    allowed: `export function either(a: boolean, b: boolean): boolean {
  return a || b;
}
`,
  },
  {
    construct: "the &&= operator",
    code: `export function both(a: boolean, b: boolean): boolean {
  let y = a;
  y &&= b;
  return y;
}
`,
    rule: syntax,
    names: "&&=",
    allowed: `export function both(a: boolean, b: boolean): boolean {
  return a && b;
}
`,
  },
  {
    construct: "a function called before its declaration",
    code: `export function tick(): number {
  return step();
}
function step(): number {
  return 1;
}
`,
    rule: useBeforeDefine,
    names: "'step' was used before it was defined",
    allowed: `function step(): number {
  return 1;
}
export function tick(): number {
  return step();
}
`,
    host: true,
  },
  {
    construct: "a class used before its definition",
    code: `export const shell = new Shell();
class Shell {
  ticks = 0;
}
`,
    rule: useBeforeDefine,
    names: "'Shell' was used before it was defined",
    allowed: `class Shell {
  ticks = 0;
}
export const shell = new Shell();
`,
  },
  {
    construct: "a constant read before its definition",
    code: `export function limit(): number {
  return maxMv;
}
const maxMv = 4200;
`,
    rule: useBeforeDefine,
    names: "'maxMv' was used before it was defined",
    allowed: `const maxMv = 4200;
export function limit(): number {
  return maxMv;
}
`,
  },
  {
    construct: "a closure over a for-let variable created in the loop",
    code: `export const readers: (() => number)[] = [];
for (let i = 0; i < 3; i++) {
  readers.push(() => i);
}
`,
    rule: syntax,
    names: "function created in a loop",
    allowed: readerFactory,
    host: true,
  },
  {
    construct: "a closure over a variable the loop changes",
    code: `export const readers: (() => number)[] = [];
let n = 0;
while (n < 3) {
  readers.push(() => n);
  n += 1;
}
`,
    rule: "no-loop-func",
    names: "Function declared in a loop",
    allowed: readerFactory,
  },
  {
    construct: "Array.from",
    code: `export const copy = Array.from([1, 2]);
`,
    rule: properties,
    names: "'Array.from'",
    allowed: `export const copy = [1, 2].slice();
`,
    host: true,
  },
  {
    construct: "Number.isFinite",
    code: `export function valid(x: number): boolean {
  return Number.isFinite(x);
}
`,
    rule: properties,
    names: "'Number.isFinite'",
    allowed: `export function valid(x: number): boolean {
  return isFinite(x);
}
`,
    host: true,
  },
  {
    construct: "Math.trunc",
    code: `export function whole(x: number): number {
  return Math.trunc(x);
}
`,
    rule: properties,
    names: "'Math.trunc'",
    allowed: `export function whole(x: number): number {
  return x < 0 ? Math.ceil(x) : Math.floor(x);
}
`,
  },
  {
    construct: "Object.freeze",
    code: `export const modes = Object.freeze({ idle: 0, run: 1 });
`,
    rule: properties,
    names: "'Object.freeze'",
    allowed: `export const modes = { idle: 0, run: 1 } as const;
`,
  },
  {
    construct: "toFixed",
    code: `export function show(v: number): string {
  return v.toFixed(1);
}
`,
    rule: properties,
    names: "'toFixed'",
    allowed: `export function show(mV: number): string {
  return String(mV) + " mV";
}
`,
  },
  {
    construct: "JSON.stringify",
    code: `export function show(o: { mV: number }): string {
  return JSON.stringify(o);
}
`,
    rule: properties,
    names: "'JSON.stringify'",
    allowed: `export function show(o: { mV: number }): string {
  return "mV=" + String(o.mV);
}
`,
  },
  {
    construct: "the >> operator",
    code: `export function highByte(x: number): number {
  return x >> 8;
}
`,
    rule: syntax,
    names: ">>",
    allowed: `export function highByte(x: number): number {
  return (x & 0xffff) >>> 8;
}
`,
    host: true,
  },
  {
    construct: "the >>= operator",
    code: `export function half(x: number): number {
  let y = x;
  y >>= 1;
  return y;
}
`,
    rule: syntax,
    names: ">>=",
    allowed: `export function half(x: number): number {
  let y = x & 0xffff;
  y >>>= 1;
  return y;
}
`,
  },
  {
    construct: "for…in",
    code: `export function total(cells: number[]): number {
  let sum = 0;
  for (const i in cells) {
    sum += cells[i];
  }
  return sum;
}
`,
    rule: syntax,
    names: "for…in",
    allowed: `export function total(cells: number[]): number {
  let sum = 0;
  for (let i = 0; i < cells.length; i++) {
    sum += cells[i];
  }
  return sum;
}
`,
    host: true,
  },
  {
    construct: "the null literal",
    code: `export function none(): number[] | null {
  return null;
}
`,
    rule: syntax,
    names: "null: Lua has no null",
    // The string "null" is not the null literal.
    allowed: `export const label = "null";
export function none(): number[] | undefined {
  return undefined;
}
`,
    host: true,
  },
  {
    construct: "the null type",
    code: `export type Reading = number | null;
`,
    rule: syntax,
    names: "null type",
    allowed: `export type Reading = number | undefined;
`,
  },
  {
    construct: "new Array(3)",
    code: `export const cells = new Array(3);
`,
    rule: syntax,
    names: "new Array(n)",
    allowed: `import { numberArray } from "./alloc";
export const cells = numberArray(3, 0);
`,
  },
  {
    construct: "Array(3)",
    code: `export const cells = Array(3);
`,
    rule: syntax,
    names: "Array(n)",
    allowed: `import { numberArray } from "./alloc";
export const cells = numberArray(3, 0);
`,
  },
  {
    construct: "new Uint8Array(4)",
    code: `export const frame = new Uint8Array(4);
`,
    rule: globals,
    names: "'Uint8Array'",
    allowed: `import { numberArray } from "./alloc";
export const frame = numberArray(4, 0);
`,
    host: true,
  },
  {
    construct: "a typed array as a parameter type",
    code: `export function length(b: Uint8Array): number {
  return b.length;
}
`,
    rule: syntax,
    names: "typed arrays, ArrayBuffer, DataView types",
    allowed: `export function length(b: number[]): number {
  return b.length;
}
`,
  },
  {
    construct: "new DataView over an ArrayBuffer",
    code: `export const view = new DataView(new ArrayBuffer(4));
`,
    rule: globals,
    names: "'DataView'",
    allowed: `import { numberArray } from "./alloc";
export const view = numberArray(4, 0);
`,
  },
  {
    construct: "an object-literal getter",
    code: `export const pack = {
  get mV(): number {
    return 3300;
  },
};
`,
    rule: syntax,
    names: "object-literal accessors",
    allowed: `class Pack {
  get mV(): number {
    return 3300;
  }
}
export const pack = new Pack();
`,
  },
  {
    construct: "an object-literal setter",
    code: `export const pack = {
  set mV(_v: number) {},
};
`,
    rule: syntax,
    names: "object-literal accessors",
    allowed: `class Pack {
  mV = 0;
  setMv(v: number): void {
    this.mV = v;
  }
}
export const pack = new Pack();
`,
  },
  {
    construct: "class E extends Error",
    code: `export class E extends Error {}
`,
    rule: syntax,
    names: "subclassing a built-in",
    allowed: `export class Fault {
  code: number;
  constructor(code: number) {
    this.code = code;
  }
}
export function fail(f: Fault): never {
  throw new Error("fault " + String(f.code));
}
`,
  },
  {
    construct: "a class expression extending RangeError",
    code: `export const E = class extends RangeError {};
`,
    rule: syntax,
    names: "subclassing a built-in",
    allowed: `export const E = class {
  code = 0;
};
`,
  },
  {
    construct: "class extends Array",
    code: `export class Cells extends Array<number> {}
`,
    rule: syntax,
    names: "subclassing a built-in",
    allowed: `class Base {
  size = 0;
}
export class Cells extends Base {}
`,
  },
  {
    construct: "a const enum",
    code: `export const enum Mode {
  Idle,
  Run,
}
`,
    rule: syntax,
    names: "const enum",
    allowed: `export const Mode = { Idle: 0, Run: 1 } as const;
`,
  },
  {
    construct: "a tagged template",
    code: `function tag(s: TemplateStringsArray): string {
  return s[0];
}
export const text = tag\`a\`;
`,
    rule: syntax,
    names: "tagged templates",
    allowed: `export const text = \`a\`;
`,
  },
  {
    construct: "a dynamic import()",
    code: `export function load(): Promise<unknown> {
  return import("./intmath");
}
`,
    rule: syntax,
    names: "dynamic import()",
    allowed: `import { clamp } from "./intmath";
export const load = clamp;
`,
  },
  {
    construct: "a number used as a condition",
    code: `export function sign(n: number): number {
  if (n) {
    return 1;
  }
  return 0;
}
`,
    rule: strictBoolean,
    names: "number value in conditional",
    allowed: `export function sign(n: number): number {
  if (n !== 0) {
    return 1;
  }
  return 0;
}
`,
    host: true,
  },
  {
    construct: "a string used as a condition",
    code: `export function named(s: string): boolean {
  return !s;
}
`,
    rule: strictBoolean,
    names: "string value in conditional",
    allowed: `export function named(s: string): boolean {
  return s.length === 0;
}
`,
  },
  {
    construct: "==",
    code: `export function same(a: number, b: number): boolean {
  return a == b;
}
`,
    rule: "eqeqeq",
    names: "'==='",
    allowed: `export function same(a: number, b: number): boolean {
  return a === b;
}
`,
  },
  {
    construct: "var",
    code: `var count = 0;
export const start = count;
`,
    rule: "no-var",
    names: "var",
    allowed: `const count = 0;
export const start = count;
`,
  },
  {
    construct: "an expression statement with no effect",
    code: `export function poke(o: { close: () => void }): void {
  o.close;
}
`,
    rule: "@typescript-eslint/no-unused-expressions",
    names: "assignment or function call",
    allowed: `export function poke(o: { close: () => void }): void {
  o.close();
}
`,
  },
  {
    construct: "an import of node:fs",
    code: `import { readFileSync } from "node:fs";
export const read = readFileSync;
`,
    rule: imports,
    names: "'node:fs'",
    allowed: `import { clamp } from "./intmath";
export const limited = clamp(5, 0, 3);
`,
    host: true,
  },
  {
    construct: "an import of a builtin without the node: prefix",
    code: `import { EventEmitter } from "events";
export const Emitter = EventEmitter;
`,
    rule: imports,
    names: "'events'",
    allowed: `import { clamp } from "./intmath";
export const limited = clamp(5, 0, 3);
`,
  },
  {
    construct: "an import of an npm package",
    code: `import { z } from "zod";
export const schema = z.number();
`,
    rule: imports,
    names: "'zod'",
    allowed: `import { divRound } from "./intmath";
export const half = divRound(7, 2);
`,
  },
  {
    construct: "an import from sim/",
    code: `import type { Scenario } from "../sim/scenario";
export type Run = Scenario;
`,
    rule: imports,
    names: "'../sim/scenario'",
    allowed: `import type { Platform } from "../hal/hal";
export type Host = Platform;
`,
  },
  {
    construct: "a value import from boards/",
    code: `import { boards } from "../boards/index";
export const count = boards.length;
`,
    rule: imports,
    names: "boards/",
    allowed: `import type { BoardDefinition } from "../boards/types";
export type Board = BoardDefinition;
`,
  },
];

const severityError = z.union([z.literal(2), z.literal("error")]);
const targetConfig = z.object({
  rules: z.object({
    "no-restricted-syntax": z.tuple([severityError]).rest(z.object({ selector: z.string(), message: z.string() })),
    "no-restricted-globals": z.tuple([severityError]).rest(z.object({ name: z.string(), message: z.string() })),
    "no-restricted-properties": z
      .tuple([severityError])
      .rest(z.object({ object: z.string().optional(), property: z.string(), message: z.string() })),
  }),
});

/** The target rules as the real config resolves them for a file at filePath. */
async function targetRulesFor(filePath: string): Promise<z.infer<typeof targetConfig>["rules"]> {
  return targetConfig.parse(await eslint.calculateConfigForFile(filePath)).rules;
}

describe("the firmware lint profile", () => {
  it.each(banned.map((c) => [c.construct, c.rule, c] as const))("rejects %s with %s, naming it", async (_construct, _rule, c) => {
    const messages = await lint(c.code, firmwareProbe);
    const hits = messages.filter((m) => m.ruleId === c.rule && m.message.includes(c.names));
    expect(hits.length, summary(messages).join("\n")).toBeGreaterThan(0);
    expect(hits.every((m) => m.severity === 2)).toBe(true);
  });

  it.each(banned.map((c) => [c.construct, c] as const))("accepts the portable form of %s", async (_construct, c) => {
    expect(summary(await lint(c.allowed, firmwareProbe))).toEqual([]);
  });

  it("has a case above for every banned-syntax entry, so none can go unchecked", async () => {
    const [, ...entries] = (await targetRulesFor(firmwareProbe))["no-restricted-syntax"];
    const seen = new Set<string>();
    for (const c of banned) {
      for (const m of await lint(c.code, firmwareProbe)) {
        if (m.ruleId === syntax) {
          seen.add(m.message);
        }
      }
    }
    const unchecked = entries.filter((e) => !seen.has(e.message)).map((e) => e.selector);
    expect(unchecked).toEqual([]);
  });

  it("rejects each restricted global by name", async () => {
    const [, ...entries] = (await targetRulesFor(firmwareProbe))["no-restricted-globals"];
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) {
      const messages = await lint(`export const probe = ${e.name};\n`, firmwareProbe);
      const hits = messages.filter((m) => m.ruleId === globals && m.message.includes(`'${e.name}'`));
      expect(hits.length, `${e.name}:\n${summary(messages).join("\n")}`).toBe(1);
    }
  });

  it("rejects each restricted member by name", async () => {
    const [, ...entries] = (await targetRulesFor(firmwareProbe))["no-restricted-properties"];
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) {
      const name = e.object === undefined ? e.property : `${e.object}.${e.property}`;
      const code =
        e.object === undefined
          ? `export function probe(o: Record<string, unknown>): unknown {\n  return o.${e.property};\n}\n`
          : `export const probe = ${name};\n`;
      const messages = await lint(code, firmwareProbe);
      const hits = messages.filter((m) => m.ruleId === properties && m.message.includes(`'${name}'`));
      expect(hits.length, `${name}:\n${summary(messages).join("\n")}`).toBe(1);
    }
  });

  it("holds hal/ to exactly the same rules as firmware/", async () => {
    const firmware = await eslint.calculateConfigForFile(firmwareProbe);
    const hal = await eslint.calculateConfigForFile(halProbe);
    expect(hal.rules).toEqual(firmware.rules);
    const messages = await lint(banned[0].code, halProbe);
    expect(messages.some((m) => m.ruleId === syntax && m.message.includes("destructuring"))).toBe(true);
  });
});

describe("sim/ is host code", () => {
  const hostCases = banned.filter((c) => c.host === true);

  it("has host cases for destructuring, Map and spread at least", () => {
    const names = hostCases.map((c) => c.construct).join("\n");
    expect(names).toMatch(/destructuring/);
    expect(names).toMatch(/Map/);
    expect(names).toMatch(/spread/);
  });

  it.each(hostCases.map((c) => [c.construct, c] as const))("lets sim/ use %s", async (_construct, c) => {
    expect(summary(await lint(c.code, simProbe))).toEqual([]);
  });

  it("does not carry the target rules", async () => {
    const sim = await eslint.calculateConfigForFile(simProbe);
    const rules: Record<string, unknown> = sim.rules;
    expect(rules["no-restricted-syntax"]).toBeUndefined();
    expect(rules["no-restricted-globals"]).toBeUndefined();
    expect(rules["@typescript-eslint/strict-boolean-expressions"]).toBeUndefined();
  });
});
