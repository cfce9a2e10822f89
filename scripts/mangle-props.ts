// SPDX-License-Identifier: MIT
// Which property names an Espruino bundle must keep when esbuild shortens the rest (mangleProps).
// A property name costs JsVars on the device for every object that holds it and bytes in the
// saved code for every use (../shared/reference/espruino.md §6: "Long property names cost extra
// JsVars"), so the build renames our own properties to one or two characters. Kept are:
//  - JavaScript's own properties (length, push, floor, fromCharCode …), taken from this host's
//    built-ins: a superset of what Espruino has (§3);
//  - the Espruino API the adapter calls (hal/espruino/globals.ts: send, writeTo, kickWatchdog …);
//  - every identifier-like string literal in the bundle, because such a name may be read as
//    `object[name]` (the configuration validator reads fields by name, firmware/validate-fields.ts)
//    and esbuild renames only `object.name` and `{ name: … }`.
// A name missed here fails loudly: the Espruino stand-in (test/espruino) runs every board's
// bundle with only Espruino's built-ins, and the equivalence test compares it tick by tick.
import * as acorn from "acorn";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const identifier = /^[A-Za-z_$][\w$]*$/;

/** Property names of the host's built-in objects and prototypes. */
function builtinNames(): Set<string> {
  const names = new Set<string>();
  const typedArray = Object.getPrototypeOf(Uint8Array.prototype) as object;
  const objects: object[] = [globalThis, Object, Object.prototype, Function.prototype, Array, Array.prototype, String, String.prototype,
    Number, Number.prototype, Boolean.prototype, Math, JSON, Date, Date.prototype, RegExp.prototype, Error, Error.prototype,
    Object.getPrototypeOf(Uint8Array) as object, typedArray, ArrayBuffer, ArrayBuffer.prototype, Promise.prototype];
  for (const o of objects) for (const k of Object.getOwnPropertyNames(o)) names.add(k);
  return names;
}

/** Property names declared in `text` (members of interfaces: `name:`, `name?:`, `name(`). */
function declaredNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/^\s*(?:readonly\s+)?([A-Za-z_$][\w$]*)\??\s*[(:]/gm)) names.add(m[1]);
  return names;
}

/**
 * Property names of the adapter's Espruino declarations (hal/espruino/globals.ts), and those of
 * the object a console user reads, `tsbms.app` (EspruinoApp in hal/espruino/boot.ts: shell, last,
 * ticks, escaped, error).
 */
function espruinoApiNames(): Set<string> {
  const names = declaredNames(readFileSync(join(root, "hal", "espruino", "globals.ts"), "utf8"));
  const boot = readFileSync(join(root, "hal", "espruino", "boot.ts"), "utf8");
  const app = /export interface EspruinoApp \{([\s\S]*?)\n\}/.exec(boot);
  if (app === null) throw new Error("mangle-props: hal/espruino/boot.ts has no EspruinoApp interface");
  for (const n of declaredNames(app[1])) names.add(n);
  return names;
}

/** Identifier-like string literals in `code` (an unmangled build of the same bundle). */
export function stringLiteralNames(code: string): Set<string> {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    const n = node as { type?: unknown; value?: unknown; quasis?: unknown };
    if (n.type === "Literal" && typeof n.value === "string" && identifier.test(n.value)) names.add(n.value);
    for (const v of Object.values(n)) if (v !== null && typeof v === "object") visit(v);
  };
  visit(acorn.parse(code, { ecmaVersion: 2020 }));
  return names;
}

/**
 * A mangle cache that holds every built-in and Espruino name as kept (`false`), so esbuild neither
 * renames them nor picks one as the short name of our own property (a property of ours named
 * `at` would read as Array's `at` to any check of the output, and may shadow one on the device).
 */
export function reservedCache(): Record<string, false> {
  const cache: Record<string, false> = {};
  for (const n of [...builtinNames(), ...espruinoApiNames()]) if (identifier.test(n)) cache[n] = false;
  return cache;
}

/** The names esbuild must not rename in this bundle, as its `reserveProps` pattern. */
export function reservedProps(unmangledCode: string): RegExp {
  const names = new Set([...builtinNames(), ...espruinoApiNames(), ...stringLiteralNames(unmangledCode)]);
  const escaped = [...names].filter((n) => identifier.test(n)).map((n) => n.replace(/\$/g, "\\$"));
  return new RegExp(`^(?:${escaped.join("|")})$`);
}
