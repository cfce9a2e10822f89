// SPDX-License-Identifier: MIT
// test:interop, part 2: the real simulated BMS (scripts/interop-bms.ts, board mdbt42q-bq76952-16s
// with its SLCAN UART on a pseudo-terminal) against an independent EMS on python-can and
// canmatrix (scripts/interop/ems_client.py). The EMS knows the BMS only through the DBC and the
// E2E rules; the BMS records a status snapshot per tick. This file holds the two records side by
// side: every command answered with the reason the link rules give, every frame decoded by
// canmatrix equal to what the BMS published in the tick that sent it.
import { createWriteStream, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { findBoard } from "../../boards/index";
import { startSlcanPty } from "../../sim/slcan-pty";
import { interopBoardName, startPacedBms, type BmsSnapshot } from "../interop-bms";
import { Checks, dbcPath, frameText, parseLines, peer, runPython, waitFor } from "./common";

/** Reply result codes as the DBC's 0x4B8 Result values define them. */
const Result = { accepted: 0, badCrc: 1, repeatedCounter: 2, counterJump: 3, wrongLength: 4, outOfRange: 5, wouldRaiseLimit: 6, unknownCommand: 7 };
const resultName = Object.fromEntries(Object.entries(Result).map(([k, v]) => [v, k]));

/** What the BMS must answer to each command the EMS sends. */
const expectedResult: Record<string, number> = {
  "periodic-mode": Result.accepted,
  "periodic-limits": Result.accepted,
  "limits-above": Result.wouldRaiseLimit,
  "bad-crc": Result.badCrc,
  "repeated-counter": Result.repeatedCounter,
  "counter-jump": Result.counterJump,
  "unknown-id": Result.unknownCommand,
  "wrong-dlc": Result.wrongLength,
  "out-of-range-mode": Result.outOfRange,
  "counter-15": Result.outOfRange,
  "fault-clear-bad-key": Result.outOfRange,
  "fault-clear": Result.accepted,
  "limits-valid": Result.accepted,
};

const num = z.number();
const int = z.number().int();
const rx = z.object({
  event: z.literal("rx"),
  t: num,
  id: int,
  dlc: int,
  data: z.array(int),
  extended: z.boolean(),
  remote: z.boolean(),
  name: z.string().optional(),
  signals: z.record(z.string(), z.union([num, z.string()])).optional(),
  named: z.record(z.string(), z.string()).optional(),
  error: z.string().optional(),
});
const tx = z.object({ event: z.literal("tx"), case: z.string(), t: num, id: int, dlc: int, data: z.array(int) });
const reply = z.object({ event: z.literal("reply"), t: num, command_id: int, counter: int, result: int, refused_total: int });
const clientEvent = z.discriminatedUnion("event", [
  rx,
  tx,
  reply,
  z.object({ event: z.literal("open"), t0: num, t1: num }),
  z.object({ event: z.literal("done"), rx: int, tx: int, crccheck: z.boolean() }),
]);
type Rx = z.infer<typeof rx>;

const snapshotSchema = z.object({
  tick: int,
  simMs: int,
  wallMs: num,
  open: z.boolean(),
  sent: int,
  dropped: int,
  frames: z.array(z.string()),
  mode: z.string(),
  chargeVoltageLimitMv: int,
  chargeCurrentLimitMa: int,
  dischargeCurrentLimitMa: int,
  dischargeVoltageLimitMv: int,
  socCentiPct: int,
  sohCentiPct: int,
  sumCellMv: int,
  currentMa: int,
  minTemperatureDeciC: int,
  maxTemperatureDeciC: int,
  chargeEnable: z.boolean(),
  dischargeEnable: z.boolean(),
  faultCount: int,
  warningCount: int,
  faultBits: int,
  warningBits: int,
  emsLink: z.string(),
  emsLinkOk: z.boolean(),
  emsRefusedTotal: int,
  emsRequestedMode: int,
  emsChargeCapMa: int,
  emsDischargeCapMa: int,
}) satisfies z.ZodType<BmsSnapshot>;

const eps = 1e-6;

/** Mismatches of one decoded frame against the snapshot of the tick that sent it (one scale step). */
function compare(f: Rx, s: BmsSnapshot): string[] {
  const sig = f.signals ?? {};
  const bad: string[] = [];
  const near = (name: string, want: number, step: number): void => {
    const got = sig[name];
    if (typeof got !== "number" || Math.abs(got - want) > step + eps) bad.push(`${name} ${String(got)}, BMS ${want}`);
  };
  const equal = (name: string, want: number | string): void => {
    const got = typeof want === "string" ? f.named?.[name] : sig[name];
    if (got !== want) bad.push(`${name} ${String(got)}, BMS ${want}`);
  };
  if (f.id === 0x351) {
    // CVL drops to the pack voltage while charging is blocked (CCL rounds to 0): DBC comment on 849.
    const blocked = Math.floor(s.chargeCurrentLimitMa / 100) <= 0 && s.sumCellMv > 0 && s.sumCellMv < s.chargeVoltageLimitMv;
    near("ChargeVoltageLimit", (blocked ? s.sumCellMv : s.chargeVoltageLimitMv) / 1000, 0.1);
    near("ChargeCurrentLimit", Math.max(0, s.chargeCurrentLimitMa) / 1000, 0.1);
    near("DischargeCurrentLimit", Math.max(0, s.dischargeCurrentLimitMa) / 1000, 0.1);
    near("DischargeVoltageLimit", s.dischargeVoltageLimitMv / 1000, 0.1);
  } else if (f.id === 0x355) {
    const soc = Math.min(10000, Math.max(0, s.socCentiPct)) / 100;
    near("StateOfCharge", soc, 1);
    near("StateOfHealth", Math.min(10000, Math.max(0, s.sohCentiPct)) / 100, 1);
    near("StateOfChargeHighRes", soc, 0.01);
  } else if (f.id === 0x356) {
    // The extreme sensor further from 25 °C, the hottest on a tie: DBC comment on 854.
    const t = 250 - s.minTemperatureDeciC > s.maxTemperatureDeciC - 250 ? s.minTemperatureDeciC : s.maxTemperatureDeciC;
    near("BatteryVoltage", s.sumCellMv / 1000, 0.01);
    near("BatteryCurrent", s.currentMa / 1000, 0.1);
    near("BatteryTemperature", t / 10, 0.1);
  } else if (f.id === 0x4a0) {
    equal("Mode", s.mode);
    equal("EmsLinkOk", s.emsLinkOk ? 1 : 0);
    equal("EmsRequestedMode", s.emsRequestedMode < 0 ? 255 : s.emsRequestedMode);
    equal("ChargeEnable", s.chargeEnable ? 1 : 0);
    equal("DischargeEnable", s.dischargeEnable ? 1 : 0);
    equal("FaultCount", s.faultCount);
    equal("WarningCount", s.warningCount);
  } else if (f.id === 0x4a4) {
    equal("ActiveFaults", s.faultBits);
    equal("ActiveWarnings", s.warningBits);
  } else if (f.id === 0x4a6) {
    equal("RefusedCommands", s.emsRefusedTotal % 65536);
  }
  return bad;
}

/** The signals canmatrix must return for a multiplexed frame: the switch, the plain ones, the active group. */
function muxExpected(f: Rx): string[] | undefined {
  const sig = f.signals ?? {};
  const triple = (switchName: string, count: string, prefix: string): string[] => {
    const g = Number(sig[switchName]);
    return [switchName, count, `${prefix}${3 * g}`, `${prefix}${3 * g + 1}`, `${prefix}${3 * g + 2}`];
  };
  if (f.id === 0x4a1) return triple("CellGroup", "CellCount", "CellVoltage");
  if (f.id === 0x4a2) return triple("TemperatureGroup", "TemperatureCount", "Temperature");
  if (f.id === 0x4a3) return ["BalanceGroup", "BalanceCount", `BalanceMask${Number(sig.BalanceGroup)}`];
  return undefined;
}

const u16 = (d: number[], at: number): number => d[at] | (d[at + 1] << 8);

export async function bmsChecks(c: Checks, dir: string): Promise<void> {
  const started = performance.now();
  const board = findBoard(interopBoardName);
  const supervision = board.ems?.supervision;
  if (supervision === undefined) throw new Error(`interop: board ${board.name} has no EMS link`);
  const tickWallMs = 10;
  const wallPerSimMs = tickWallMs / board.tickMs;
  const pty = await startSlcanPty({ dir: join(dir, "bms-pty") });
  const snapshotFile = join(dir, "bms-snapshots.jsonl");
  const stream = createWriteStream(snapshotFile);
  let bms;
  try {
    bms = startPacedBms({ serial: pty.serial, tickWallMs, write: (l) => stream.write(l + "\n") });
  } catch (err) {
    stream.end();
    await pty.close();
    throw err;
  }
  // The EMS sends every 1 s of simulated time. At the end it falls silent until it sees the link
  // lost, for at most six link timeouts at full pace (room for a slowed-down simulation).
  const periodS = (1000 * wallPerSimMs) / 1000;
  const silenceS = (6 * supervision.timeoutMs * wallPerSimMs) / 1000;
  let result;
  try {
    await waitFor(() => bms.snapshots.length >= 30, 5000);
    result = await runPython(
      peer("ems_client.py"),
      ["--channel", pty.emsPath, "--dbc", dbcPath, "--period", String(periodS), "--listen", String(20 * periodS), "--silence", String(silenceS)],
      30000,
    );
    await waitFor(() => !bms.device.open, 2000);
  } finally {
    bms.stop();
    await new Promise<void>((r) => stream.end(() => r()));
    await pty.close();
  }
  writeFileSync(join(dir, "ems-client.jsonl"), result.stdout);
  if (result.code !== 0) {
    console.log(result.stdout.split("\n").slice(-20).join("\n"));
    throw new Error(`interop: ems_client.py exited with ${String(result.code)}: ${result.stderr.trim()}`);
  }
  const events = parseLines(clientEvent, result.stdout, "ems_client.py");
  const snaps = parseLines(snapshotSchema, readFileSync(snapshotFile, "utf8"), "BMS snapshot file");
  const open = events.find((e) => e.event === "open");
  const done = events.find((e) => e.event === "done");
  if (open === undefined || done === undefined) throw new Error("interop: ems_client.py printed no open or done line");
  const rxs = events.filter((e): e is Rx => e.event === "rx");
  const txs = events.filter((e): e is z.infer<typeof tx> => e.event === "tx");
  const replies = events.filter((e): e is z.infer<typeof reply> => e.event === "reply");
  console.log(
    `     BMS: ${snaps.length} ticks (${((snaps.at(-1)?.simMs ?? 0) / 1000).toFixed(1)} s simulated, one per ${tickWallMs} ms); ` +
      `EMS: ${txs.length} commands, ${rxs.length} frames received; E2E CRC cross-checked with crccheck: ${done.crccheck ? "yes" : "no (python3-crccheck missing)"}`,
  );

  // ---- Nothing before the host opened the channel.
  const firstOpen = snaps.findIndex((s) => s.open);
  const before = firstOpen < 0 ? snaps : snaps.slice(0, firstOpen);
  c.check(
    firstOpen > 0 && before.every((s) => s.sent === 0 && s.frames.length === 0) && before[before.length - 1].dropped > 0,
    "the BMS writes no frame to the UART before python-can opens the channel (its tries are refused)",
    `first open tick ${firstOpen}, sent before ${before.map((s) => s.sent).join(",").slice(0, 80)}`,
  );

  // ---- Stream alignment: python's n-th frame is the BMS's n-th frame, so each has its tick.
  const sentFrames = snaps.flatMap((s, i) => s.frames.map((text) => ({ text, snap: i })));
  let aligned = 0;
  while (aligned < rxs.length && aligned < sentFrames.length && frameText(rxs[aligned].id, rxs[aligned].data) === sentFrames[aligned].text) aligned++;
  c.check(
    rxs.length > 0 && aligned === rxs.length,
    "python-can received exactly the frames the BMS wrote, in order, none lost or added",
    aligned < rxs.length ? `frame ${aligned}: python ${frameText(rxs[aligned].id, rxs[aligned].data)}, BMS ${sentFrames[aligned]?.text ?? "nothing"}` : `${rxs.length} frames`,
  );
  const snapOf = (i: number): BmsSnapshot => snaps[sentFrames[i].snap];
  const early = rxs.map((f, i) => ({ f, s: i < aligned ? snapOf(i) : undefined })).filter(({ f, s }) => f.t < open.t0 || (s !== undefined && f.t * 1000 < s.wallMs - 5));
  c.check(
    rxs.length > 0 && early.length === 0 && sentFrames.length > 0 && snapOf(0).wallMs >= open.t0 * 1000 - 5,
    "every frame arrives after the client opened the channel and after the tick that sent it began",
    JSON.stringify(early.slice(0, 3).map(({ f, s }) => ({ id: f.id, t: f.t, tickWallMs: s?.wallMs, openT0: open.t0 }))),
  );
  const latency = rxs.slice(0, aligned).map((f, i) => f.t * 1000 - snapOf(i).wallMs);
  console.log(`     latency tick start → python-can: median ${latency.sort((a, b) => a - b)[Math.floor(latency.length / 2)]?.toFixed(1)} ms, max ${latency[latency.length - 1]?.toFixed(1)} ms`);

  // ---- Every frame is in the DBC and decodes; multiplexed frames carry their active group only.
  const undecoded = rxs.filter((f) => f.error !== undefined || f.signals === undefined);
  c.check(undecoded.length === 0, "every BMS frame id is in the DBC and canmatrix decodes it (DLC as the DBC says)", JSON.stringify(undecoded.slice(0, 3)));
  const muxBad = rxs.filter((f) => {
    const want = muxExpected(f);
    return want !== undefined && JSON.stringify([...want].sort()) !== JSON.stringify(Object.keys(f.signals ?? {}).sort());
  });
  const muxCount = rxs.filter((f) => muxExpected(f) !== undefined).length;
  c.check(muxCount > 0 && muxBad.length === 0, "multiplexed frames (0x4A1–0x4A3) decode to their active group's signals only", `${muxCount} frames; ${JSON.stringify(muxBad.slice(0, 2))}`);

  // ---- Decoded values equal the BMS's status in the tick that sent them.
  for (const [id, what] of [
    [0x351, "0x351 CVL, CCL, DCL, DVL"],
    [0x355, "0x355 SoC, SoH"],
    [0x356, "0x356 pack voltage, current, temperature"],
    [0x4a0, "0x4A0 mode, paths, EMS link and requested mode, fault and warning counts"],
    [0x4a4, "0x4A4 active faults and warnings"],
    [0x4a6, "0x4A6 refused-command counter"],
  ] as const) {
    const frames = rxs.slice(0, aligned).map((f, i) => ({ f, s: snapOf(i) })).filter(({ f }) => f.id === id);
    const wrong = frames.map(({ f, s }) => ({ tick: s.tick, bad: compare(f, s) })).filter((m) => m.bad.length > 0);
    c.check(frames.length > 0 && wrong.length === 0, `${what} decoded by canmatrix match the BMS status of their tick (${frames.length} frames)`, JSON.stringify(wrong.slice(0, 3)));
  }

  // ---- Commands: one reply each, in order, with the expected reason.
  c.check(replies.length === txs.length, "the BMS answers every command with one 0x4B8 reply", `${replies.length} replies to ${txs.length} commands`);
  const missing = Object.keys(expectedResult).filter((k) => !txs.some((t) => t.case === k));
  c.check(missing.length === 0, "the EMS sent every case", `missing ${missing.join(", ")}`);
  let refused = 0;
  const wrongReplies: string[] = [];
  txs.forEach((t, k) => {
    const r = replies[k];
    if (r === undefined) return;
    const want = expectedResult[t.case];
    const echo = t.dlc >= 2 ? t.data[1] & 0x0f : 0xff;
    if (r.result !== Result.accepted) refused++;
    const problems: string[] = [];
    if (r.command_id !== t.id) problems.push(`command id ${r.command_id}`);
    if (r.counter !== echo) problems.push(`counter ${r.counter}, sent ${echo}`);
    if (r.result !== want) problems.push(`result ${r.result} (${resultName[r.result] ?? "?"}), expected ${want} (${resultName[want] ?? "?"})`);
    if (r.refused_total !== refused % 65536) problems.push(`refused total ${r.refused_total}, expected ${refused}`);
    if (problems.length > 0) wrongReplies.push(`#${k} ${t.case}: ${problems.join("; ")}`);
  });
  for (const name of Object.keys(expectedResult).filter((k) => expectedResult[k] !== Result.accepted)) {
    const k = txs.findIndex((t) => t.case === name);
    const r = replies[k];
    c.check(r !== undefined && r.result === expectedResult[name], `${name} is refused with ${resultName[expectedResult[name]]} (${expectedResult[name]})`, r === undefined ? "no reply" : `result ${r.result} (${resultName[r.result] ?? "?"})`);
  }
  const valid = txs.map((t, k) => ({ t, r: replies[k] })).filter(({ t }) => expectedResult[t.case] === Result.accepted);
  c.check(valid.length > 0 && valid.every(({ r }) => r?.result === Result.accepted), `the valid commands are accepted (${valid.length}: periodic mode and limit requests, fault clear, limit request)`, JSON.stringify(valid.filter(({ r }) => r?.result !== Result.accepted).slice(0, 3)));
  c.check(wrongReplies.length === 0, "every reply names the command's id and counter and counts the refusals so far", wrongReplies.slice(0, 4).join(" | "));

  // ---- The accepted limit request caps CCL and DCL while it is in force.
  const kLimit = txs.findIndex((t) => t.case === "limits-valid");
  const lastTx = txs[txs.length - 1];
  if (kLimit >= 0 && replies[kLimit] !== undefined) {
    const reqCharge = u16(txs[kLimit].data, 2) / 10;
    const reqDischarge = u16(txs[kLimit].data, 4) / 10;
    const replyIndex = rxs.findIndex((f) => f.id === 0x4b8 && f.t === replies[kLimit].t && u16(f.data, 0) === txs[kLimit].id);
    const inForce = rxs.filter((f, i) => f.id === 0x351 && i > replyIndex && f.t < lastTx.t + 0.2);
    const off = inForce.filter((f) => Math.abs(Number(f.signals?.ChargeCurrentLimit) - reqCharge) > 0.1 + eps || Math.abs(Number(f.signals?.DischargeCurrentLimit) - reqDischarge) > 0.1 + eps);
    c.check(
      inForce.length >= 3 && off.length === 0,
      `0x351 CCL/DCL follow the accepted limit request (${reqCharge} A / ${reqDischarge} A) while the EMS keeps sending it`,
      `${inForce.length} frames; ${JSON.stringify(off.slice(0, 2).map((f) => f.signals))}`,
    );
  } else c.check(false, "the accepted limit request caps CCL and DCL", "no limits-valid command or reply");

  // ---- The EMS falls silent: the link is lost after the timeout and the limits derate.
  const lostAt = snaps.find((s) => s.wallMs > lastTx.t * 1000 && s.emsLink === "lost");
  c.check(snaps.some((s) => s.emsLink === "ok"), "the EMS's valid commands bring the BMS's link supervision to ok");
  const idle = rxs.filter((f) => f.id === 0x4a0 && f.named?.EmsRequestedMode === "Idle").length;
  c.check(idle > 0, "0x4A0 reports the EMS's accepted mode request (Idle) by the DBC's value name", `${idle} frames`);
  if (lostAt !== undefined) {
    const after = rxs.slice(0, aligned).filter((_f, i) => snapOf(i).tick > lostAt.tick);
    const state = after.filter((f) => f.id === 0x4a0);
    const limits = after.filter((f) => f.id === 0x351);
    const derated = limits.every((f) => Number(f.signals?.ChargeCurrentLimit) <= supervision.derateChargeMa / 1000 + eps && Number(f.signals?.DischargeCurrentLimit) <= supervision.derateDischargeMa / 1000 + eps);
    c.check(
      state.length > 0 && state.every((f) => f.signals?.EmsLinkOk === 0) && limits.length > 0 && derated,
      `once the EMS falls silent for longer than ${supervision.timeoutMs / 1000} s (simulated) the BMS reports the link lost (0x4A0) and derates CCL/DCL to ${supervision.derateChargeMa / 1000} A / ${supervision.derateDischargeMa / 1000} A`,
      `${state.length} state frames, ${limits.length} limit frames: ${JSON.stringify(limits.slice(0, 2).map((f) => f.signals))}`,
    );
  } else c.check(false, "the BMS drops the link after the EMS falls silent", `no lost link in ${snaps.length} ticks`);
  console.log(`     part 2 took ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
