// SPDX-License-Identifier: MIT
// The EMS link supervisor: the alive-counter sequence, limit requests that may only lower and
// expire, link loss with its configured action, warning and event, recovery after n valid
// commands, the inverter keep-alive and the one-shot fault clear
// (../shared/reference/can-link.md §7.1, §7.2).
import { describe, expect, it } from "vitest";
import { CommandIndex, CommandResult, EmsMode } from "../../firmware/ems/commands";
import { encodeModeRequest } from "../../firmware/ems/commands-encode";
import { E2eIdMode, e2eP01Crc } from "../../firmware/ems/e2e";
import { LinkAction } from "../../firmware/ems/link-config";
import { EmsLinkState } from "../../firmware/ems/link-state";
import { createCanFrame } from "../../hal/can";
import { FrameId } from "../../firmware/ems/ids";
import { RequestedMode } from "../../firmware/types";
import { EmsBench, packLimitMa } from "./link-bench";

describe("alive counter sequence", () => {
  it("accepts a counter wrapping from 14 to 0", () => {
    const b = new EmsBench();
    b.counters[CommandIndex.mode] = 13;
    expect(b.mode(EmsMode.idle)).toBe(CommandResult.accepted);
    expect(b.mode(EmsMode.idle)).toBe(CommandResult.accepted);
    expect(b.counters[CommandIndex.mode]).toBe(0);
    expect(b.mode(EmsMode.idle)).toBe(CommandResult.accepted);
  });

  it("refuses counter 15 and does not take it as the new reference", () => {
    const b = new EmsBench();
    encodeModeRequest(b.frame, 14, EmsMode.idle);
    expect(b.handle()).toBe(CommandResult.accepted);
    b.frame.data[1] = 15;
    b.frame.data[0] = e2eP01Crc(FrameId.modeRequest, E2eIdMode.both, b.frame.data, 8);
    expect(b.handle()).toBe(CommandResult.outOfRange);
    // Against 15 a 0 would be a repeat; against 14 it is the next counter.
    encodeModeRequest(b.frame, 0, EmsMode.idle);
    expect(b.handle()).toBe(CommandResult.accepted);
  });

  it("refuses a repeated counter, and the original command stays in force", () => {
    const b = new EmsBench();
    encodeModeRequest(b.frame, 4, EmsMode.charge);
    expect(b.handle()).toBe(CommandResult.accepted);
    encodeModeRequest(b.frame, 4, EmsMode.standby);
    expect(b.handle()).toBe(CommandResult.repeatedCounter);
    expect(b.ems.emsMode).toBe(EmsMode.charge);
  });

  it("tolerates one lost frame with maxDeltaCounter 2", () => {
    const b = new EmsBench({ maxDeltaCounter: 2 });
    b.mode(EmsMode.idle);
    b.counter(CommandIndex.mode);
    expect(b.mode(EmsMode.idle)).toBe(CommandResult.accepted);
  });

  it("refuses a counter jump, keeps refusing the jumped stream, and resynchronises on the first frame after the timeout", () => {
    const b = new EmsBench({ maxDeltaCounter: 2, timeoutMs: 5000 });
    b.mode(EmsMode.charge);
    b.counters[CommandIndex.mode] = 8;
    expect(b.mode(EmsMode.idle)).toBe(CommandResult.counterJump);
    b.advance(1000);
    expect(b.mode(EmsMode.idle)).toBe(CommandResult.counterJump);
    expect(b.ems.emsMode).toBe(EmsMode.charge);
    b.advance(5000);
    expect(b.mode(EmsMode.idle)).toBe(CommandResult.accepted);
    expect(b.ems.emsMode).toBe(EmsMode.idle);
    expect(b.mode(EmsMode.idle)).toBe(CommandResult.accepted);
  });

  it("keeps a separate counter per command", () => {
    const b = new EmsBench();
    b.counters[CommandIndex.limits] = 10;
    expect(b.mode(EmsMode.idle)).toBe(CommandResult.accepted);
    expect(b.limits(1000, 1000)).toBe(CommandResult.accepted);
    expect(b.mode(EmsMode.idle)).toBe(CommandResult.accepted);
    expect(b.limits(1000, 1000)).toBe(CommandResult.accepted);
  });
});

