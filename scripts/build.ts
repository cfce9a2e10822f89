// SPDX-License-Identifier: MIT
// The file an Espruino board runs: dist/<board>.js, one minified ES2015 file holding the firmware,
// the board's own AFE driver and EMS transport, and the Espruino adapter (hal/espruino/), which
// starts the BMS when the file is loaded. Its statements run at the top level, where a function
// costs one JsVar less (scripts/espruino-output.ts atTopLevel) (../shared/reference/espruino.md §10, §11).
// Every source file esbuild put in the bundle is linted with the target subset
// (scripts/lint-target-rules.js): the build fails naming the construct and file:line, because
// Espruino would only fail when that code first runs (§1 rule 2).
// npm run build -- --board <name> | --all
import { build, type BuildOptions, type Plugin } from "esbuild";
import { atTopLevel, compact, lintOutput } from "./espruino-output";
import { espruinoGlobalNames } from "./espruino-names";
import { releasing, unusedAfterStart } from "./espruino-release";
import { inlineHandles } from "./espruino-constants";
import { exposeTopLevel, topLevel } from "./espruino-top-level";
import { EspruinoStandIn } from "../sim/espruino/standin";
import { reservedCache, reservedProps } from "./mangle-props";
import { ESLint, type Linter } from "eslint";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { boards, findBoard } from "../boards/index";
import type { BoardDefinition } from "../boards/types";
import { afeFactory, emsFactory } from "./bundle";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export interface EspruinoBuild {
  board: string;
  code: string;
  bytes: number;
  gzipBytes: number;
  /** The source files esbuild read, relative to the repository (all of them are linted). */
  inputs: string[];
  /** The property names the build shortened: source name → short name, false where kept (scripts/mangle-props.ts). */
  propertyNames: Record<string, string | false>;
  /** Bytes each source file left in the output after tree shaking (0: imported, none kept). */
  outputBytes: Record<string, number>;
  /** Top-level bindings the file sets to undefined once started (scripts/espruino-release.ts). */
  released: string[];
  /** Top-level objects of load-time integers whose reads became numbers (scripts/espruino-constants.ts). */
  inlined: string[];
}

export interface EspruinoBuildOptions {
  /** Statements run on the parsed board definition, `board`, before start-up (tests: a broken configuration). */
  prelude?: string[];
  /** Import statements added to the entry (tests: a file outside the subset, to prove the lint gate). */
  imports?: string[];
  /**
   * Build the board as if it had no EMS link (`withoutEms(board)`): what the bench measures as the
   * floor any cut of the link's features could reach.
   */
  withoutEms?: boolean;
}

/** `board` with no EMS link: the BMS measures, protects, estimates and balances, and sends nothing. */
export function withoutEms(board: BoardDefinition): BoardDefinition {
  return { ...board, name: `${board.name}-without-ems`, ems: undefined };
}

const spec = (path: string): string => JSON.stringify(join(root, path));

/**
 * The entry module: imports only this board's driver and transport, then boots. The board
 * definition goes in as JSON text that start-up parses and the firmware validates
 * (firmware/validate.ts reads it field by field, as it reads any parsed configuration), rather
 * than as the board module: then the definition is not a binding of the bundle that lives
 * forever, only the parts the running BMS keeps stay in RAM, and the chemistry presets the board
 * module was made from are not in the bundle at all (espruino.md §6).
 */
function entry(board: BoardDefinition, options: EspruinoBuildOptions, definition: unknown): string {
  const afe = afeFactory(board.afe.type);
  const ems = emsFactory(board);
  return [
    `import { wireShell } from ${spec("firmware/wire.ts")};`,
    `import { ${afe.name} } from ${spec(`${afe.module}.ts`)};`,
    ems === undefined ? "" : `import { ${ems.name} } from ${spec(`${ems.module}.ts`)};`,
    `import { boot } from ${spec("hal/espruino/boot.ts")};`,
    ...(options.imports ?? []),
    `function makeBoard() {`,
    `  const board = JSON.parse(${JSON.stringify(JSON.stringify(definition))});`,
    ...(options.prelude ?? []).map((line) => `  ${line}`),
    `  return board;`,
    `}`,
    // `global` is Espruino's global object: pins and peripherals are its properties (§7). What
    // runs is left there as `tsbms.app` for the console (a global, not an export: esbuild's export
    // helper defines getters in a loop, which Espruino's loop scoping would break, §2).
    `function wire(board, platform) {`,
    `  return wireShell(board, platform, ${afe.name}(board, board.afe, platform), ${ems === undefined ? "undefined" : `${ems.name}(board.ems, board.ems.transport, platform)`});`,
    `}`,
    `const app = boot(global, makeBoard(), wire);`,
    // Quoted: esbuild keeps quoted names (scripts/mangle-props.ts), so the console finds them.
    `global["tsbms"] = { "app": app };`,
  ].join("\n");
}

/**
 * firmware/ and hal/ modules only define things (start-up is in the entry), so a module whose
 * exports the board does not use can go entirely: without this, esbuild keeps the top-level
 * constant tables of the other families' drivers.
 */
