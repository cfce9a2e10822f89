// SPDX-License-Identifier: MIT
// A node:vm context stripped to what the Espruino interpreter has: the built-ins it lacks
// (shared/reference/espruino.md §2, §3) are deleted from the context's own realm, so any use by
// the bundle throws there as it would on the board. Node's realm is untouched.
import vm from "node:vm";

/** Globals Espruino 2v29 does not have (§2, §3). */
export const absentGlobals = [
  "Map", "Set", "WeakMap", "WeakSet", "WeakRef", "FinalizationRegistry", "Symbol", "Proxy", "Reflect", "BigInt",
  "BigInt64Array", "BigUint64Array", "SharedArrayBuffer", "Atomics", "Intl", "globalThis",
];

/** Static and prototype members Espruino lacks, as "Owner.member" or "Owner.prototype.member". */
export const absentMembers = [
  "Array.from", "Array.of",
  ...["lastIndexOf", "reduceRight", "flat", "flatMap", "entries", "keys", "values", "copyWithin", "at", "findLast", "findLastIndex", "toSorted", "toReversed", "toSpliced", "with"].map((m) => `Array.prototype.${m}`),
  ...["trimStart", "trimEnd", "at", "codePointAt", "localeCompare", "normalize"].map((m) => `String.prototype.${m}`),
  "String.raw",
  ...["isFinite", "isNaN", "isInteger", "isSafeInteger", "parseFloat", "parseInt", "EPSILON", "MAX_SAFE_INTEGER", "MIN_SAFE_INTEGER"].map((m) => `Number.${m}`),
  "Number.prototype.toPrecision",
  ...["trunc", "cbrt", "hypot", "log2", "log10", "log1p", "expm1", "sinh", "cosh", "tanh", "fround", "imul", "clz32"].map((m) => `Math.${m}`),
  ...["freeze", "seal", "isFrozen", "isSealed", "is", "preventExtensions"].map((m) => `Object.${m}`),
  "Promise.prototype.finally", "Promise.allSettled", "Promise.any",
];

/** A context with the absent built-ins deleted; the caller adds Espruino's own globals. */
export function espruinoContext(): vm.Context {
  const context = vm.createContext({});
  const script = [
    ...absentMembers.map((m) => `delete ${m};`),
    ...absentGlobals.filter((g) => g !== "globalThis").map((g) => `delete globalThis.${g};`),
    // Last: Espruino names its global object `global`.
    "globalThis.global = globalThis; delete globalThis.globalThis;",
  ].join("\n");
  vm.runInContext(script, context);
  return context;
}
