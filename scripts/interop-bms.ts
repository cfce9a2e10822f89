// SPDX-License-Identifier: MIT
// The real simulated BMS as an SLCAN device for host tools: the board mdbt42q-bq76952-16s (its
// EMS link is SLCAN on UART "Serial1", firmware/wire-ems.ts) in the simulator's Rig, its UART put
// on a pseudo-terminal (sim/slcan-pty.ts), stepped like sim/run.ts steps a scenario but paced in
// bounded accelerated real time (by default one 100 ms tick every 10 ms of wall time) so a host
// has time to talk to it. After every tick it records a status snapshot: what the firmware
// published and which frames it wrote to the UART, so a checker can hold what a host decoded
// against what the BMS meant.
//
// scripts/interop.ts uses startPacedBms in-process. Run alone it serves a pty for manual sessions:
//   npx tsx scripts/interop-bms.ts [--seconds 60] [--tick-wall-ms 10] [--snapshots file.jsonl]
// prints {"event":"ready","ems":"<pty>"} and then one snapshot per tick (stdout, or the file).
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, type WriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { findBoard } from "../boards/index";
import type { SerialPort } from "../hal/hal";
import { SlcanDevice } from "../hal/slcan/device";
import { bmsModeName } from "../firmware/types";
import { emsLinkStateName } from "../firmware/ems/link-state";
import { Rig } from "../sim/rig";
import { startSlcanPty } from "../sim/slcan-pty";

export const interopBoardName = "mdbt42q-bq76952-16s";

/** One tick of the BMS as the checker compares it with what the host decoded. */
export interface BmsSnapshot {
  tick: number;
  /** Simulated time after the tick, ms. */
  simMs: number;
  /** Wall clock (ms since the epoch) when the tick started: its frames cannot arrive earlier. */
  wallMs: number;
  /** The host has the SLCAN channel open (after the tick). */
  open: boolean;
  /** SLCAN device counters after the tick: frames written to the host, frames refused while closed. */
  sent: number;
  dropped: number;
  /** The frames this tick wrote to the host, in order, candump style (`351#28021E00…`). */
  frames: string[];
  mode: string;
  chargeVoltageLimitMv: number;
  chargeCurrentLimitMa: number;
  dischargeCurrentLimitMa: number;
  dischargeVoltageLimitMv: number;
  socCentiPct: number;
  sohCentiPct: number;
  sumCellMv: number;
  /** The measured pack current the firmware used this tick, mA, + = charging. */
  currentMa: number;
  minTemperatureDeciC: number;
  maxTemperatureDeciC: number;
  chargeEnable: boolean;
  dischargeEnable: boolean;
  faultCount: number;
  warningCount: number;
  /** Bit n = FaultId n active (fault tier / warning tier). */
  faultBits: number;
  warningBits: number;
  /** EMS link supervision after the tick. */
  emsLink: string;
  emsLinkOk: boolean;
  emsRefusedTotal: number;
  /** The EMS's last accepted mode request (0 standby … 3 idle), −1 = none yet. */
  emsRequestedMode: number;
  /** The EMS's caps on the current limits in force, −1 = none. */
  emsChargeCapMa: number;
  emsDischargeCapMa: number;
}

export interface PacedBmsOptions {
  /** The UART's other end (the pty's bms side). */
  serial: SerialPort;
  /** Wall time per 100 ms tick; 10 = ten times real time. */
  tickWallMs?: number;
  /** Every snapshot is also written here as a JSON line (a file stream, stdout). */
  write?: (line: string) => void;
  seed?: number;
  initialSocPct?: number;
}

export interface PacedBms {
  readonly rig: Rig;
  readonly device: SlcanDevice;
  readonly snapshots: BmsSnapshot[];
  readonly tickMs: number;
  readonly tickWallMs: number;
  /** Stop ticking (the pty stays the caller's). */
  stop(): void;
}

/** The load: at rest for the first 5 s, then a 0.3 C discharge (4.5 A on the 15 Ah pack). */
function loadDemandMa(simMs: number, capacityMah: number): number {
  return simMs < 5000 ? 0 : -Math.round(0.3 * capacityMah);
}

function bits(flags: boolean[]): number {
  let v = 0;
  flags.forEach((on, i) => {
    if (on) v += 2 ** i;
  });
  return v;
}

/** A pass-through serial port that keeps, per tick, the frame lines the device writes. */
function tapFrames(serial: SerialPort, into: { lines: string[] }): SerialPort {
  return {
    write(data, count) {
      // Frame lines start with t/T (r/R never come from this BMS); acks are CR, z CR, BEL.
      const first = data[0];
      if (count > 5 && (first === 0x74 || first === 0x54)) {
        const text = String.fromCharCode(...data.slice(0, count)).replace(/\r$/, "").toUpperCase();
        const idDigits = first === 0x74 ? 3 : 8;
        const dlc = Number(text[1 + idDigits]);
        into.lines.push(`${text.slice(1, 1 + idDigits)}#${text.slice(2 + idDigits, 2 + idDigits + 2 * dlc)}`);
      }
      serial.write(data, count);
    },
    onReadable(callback) {
      serial.onReadable(callback);
    },
  };
}

