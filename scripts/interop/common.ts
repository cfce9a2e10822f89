// SPDX-License-Identifier: MIT
// What the parts of npm run test:interop share: the pass/fail tally, running a Python peer with
// the system interpreter, reading its JSON lines, and waiting on a condition.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { z } from "zod";

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root. */
export const root = join(here, "..", "..");
export const dbcPath = join(root, "firmware", "ems", "tsbms.dbc");
/** A Python peer in scripts/interop/. */
export const peer = (name: string): string => join(here, name);

// Debian's python3-can and python3-canmatrix live in the system interpreter's dist-packages; a
// python3 earlier on PATH (pyenv, a venv) would not see them.
export const python = process.env.PYTHON ?? (existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3");

export class Checks {
  passed = 0;
  failed = 0;

  check(ok: boolean, what: string, detail = ""): boolean {
    if (ok) this.passed++;
    else this.failed++;
    console.log(`${ok ? "ok  " : "FAIL"} ${what}${!ok && detail !== "" ? `: ${detail}` : ""}`);
    return ok;
  }
}

export interface PythonResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a Python peer to completion; killed (and reported) after `timeoutMs`. */
export function runPython(script: string, args: string[], timeoutMs: number): Promise<PythonResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [script, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${timeoutMs} ms)`;
      child.kill("SIGTERM");
    }, timeoutMs);
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`interop: cannot run ${python}: ${err.message}`));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Every non-empty line of `text` as JSON validated by `schema`; throws naming the bad line. */
export function parseLines<T>(schema: z.ZodType<T>, text: string, who: string): T[] {
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l, i) => {
      let json: unknown;
      try {
        json = JSON.parse(l);
      } catch {
        throw new Error(`interop: ${who} line ${i + 1} is not JSON: ${JSON.stringify(l.slice(0, 200))}`);
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) throw new Error(`interop: ${who} line ${i + 1} ${JSON.stringify(l.slice(0, 200))}: ${parsed.error.message}`);
      return parsed.data;
    });
}

export async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

export const hex = (bytes: number[]): string => bytes.map((b) => b.toString(16).toUpperCase().padStart(2, "0")).join("");

/** candump style `351#28021E00…` (3 hex digits for an 11-bit id). */
export const frameText = (id: number, data: number[]): string => `${id.toString(16).toUpperCase().padStart(3, "0")}#${hex(data)}`;
