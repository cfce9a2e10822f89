// SPDX-License-Identifier: MIT
// Runs the Lua build of a board's firmware (scripts/build-lua.ts, core bundle) in the system's
// lua5.3 (Debian's C interpreter, 64-bit integers), on a bridge platform whose SPI frames, pins
// and ADC go to a simulator Rig's emulators in this process. The two talk over a pair of named
// pipes, one request line and one answer line at a time, and this side reads and writes them
// synchronously, so the runtime steps like the in-process ones (test/equivalence/runtimes.ts).
// The Rig's own TypeScript shell is built but never ticked; the Lua shell drives the chips.
//
// Lines from Lua: "S h n hex" an SPI frame (answered "hex"), "W h v" a pin write, "A h" an ADC
// read (answered with the count), "K" a watchdog kick, "R text" the answer to a command ("R ok n"
// after a tick: n internal errors).
// Commands to Lua: "T nowMs" one tick, "V expression" a value as text, "Q" quit.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AnalogIn, DigitalOut, SpiDevice } from "../../hal/hal";
import type { Rig } from "../rig";

/** Is Debian's lua5.3 on this machine? */
export function haveLua53(): boolean {
  return spawnSync("lua5.3", ["-v"]).status === 0;
}

const driverLua = `
local bundle = arg[1]
io.stdout:setvbuf("full")
local function send(line) io.stdout:write(line, "\\n"); io.stdout:flush() end
local function answer() local l = io.stdin:read("l"); if l == nil then os.exit(3) end; return l end
local now = 0
local P = { storage = {} }
P.clock = { nowMs = function(self) return now end }
function P.storage:read(name) return nil end
function P.storage:write(name, data) return true end
local handles = 0
local function handle() handles = handles + 1; return handles end
function P:spi(o)
  local h = handle()
  send("O " .. h .. " spi " .. o.bus .. " " .. o.select)
  answer()
  local hex = {}
  return { transfer = function(self, tx, rx, n)
    for i = 1, n do hex[i] = string.format("%02x", tx[i] & 255) end
    for i = n + 1, #hex do hex[i] = nil end
    send("S " .. h .. " " .. n .. " " .. table.concat(hex))
    local a = answer()
    for i = 1, n do rx[i] = tonumber(a:sub(2 * i - 1, 2 * i), 16) end
  end }
end
function P:i2c(o) error("bridge: no I2C on this board") end
function P:serial(o) error("bridge: no serial on this board") end
function P:digitalIn(o) error("bridge: no digital input on this board") end
function P:digitalOut(o)
  local h = handle()
  send("O " .. h .. " out " .. o.pin .. " " .. o.value)
  answer()
  return { write = function(self, v) send("W " .. h .. " " .. v) end }
end
function P:analogIn(o)
  local h = handle()
  send("O " .. h .. " adc " .. o.pin .. " 0")
  local bits = tonumber(answer())
  return { resolution = bits, read = function(self) send("A " .. h); return tonumber(answer()) end }
end
function P:watchdog(o)
  return { kick = function(self) send("K") end }
end
local core = dofile(bundle)
bms = core.createBms(P)
send("R ready")
while true do
  local cmd = answer()
  local op, rest = cmd:sub(1, 1), cmd:sub(3)
  if op == "T" then
    -- A float, as the device's clock gives (hal/nodemcu/platform.ts NodeMcuClock counts in a double).
    now = tonumber(rest) / 1
    local ok, err = pcall(function() bms:tick() end)
    send("R " .. (ok and ("ok " .. bms.internalErrors) or ("error " .. tostring(err):gsub("\\n", " "))))
  elseif op == "V" then
    local f = load("return tostring(" .. rest .. ")")
    local ok, v = pcall(f)
    send("R " .. (ok and v or ("error " .. tostring(v))):gsub("\\n", "\\\\n"))
  elseif op == "Q" then
    send("R bye")
    os.exit(0)
  end
end
`;

/** Synchronous line reading from a file descriptor. */
class LineReader {
  private pending = "";
  private readonly chunk = Buffer.alloc(65536);
  constructor(private readonly fd: number) {}

  next(): string {
    for (;;) {
      const at = this.pending.indexOf("\n");
      if (at >= 0) {
        const line = this.pending.slice(0, at);
        this.pending = this.pending.slice(at + 1);
        return line;
      }
      const n = readSync(this.fd, this.chunk, 0, this.chunk.length, null);
      if (n === 0) throw new Error(`lua5.3 bridge: the interpreter closed its output${this.pending === "" ? "" : ` after "${this.pending}"`}`);
      this.pending += this.chunk.toString("latin1", 0, n);
    }
  }
}