const sideEffectFree: Plugin = {
  name: "side-effect-free",
  setup(b) {
    b.onResolve({ filter: /^\./ }, (args) => {
      const base = resolve(args.resolveDir, args.path);
      const file = [base, `${base}.ts`, join(base, "index.ts")].find((f) => existsSync(f) && f.endsWith(".ts"));
      if (file === undefined) return undefined;
      const rel = relative(root, file);
      // Typed arrays where the firmware makes its arrays (hal/espruino/alloc.ts, espruino.md §6).
      const espruinoAlloc = join(root, "hal", "espruino", "alloc.ts");
      if (rel === join("firmware", "alloc.ts") && args.importer !== espruinoAlloc) return { path: espruinoAlloc, sideEffects: false };
      return { path: file, sideEffects: !(rel.startsWith("firmware/") || rel.startsWith("hal/")) };
    });
  },
};

let linter: ESLint | undefined;
const lintCache = new Map<string, string[]>();

/** Subset violations in `files` (repository-relative), as "file:line:col rule: message". */
export async function lintSubset(files: string[]): Promise<string[]> {
  // eslint.config.js holds only firmware/ and hal/ to the subset; a bundle also carries boards/.
  if (linter === undefined) {
    // The same rules eslint.config.js applies (a plain .js module, loaded by path: it has no types).
    const rules = (await import(pathToFileURL(join(root, "scripts", "lint-target-rules.js")).href)) as {
      targetRules: Linter.RulesRecord;
      espruinoOnlyRules: Linter.RulesRecord;
    };
    linter = new ESLint({
      cwd: root,
      overrideConfig: [
        { files: ["**/*.ts", "**/*.js"], rules: rules.targetRules },
        { files: ["hal/espruino/**/*.ts"], rules: rules.espruinoOnlyRules },
      ],
    });
  }
  const todo = files.filter((f) => !lintCache.has(f));
  if (todo.length > 0) {
    const results = await linter.lintFiles(todo.map((f) => join(root, f)));
    for (const r of results) {
      const file = relative(root, r.filePath);
      lintCache.set(
        file,
        r.messages.filter((m) => m.severity === 2).map((m) => `${file}:${m.line}:${m.column} ${m.ruleId ?? "(parse)"}: ${m.message}`),
      );
    }
  }
  return files.flatMap((f) => lintCache.get(f) ?? []);
}

/**
 * `value` with every object key renamed as esbuild renamed that property in the code (`names`,
 * its mangle cache): the JSON the bundle parses must use the names the code reads.
 */
export function renameKeys(value: unknown, names: Record<string, string | false>): unknown {
  if (Array.isArray(value)) return value.map((v) => renameKeys(v, names));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const short = names[k];
    out[typeof short === "string" ? short : k] = renameKeys(v, names);
  }
  return out;
}

/**
 * The board as the running file parses it: without `mcu` and `description`, which only the build,
 * the board checks (boards/validate.ts) and the bench read. The MCU's pin list alone is about 300
 * bytes of saved code, and the 64 KB boards have a few hundred to spare.
 */
export function runtimeDefinition(board: BoardDefinition): Partial<BoardDefinition> {
  const definition: Partial<BoardDefinition> = { ...board };
  delete definition.mcu;
  delete definition.description;
  return definition;
}

/** esbuild's options for a board's Espruino file; `definition` is the board as the bundle parses it. */
function esbuildOptions(board: BoardDefinition, options: EspruinoBuildOptions, definition: unknown = runtimeDefinition(board)): BuildOptions & { write: false; metafile: true } {
  return {
    stdin: { contents: entry(board, options, definition), resolveDir: root, loader: "ts", sourcefile: `${board.name}.ts` },
    absWorkingDir: root,
    bundle: true,
    format: "iife",
    // §11: ES2015 so classes stay native; esbuild lowers ?. ?? ** that the source may hold.
    target: "es2015",
    minify: true,
    write: false,
    metafile: true,
    logLevel: "silent",
    platform: "neutral",
    plugins: [sideEffectFree],
  };
}

/**
 * The file's top-level bindings after start-up and a few ticks in the stand-in, in two runs that
 * differ in seed, charge and temperature (scripts/espruino-constants.ts).
 */
function startUpValues(board: BoardDefinition, code: string, propertyNames: Record<string, string | false>): Record<string, unknown>[] {
  const runs = [
    { seed: 1, initialSocPct: 50, ambientCelsius: 25 },
    { seed: 2, initialSocPct: 80, ambientCelsius: 5 },
  ];
  return runs.map((r) => {
    const s = new EspruinoStandIn(board, { code: exposeTopLevel(code), propertyNames }, r);
    for (let k = 0; k < 10; k++) s.step(0, board.tickMs);
    return topLevel(s.context);
  });
}

async function unusedAfterStartUp(board: BoardDefinition, code: string, propertyNames: Record<string, string | false>): Promise<string[]> {
  const s = new EspruinoStandIn(board, { code, propertyNames }, { seed: 1, initialSocPct: 50, ambientCelsius: 25 });
  for (let k = 0; k < 10; k++) s.step(0, board.tickMs);
  return unusedAfterStart(code, s.context, [s.context.tsbms, ...s.callbacks()]);
}

