// SPDX-License-Identifier: MIT
// Closed loop, EMS commands over the board's own transport: limit requests (the EMS may only lower,
// ../shared/reference/can-link.md §7.1), refusals with their reason in the reply 0x4B8, the mode
// request opening and closing the paths, and a fault clear after a short circuit. The simulated
// charger obeys the published charge limit, so a cap shows in the current that flows.
import { beforeAll, describe, expect, it } from "vitest";
import { findBoard } from "../../boards/index";
import { CommandResult } from "../../firmware/ems/commands";
import { encodeModeRequest } from "../../firmware/ems/commands-encode";
import { EmsMode } from "../../firmware/ems/commands";
import { FrameId } from "../../firmware/ems/ids";
import { FaultId } from "../../firmware/fault-ids";
import { BmsMode } from "../../firmware/types";
import { loadScenario } from "../../sim/scenario";
import { arrivalsOf, commandBytes, decode, eventsOf, raw, runWithEms, transportBoards } from "./ems-link-run";
import type { EmsRun } from "./ems-link-run";

/** One 0x351 as received, with the BMS's own (uncapped) limits of that tick. */
interface LimitsSeen {
  timeMs: number;
  cclRaw: number;
  dclRaw: number;
  ownChargeMa: number;
  ownDischargeMa: number;
}

const tenthA = (ma: number) => Math.max(0, Math.floor(ma / 100));

