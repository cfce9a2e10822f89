// SPDX-License-Identifier: MIT
// The lint rules that hold firmware/ and hal/ to the subset Espruino and typescript-to-lua (Lua 5.3)
// can both run. Kept in its own module so the test that proves each rule catches its construct uses
// exactly what the build uses. Facts: ../shared/reference/espruino.md §12, lua.md §3 and §8.

const syntax = (selector, message) => ({ selector, message });

// Built-ins whose subclasses lose their behaviour on Espruino (espruino.md §2: extends Error loses
// .message, extends Array loses push).
const builtInClass = "/^((Eval|Range|Reference|Syntax|Type|URI|Aggregate)?Error|Array|Map|Set|WeakMap|WeakSet|Promise|RegExp|Date|Function|Object|String|Number|Boolean)$/";
// Runtime values that do not exist on a target (espruino.md §3, lua.md §4); the value uses are
// bannedGlobals, these patterns also catch them in type positions (a HAL signature taking a Map).
const absentCollection = "/^(Readonly)?(Map|Set)$|^Weak(Map|Set|Ref)$|^Symbol$/";
const binaryView = "/^(Uint8|Int8|Uint8Clamped|Uint16|Int16|Uint32|Int32|Float32|Float64|BigInt64|BigUint64)Array$|^(Shared)?ArrayBuffer$|^DataView$/";
const loop = ":matches(ForStatement, ForInStatement, ForOfStatement, WhileStatement, DoWhileStatement)";

/** Constructs the targets cannot parse or run. */
export const bannedSyntax = [
  syntax("ObjectPattern", "destructuring: Espruino cannot run it"),
  syntax("ArrayPattern", "destructuring: Espruino cannot run it"),
  syntax("SpreadElement", "spread: Espruino cannot run it"),
  syntax("RestElement", "rest parameters: Espruino cannot run them"),
  syntax("AssignmentPattern", "default parameters: Espruino cannot run them"),
  syntax("Property[computed=true]", "computed keys: Espruino cannot run them"),
  syntax("PropertyDefinition[computed=true]", "computed keys: Espruino cannot run them"),
  syntax("MethodDefinition[computed=true]", "computed keys: Espruino cannot run them"),
  syntax("TSAbstractMethodDefinition[computed=true]", "computed keys: Espruino cannot run them"),
  syntax(":function[generator=true]", "generators: Espruino cannot run them"),
  syntax(":function[async=true]", "async functions: Espruino cannot run them"),
  syntax("AwaitExpression", "await: Espruino cannot run it"),
  syntax("YieldExpression", "yield: Espruino cannot run it"),
  syntax("LabeledStatement", "labels: Espruino cannot run them"),
  syntax("PrivateIdentifier", "#private: emitted as WeakMap, absent on Espruino; use TS private"),
  syntax("MetaProperty", "new.target / import.meta: not on the targets"),
  syntax("BinaryExpression[operator='**']", "**: not on Espruino; use Math.pow or a product"),
  syntax("AssignmentExpression[operator='**=']", "**=: not on Espruino"),
  syntax("AssignmentExpression[operator='??=']", "??=: Espruino cannot run it"),
  syntax("AssignmentExpression[operator='||=']", "||=: Espruino cannot run it"),
  syntax("AssignmentExpression[operator='&&=']", "&&=: Espruino cannot run it"),
  syntax("BinaryExpression[operator='>>']", ">>: typescript-to-lua rejects it on Lua 5.3; use >>> on a masked value"),
  syntax("AssignmentExpression[operator='>>=']", ">>=: typescript-to-lua rejects it on Lua 5.3"),
  syntax("ForInStatement", "for…in: typescript-to-lua rejects it over arrays; iterate indices"),
  syntax(`ClassDeclaration[superClass.name=${builtInClass}]`, "subclassing a built-in (extends Error, Array, …) is broken on Espruino"),
  syntax(`ClassExpression[superClass.name=${builtInClass}]`, "subclassing a built-in (extends Error, Array, …) is broken on Espruino"),
  syntax("NewExpression[callee.name='Array']", "new Array(n): typescript-to-lua cannot construct it; use a fill loop"),
  syntax("CallExpression[callee.name='Array']", "Array(n): typescript-to-lua cannot construct it; use a fill loop"),
  syntax(`TSTypeReference[typeName.name=${absentCollection}]`, "Map/Set/WeakMap/Symbol types: absent on Espruino; use arrays indexed by number"),
  syntax(`TSTypeReference[typeName.name=${binaryView}]`, "typed arrays, ArrayBuffer, DataView types: Lua has none; use plain number arrays"),
  syntax("Property[kind='get']", "object-literal accessors: typescript-to-lua rejects them"),
  syntax("Property[kind='set']", "object-literal accessors: typescript-to-lua rejects them"),
  syntax("TSEnumDeclaration[const=true]", "const enum: keep plain objects or enums"),
  // raw, not value: [value=null] compares text and so also matches the string "null".
  syntax("Literal[raw='null']", "null: Lua has no null; use undefined sparingly"),
  syntax("TSNullKeyword", "null type: Lua has no null; use undefined sparingly"),
  syntax("TaggedTemplateExpression", "tagged templates: not in the shared subset"),
  syntax("ImportExpression", "dynamic import(): the board runs one bundled file"),
  // no-loop-func accepts a closure over a `for (let …)` variable because JS gives each iteration
  // its own binding; Espruino and typescript-to-lua do not (espruino.md §1 rule 3, lua.md §6), so every
  // function made in a loop body is an error, whatever it captures.
  syntax(`${loop} > .body :function`, "function created in a loop: closures see only the last loop value on Espruino and Lua"),
];

