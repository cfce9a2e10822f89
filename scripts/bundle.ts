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

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export interface Bundle {
  board: string;
  code: string;
  bytes: number;
  gzipBytes: number;
}

/** The firmware for `boardName` as one ES2015 IIFE exposing `tsbms.start(platform)`. */
export async function bundleFirmware(boardName: string): Promise<Bundle> {
  const board = findBoard(boardName);
  const boardFile = join(root, "boards", `${board.name}.ts`);
  const entry = [
    `import { wireBoard } from ${JSON.stringify(join(root, "firmware", "wire.ts"))};`,
    `import { board } from ${JSON.stringify(boardFile)};`,
    `export function start(platform) { return wireBoard(board, platform); }`,
  ].join("\n");
  const result = await build({
    stdin: { contents: entry, resolveDir: root, loader: "ts", sourcefile: `firmware-${board.name}.ts` },
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
