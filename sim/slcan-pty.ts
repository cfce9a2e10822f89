// SPDX-License-Identifier: MIT
// Serve a simulated UART on a pseudo-terminal pair so real host tools (python-can's slcan
// interface, slcand, a terminal program) can attach to a running simulation.
//
//   socat -d -d pty,raw,echo=0,link=<dir>/bms pty,raw,echo=0,link=<dir>/ems
//
// socat makes two pseudo-terminals and copies bytes between them (../shared/reference/can-link.md
// §5, "Testing over a pty"). This process opens <dir>/bms; the host tool opens <dir>/ems. The bms
// end is opened twice, one descriptor for a tty.ReadStream in raw mode and one for a
// tty.WriteStream, because libuv re-opens a pty slave under the same descriptor number and two
// streams sharing one descriptor would close it twice. socat keeps its own slave descriptors, so a
// host tool may close <dir>/ems and open it again while the simulation runs.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, openSync, constants as fsConstants } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import tty from "node:tty";
import type { SerialPort } from "../hal/hal";

export interface SlcanPty {
  /** The end the host tool opens (python-can `channel=`). */
  emsPath: string;
  /** The end this process has open. */
  bmsPath: string;
  /** The simulation's side as a HAL serial port: bytes written go to the host tool and back. */
  serial: SerialPort & { lastError: Error | undefined };
  /** Close the bms end, stop socat and wait for it to exit. */
  close(): Promise<void>;
}

export interface SlcanPtyOptions {
  /** Directory for the two links (created if missing). */
  dir: string;
  /** How long to wait for socat to make the links, ms. Default 5000. */
  startTimeoutMs?: number;
  /** The socat executable. Default "socat" from PATH. */
  socat?: string;
}

const socatHint = "socat is needed to serve SLCAN on a pseudo-terminal: install the Debian package socat (apt-get install -y socat)";

/** Resolves once socat reports its transfer loop, rejects when it fails or cannot be started. */
function waitForSocat(child: ChildProcess, paths: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => {
      finish(new Error(`slcan-pty: socat did not create ${paths.join(" and ")} within ${timeoutMs} ms; its log: ${log.trim()}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      log += chunk.toString("utf8");
      if (log.includes("starting data transfer loop") && paths.every((p) => existsSync(p))) finish(undefined);
    };
    const onError = (err: NodeJS.ErrnoException): void => {
      finish(err.code === "ENOENT" ? new Error(`slcan-pty: ${socatHint}`) : new Error(`slcan-pty: cannot start socat: ${err.message}`));
    };
    const onExit = (code: number | null, signal: string | null): void => {
      finish(new Error(`slcan-pty: socat exited (code ${String(code)}, signal ${String(signal)}) before the links were ready; its log: ${log.trim()}`));
    };
    function finish(err: Error | undefined): void {
      clearTimeout(timer);
      child.stderr?.off("data", onData);
      child.off("error", onError);
      child.off("exit", onExit);
      // Keep draining socat's log so it never blocks on a full pipe.
      child.stderr?.resume();
      if (err === undefined) resolve();
      else reject(err);
    }
    child.stderr?.on("data", onData);
    child.once("error", onError);
    child.once("exit", onExit);
  });
}

/** The bms end as a SerialPort: every write goes out in order, every read chunk goes to the callbacks. */
class PtySerial implements SerialPort {
  private readonly callbacks: ((data: number[], count: number) => void)[] = [];
  /** The last read or write failure on the bms end (socat gone, for instance), if any. */
  lastError: Error | undefined;

  constructor(
    input: tty.ReadStream,
    private readonly output: tty.WriteStream,
  ) {
    input.on("data", (chunk: Buffer) => {
      const bytes = Array.from(chunk);
      for (const cb of this.callbacks) cb(bytes, bytes.length);
    });
    // A pty whose other side vanished reads EIO: keep it as a value, never crash the simulation.
    input.on("error", (err: Error) => {
      this.lastError = err;
    });
    output.on("error", (err: Error) => {
      this.lastError = err;
    });
  }

  write(data: number[], count: number): void {
    if (this.output.destroyed) return;
    this.output.write(Buffer.from(data.slice(0, count)));
  }

  onReadable(callback: (data: number[], count: number) => void): void {
    this.callbacks.push(callback);
  }
}

/**
 * Start socat, open the bms end raw, and hand back the serial port the SLCAN device runs on.
 * Fails with a message naming the Debian package when socat is not installed.
 */
export async function startSlcanPty(options: SlcanPtyOptions): Promise<SlcanPty> {
  const dir = options.dir;
  if (typeof dir !== "string" || dir === "") throw new Error("slcan-pty: option dir must be a directory path");
  const timeoutMs = options.startTimeoutMs ?? 5000;
  await mkdir(dir, { recursive: true });
  const bmsPath = join(dir, "bms");
  const emsPath = join(dir, "ems");
  for (const p of [bmsPath, emsPath]) {
    if (existsSync(p)) throw new Error(`slcan-pty: ${p} already exists (another simulation serving there?)`);
  }
  const child = spawn(options.socat ?? "socat", ["-d", "-d", `pty,raw,echo=0,link=${bmsPath}`, `pty,raw,echo=0,link=${emsPath}`], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const exited = new Promise<void>((resolve) => {
    child.once("close", () => resolve());
  });
  try {
    await waitForSocat(child, [bmsPath, emsPath], timeoutMs);
  } catch (err) {
    if (child.exitCode === null && child.pid !== undefined) child.kill("SIGTERM");
    throw err;
  }
  const flags = fsConstants.O_RDWR | fsConstants.O_NOCTTY;
  const input = new tty.ReadStream(openSync(bmsPath, flags));
  // socat already set raw mode; setting it here too keeps this end raw whatever socat's defaults.
  input.setRawMode(true);
  const output = new tty.WriteStream(openSync(bmsPath, flags));
  const serial = new PtySerial(input, output);
  let closing: Promise<void> | undefined;
  return {
    emsPath,
    bmsPath,
    serial,
    close(): Promise<void> {
      if (closing === undefined) {
        input.destroy();
        output.destroy();
        if (child.exitCode === null) child.kill("SIGTERM");
        closing = exited;
      }
      return closing;
    },
  };
}
