// SPDX-License-Identifier: MIT
// The lint rules that hold firmware/ and hal/ to the subset Espruino and typescript-to-lua (Lua 5.3)
// can both run. Kept in its own module so the test that proves each rule catches its construct uses
// exactly what the build uses. Facts: ../shared/reference/espruino.md §12, lua.md §3 and §8.

const syntax = (selector, message) => ({ selector, message });

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
  syntax("ClassDeclaration[superClass.name=/^(Error|Array|Map|Set)$/]", "subclassing a built-in is broken on Espruino"),
  syntax("ClassExpression[superClass.name=/^(Error|Array|Map|Set)$/]", "subclassing a built-in is broken on Espruino"),
  syntax("NewExpression[callee.name='Array']", "new Array(n): typescript-to-lua cannot construct it; use a fill loop"),
  syntax("CallExpression[callee.name='Array']", "Array(n): typescript-to-lua cannot construct it; use a fill loop"),
  syntax("NewExpression[callee.name=/^(Uint8|Int8|Uint8Clamped|Uint16|Int16|Uint32|Int32|Float32|Float64)Array$/]", "typed arrays: Lua has none; allocate through firmware/alloc.ts"),
  syntax("NewExpression[callee.name=/^(ArrayBuffer|DataView)$/]", "ArrayBuffer/DataView: Lua has none"),
  syntax("Property[kind='get']", "object-literal accessors: typescript-to-lua rejects them"),
  syntax("Property[kind='set']", "object-literal accessors: typescript-to-lua rejects them"),
  syntax("TSEnumDeclaration[const=true]", "const enum: keep plain objects or enums"),
  syntax("Literal[value=null]", "null: Lua has no null; use undefined sparingly"),
  syntax("TaggedTemplateExpression", "tagged templates: not in the shared subset"),
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
  eqeqeq: ["error", "always"],
  "no-var": "error",
  "prefer-const": "error",
  "no-restricted-imports": ["error", { patterns: [{ group: ["node:*", "fs", "path", "os", "child_process", "zod", "pure-rand", "../sim/*", "../../sim/*", "../test/*"], message: "firmware/ and hal/ run only our own code on the board" }] }],
};
