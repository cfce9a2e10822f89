// SPDX-License-Identifier: MIT
// Closed loop, the EMS side of the link: what a simulated EMS actually receives over the board's
// own transport (MCP2515 on the virtual CAN bus, SLCAN on a UART) while the unchanged firmware runs
// a simulated pack. Cadence against the DBC's GenMsgCycleTime, decoded values (candied) against the
// BMS's status at the tick they arrived, and the candump -L log of both directions.
// Facts: ../shared/reference/can-link.md §1.4 (whole set every 1 s, 0x351 never gapped), §2 and
// §5 (candump -L).
import { beforeAll, describe, expect, it } from "vitest";
import { findBoard } from "../../boards/index";
import type { BoardDefinition } from "../../boards/types";
import { EmsMode } from "../../firmware/ems/commands";
import { FrameId } from "../../firmware/ems/ids";
import { faultCount } from "../../firmware/fault-ids";
import { db, decode, mask, raw, roundHalfAway, runWithEms, transportBoards } from "./ems-link-run";
import type { EmsRun } from "./ems-link-run";

const durationS = 60;

/** Charge, then discharge, with a thermistor open for a while (a fault on the bus). */
const scenario = {
  name: "ems-link-cadence",
  durationS,
  seed: 11,
  pack: { initialSocPct: 55, spread: { initialSocPct: 2 } },
  profile: [
    { atS: 0, mode: "charger", c: 0.2, followLimits: true },
    { atS: 30, mode: "current", c: -0.3 },
  ],
  faults: [{ atS: 38, untilS: 50, type: "thermistorOpen", sensor: 0 }],
  ems: { periodS: 1 },
};

/** Periodic BMS frames of the DBC: id → GenMsgCycleTime (ms). */
const dbcPeriods = new Map<number, number>();
/** Frames the DBC marks CyclicAndSpontaneous: also sent at once when a fault or warning changes. */
const spontaneous = new Set<number>();
for (const m of db.data.messages.values()) {
  const cycle = Number(m.attributes.get("GenMsgCycleTime")?.value ?? "0");
  if (m.sendingNode === "BMS" && cycle > 0) dbcPeriods.set(m.id, cycle);
  if (m.attributes.get("GenMsgSendType")?.value === "2") spontaneous.add(m.id);
}
const pylonOnly: number[] = [FrameId.pylonFlags, FrameId.pylonRequest];

/** Multiplexed frames: id → the multiplexor values a board sends per period. */
function groupsOf(board: BoardDefinition): Map<number, number> {
  const p = board.pack;
  return new Map([
    [FrameId.cellVoltages, Math.ceil(p.seriesCount / 3)],
    [FrameId.temperatures, Math.ceil(p.temperatureCount / 3)],
    [FrameId.balancing, Math.ceil(p.seriesCount / 32)],
  ]);
}

/** The multiplexor value of a received frame (byte 0 of the detailed multiplexed frames), −1 for a plain one. */
const multiplexed: number[] = [FrameId.cellVoltages, FrameId.temperatures, FrameId.balancing];
const muxOf = (id: number, data: number[]) => (multiplexed.includes(id) ? data[0] : -1);

interface Mismatch {
  timeMs: number;
  what: string;
  got: number;
  want: number;
}

/** What the status comparison went through, so it cannot pass on an idle pack. */
interface Seen {
  ticks: number;
  charging: boolean;
  discharging: boolean;
  fault: boolean;
  cvlLowered: boolean;
}