describe("limit requests", () => {
  it("a request below the BMS's limit is accepted and caps what the BMS publishes", () => {
    const b = new EmsBench();
    b.bmsChargeMa = 40000;
    b.bmsDischargeMa = 60000;
    b.publish();
    expect(b.limits(25000, 50000)).toBe(CommandResult.accepted);
    expect(b.publish()).toEqual([25000, 50000]);
  });

  it("a request above the BMS's present limit is refused with reason 6, not clamped, and the previous request stays", () => {
    const b = new EmsBench();
    b.bmsChargeMa = 40000;
    b.publish();
    b.limits(30000, -1);
    expect(b.limits(50000, 20000)).toBe(CommandResult.wouldRaiseLimit);
    expect(b.reply().result).toBe(CommandResult.wouldRaiseLimit);
    expect(b.ems.resultCount[CommandResult.wouldRaiseLimit]).toBe(1);
    // Neither direction of the refused frame applies: charge keeps 30 A, discharge stays uncapped.
    expect(b.publish()).toEqual([30000, packLimitMa]);
  });

  it("compares against the BMS's own limit, not the capped one it publishes", () => {
    const b = new EmsBench();
    b.limits(20000, -1);
    b.publish();
    expect(b.out.chargeCurrentLimitMa).toBe(20000);
    expect(b.limits(60000, -1)).toBe(CommandResult.accepted);
    expect(b.publish()).toEqual([60000, packLimitMa]);
  });

  it("the cap never raises a limit the BMS itself lowered afterwards", () => {
    const b = new EmsBench();
    b.limits(50000, 50000);
    b.bmsChargeMa = 10000;
    b.bmsDischargeMa = 0;
    expect(b.publish()).toEqual([10000, 0]);
  });

  it("0xFFFF withdraws the request for that direction", () => {
    const b = new EmsBench();
    b.limits(20000, 20000);
    b.limits(-1, 20000);
    expect(b.publish()).toEqual([packLimitMa, 20000]);
  });

  it("a request expires timeoutMs after it was accepted: never a stuck value", () => {
    const b = new EmsBench({ timeoutMs: 5000 });
    b.limits(20000, 30000);
    b.advance(5000);
    expect(b.publish()).toEqual([20000, 30000]);
    b.advance(1);
    expect(b.publish()).toEqual([packLimitMa, packLimitMa]);
    expect(b.ems.chargeRequestMa).toBe(-1);
  });

  it("a request expires even while mode requests keep the link up", () => {
    const b = new EmsBench({ timeoutMs: 5000 });
    b.limits(20000, 30000);
    b.keepUp(6, EmsMode.idle);
    expect(b.ems.linkOk).toBe(true);
    expect(b.publish()).toEqual([packLimitMa, packLimitMa]);
  });
});

