// SPDX-License-Identifier: MIT
// Closed loop, EMS link supervision (../shared/reference/can-link.md §7.1, §7.2): the EMS falls
// silent for longer than the timeout while an inverter keeps sending its keep-alive 0x305. The
// link must be declared lost after the timeout (the keep-alive does not hold it by default), the
// board's LinkAction must apply (derate: 0x351 capped at the derate values; open: both paths
// open), the state frame must say so, and the link must come back only after recoveryCount valid
// commands, lifting the action. The simulated charger obeys 0x351, so the derate shows as current.
import { describe, expect, it } from "vitest";
import { findBoard } from "../../boards/index";
import type { BoardDefinition } from "../../boards/types";
import { CommandResult } from "../../firmware/ems/commands";
import { FrameId } from "../../firmware/ems/ids";
import { LinkAction } from "../../firmware/ems/link-config";
import { arrivalsOf, boardWithSupervision, decode, eventsOf, raw, runWithEms, supervisionOf, transportBoards } from "./ems-link-run";
import type { EmsRun } from "./ems-link-run";

const silenceS = 10;
const resumeS = 22;
/** The inverter's keep-alive every second through the silence, half a second off the commands. */
const keepAlives = Array.from({ length: resumeS - silenceS }, (_, k) => ({ atS: silenceS + k + 0.5, type: "raw", id: FrameId.inverterKeepAlive, data: [0, 0, 0, 0, 0, 0, 0, 0] }));

const scenario = {
  name: "ems-silence",
  durationS: 30,
  seed: 9,
  pack: { initialSocPct: 50 },
  profile: [{ atS: 0, mode: "charger", c: 0.3, followLimits: true }],
  ems: { periodS: 1, actions: [{ atS: silenceS, type: "silence", untilS: resumeS }, ...keepAlives] },
};

interface Tick {
  timeMs: number;
  charge: boolean;
  discharge: boolean;
  ma: number;
  ownChargeMa: number;
  ownDischargeMa: number;
}

interface Outcome {
  run: EmsRun;
  ticks: Tick[];
  lostMs: number;
  okMs: number;
}

function silence(board: BoardDefinition): Outcome {
  const ticks: Tick[] = [];
  const run = runWithEms(board, scenario, (rig, _out, timeMs) => {
    const link = rig.shell.ems?.state;
    ticks.push({ timeMs, charge: rig.chargeOn(), discharge: rig.dischargeOn(), ma: rig.trueCurrentMa, ownChargeMa: link?.bmsChargeLimitMa ?? NaN, ownDischargeMa: link?.bmsDischargeLimitMa ?? NaN });
  });
  const lost = eventsOf(run, "ems-link", "EMS link lost");
  const ok = eventsOf(run, "ems-link", "EMS link ok").filter((t) => t > silenceS * 1000);
  expect(lost, "one link loss").toHaveLength(1);
  expect(ok, "one recovery after the silence").toHaveLength(1);
  return { run, ticks, lostMs: lost[0], okMs: ok[0] };
}

/** Both checks every variant shares: when the link is lost and when it is back. */
function checkTiming(board: BoardDefinition, o: Outcome): void {
  const conf = supervisionOf(board);
  const replies = o.run.result.rig.ems?.replies ?? [];
  const isCommand = (id: number) => id === FrameId.modeRequest || id === FrameId.limitRequest;
  // Lost after the timeout from the last command the BMS took, within one tick.
  const lastBefore = replies.filter((r) => isCommand(r.commandId) && r.timeMs <= silenceS * 1000).at(-1)?.timeMs ?? NaN;
  expect(o.lostMs - lastBefore).toBeGreaterThan(conf.timeoutMs);
  expect(o.lostMs - lastBefore).toBeLessThanOrEqual(conf.timeoutMs + board.tickMs);
  // Back with the recoveryCount-th valid command after the silence, not before.
  const valid = replies.filter((r) => isCommand(r.commandId) && r.timeMs > resumeS * 1000 && r.result === CommandResult.accepted);
  expect(valid.length).toBeGreaterThanOrEqual(conf.recoveryCount + 2);
  expect(o.okMs).toBe(valid[conf.recoveryCount - 1].timeMs);
  // The state frame's EmsLinkOk follows the link (from the first recovery at start on).
  const firstOk = eventsOf(o.run, "ems-link", "EMS link ok")[0];
  expect(firstOk).toBeLessThan(silenceS * 1000);
  for (const a of arrivalsOf(o.run.arrivals, FrameId.state, firstOk)) {
    const lost = a.timeMs >= o.lostMs && a.timeMs < o.okMs;
    expect(raw(decode(a.frame), "EmsLinkOk"), `EmsLinkOk at ${a.timeMs} ms`).toBe(lost ? 0 : 1);
  }
  expect(o.run.result.summary.ems).toMatchObject({ linkLostEvents: 1, linkOk: true });
  expect(o.run.result.summary.internalErrors).toBe(0);
}