describe.each(transportBoards)("EMS commands on %s", (boardName) => {
  const board = findBoard(boardName);
  const tickMs = board.tickMs;
  const capacityMa = board.pack.capacityMah;
  // Caps well below the BMS's own limits at half charge; the charger pushes 0.3C, above the cap.
  const capChargeA = Math.round(capacityMa / 10 / 100) / 10;
  const capDischargeA = Math.round((capacityMa * 0.15) / 100) / 10;
  const aboveA = (2 * board.pack.limits.chargeCurrentMaxMa) / 1000;
  const badCrc = commandBytes((f) => encodeModeRequest(f, 7, EmsMode.idle));
  badCrc[0] ^= 0x5a;
  let run: EmsRun;
  const limits: LimitsSeen[] = [];
  const current: { timeMs: number; ma: number }[] = [];

  beforeAll(() => {
    run = runWithEms(
      board,
      {
        name: "ems-limits-and-refusals",
        durationS: 24,
        seed: 5,
        pack: { initialSocPct: 50 },
        profile: [{ atS: 0, mode: "charger", c: 0.3, followLimits: true }],
        ems: {
          periodS: 1,
          actions: [
            { atS: 3, type: "limits", chargeA: aboveA, dischargeA: null },
            { atS: 10, type: "limits", chargeA: capChargeA, dischargeA: capDischargeA },
            { atS: 14.5, type: "raw", id: FrameId.modeRequest, data: badCrc },
            { atS: 15.5, type: "raw", id: 0x4b5, data: [0, 0, 0, 0, 0, 0, 0, 0] },
            { atS: 16.5, type: "raw", id: FrameId.limitRequest, data: [0, 0, 0, 0, 0, 0, 0] },
            { atS: 20, type: "limits", chargeA: null, dischargeA: null },
          ],
        },
      },
      (rig, _out, timeMs, frames) => {
        current.push({ timeMs, ma: rig.trueCurrentMa });
        const link = rig.shell.ems?.state;
        for (const { frame } of frames.filter((a) => a.frame.id === FrameId.limits)) {
          const d = decode(frame);
          limits.push({ timeMs, cclRaw: raw(d, "ChargeCurrentLimit"), dclRaw: raw(d, "DischargeCurrentLimit"), ownChargeMa: link?.bmsChargeLimitMa ?? NaN, ownDischargeMa: link?.bmsDischargeLimitMa ?? NaN });
        }
      },
    );
  });

  const replies = () => run.result.rig.ems?.replies ?? [];
  // The periodic limit requests' replies (not those to the raw frames, half a second off).
  const rawTicks = [14.5, 15.5, 16.5].map((s) => s * 1000 + tickMs);
  const limitReplies = (fromMs: number, toMs: number) =>
    replies().filter((r) => r.commandId === FrameId.limitRequest && r.timeMs >= fromMs && r.timeMs < toMs && !rawTicks.includes(r.timeMs));

  it("refuses a limit request above the BMS's own limit with reason 6, and 0x351 keeps the BMS's limit", () => {
    const refused = limitReplies(3000, 10000);
    expect(refused.length).toBeGreaterThanOrEqual(6);
    expect(refused.every((r) => r.result === CommandResult.wouldRaiseLimit)).toBe(true);
    const during = limits.filter((l) => l.timeMs > 3000 + tickMs && l.timeMs <= 10000);
    expect(during.length).toBeGreaterThanOrEqual(6);
    for (const l of during) expect([l.cclRaw, l.dclRaw], `0x351 at ${l.timeMs} ms`).toEqual([tenthA(l.ownChargeMa), tenthA(l.ownDischargeMa)]);
  });

  it("accepts a lower limit request, and 0x351 shows the caps within one period and while they are in force", () => {
    const accepted = limitReplies(10000, 20000);
    expect(accepted.length).toBeGreaterThanOrEqual(9);
    expect(accepted.every((r) => r.result === CommandResult.accepted)).toBe(true);
    const acceptedMs = accepted[0].timeMs;
    const capCharge = Math.round(capChargeA * 10);
    const capDischarge = Math.round(capDischargeA * 10);
    const first = limits.find((l) => l.timeMs >= acceptedMs && l.cclRaw === capCharge && l.dclRaw === capDischarge);
    expect(first, "a 0x351 with the caps").toBeDefined();
    expect((first?.timeMs ?? Infinity) - acceptedMs).toBeLessThanOrEqual(1000);
    const inForce = limits.filter((l) => l.timeMs >= (first?.timeMs ?? 0) && l.timeMs <= 20000);
    expect(inForce.length).toBeGreaterThanOrEqual(8);
    for (const l of inForce) {
      // The caps bite: the BMS's own limits are higher, and 0x351 shows the caps.
      expect(l.ownChargeMa, `own CCL at ${l.timeMs} ms`).toBeGreaterThan(capCharge * 100);
      expect(l.ownDischargeMa, `own DCL at ${l.timeMs} ms`).toBeGreaterThan(capDischarge * 100);
      expect([l.cclRaw, l.dclRaw], `0x351 at ${l.timeMs} ms`).toEqual([capCharge, capDischarge]);
    }
  });

  it("the charger that follows 0x351 drops from 0.3C to the EMS's charge cap", () => {
    const capMa = capChargeA * 1000;
    const before = current.filter((c) => c.timeMs > 5000 && c.timeMs <= 10000);
    expect(Math.min(...before.map((c) => c.ma))).toBeGreaterThan(capMa * 1.5);
    const accepted = limitReplies(10000, 20000)[0].timeMs;
    const capped = current.filter((c) => c.timeMs > accepted + tickMs && c.timeMs <= 20000);
    expect(Math.max(...capped.map((c) => c.ma))).toBeLessThanOrEqual(capMa);
    expect(Math.max(...capped.map((c) => c.ma))).toBeGreaterThan(0);
  });

  it("a withdrawn request gives 0x351 back the BMS's own limits within one period", () => {
    const withdrawn = limitReplies(20000, Infinity);
    expect(withdrawn[0].result).toBe(CommandResult.accepted);
    const after = limits.filter((l) => l.timeMs >= withdrawn[0].timeMs + 1000);
    expect(after.length).toBeGreaterThanOrEqual(2);
    for (const l of after) expect([l.cclRaw, l.dclRaw], `0x351 at ${l.timeMs} ms`).toEqual([tenthA(l.ownChargeMa), tenthA(l.ownDischargeMa)]);
  });

  it("answers a bad CRC with reason 1, an unknown id 0x4B5 with 7, a 7-byte command with 4, and the caps stay", () => {
    const at = (s: number) => replies().filter((r) => r.timeMs === s * 1000 + tickMs);
    expect(at(14.5).map((r) => [r.commandId, r.result])).toEqual([[FrameId.modeRequest, CommandResult.badCrc]]);
    expect(at(15.5).map((r) => [r.commandId, r.result])).toEqual([[0x4b5, CommandResult.unknownCommand]]);
    expect(at(16.5).map((r) => [r.commandId, r.result])).toEqual([[FrameId.limitRequest, CommandResult.wrongLength]]);
    // The refused total in the replies and the summary count every refusal, and the link held.
    const refusals = replies().filter((r) => r.result !== CommandResult.accepted).length;
    expect(run.result.summary.ems).toMatchObject({ refused: refusals, linkLostEvents: 0, linkOk: true });
    expect(replies().at(-1)?.refusedTotal).toBe(refusals);
    expect(run.result.summary.internalErrors).toBe(0);
  });
});