/** The Espruino file for `boardName`; throws listing every construct outside the subset. */
export async function buildEspruino(boardName: string, options: EspruinoBuildOptions = {}): Promise<EspruinoBuild> {
  const board = options.withoutEms === true ? withoutEms(findBoard(boardName)) : findBoard(boardName);
  if (board.mcu.family !== "espruino") throw new Error(`board ${board.name}: mcu.family is ${board.mcu.family}, not espruino`);
  const result = await build(esbuildOptions(board, options));
  // Every input but the generated entry (named after the board, not a file on disk).
  const inputs = Object.keys(result.metafile.inputs).filter((f) => existsSync(join(root, f)));
  const problems = await lintSubset(inputs);
  if (problems.length > 0) {
    throw new Error(`board ${board.name}: ${problems.length} construct(s) outside the Espruino subset:\n  ${problems.join("\n  ")}`);
  }
  // Our property names shortened to one or two characters, but those the bundle may read by name
  // and JavaScript's and Espruino's own (scripts/mangle-props.ts; espruino.md §6: names cost JsVars).
  const mangling = { mangleProps: /^[A-Za-z_$]/, reserveProps: reservedProps(result.outputFiles[0].text) };
  const named = await build({ ...esbuildOptions(board, options), ...mangling, mangleCache: reservedCache() });
  const propertyNames = named.mangleCache ?? {};
  // The same names again (the cache pins them), now with the board's JSON keys renamed to match.
  const mangled = await build({ ...esbuildOptions(board, options, renameKeys(runtimeDefinition(board), propertyNames)), ...mangling, mangleCache: propertyNames });
  const compacted = atTopLevel(await compact(mangled.outputFiles[0].text, espruinoGlobalNames()));
  // Signal handles (row numbers made at load) become the numbers they are.
  const handles = inlineHandles(compacted, startUpValues(board, compacted, propertyNames));
  const code = handles.code;
  const unsafe = lintOutput(code);
  if (unsafe.length > 0) throw new Error(`board ${board.name}: the built file holds ${unsafe.length} construct(s) Espruino cannot run:\n  ${unsafe.join("\n  ")}`);
  const released = await unusedAfterStartUp(board, code, propertyNames);
  const outputBytes: Record<string, number> = {};
  for (const f of inputs) outputBytes[f] = 0;
  for (const out of Object.values(mangled.metafile.outputs)) {
    for (const [f, v] of Object.entries(out.inputs)) if (f in outputBytes) outputBytes[f] += v.bytesInOutput;
  }
  const shipped = releasing(code, released);
  return { board: board.name, code: shipped, bytes: Buffer.byteLength(shipped), gzipBytes: gzipSync(shipped).length, inputs, outputBytes, propertyNames: mangled.mangleCache ?? propertyNames, released, inlined: handles.inlined };
}

/** A NodeMCU board is built by scripts/build-lua.ts when it exists. */
async function buildNodemcu(board: BoardDefinition): Promise<void> {
  const file = join(root, "scripts", "build-lua.ts");
  if (existsSync(file)) {
    const mod = (await import(pathToFileURL(file).href)) as { buildLua?: (name: string) => Promise<{ file?: string; bytes?: number } | undefined> };
    if (typeof mod.buildLua === "function") {
      const lua = await mod.buildLua(board.name);
      console.log(`${lua?.file !== undefined ? relative(root, lua.file) : board.name}: ${lua?.bytes ?? "?"} bytes (Lua, scripts/build-lua.ts)`);
      return;
    }
  }
  console.log(`${board.name}: skipped, a NodeMCU (Lua) board: there is no Lua build (scripts/build-lua.ts buildLua) yet`);
}

async function main(argv: string[]): Promise<void> {
  const i = argv.indexOf("--board");
  let names: string[];
  if (argv.includes("--all")) names = boards.map((b) => b.name);
  else if (i >= 0 && argv[i + 1] !== undefined) names = [argv[i + 1]];
  else throw new Error("usage: npm run build -- --board <name> | --all");
  mkdirSync(join(root, "dist"), { recursive: true });
  for (const name of names) {
    const board = findBoard(name);
    if (board.mcu.family !== "espruino") {
      await buildNodemcu(board);
      continue;
    }
    const b = await buildEspruino(name);
    const file = join(root, "dist", `${b.board}.js`);
    writeFileSync(file, b.code);
    // The short property names, for reading the running state at the REPL (README).
    const names = Object.fromEntries(Object.entries(b.propertyNames).filter((e): e is [string, string] => typeof e[1] === "string").sort());
    writeFileSync(join(root, "dist", `${b.board}.names.json`), `${JSON.stringify(names, undefined, 1)}\n`);
    console.log(`${relative(root, file)}: ${b.bytes} bytes (${b.gzipBytes} gzipped), ${b.inputs.length} source files, subset lint clean`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(`build: ${(e as Error).message}`);
    process.exitCode = 2;
  });
}