describe.each(transportBoards)("EMS link supervision on %s", (boardName) => {
  // One run of the board as it is serves the keep-alive and the derate checks.
  let asIs: Outcome | undefined;
  const runAsIs = () => (asIs ??= silence(findBoard(boardName)));

  it("the inverter keep-alive alone does not hold the link, though every 0x305 reached the BMS unanswered", () => {
    expect(supervisionOf(findBoard(boardName)).keepAliveCounts).toBe(false);
    const o = runAsIs();
    expect(o.run.result.rig.shell.ems?.state.keepAlives).toBe(keepAlives.length);
    expect((o.run.result.rig.ems?.replies ?? []).filter((r) => r.commandId === FrameId.inverterKeepAlive)).toEqual([]);
    expect(o.lostMs).toBeLessThan(resumeS * 1000);
  });

  it("derate: lost after the timeout ± 1 tick, 0x351 capped at the derate values and obeyed, back after recoveryCount commands", () => {
    const board = findBoard(boardName);
    const conf = supervisionOf(board);
    expect(conf.onTimeout).toBe(LinkAction.derate);
    const o = runAsIs();
    checkTiming(board, o);
    const tenthA = (ma: number) => Math.max(0, Math.floor(ma / 100));
    const own = (t: number) => o.ticks.find((k) => k.timeMs === t) as Tick;
    const limits = arrivalsOf(o.run.arrivals, FrameId.limits).map((a) => ({ t: a.timeMs, d: decode(a.frame) }));
    const lostFrames = limits.filter((l) => l.t >= o.lostMs && l.t < o.okMs);
    expect(lostFrames.length).toBeGreaterThanOrEqual(5);
    for (const { t, d } of limits) {
      const k = own(t);
      const lost = t >= o.lostMs && t < o.okMs;
      const charge = lost ? Math.min(k.ownChargeMa, conf.derateChargeMa) : k.ownChargeMa;
      const discharge = lost ? Math.min(k.ownDischargeMa, conf.derateDischargeMa) : k.ownDischargeMa;
      expect([raw(d, "ChargeCurrentLimit"), raw(d, "DischargeCurrentLimit")], `0x351 at ${t} ms`).toEqual([tenthA(charge), tenthA(discharge)]);
    }
    // The derate bites (the BMS's own limits are higher) and the charger follows it.
    expect(Math.min(...lostFrames.map((l) => own(l.t).ownChargeMa))).toBeGreaterThan(conf.derateChargeMa);
    const whileLost = o.ticks.filter((k) => k.timeMs > o.lostMs + board.tickMs && k.timeMs < o.okMs);
    expect(Math.max(...whileLost.map((k) => k.ma))).toBeLessThanOrEqual(conf.derateChargeMa);
    expect(Math.max(...o.ticks.filter((k) => k.timeMs > 5000 && k.timeMs < silenceS * 1000).map((k) => k.ma))).toBeGreaterThan(conf.derateChargeMa);
    // Paths stay closed under derate.
    expect(whileLost.every((k) => k.charge && k.discharge)).toBe(true);
  });

  it("open (onTimeout 2): both paths open while lost, nothing flows, and they close again after recovery", () => {
    const board = boardWithSupervision(boardName, { onTimeout: LinkAction.open, recoveryCount: 3 });
    const o = silence(board);
    checkTiming(board, o);
    const whileLost = o.ticks.filter((k) => k.timeMs >= o.lostMs && k.timeMs < o.okMs);
    expect(whileLost.length).toBeGreaterThan(50);
    // Open from the tick the loss is declared; the current of that tick flowed before it.
    for (const k of whileLost) expect(k, `at ${k.timeMs} ms`).toMatchObject({ charge: false, discharge: false, ma: k.timeMs === o.lostMs ? k.ma : 0 });
    expect(o.ticks.filter((k) => k.timeMs > 1000 && k.timeMs < o.lostMs).every((k) => k.charge && k.discharge)).toBe(true);
    const closed = o.ticks.find((k) => k.timeMs >= o.okMs && k.charge && k.discharge)?.timeMs ?? Infinity;
    expect(closed - o.okMs).toBeLessThanOrEqual(2 * board.tickMs);
    expect(o.ticks.filter((k) => k.timeMs > closed + 5 * board.tickMs).every((k) => k.charge && k.discharge && k.ma > 0)).toBe(true);
    // The state frame shows standby while lost, with the EMS's last request (idle) unchanged.
    const states = arrivalsOf(o.run.arrivals, FrameId.state, o.lostMs, o.okMs).map((a) => decode(a.frame));
    expect(states.length).toBeGreaterThanOrEqual(5);
    for (const d of states) expect([raw(d, "Mode"), raw(d, "ChargeEnable"), raw(d, "DischargeEnable"), raw(d, "EmsRequestedMode")]).toEqual([1, 0, 0, 3]);
  });
});
