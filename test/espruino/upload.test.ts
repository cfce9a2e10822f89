// SPDX-License-Identifier: MIT
// The upload path without a board: the `espruino` CLI (EspruinoTools, a pinned devDependency) turns
// dist/<board>.js into the exact text it would send (`-o`, espruino.md §10). With
// `--storage .bootcde:-` that text writes the bundle into Storage as `.bootcde` in 1024-byte
// chunks, the boot code the interpreter runs from flash at every start, then load()s it (§10,
// plugins/saveOnSend.js). A local board JSON supplies the firmware version (Storage exists from
// 1v96) and the built-in module list, so the CLI fetches nothing (§10: without it, require("Storage")
// makes it look the module up on espruino.com). The network is refused in the CLI process to prove it.
import { describe, it, expect, beforeAll } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildEspruino } from "../../scripts/build";
import { bootCodeUpload, cliBoardJson, cliPath, stateFileBytes, storageWrites } from "../../scripts/espruino-upload";
import { boards } from "../../boards/index";

const boardName = "mdbt42q-bq76952-16s";
const boardJson = cliBoardJson;
const cli = cliPath;

/** Node preload: every DNS lookup or socket connection is reported on stderr and refused. */
const noNetwork = `
import dns from "node:dns";
import net from "node:net";
function refuse(what) {
  process.stderr.write("network attempt: " + what + "\\n");
  return new Error("network refused in an offline test: " + what);
}
dns.lookup = function (host, options, callback) {
  const cb = typeof options === "function" ? options : callback;
  process.nextTick(() => cb(refuse(String(host))));
};
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const o = args[0];
  if (typeof o === "object" && o !== null && typeof o.path === "string") return connect.apply(this, args);
  throw refuse(typeof o === "object" && o !== null ? String(o.host) + ":" + String(o.port) : String(o));
};
`;

interface CliRun {
  status: number | null;
  output: string;
  file: string;
}

let work = "";
let bundleFile = "";
let bundle = "";

/** Runs the CLI offline (-n) with the network refused, writing what it would send to `out`. */
function espruinoCli(args: string[], out: string): CliRun {
  const preload = join(work, "no-network.mjs");
  const file = join(work, out);
  const r = spawnSync(process.execPath, ["--import", preload, cli, "-n", ...args, "-o", file, bundleFile], {
    cwd: work,
    encoding: "utf8",
    timeout: 60000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}`, file };
}

describe("Espruino upload file, produced offline by the espruino CLI", () => {
  beforeAll(async () => {
    expect(existsSync(cli), `espruino CLI missing at ${cli}: run npm ci`).toBe(true);
    work = mkdtempSync(join(tmpdir(), "tsbms-upload-"));
    writeFileSync(join(work, "no-network.mjs"), noNetwork);
    const b = await buildEspruino(boardName);
    bundle = b.code;
    mkdirSync(join(work, "dist"), { recursive: true });
    bundleFile = join(work, "dist", `${b.board}.js`);
    writeFileSync(bundleFile, bundle);
  }, 120000);

  it("writes the whole bundle to .bootcde in Storage and loads it, without touching the network", () => {
    const run = espruinoCli(["--board", boardJson, "--storage", ".bootcde:-"], "upload.js");
    expect(run.status, run.output).toBe(0);
    expect(run.output).not.toMatch(/network attempt|getURL|not found/);
    expect(existsSync(run.file), `no upload file: ${run.output}`).toBe(true);
    const upload = readFileSync(run.file, "utf8");
    expect(upload.startsWith('require("Storage").write(".bootcde",')).toBe(true);
    // 1024-byte chunks (§10): one write per started KiB of the bundle.
    const writes = upload.match(/require\("Storage"\)\.write\("\.bootcde",/g) ?? [];
    expect(writes.length).toBe(Math.ceil(Buffer.byteLength(bundle) / 1024));
    const w = storageWrites(upload);
    expect(w.files.get(".bootcde")).toBe(bundle);
    expect(w.declared.get(".bootcde")).toBe(bundle.length);
    expect(w.loaded).toEqual([".bootcde"]);
    expect([...w.files.keys()]).toEqual([".bootcde"]);
  });

  it("without the local board JSON the CLI reaches for the network (what the board JSON prevents)", () => {
    const run = espruinoCli([], "upload-no-board.js");
    expect(run.output).toMatch(/network attempt: www\.espruino\.com/);
  });

  it("pretokenised (PRETOKENISE=2) stores a smaller .bootcde with one-byte tokens and the same strings, and loads it", () => {
    const plain = bootCodeUpload(bundle, { pretokenise: false });
    const tokens = bootCodeUpload(bundle, { pretokenise: true });
    const stored = tokens.files.get(".bootcde") ?? "";
    expect(plain.files.get(".bootcde")).toBe(bundle);
    expect(tokens.declared.get(".bootcde")).toBe(stored.length);
    expect(tokens.loaded).toEqual([".bootcde"]);
    // Keywords and operators become single bytes above 127; the text inside string literals stays.
    expect(stored.length).toBeLessThan(bundle.length * 0.95);
    expect([...stored].filter((c) => c.charCodeAt(0) > 127).length).toBeGreaterThan(1000);
    expect(stored).toContain("configuration rejected: ");
    expect(stored).not.toContain("function(");
  });
});

describe.each(boards.filter((b) => b.mcu.family === "espruino" && b.mcu.savedCodeBytes >= 65536).map((b) => [b.name, b] as const))(
  "the saved-code flash of %s (64 KB)",
  (_name, board) => {
    it("holds the pretokenised boot code and the persisted state file", async () => {
      const built = await buildEspruino(board.name);
      const stored = bootCodeUpload(built.code, { pretokenise: true }).files.get(".bootcde") ?? "";
      expect(stored.length).toBeGreaterThan(0);
      expect(stored.length + stateFileBytes).toBeLessThanOrEqual(board.mcu.savedCodeBytes);
    });
  },
);
