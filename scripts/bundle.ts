// SPDX-License-Identifier: MIT
// Bundles the firmware for a board into one minified ES2015 file with esbuild, the form Espruino
// runs (../shared/reference/espruino.md §11): dist/firmware-<board>.js.
// npm run bundle -- [--board name]   (default: every board)
import { build } from "esbuild";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { boards, findBoard } from "../boards/index";
import type { BoardDefinition } from "../boards/types";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export interface Bundle {
  board: string;
  code: string;
  bytes: number;
  gzipBytes: number;
}

/** A per-family factory: its exported name and the module (repository path, no extension) it lives in. */
export interface Factory {
  name: string;
  module: string;
}

/** The AFE factory for an AFE type, in its own module (firmware/wire-afe-<family>.ts). */
export function afeFactory(type: string): Factory {
  if (type === "ltc6811" || type === "ltc6813") return { name: "ltc681xAfe", module: "firmware/wire-afe-ltc681x" };
  if (type === "bq76952") return { name: "bq76952Afe", module: "firmware/wire-afe-bq76952" };
  return { name: "bq769x0Afe", module: "firmware/wire-afe-bq769x0" };
}

/** The factory for the board's EMS transport (firmware/wire-ems-<transport>.ts), or undefined without a link. */
export function emsFactory(board: BoardDefinition): Factory | undefined {
  if (board.ems === undefined) return undefined;
  if (board.ems.transport.kind === "mcp2515") return { name: "mcp2515Ems", module: "firmware/wire-ems-mcp2515" };
  return { name: "slcanEms", module: "firmware/wire-ems-slcan" };
}

/** The firmware for `boardName` as one ES2015 IIFE exposing `tsbms.start(platform)`. */
export async function bundleFirmware(boardName: string, options: { withoutAfe?: boolean } = {}): Promise<Bundle> {
  const board = findBoard(boardName);
  const boardFile = join(root, "boards", `${board.name}.ts`);
  // Only the board's own AFE driver goes in: each family has its own module (wire-afe-<family>.ts).
  const family = afeFactory(board.afe.type);
  // Likewise only the board's EMS transport (firmware/wire-ems-<transport>.ts), when it has a link.
  const transport = emsFactory(board);
  const ems = transport === undefined ? "undefined" : `${transport.name}(board.ems, board.ems.transport, platform)`;
  const entry = [
    `import { wireShell } from ${JSON.stringify(join(root, "firmware", "wire.ts"))};`,
    `import { ${family.name} } from ${JSON.stringify(join(root, `${family.module}.ts`))};`,
    transport === undefined ? "" : `import { ${transport.name} } from ${JSON.stringify(join(root, `${transport.module}.ts`))};`,
    `import { board } from ${JSON.stringify(boardFile)};`,
    `export function start(platform) { return wireShell(board, platform, ${family.name}(board, board.afe, platform), ${ems}); }`,
  ];
  // The same firmware with the AFE handed in from outside: the size a driver adds is the difference.
  if (options.withoutAfe === true) {
    entry.splice(1, 1);
    entry[entry.length - 1] = `export function start(platform, afe) { return wireShell(board, platform, afe, ${ems}); }`;
  }
  const result = await build({
    stdin: { contents: entry.join("\n"), resolveDir: root, loader: "ts", sourcefile: `firmware-${board.name}.ts` },
    bundle: true,
    format: "iife",
    globalName: "tsbms",
    target: "es2015",
    minify: true,
    write: false,
    logLevel: "silent",
    // Only our own code may run on the board.
    platform: "neutral",
  });
  const code = result.outputFiles[0].text;
  return { board: board.name, code, bytes: Buffer.byteLength(code), gzipBytes: gzipSync(code).length };
}

async function main(argv: string[]): Promise<void> {
  const i = argv.indexOf("--board");
  const names = i >= 0 ? [argv[i + 1]] : boards.map((b) => b.name);
  mkdirSync(join(root, "dist"), { recursive: true });
  for (const name of names) {
    if (name === undefined) throw new Error("--board needs a name");
    const b = await bundleFirmware(name);
    const file = join(root, "dist", `firmware-${b.board}.js`);
    writeFileSync(file, b.code);
    console.log(`${file}: ${b.bytes} bytes (${b.gzipBytes} gzipped)`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(`bundle: ${(e as Error).message}`);
    process.exitCode = 2;
  });
}