export function startPacedBms(options: PacedBmsOptions): PacedBms {
  const board = findBoard(interopBoardName);
  const tickWallMs = options.tickWallMs ?? 10;
  if (!(tickWallMs >= 1 && tickWallMs <= 1000)) throw new Error(`startPacedBms options.tickWallMs: ${tickWallMs} is outside 1..1000 ms`);
  const tap = { lines: [] as string[] };
  const rig = new Rig({
    board,
    seed: options.seed ?? 11,
    initialSocPct: options.initialSocPct ?? 60,
    spread: { capacityPct: 0.5, initialSocPct: 0.5 },
    ambientCelsius: 25,
    emsSerial: tapFrames(options.serial, tap),
  });
  const link = rig.shell.ems;
  if (link === undefined || !(link.port instanceof SlcanDevice)) throw new Error(`interop-bms: board ${board.name} did not wire an SLCAN EMS link`);
  const device = link.port;
  const tickMs = board.tickMs;
  const snapshots: BmsSnapshot[] = [];
  let tick = 0;

  const step = (): void => {
    const wallMs = performance.timeOrigin + performance.now();
    tap.lines = [];
    const simMs = rig.platform.clock.nowMs() + tickMs;
    rig.advance(loadDemandMa(simMs, board.pack.capacityMah), tickMs, 25);
    const out = rig.shell.tick();
    tick++;
    const ems = link.state;
    const s: BmsSnapshot = {
      tick,
      simMs,
      wallMs,
      open: device.open,
      sent: device.counters.sent,
      dropped: device.counters.dropped,
      frames: tap.lines,
      mode: bmsModeName[out.mode],
      chargeVoltageLimitMv: out.chargeVoltageLimitMv,
      chargeCurrentLimitMa: out.chargeCurrentLimitMa,
      dischargeCurrentLimitMa: out.dischargeCurrentLimitMa,
      dischargeVoltageLimitMv: out.dischargeVoltageLimitMv,
      socCentiPct: out.socCentiPct,
      sohCentiPct: out.sohCentiPct,
      sumCellMv: out.sumCellMv,
      currentMa: rig.shell.inputs.measurements.currentMa,
      minTemperatureDeciC: out.minTemperatureDeciC,
      maxTemperatureDeciC: out.maxTemperatureDeciC,
      chargeEnable: out.chargeEnable,
      dischargeEnable: out.dischargeEnable,
      faultCount: out.faultCount,
      warningCount: out.warningCount,
      faultBits: bits(out.faultActive),
      warningBits: bits(out.warningActive),
      emsLink: emsLinkStateName[ems.link],
      emsLinkOk: ems.linkOk,
      emsRefusedTotal: ems.refusedTotal,
      emsRequestedMode: ems.emsMode,
      emsChargeCapMa: ems.chargeLimitCapMa,
      emsDischargeCapMa: ems.dischargeLimitCapMa,
    };
    snapshots.push(s);
    options.write?.(JSON.stringify(s));
  };

  // Tick k is due at start + k·tickWallMs. A late timer catches up a few ticks at most; beyond
  // that the backlog is dropped, so the simulation slows down rather than racing ahead of a host
  // that paces itself by the wall clock.
  const maxCatchUp = 3;
  let due = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const run = (): void => {
    if (stopped) return;
    let n = 0;
    while (performance.now() >= due && n < maxCatchUp) {
      step();
      due += tickWallMs;
      n++;
    }
    if (performance.now() >= due) due = performance.now() + tickWallMs;
    timer = setTimeout(run, Math.max(0, due - performance.now()));
  };
  run();
  return {
    rig,
    device,
    snapshots,
    tickMs,
    tickWallMs,
    stop: () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}

async function main(argv: string[]): Promise<void> {
  let seconds = 60;
  let tickWallMs = 10;
  let file: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === "--seconds" || a === "--tick-wall-ms" || a === "--snapshots") {
      if (v === undefined) throw new Error(`${a} needs a value`);
      i++;
      if (a === "--seconds") seconds = Number(v);
      else if (a === "--tick-wall-ms") tickWallMs = Number(v);
      else file = v;
    } else throw new Error(`unknown option ${a}; usage: interop-bms.ts [--seconds 60] [--tick-wall-ms 10] [--snapshots file.jsonl]`);
  }
  if (!(seconds > 0)) throw new Error(`--seconds: ${seconds} is not a positive number`);
  const dir = mkdtempSync(join(tmpdir(), "tsbms-bms-"));
  const pty = await startSlcanPty({ dir });
  let stream: WriteStream | undefined;
  if (file !== undefined) {
    mkdirSync(dirname(file), { recursive: true });
    stream = createWriteStream(file);
  }
  const sink = stream;
  const write = sink === undefined ? (l: string) => process.stdout.write(l + "\n") : (l: string) => sink.write(l + "\n");
  process.stdout.write(JSON.stringify({ event: "ready", ems: pty.emsPath }) + "\n");
  const bms = startPacedBms({ serial: pty.serial, tickWallMs, write });
  await new Promise((r) => setTimeout(r, seconds * 1000));
  bms.stop();
  await pty.close();
  stream?.end();
  rmSync(dir, { recursive: true, force: true });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(`interop-bms: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