describe.each([...transportBoards, "esp32-ltc6813x2-36s"])("the EMS link of %s, seen from the EMS", (boardName) => {
  const board = findBoard(boardName);
  const tickMs = board.tickMs;
  let run: EmsRun;
  const mismatches: Mismatch[] = [];
  const seen: Seen = { ticks: 0, charging: false, discharging: false, fault: false, cvlLowered: false };
  /** Cells whose 0x4A1 voltage arrived since the current period started. */
  const periodCells = new Set<number>();

  beforeAll(() => {
    run = runWithEms(
      board,
      scenario,
      (rig, out, timeMs, frames) => {
        // A period starts where 0x355 arrives: it is never sent outside its period (0x351 is, on an
        // alarm change). The set is spread over the ticks that follow (firmware/ems/schedule.ts),
        // so each frame is held to the status of its own tick, and the cells of a period are
        // counted until the next one starts.
        const check = (what: string, got: number, want: number) => {
          if (got !== want) mismatches.push({ timeMs, what, got, want });
        };
        if (frames.some((a) => a.frame.id === FrameId.socSoh)) {
          seen.ticks++;
          if (periodCells.size > 0) check("0x4A1 cells received in the period", periodCells.size, board.pack.seriesCount);
          periodCells.clear();
        }
        const m = rig.shell.inputs.measurements;
        const link = rig.shell.ems?.state;
        for (const { frame } of frames) {
          const d = decode(frame);
          if (frame.id === FrameId.limits) {
            const ccl = Math.max(0, Math.floor(out.chargeCurrentLimitMa / 100));
            check("0x351 CCL", raw(d, "ChargeCurrentLimit"), ccl);
            check("0x351 DCL", raw(d, "DischargeCurrentLimit"), Math.max(0, Math.floor(out.dischargeCurrentLimitMa / 100)));
            // §1.5: never 0, the pack voltage while charging is blocked.
            const lowered = ccl === 0 && out.sumCellMv > 0 && out.sumCellMv < out.chargeVoltageLimitMv;
            if (lowered) seen.cvlLowered = true;
            check("0x351 CVL", raw(d, "ChargeVoltageLimit"), Math.max(1, Math.floor((lowered ? out.sumCellMv : out.chargeVoltageLimitMv) / 100)));
            check("0x351 DVL", raw(d, "DischargeVoltageLimit"), Math.ceil(out.dischargeVoltageLimitMv / 100));
          } else if (frame.id === FrameId.socSoh) {
            check("0x355 SoC", raw(d, "StateOfCharge"), roundHalfAway(out.socCentiPct, 100));
            check("0x355 SoC high-res", raw(d, "StateOfChargeHighRes"), out.socCentiPct);
            check("0x355 SoH", raw(d, "StateOfHealth"), roundHalfAway(Math.min(10000, out.sohCentiPct), 100));
          } else if (frame.id === FrameId.measurements) {
            check("0x356 voltage", raw(d, "BatteryVoltage"), roundHalfAway(out.sumCellMv, 10));
            check("0x356 current", raw(d, "BatteryCurrent"), roundHalfAway(m.currentMa, 100));
            // Positive = charging, as the pack model sees it (sensor error far below 0.1C, in mA).
            const big = board.pack.capacityMah / 10;
            if (Math.abs(rig.trueCurrentMa) > big) check("0x356 current sign", Math.sign(raw(d, "BatteryCurrent")), Math.sign(rig.trueCurrentMa));
            if (rig.trueCurrentMa > big) seen.charging = true;
            if (rig.trueCurrentMa < -big) seen.discharging = true;
          } else if (frame.id === FrameId.alarms) {
            check("0x35A general alarm", raw(d, "AlarmGeneral"), out.faultCount > 0 ? 1 : 2);
            check("0x35A general warning", raw(d, "WarningGeneral"), out.warningCount > 0 ? 1 : 2);
          } else if (frame.id === FrameId.faults) {
            check("0x4A4 active faults", raw(d, "ActiveFaults"), mask(out.faultActive.slice(0, faultCount)));
            check("0x4A4 active warnings", raw(d, "ActiveWarnings"), mask(out.warningActive.slice(0, faultCount)));
            check("0x4A4 latched", raw(d, "LatchedFaults"), mask(rig.shell.state.faults.latched.slice(0, faultCount)));
            if (out.faultCount > 0) seen.fault = true;
          } else if (frame.id === FrameId.state) {
            check("0x4A0 mode", raw(d, "Mode"), out.mode);
            check("0x4A0 charge path", raw(d, "ChargeEnable"), Number(out.chargeEnable));
            check("0x4A0 discharge path", raw(d, "DischargeEnable"), Number(out.dischargeEnable));
            check("0x4A0 fault count", raw(d, "FaultCount"), out.faultCount);
            check("0x4A0 EMS link ok", raw(d, "EmsLinkOk"), Number(link?.linkOk));
            check("0x4A0 EMS mode", raw(d, "EmsRequestedMode"), EmsMode.idle);
          } else if (frame.id === FrameId.cellVoltages) {
            const g = raw(d, "CellGroup");
            for (let j = 0; j < 3; j++) {
              const cell = 3 * g + j;
              if (cell >= board.pack.seriesCount) continue;
              check(`0x4A1 cell ${cell}`, raw(d, `CellVoltage${cell}`), m.cellMv[cell]);
              periodCells.add(cell);
            }
          }
        }
      },
      true,
    );
  });

  it("sends every periodic frame of the DBC, and only those, the Pylon pair only where the board asks", () => {
    const expected = [...dbcPeriods.keys()].filter((id) => board.ems?.pylon === true || !pylonOnly.includes(id));
    const received = new Set(run.arrivals.map((a) => a.frame.id));
    received.delete(FrameId.commandReply);
    expect([...received].sort()).toEqual(expected.sort());
  });

  it("sends each frame (each multiplexor value of a multiplexed one) at its GenMsgCycleTime within ±1 tick, the alarm frames also at once on an alarm change", () => {
    const alarmTicks = new Set(run.result.events.filter((e) => e.kind === "fault-set" || e.kind === "fault-cleared").map((e) => e.timeMs));
    expect(spontaneous).toEqual(new Set([FrameId.limits, FrameId.alarms, FrameId.faults]));
    const late: string[] = [];
    for (const [id, periodMs] of dbcPeriods) {
      const byMux = new Map<number, number[]>();
      for (const a of run.arrivals.filter((x) => x.frame.id === id)) {
        const k = muxOf(id, a.frame.data);
        byMux.set(k, [...(byMux.get(k) ?? []), a.timeMs]);
      }
      for (const [k, times] of byMux) {
        // Arrivals from the second tick on: at least the whole run over the period, less one.
        expect(times.length, `0x${id.toString(16)}/${k}`).toBeGreaterThanOrEqual(Math.floor((durationS * 1000) / periodMs) - 1);
        for (let i = 1; i < times.length; i++) {
          const gap = times[i] - times[i - 1];
          // A spontaneous frame may come early, but only next to a tick where a fault or warning
          // set or cleared (it, or the one before it, was the extra send); it is never late.
          const early = gap < periodMs - tickMs;
          if (spontaneous.has(id) && early && (alarmTicks.has(times[i]) || alarmTicks.has(times[i - 1]))) continue;
          if (Math.abs(gap - periodMs) > tickMs) late.push(`0x${id.toString(16)} mux ${k}: ${gap} ms at ${times[i]} ms`);
        }
      }
    }
    expect(late).toEqual([]);
  });

  it("never leaves 0x351 out for more than 1.1 s", () => {
    const times = run.arrivals.filter((a) => a.frame.id === FrameId.limits).map((a) => a.timeMs);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    expect(times.length).toBeGreaterThan(durationS - 2);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(1100);
  });

  it("completes every multiplexed set in every period: each value in use once, none beyond", () => {
    const starts = run.arrivals.filter((a) => a.frame.id === FrameId.socSoh).map((a) => a.timeMs);
    for (const [id, groups] of groupsOf(board)) {
      for (let p = 0; p + 1 < starts.length; p++) {
        const muxes = run.arrivals.filter((a) => a.frame.id === id && a.timeMs >= starts[p] && a.timeMs < starts[p + 1]).map((a) => a.frame.data[0]);
        expect(muxes.sort((a, b) => a - b), `0x${id.toString(16)} in the period from ${starts[p]} ms`).toEqual(Array.from({ length: groups }, (_, k) => k));
      }
    }
  });

  it("carries the BMS's status of the tick it arrived in: limits, SoC/SoH, voltage, current, cells, faults, state", () => {
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(seen.ticks).toBeGreaterThan(durationS - 2);
    // The comparison saw both directions of current, a fault on the bus and CVL lowered to the pack.
    expect(seen).toMatchObject({ charging: true, discharging: true, fault: true, cvlLowered: true });
    expect(run.result.summary.internalErrors).toBe(0);
  });

  it("logs both directions as candump -L lines, in time order, one per frame", () => {
    const log = run.result.rig.ems?.log ?? [];
    const format = /^\(\d+\.\d{6}\) can0 [0-9A-F]{3}#([0-9A-F]{2})*$/;
    expect(log.filter((l) => !format.test(l))).toEqual([]);
    const ids = log.map((l) => parseInt(l.split(" ")[2].split("#")[0], 16));
    const fromEms = ids.filter((id) => id === FrameId.modeRequest || id === FrameId.limitRequest).length;
    expect(fromEms).toBe(run.result.summary.ems?.framesToBms);
    expect(ids.length - fromEms).toBe(run.result.summary.ems?.framesFromBms);
    for (const id of [FrameId.modeRequest, FrameId.limitRequest, FrameId.limits, FrameId.commandReply]) expect(ids, `0x${id.toString(16)}`).toContain(id);
    const stamps = log.map((l) => Number(l.slice(1, l.indexOf(")"))));
    expect(stamps.every((t, i) => i === 0 || t >= stamps[i - 1])).toBe(true);
    // A 0x351 line decodes to what the EMS received at that time.
    const line = log.find((l) => l.includes(" 351#")) ?? "";
    const bytes = (line.split("#")[1].match(/../g) ?? []).map((h) => parseInt(h, 16));
    expect(bytes).toHaveLength(8);
    expect(decode({ id: 0x351, dlc: 8, extended: false, remote: false, data: bytes }).raw.get("ChargeVoltageLimit")).toBeGreaterThan(0);
  });
});