describe("link supervision", () => {
  it("is OK after recoveryCount valid commands and stays OK while they keep coming", () => {
    const b = new EmsBench({ recoveryCount: 2 });
    expect(b.ems.link).toBe(EmsLinkState.notSeen);
    b.mode(EmsMode.idle);
    expect(b.ems.linkOk).toBe(false);
    b.advance(1000);
    b.mode(EmsMode.idle);
    expect(b.ems.linkOk).toBe(true);
    b.keepUp(30, EmsMode.idle);
    expect(b.ems.linkOk).toBe(true);
    expect(b.linkEvents()).toEqual([{ timeMs: 1000, value: 0, cause: LinkAction.derate }]);
  });

  it("not yet seen is no loss by default: no action, no warning", () => {
    const b = new EmsBench();
    b.advance(60000);
    expect(b.ems.linkLost).toBe(false);
    expect(b.ems.requestedMode).toBe(-1);
    expect(b.publish()).toEqual([packLimitMa, packLimitMa]);
  });

  it("not yet seen counts as lost when lostUntilFirst: the action applies from start, without an event", () => {
    const b = new EmsBench({ lostUntilFirst: true, onTimeout: LinkAction.derate });
    expect(b.ems.linkLost).toBe(true);
    expect(b.publish()).toEqual([10000, 10000]);
    b.keepUp(2, EmsMode.idle);
    expect(b.ems.linkOk).toBe(true);
    expect(b.publish()).toEqual([packLimitMa, packLimitMa]);
    expect(b.linkEvents().map((e) => e.value)).toEqual([0]);
  });

  it("derate: after timeoutMs without a valid command the limits are capped, the warning raised and an event logged", () => {
    const b = new EmsBench({ onTimeout: LinkAction.derate, derateChargeMa: 7000, derateDischargeMa: 9000, timeoutMs: 5000 });
    b.keepUp(3, EmsMode.charge);
    const lastMs = b.now - 1000;
    b.advance(4000);
    expect(b.ems.linkOk).toBe(true);
    b.advance(1);
    expect(b.ems.link).toBe(EmsLinkState.lost);
    expect(b.ems.linkLost).toBe(true);
    expect(b.ems.linkLostEvents).toBe(1);
    expect(b.publish()).toEqual([7000, 9000]);
    expect(b.ems.requestedMode).toBe(RequestedMode.run);
    expect(b.linkEvents().at(-1)).toEqual({ timeMs: lastMs + 5001, value: 1, cause: LinkAction.derate });
  });

  it("derate combines with a request in force: the lower cap wins", () => {
    const b = new EmsBench({ onTimeout: LinkAction.derate, derateChargeMa: 7000, timeoutMs: 5000 });
    b.bmsChargeMa = 5000;
    b.publish();
    b.keepUp(2, EmsMode.charge);
    expect(b.publish()).toEqual([5000, packLimitMa]);
    b.advance(6000);
    expect(b.publish()).toEqual([5000, 10000]);
  });

  it("open: a lost link forces standby whatever the EMS asked for last", () => {
    const b = new EmsBench({ onTimeout: LinkAction.open, timeoutMs: 5000 });
    b.keepUp(3, EmsMode.charge);
    expect(b.ems.requestedMode).toBe(RequestedMode.run);
    b.advance(5000);
    expect(b.ems.linkLost).toBe(true);
    expect(b.ems.requestedMode).toBe(RequestedMode.standby);
    expect(b.publish()).toEqual([packLimitMa, packLimitMa]);
  });

  it("none: a lost link only raises the warning; the last mode stays and nothing is capped", () => {
    const b = new EmsBench({ onTimeout: LinkAction.none, timeoutMs: 5000 });
    b.keepUp(3, EmsMode.discharge);
    b.advance(10000);
    expect(b.ems.linkLost).toBe(true);
    expect(b.linkEvents().at(-1)?.value).toBe(1);
    expect(b.ems.requestedMode).toBe(RequestedMode.run);
    expect(b.publish()).toEqual([packLimitMa, packLimitMa]);
  });

  it("recovers only after recoveryCount valid commands in a row, then lifts the action and logs it", () => {
    const b = new EmsBench({ onTimeout: LinkAction.open, recoveryCount: 3, timeoutMs: 5000 });
    b.keepUp(3, EmsMode.charge);
    b.advance(6000);
    expect(b.ems.linkLost).toBe(true);
    b.keepUp(2, EmsMode.charge);
    expect(b.ems.linkLost).toBe(true);
    expect(b.ems.requestedMode).toBe(RequestedMode.standby);
    b.mode(EmsMode.charge);
    expect(b.ems.linkOk).toBe(true);
    expect(b.ems.requestedMode).toBe(RequestedMode.run);
    expect(b.linkEvents().map((e) => e.value)).toEqual([0, 1, 0]);
  });

  it("an E2E failure during recovery restarts the count", () => {
    const b = new EmsBench({ recoveryCount: 2, lostUntilFirst: true });
    b.mode(EmsMode.idle);
    encodeModeRequest(b.frame, 1, EmsMode.idle);
    b.frame.data[0] ^= 0xff;
    expect(b.handle()).toBe(CommandResult.badCrc);
    b.mode(EmsMode.idle);
    expect(b.ems.linkOk).toBe(false);
    b.mode(EmsMode.idle);
    expect(b.ems.linkOk).toBe(true);
  });

  it("valid commands further apart than timeoutMs do not add up to a recovery", () => {
    const b = new EmsBench({ recoveryCount: 2, lostUntilFirst: true, timeoutMs: 5000 });
    b.mode(EmsMode.idle);
    b.advance(5001);
    b.mode(EmsMode.idle);
    expect(b.ems.linkOk).toBe(false);
  });

  it("a content refusal still shows a living EMS: limit requests above the BMS's limit keep the link up", () => {
    const b = new EmsBench({ timeoutMs: 5000 });
    b.bmsChargeMa = 1000;
    b.publish();
    for (let s = 0; s < 10; s++) {
      expect(b.limits(2000, -1)).toBe(CommandResult.wouldRaiseLimit);
      b.advance(1000);
    }
    expect(b.ems.linkOk).toBe(true);
  });

  it("fault clears alone do not keep the link up", () => {
    const b = new EmsBench({ timeoutMs: 5000 });
    b.keepUp(2, EmsMode.idle);
    for (let s = 0; s < 6; s++) {
      b.faultClear();
      b.advance(1000);
    }
    expect(b.ems.linkLost).toBe(true);
  });

  it("a clock that jumps back does not drop the link nor expire a request early", () => {
    const b = new EmsBench({ timeoutMs: 5000 });
    b.keepUp(2, EmsMode.idle);
    b.limits(20000, -1);
    b.now -= 100000;
    b.advance(1000);
    expect(b.ems.linkOk).toBe(true);
    expect(b.publish()[0]).toBe(20000);
  });

  it("after a clock jump back, silence still drops the link and expires the request timeoutMs later", () => {
    const b = new EmsBench({ timeoutMs: 5000 });
    b.keepUp(2, EmsMode.idle);
    b.limits(20000, -1);
    b.now -= 100000;
    b.advance(0);
    b.advance(5001);
    expect(b.ems.linkLost).toBe(true);
    expect(b.ems.chargeRequestMa).toBe(-1);
  });
});