describe.each(transportBoards)("the EMS's mode request and fault clear on %s", (boardName) => {
  const board = findBoard(boardName);
  const tickMs = board.tickMs;

  it("standby opens both paths so no current flows, idle closes them again", () => {
    const paths: { timeMs: number; charge: boolean; discharge: boolean; ma: number; mode: number }[] = [];
    const run = runWithEms(
      board,
      {
        name: "ems-standby",
        durationS: 16,
        pack: { initialSocPct: 60 },
        profile: [{ atS: 0, mode: "current", c: -0.2 }],
        ems: { periodS: 1, actions: [{ atS: 5, type: "mode", mode: "standby" }, { atS: 10, type: "mode", mode: "idle" }] },
      },
      (rig, out, timeMs) => paths.push({ timeMs, charge: rig.chargeOn(), discharge: rig.dischargeOn(), ma: rig.trueCurrentMa, mode: out.mode }),
    );
    const modeReplies = (run.result.rig.ems?.replies ?? []).filter((r) => r.commandId === FrameId.modeRequest);
    expect(modeReplies.every((r) => r.result === CommandResult.accepted)).toBe(true);
    const firstOpen = paths.find((p) => p.timeMs >= 5000 && !p.charge && !p.discharge)?.timeMs ?? Infinity;
    expect(firstOpen - 5000).toBeLessThanOrEqual(1000 + tickMs);
    const reclosed = paths.find((p) => p.timeMs >= 10000 && p.charge && p.discharge)?.timeMs ?? Infinity;
    expect(reclosed - 10000).toBeLessThanOrEqual(1000 + 2 * tickMs);
    // In between: both open, nothing flows, the BMS in standby.
    for (const p of paths.filter((q) => q.timeMs > firstOpen && q.timeMs < reclosed)) expect(p, `at ${p.timeMs} ms`).toMatchObject({ charge: false, discharge: false, ma: 0, mode: BmsMode.standby });
    expect(paths.filter((p) => p.timeMs > 2000 && p.timeMs < 5000).every((p) => p.ma < 0 && p.discharge)).toBe(true);
    expect(paths.filter((p) => p.timeMs > reclosed + tickMs).every((p) => p.ma < 0 && p.mode === BmsMode.active)).toBe(true);
    // The state frame tells the EMS what it asked for and what the BMS does.
    const states = arrivalsOf(run.arrivals, FrameId.state, firstOpen + tickMs, 10000).map((a) => decode(a.frame));
    expect(states.length).toBeGreaterThanOrEqual(3);
    for (const d of states) expect([raw(d, "EmsRequestedMode"), raw(d, "Mode"), raw(d, "ChargeEnable"), raw(d, "DischargeEnable")]).toEqual([EmsMode.standby, BmsMode.standby, 0, 0]);
    expect(run.result.summary.internalErrors).toBe(0);
  });

  it("a fault clear over the link clears the latched short circuit once the short is gone", () => {
    const scenario = loadScenario(new URL("../../sim/scenarios/short-circuit.json", import.meta.url).pathname);
    const clearS = 15;
    const run = runWithEms(board, { ...scenario, durationS: 18, ems: { periodS: 1, actions: [{ atS: clearS, type: "faultClear" }] } });
    const tripped = eventsOf(run, "fault-set", "short-circuit fault");
    expect(tripped).toHaveLength(1);
    const latched = (d: ReturnType<typeof decode>) => (raw(d, "LatchedFaults") >> FaultId.shortCircuit) & 1;
    // Still latched with the short long gone (from 12 s): it waits for the clear.
    const waiting = arrivalsOf(run.arrivals, FrameId.faults, 12500, clearS * 1000).map((a) => decode(a.frame));
    expect(waiting.length).toBeGreaterThanOrEqual(2);
    expect(waiting.every((d) => latched(d) === 1)).toBe(true);
    const clearReply = (run.result.rig.ems?.replies ?? []).filter((r) => r.commandId === FrameId.faultClear);
    expect(clearReply.map((r) => r.result)).toEqual([CommandResult.accepted]);
    const cleared = eventsOf(run, "fault-cleared", "short-circuit fault");
    expect(cleared).toHaveLength(1);
    expect(cleared[0] - clearReply[0].timeMs).toBeGreaterThanOrEqual(0);
    expect(cleared[0] - clearReply[0].timeMs).toBeLessThanOrEqual(2 * tickMs);
    const after = arrivalsOf(run.arrivals, FrameId.faults, cleared[0] + tickMs).map((a) => decode(a.frame));
    expect(after.length).toBeGreaterThanOrEqual(2);
    expect(after.every((d) => latched(d) === 0 && raw(d, "ActiveFaults") === 0)).toBe(true);
    expect(run.result.summary).toMatchObject({ dischargeEnable: true, chargeEnable: true, finalMode: "active", internalErrors: 0 });
  });
});