const global = (name, why) => ({ name, message: `${name}: ${why}` });
export const bannedGlobals = [
  global("Map", "absent on Espruino"),
  global("Set", "absent on Espruino"),
  global("WeakMap", "absent on Espruino"),
  global("WeakSet", "absent on Espruino"),
  global("Symbol", "absent on Espruino"),
  global("Proxy", "absent on Espruino"),
  global("Reflect", "absent on Espruino"),
  global("BigInt", "absent on Espruino"),
  global("Promise", "the control loop is synchronous"),
  global("Intl", "absent on Espruino"),
  global("WeakRef", "absent on Espruino"),
  global("FinalizationRegistry", "absent on Espruino"),
  global("Int8Array", "Lua has no typed arrays; use plain number arrays (firmware/alloc.ts)"),
  global("Uint8Array", "Lua has no typed arrays; use plain number arrays (firmware/alloc.ts)"),
  global("Uint8ClampedArray", "Lua has no typed arrays; use plain number arrays (firmware/alloc.ts)"),
  global("Int16Array", "Lua has no typed arrays; use plain number arrays (firmware/alloc.ts)"),
  global("Uint16Array", "Lua has no typed arrays; use plain number arrays (firmware/alloc.ts)"),
  global("Int32Array", "Lua has no typed arrays; use plain number arrays (firmware/alloc.ts)"),
  global("Uint32Array", "Lua has no typed arrays; use plain number arrays (firmware/alloc.ts)"),
  global("Float32Array", "Lua has no typed arrays; use plain number arrays (firmware/alloc.ts)"),
  global("Float64Array", "Lua has no typed arrays; use plain number arrays (firmware/alloc.ts)"),
  global("BigInt64Array", "Lua has no typed arrays, Espruino no BigInt"),
  global("BigUint64Array", "Lua has no typed arrays, Espruino no BigInt"),
  global("ArrayBuffer", "Lua has none; use plain number arrays"),
  global("SharedArrayBuffer", "absent on both targets"),
  global("DataView", "Lua has none; pack bytes with >>> and & on plain arrays"),
  global("Atomics", "absent on both targets"),
];

