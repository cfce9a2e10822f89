// SPDX-License-Identifier: MIT
// What the `espruino` CLI (EspruinoTools, pinned) would send to store a built file as the boot code,
// produced offline (`-n -o`, ../shared/reference/espruino.md §10), and what that upload leaves in
// Storage: the text is run against a recording Storage module. With `pretokenise` the CLI
// replaces keywords and operators by one-byte tokens (PRETOKENISE=2, §6 "Performance"), which
// makes the stored file smaller; the interpreter still runs it from flash (Espruino's
// src/jsparse.c keeps function bodies as strings pointing into the flash copy).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runInNewContext } from "node:vm";
import { recordLength } from "../firmware/persist-record";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** A board JSON with the firmware version and built-in modules, so the CLI fetches nothing. */
export const cliBoardJson = join(root, "test", "espruino", "fixtures", "espruino-board.json");
export const cliPath = join(root, "node_modules", "espruino", "bin", "espruino-cli.js");

/** The persisted state file in Storage: the record plus a Storage file header, taken as 32 bytes (an assumption, not in espruino.md). */
export const stateFileBytes = recordLength + 32;

export interface StoredUpload {
  /** The text the CLI would send. */
  upload: string;
  /** Storage files the upload writes, by name, and the size each declared in its first write. */
  files: Map<string, string>;
  declared: Map<string, number>;
  /** Files the upload load()s. */
  loaded: string[];
}

/** Runs an upload text with a Storage that records the writes (chunks must arrive in order). */
export function storageWrites(upload: string): Omit<StoredUpload, "upload"> {
  const files = new Map<string, string>();
  const declared = new Map<string, number>();
  const loaded: string[] = [];
  const storage = {
    write(name: string, data: string, offset?: number, total?: number): boolean {
      const before = files.get(name) ?? "";
      if (offset === undefined || offset === 0) {
        if (total !== undefined) declared.set(name, total);
        files.set(name, data);
      } else {
        if (offset !== before.length) throw new Error(`Storage.write("${name}"): chunk at ${offset} but ${before.length} bytes written so far`);
        files.set(name, before + data);
      }
      return true;
    },
  };
  const require = (m: string): unknown => {
    if (m !== "Storage") throw new Error(`upload text requires "${m}", not Storage`);
    return storage;
  };
  runInNewContext(upload, { require, load: (name: string) => loaded.push(name) });
  return { files, declared, loaded };
}

/** The CLI's upload of `code` to `.bootcde`, offline; throws with the CLI's output if it fails. */
export function bootCodeUpload(code: string, options: { pretokenise: boolean }): StoredUpload {
  const dir = mkdtempSync(join(tmpdir(), "tsbms-upload-"));
  try {
    const input = join(dir, "app.js");
    const output = join(dir, "upload.js");
    writeFileSync(input, code);
    const args = [cliPath, "-n", "--board", cliBoardJson, "--config", `PRETOKENISE=${options.pretokenise ? 2 : 0}`, "--storage", ".bootcde:-", "-o", output, input];
    const r = spawnSync(process.execPath, args, { cwd: dir, encoding: "utf8", timeout: 60000 });
    if (r.status !== 0) throw new Error(`espruino CLI failed (${r.status}): ${r.stdout}${r.stderr}`);
    const upload = readFileSync(output, "latin1");
    return { upload, ...storageWrites(upload) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