describe("the inverter keep-alive 0x305", () => {
  const keepAlive = () => {
    const f = createCanFrame();
    f.id = FrameId.inverterKeepAlive;
    f.dlc = 8;
    f.data = [1, 2, 3, 4, 5, 6, 7, 8];
    return f;
  };

  it("keeps the link alive when keepAliveCounts, and never changes a limit or the mode", () => {
    const b = new EmsBench({ keepAliveCounts: true, timeoutMs: 5000 });
    b.keepUp(2, EmsMode.charge);
    b.limits(20000, -1);
    for (let s = 0; s < 20; s++) {
      b.handle(keepAlive());
      b.advance(1000);
    }
    expect(b.ems.linkOk).toBe(true);
    expect(b.ems.emsMode).toBe(EmsMode.charge);
    // The request expired on its own timer; the keep-alive did not hold it.
    expect(b.publish()).toEqual([packLimitMa, packLimitMa]);
    expect(b.ems.keepAlives).toBe(20);
  });

  it("does not keep the link alive by default", () => {
    const b = new EmsBench({ timeoutMs: 5000 });
    b.keepUp(2, EmsMode.idle);
    for (let s = 0; s < 6; s++) {
      b.handle(keepAlive());
      b.advance(1000);
    }
    expect(b.ems.linkLost).toBe(true);
  });

  it("is never a command, whatever its length: no reply, no refusal", () => {
    const b = new EmsBench({ keepAliveCounts: true });
    const f = keepAlive();
    for (let dlc = 0; dlc <= 8; dlc++) {
      f.dlc = dlc;
      b.handle(f);
    }
    expect(b.ems.replyPending).toBe(false);
    expect(b.ems.refusedTotal).toBe(0);
  });
});

describe("mode requests", () => {
  it("map standby to standby and charge, discharge, idle to run; the EMS's own mode is kept for the state frame", () => {
    const b = new EmsBench();
    expect(b.ems.requestedMode).toBe(-1);
    const cases: [number, number][] = [
      [EmsMode.standby, RequestedMode.standby],
      [EmsMode.charge, RequestedMode.run],
      [EmsMode.discharge, RequestedMode.run],
      [EmsMode.idle, RequestedMode.run],
    ];
    for (const [mode, requested] of cases) {
      b.mode(mode as EmsMode);
      expect(b.ems.requestedMode).toBe(requested);
      expect(b.ems.emsMode).toBe(mode);
    }
  });

  it("charge and discharge modes do not zero the other direction's limit (DCL = 0 only on a real fault)", () => {
    const b = new EmsBench();
    b.mode(EmsMode.charge);
    expect(b.publish()).toEqual([packLimitMa, packLimitMa]);
    b.mode(EmsMode.discharge);
    expect(b.publish()).toEqual([packLimitMa, packLimitMa]);
  });
});

describe("fault clear", () => {
  it("sets clearFaults once per accepted frame", () => {
    const b = new EmsBench();
    expect(b.ems.clearFaults).toBe(false);
    expect(b.faultClear()).toBe(CommandResult.accepted);
    expect(b.ems.clearFaults).toBe(true);
  });

  it("a repeated fault-clear frame is refused and does not clear again", () => {
    const b = new EmsBench();
    b.faultClear();
    b.ems.clearFaults = false;
    expect(b.handle()).toBe(CommandResult.repeatedCounter);
    expect(b.ems.clearFaults).toBe(false);
  });
});