const prop = (object, property, why) => ({ object, property, message: `${object}.${property}: ${why}` });
export const bannedProperties = [
  prop("Array", "from", "absent on Espruino"),
  prop("Array", "of", "absent on Espruino"),
  prop("Object", "freeze", "absent on Espruino"),
  prop("Object", "seal", "absent on Espruino"),
  prop("Object", "isFrozen", "absent on Espruino"),
  prop("Object", "is", "absent on Espruino"),
  prop("Math", "trunc", "absent on Espruino"),
  prop("Math", "log10", "absent on Espruino"),
  prop("Math", "log2", "absent on Espruino"),
  prop("Math", "hypot", "absent on Espruino"),
  prop("Math", "imul", "absent on Espruino"),
  prop("Math", "clz32", "absent on Espruino"),
  prop("Math", "cbrt", "absent on Espruino"),
  prop("Math", "fround", "absent on Espruino"),
  prop("Math", "log1p", "absent on Espruino"),
  prop("Math", "expm1", "absent on Espruino"),
  prop("Math", "sinh", "absent on Espruino"),
  prop("Math", "cosh", "absent on Espruino"),
  prop("Math", "tanh", "absent on Espruino"),
  prop("Number", "isFinite", "absent on Espruino; use isFinite"),
  prop("Number", "isNaN", "absent on Espruino"),
  prop("Number", "isInteger", "absent on Espruino"),
  prop("Number", "isSafeInteger", "absent on Espruino"),
  prop("Number", "parseFloat", "absent on Espruino"),
  prop("Number", "parseInt", "absent on Espruino"),
  prop("Number", "EPSILON", "absent on Espruino"),
  prop("Number", "MAX_SAFE_INTEGER", "absent on Espruino"),
  prop("Number", "MIN_SAFE_INTEGER", "absent on Espruino"),
  prop("String", "raw", "absent on Espruino"),
  prop("JSON", "stringify", "float printing differs per target; build text from integers"),
  { property: "toPrecision", message: "toPrecision: absent on Espruino" },
  { property: "toFixed", message: "toFixed: rounds ties differently on Espruino and Lua" },
  { property: "at", message: "at: absent on Espruino (arrays and strings); index with [i]" },
  { property: "trimStart", message: "trimStart: absent on Espruino" },
  { property: "trimEnd", message: "trimEnd: absent on Espruino" },
  { property: "lastIndexOf", message: "Array lastIndexOf: absent on Espruino" },
  { property: "reduceRight", message: "reduceRight: absent on Espruino" },
  { property: "flat", message: "flat: absent on Espruino" },
  { property: "flatMap", message: "flatMap: absent on Espruino" },
  { property: "copyWithin", message: "copyWithin: absent on Espruino" },
  { property: "findLast", message: "findLast: absent on Espruino" },
  { property: "finally", message: "Promise.finally: absent on Espruino" },
  { property: "codePointAt", message: "codePointAt: absent on Espruino" },
  { property: "localeCompare", message: "localeCompare: absent on Espruino" },
  { property: "normalize", message: "normalize: absent on Espruino" },
];

/** The rule set applied to firmware/ and hal/. */
export const targetRules = {
  "no-restricted-syntax": ["error", ...bannedSyntax],
  "no-restricted-globals": ["error", ...bannedGlobals],
  "no-restricted-properties": ["error", ...bannedProperties],
  // No hoisting on Espruino: a function called before its declaration ran throws.
  "no-use-before-define": "off",
  "@typescript-eslint/no-use-before-define": ["error", { functions: true, classes: true, variables: true, typedefs: false, ignoreTypeReferences: true }],
  // No per-iteration let binding on Espruino nor in typescript-to-lua output.
  "no-loop-func": "error",
  "no-unused-expressions": "off",
  "@typescript-eslint/no-unused-expressions": "error",
  // 0, "" and NaN are true in Lua: every condition must be a boolean.
  "@typescript-eslint/strict-boolean-expressions": ["error", { allowString: false, allowNumber: false, allowNullableObject: true, allowNullableBoolean: false }],
  // A flag array is a Uint8Array on Espruino (hal/espruino/alloc.ts booleanArray): its elements
  // read back as 0 and 1, so `flags[i] === true` would never hold there. Flags are read as
  // conditions; comparing a boolean with true or false is refused.
  "@typescript-eslint/no-unnecessary-boolean-literal-compare": "error",
  eqeqeq: ["error", "always"],
  "no-var": "error",
  "prefer-const": "error",
  // Any bare specifier (node:*, fs, an npm package) and any climb into the host-only directories.
  "no-restricted-imports": ["error", {
    patterns: [
      { regex: "^[^.]", message: "firmware/ and hal/ run only our own code on the board: no node:* modules, no packages" },
      { regex: "^(\\.\\./)+(sim|test|scripts)(/|$)", message: "firmware/ and hal/ must not import sim/, test/ or scripts/ (host-only code)" },
      // boards/ is not held to the subset; its types describe the board and are erased.
      { regex: "^(\\.\\./)+boards(/|$)", allowTypeImports: true, message: "firmware/ and hal/ may import only types from boards/ (boards/ is not linted for the targets)" },
    ],
  }],
};

const luaOnly = (rule) => !/typed arrays/.test(rule.message) || /BigInt/.test(rule.message);

/**
 * The rule set for hal/espruino/, code that only Espruino runs (never typescript-to-lua): the same
 * subset, but typed arrays are allowed, because Espruino has them (espruino.md §3) and they are
 * its cheap arrays (§6).
 */
export const espruinoOnlyRules = {
  ...targetRules,
  "no-restricted-syntax": ["error", ...bannedSyntax.filter(luaOnly)],
  "no-restricted-globals": ["error", ...bannedGlobals.filter(luaOnly)],
};
