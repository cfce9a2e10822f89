// SPDX-License-Identifier: MIT
// Closed loop, fault to alarm on the bus: an overcharge (cell over-voltage) and a short circuit on
// the simulated pack, and the time from the firmware's fault-set event to the first frame the
// simulated EMS receives with that alarm active: 0x35A (the inverter profile's alarm pair, 1 =
// active, ../shared/reference/can-link.md §1.2) and 0x4A4 (the fault table's bit). Both frames go
// out every second (§1.4) and also at once when a fault or warning changes (the DBC marks them
// CyclicAndSpontaneous), so the delay is at most the tick the fault is found in.
// The figures are printed for the release note ("time from a fault to the alarm bit on the bus").
import { afterAll, describe, expect, it } from "vitest";
import { findBoard } from "../../boards/index";
import { FrameId } from "../../firmware/ems/ids";
import { FaultId, faultName } from "../../firmware/fault-ids";
import { loadScenario } from "../../sim/scenario";
import { arrivalsOf, decode, eventsOf, raw, runWithEms } from "./ems-link-run";

const scenarioFile = (name: string) => new URL(`../../sim/scenarios/${name}.json`, import.meta.url).pathname;


interface Case {
  scenario: string;
  fault: number;
  /** The 0x35A pair that reports it. */
  alarm: string;
  /** Shortened runs: the overcharge starts near full. */
  initialSocPct?: number;
  durationS: number;
}

const cases: Case[] = [
  { scenario: "overcharge", fault: FaultId.cellOv, alarm: "AlarmHighVoltage", initialSocPct: 97, durationS: 130 },
  { scenario: "short-circuit", fault: FaultId.shortCircuit, alarm: "AlarmShortCircuit", durationS: 14 },
];

const boards = [
  ["wifi-ltc6813-16s", "MCP2515"],
  ["mdbt42q-bq76952-16s", "SLCAN"],
  ["wifi-bq76940-15s", "MCP2515"],
] as const;

const figures: string[] = [];

afterAll(() => {
  if (figures.length > 0) console.log(`time from a fault to the alarm bit on the bus (simulated ms):\n${figures.join("\n")}`);
});

describe.each(boards)("fault to alarm on the bus, %s over %s", (boardName, transport) => {
  const board = findBoard(boardName);

  it.each(cases.map((c) => [c.scenario, c.alarm, c] as const))("%s: 0x35A %s and the 0x4A4 bit are on the bus within one tick of the fault (sent at once, not at the next period)", (_s, _a, c) => {
    const scenario = loadScenario(scenarioFile(c.scenario));
    const run = runWithEms(board, {
      ...scenario,
      durationS: c.durationS,
      pack: { ...scenario.pack, initialSocPct: c.initialSocPct ?? scenario.pack.initialSocPct },
      ems: { periodS: 1 },
    });
    const name = faultName[c.fault];
    const faultMs = eventsOf(run, "fault-set", `${name} fault`)[0];
    expect(faultMs, `a ${name} fault`).toBeGreaterThan(1000);
    const bit = (d: ReturnType<typeof decode>) => Math.floor(raw(d, "ActiveFaults") / 2 ** c.fault) % 2;
    const alarms = arrivalsOf(run.arrivals, FrameId.alarms).map((a) => ({ t: a.timeMs, pair: raw(decode(a.frame), c.alarm) }));
    const table = arrivalsOf(run.arrivals, FrameId.faults).map((a) => ({ t: a.timeMs, bit: bit(decode(a.frame)) }));
    // Before the fault the item is supported and OK (2), the bit clear.
    expect(alarms.filter((a) => a.t < faultMs).at(-1)?.pair).toBe(2);
    expect(table.filter((a) => a.t < faultMs).every((a) => a.bit === 0)).toBe(true);
    const alarmMs = alarms.find((a) => a.t >= faultMs && a.pair === 1)?.t ?? Infinity;
    const bitMs = table.find((a) => a.t >= faultMs && a.bit === 1)?.t ?? Infinity;
    figures.push(`  ${boardName} (${transport}), ${name}: 0x35A +${alarmMs - faultMs} ms, 0x4A4 +${bitMs - faultMs} ms`);
    expect(alarmMs - faultMs).toBeLessThanOrEqual(board.tickMs);
    expect(bitMs - faultMs).toBeLessThanOrEqual(board.tickMs);
    // The general alarm goes with it, in the same frame.
    const first = arrivalsOf(run.arrivals, FrameId.alarms, alarmMs, alarmMs + 1).map((a) => decode(a.frame));
    expect(first.map((d) => raw(d, "AlarmGeneral"))).toEqual([1]);
    expect(run.result.summary.internalErrors).toBe(0);
  });
});
