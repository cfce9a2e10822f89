// SPDX-License-Identifier: MIT
// test:interop, part 3: the simulator's candump -L log (sim/can-bus-log.ts, what `npm run sim --
// --candump` writes) read by python-can's can.LogReader and decoded by canmatrix
// (scripts/interop/log_decode.py), a second independent reader of the log format. The run is a
// short scenario on an MCP2515 board with the simulated EMS commanding, so both directions are in
// the log.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { findBoard } from "../../boards/index";
import { runScenario } from "../../sim/run";
import { parseScenario } from "../../sim/scenario";
import { Checks, dbcPath, frameText, parseLines, peer, runPython } from "./common";

const boardName = "wifi-ltc6813-16s";

const scenario = parseScenario(
  {
    name: "interop-log",
    description: "Rest, then a 0.3 C discharge, with an EMS asking for idle and then lower current limits.",
    durationS: 60,
    seed: 5,
    pack: { initialSocPct: 55, spread: { initialSocPct: 0.5 } },
    profile: [
      { atS: 0, mode: "rest" },
      { atS: 10, mode: "current", c: -0.3 },
    ],
    ems: {
      periodS: 1,
      actions: [
        { atS: 2, type: "mode", mode: "idle" },
        { atS: 20, type: "limits", chargeA: 20, dischargeA: 25 },
      ],
    },
  },
  "interop-log scenario",
);

const int = z.number().int();
const logEvent = z.discriminatedUnion("event", [
  z.object({
    event: z.literal("rx"),
    t: z.number(),
    channel: z.string().nullable(),
    id: int,
    extended: z.boolean(),
    remote: z.boolean(),
    dlc: int,
    data: z.array(int),
    name: z.string().optional(),
    signals: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
    error: z.string().optional(),
    e2e_ok: z.boolean().optional(),
  }),
  z.object({ event: z.literal("done"), count: int }),
]);

/** `(12.300000) can0 351#1F01…` → its parts. */
function parseLine(line: string): { us: number; iface: string; text: string } {
  const m = /^\((\d+)\.(\d{6})\) (\S+) (\S+)$/.exec(line);
  if (m === null) throw new Error(`interop: the simulator wrote a candump line that is not -L format: ${JSON.stringify(line)}`);
  return { us: Number(m[1]) * 1e6 + Number(m[2]), iface: m[3], text: m[4] };
}

export async function logChecks(c: Checks, dir: string): Promise<void> {
  const started = performance.now();
  const board = findBoard(boardName);
  const limitsAt = new Map<number, { cvl: number; ccl: number; dcl: number; dvl: number; sum: number }>();
  const result = runScenario(scenario, board, {
    candump: true,
    onTick: (_rig, out, timeMs) => {
      limitsAt.set(timeMs, { cvl: out.chargeVoltageLimitMv, ccl: out.chargeCurrentLimitMa, dcl: out.dischargeCurrentLimitMa, dvl: out.dischargeVoltageLimitMv, sum: out.sumCellMv });
    },
  });
  const ems = result.rig.ems;
  if (ems === undefined) throw new Error(`interop: board ${boardName} has no EMS link to log`);
  const lines = ems.log;
  const file = join(dir, `${scenario.name}-${board.name}.log`);
  writeFileSync(file, lines.map((l) => `${l}\n`).join(""));
  const r = await runPython(peer("log_decode.py"), ["--log", file, "--dbc", dbcPath], 30000);
  if (r.code !== 0) throw new Error(`interop: log_decode.py exited with ${String(r.code)}: ${r.stderr.trim()}`);
  const events = parseLines(logEvent, r.stdout, "log_decode.py");
  const msgs = events.flatMap((e) => (e.event === "rx" ? [e] : []));
  const done = events.find((e) => e.event === "done");
  console.log(`     ${lines.length} frames in ${scenario.durationS} s simulated on ${board.name}, log ${file}`);

  c.check(done?.count === lines.length && msgs.length === lines.length, "can.LogReader reads every line of the simulator's candump -L log", `${msgs.length} messages, ${lines.length} lines`);
  const wrong = msgs.flatMap((m, i) => {
    const l = parseLine(lines[i]);
    const same = Math.abs(m.t * 1e6 - l.us) < 1 && m.channel === l.iface && !m.extended && !m.remote && m.dlc === m.data.length && frameText(m.id, m.data) === l.text;
    return same ? [] : [{ line: lines[i], got: { t: m.t, channel: m.channel, id: m.id, data: m.data } }];
  });
  c.check(msgs.length > 0 && wrong.length === 0, "each message has the line's timestamp, channel, id and data", JSON.stringify(wrong.slice(0, 2)));
  const undecoded = msgs.filter((m) => m.error !== undefined || m.signals === undefined);
  c.check(undecoded.length === 0, "canmatrix decodes every logged frame (both directions) with the DBC", JSON.stringify(undecoded.slice(0, 3)));
  const commands = msgs.filter((m) => m.e2e_ok !== undefined);
  c.check(commands.length > 0 && commands.every((m) => m.e2e_ok === true), `the simulated EMS's commands in the log carry the E2E CRC python computes (${commands.length})`, JSON.stringify(commands.filter((m) => m.e2e_ok !== true).slice(0, 2)));

  // 0x351 against the BMS's outputs: the log stamps a frame when the EMS node takes it off the
  // bus, in the tick that sent it or the next one.
  const limits = msgs.filter((m) => m.id === 0x351);
  const tickMs = board.tickMs;
  const off = limits.filter((m) => {
    const t = Math.round(m.t * 1000);
    return ![t, t - tickMs].some((at) => {
      const o = limitsAt.get(at);
      if (o === undefined) return false;
      const s = m.signals ?? {};
      const blocked = Math.floor(o.ccl / 100) <= 0 && o.sum > 0 && o.sum < o.cvl;
      const near = (name: string, mv: number): boolean => Math.abs(Number(s[name]) - mv / 1000) <= 0.1 + 1e-6;
      return near("ChargeVoltageLimit", blocked ? o.sum : o.cvl) && near("ChargeCurrentLimit", Math.max(0, o.ccl)) && near("DischargeCurrentLimit", Math.max(0, o.dcl)) && near("DischargeVoltageLimit", o.dvl);
    });
  });
  const capped = limits.some((m) => Number(m.signals?.ChargeCurrentLimit) === 20 && Number(m.signals?.DischargeCurrentLimit) === 25);
  c.check(
    limits.length >= scenario.durationS - 2 && off.length === 0 && capped,
    `0x351 from the log decodes to the BMS's limits of its tick, the EMS's 20 A / 25 A request included (${limits.length} frames)`,
    `capped seen: ${capped}; ${JSON.stringify(off.slice(0, 2).map((m) => ({ t: m.t, s: m.signals })))}`,
  );
  console.log(`     part 3 took ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