export class Lua53Bms {
  private readonly child: ChildProcess;
  private readonly dir: string;
  private readonly toLua: number;
  private readonly fromLua: LineReader;
  private readonly fromLuaFd: number;
  private readonly spi: SpiDevice[] = [];
  private readonly outs: DigitalOut[] = [];
  private readonly analog: AnalogIn[] = [];
  private readonly buffer: number[] = [];
  private stderr = "";
  kicks = 0;

  constructor(
    bundleFile: string,
    private readonly rig: Rig,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), "tsbms-lua53-"));
    const down = join(this.dir, "down");
    const up = join(this.dir, "up");
    const driver = join(this.dir, "driver.lua");
    spawnSync("mkfifo", [down, up]);
    writeSync(openSync(driver, "w"), driverLua);
    // The shell opens the pipes in the child; the opens below pair with them (a FIFO open blocks
    // until both ends are there), first `down`, then `up`, in the same order on both sides.
    this.child = spawn("sh", ["-c", `exec lua5.3 "${driver}" "${bundleFile}" < "${down}" > "${up}"`], { stdio: ["ignore", "ignore", "pipe"] });
    this.child.stderr?.on("data", (d: Buffer) => (this.stderr += d.toString()));
    this.toLua = openSync(down, "w");
    this.fromLuaFd = openSync(up, "r");
    this.fromLua = new LineReader(this.fromLuaFd);
    const first = this.serve();
    if (first !== "ready") throw new Error(`lua5.3 bridge: the firmware did not start: ${first}`);
  }

  private send(line: string): void {
    writeSync(this.toLua, line + "\n");
  }

  /** Answers the platform's requests until the interpreter replies to the command; returns the reply. */
  private serve(): string {
    for (;;) {
      let line: string;
      try {
        line = this.fromLua.next();
      } catch (e) {
        throw new Error(`${(e as Error).message}; lua5.3 stderr: ${this.stderr.trim()}`, { cause: e });
      }
      const f = line.split(" ");
      switch (f[0]) {
        case "S": {
          const n = Number(f[2]);
          const hex = f[3] ?? "";
          for (let i = 0; i < n; i++) this.buffer[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
          this.spi[Number(f[1]) - 1].transfer(this.buffer, this.buffer, n);
          let out = "";
          for (let i = 0; i < n; i++) out += (this.buffer[i] & 0xff).toString(16).padStart(2, "0");
          this.send(out);
          break;
        }
        case "W":
          this.outs[Number(f[1]) - 1].write(Number(f[2]));
          break;
        case "A":
          this.send(String(this.analog[Number(f[1]) - 1].read()));
          break;
        case "K":
          this.kicks++;
          break;
        case "O":
          this.open(Number(f[1]), f[2], f[3], f[4]);
          break;
        case "R":
          return line.slice(2);
        default:
          throw new Error(`lua5.3 bridge: unexpected line "${line}"`);
      }
    }
  }

  private open(h: number, kind: string, a: string, b: string): void {
    const p = this.rig.platform;
    if (kind === "spi") {
      this.spi[h - 1] = p.spi({ bus: a, select: b, hz: 0, mode: 0 });
      this.send("ok");
    } else if (kind === "out") {
      // The Rig's TypeScript shell opened the pin already: the Lua shell drives the same one.
      const out = p.outputs.get(a) ?? p.digitalOut({ pin: a, value: Number(b) });
      out.write(Number(b));
      this.outs[h - 1] = out;
      this.send("ok");
    } else {
      const adc = p.analogIn({ pin: a });
      this.analog[h - 1] = adc;
      this.send(String(adc.resolution));
    }
  }

  /** One firmware tick at the Rig's present time; throws with the Lua error if the tick raised. */
  tick(): { internalErrors: number } {
    this.send(`T ${this.rig.platform.clock.nowMs()}`);
    // The reply carries the shell's internal error count: no second round trip per tick.
    const r = this.serve();
    if (!r.startsWith("ok ")) throw new Error(`lua5.3: tick: ${r}`);
    return { internalErrors: Number(r.slice(3)) };
  }

  /** A Lua expression's value, as text. */
  eval(expression: string): string {
    // One line: newlines are whitespace to Lua (the expressions hold no comments or long strings).
    this.send(`V ${expression.replace(/\n/g, " ")}`);
    const r = this.serve().replace(/\\n/g, "\n");
    if (r.startsWith("error ")) throw new Error(`lua5.3: ${expression}: ${r}`);
    return r;
  }

  close(): void {
    try {
      this.send("Q");
      this.serve();
    } catch {
      // Already gone: nothing to stop.
    }
    closeSync(this.toLua);
    closeSync(this.fromLuaFd);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
