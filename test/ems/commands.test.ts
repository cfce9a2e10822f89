// SPDX-License-Identifier: MIT
// The EMS command frames byte by byte, and every refusal reason of the BMS with a frame crafted to
// hit exactly that check (firmware/ems/commands.ts, firmware/ems/link.ts).
import { describe, expect, it } from "vitest";
import { createCanFrame } from "../../hal/can";
import type { CanFrame } from "../../hal/can";
import { CommandIndex, CommandResult, EmsMode, commandResultName, noCounter } from "../../firmware/ems/commands";
import { encodeFaultClear, encodeLimitRequest, encodeModeRequest, limitField } from "../../firmware/ems/commands-encode";
import { E2eIdMode, e2eP01Crc } from "../../firmware/ems/e2e";
import { FrameId } from "../../firmware/ems/ids";
import { notACommand } from "../../firmware/ems/link";
import { EmsBench } from "./link-bench";

/** Re-seals a frame after the test changed its bytes, so only the intended check fails. */
function reseal(frame: CanFrame): void {
  frame.data[0] = e2eP01Crc(frame.id, E2eIdMode.both, frame.data, 8);
}

function frameOf(id: number, bytes: number[]): CanFrame {
  const f = createCanFrame();
  f.id = id;
  f.dlc = bytes.length;
  for (let i = 0; i < bytes.length; i++) f.data[i] = bytes[i];
  return f;
}

describe("command frame layout", () => {
  it("mode request: DLC 8, CRC over the id 0x04B0 and bytes 1..7, counter in byte 1, mode in byte 2", () => {
    const f = createCanFrame();
    encodeModeRequest(f, 5, EmsMode.discharge);
    expect([f.id, f.extended, f.remote, f.dlc]).toEqual([0x4b0, false, false, 8]);
    expect(f.data.slice(1)).toEqual([5, 2, 0, 0, 0, 0, 0]);
    expect(f.data[0]).toBe(e2eP01Crc(0x04b0, E2eIdMode.both, f.data, 8));
  });

  it("limit request: charge then discharge limit, u16 little-endian in 0.1 A, 0xFFFF for no request", () => {
    const f = createCanFrame();
    encodeLimitRequest(f, 14, 50000, -1);
    expect(f.id).toBe(0x4b1);
    expect(f.data.slice(1)).toEqual([14, 0xf4, 0x01, 0xff, 0xff, 0, 0]);
  });

  it("limit fields round down so an encoded request never exceeds what was meant", () => {
    expect(limitField(12399)).toBe(123);
    expect(limitField(0)).toBe(0);
    expect(limitField(-1)).toBe(0xffff);
    expect(limitField(7000000)).toBe(0xfffe);
  });

  it("fault clear: key 0xAA in byte 2", () => {
    const f = createCanFrame();
    encodeFaultClear(f, 0);
    expect(f.id).toBe(0x4b2);
    expect(f.data.slice(1)).toEqual([0, 0xaa, 0, 0, 0, 0, 0]);
  });

  it("the reply 0x4B8 carries command id, counter echo, result and refused total in 6 bytes", () => {
    const b = new EmsBench();
    b.counters[CommandIndex.mode] = 9;
    encodeModeRequest(b.frame, 9, EmsMode.idle);
    b.frame.data[7] = 1;
    reseal(b.frame);
    expect(b.handle()).toBe(CommandResult.outOfRange);
    const r = b.ems.reply;
    expect([r.id, r.extended, r.remote, r.dlc]).toEqual([FrameId.commandReply, false, false, 6]);
    expect(r.data.slice(0, 6)).toEqual([0xb0, 0x04, 9, CommandResult.outOfRange, 1, 0]);
    expect(b.ems.replyPending).toBe(true);
  });

  it("a reply nobody sent before the next command is overwritten and counted as dropped", () => {
    const b = new EmsBench();
    b.mode(EmsMode.idle);
    b.mode(EmsMode.charge);
    expect(b.ems.repliesDropped).toBe(1);
    expect(b.reply().counter).toBe(1);
  });

  it("the refused total in the reply wraps at 65536", () => {
    const b = new EmsBench();
    b.ems.refusedTotal = 65535;
    expect(b.handle(frameOf(0x4b7, [0, 0, 0, 0, 0, 0, 0, 0]))).toBe(CommandResult.unknownCommand);
    expect(b.reply().refusedTotal).toBe(0);
    expect(b.ems.refusedTotal).toBe(65536);
  });
});

describe("every refusal reason, each from a crafted frame", () => {
  it("accepted (0): a well-formed mode request", () => {
    const b = new EmsBench();
    expect(b.mode(EmsMode.charge)).toBe(CommandResult.accepted);
    expect(b.reply()).toEqual({ commandId: 0x4b0, counter: 0, result: 0, refusedTotal: 0 });
  });

  it("bad CRC (1): one payload bit flipped after sealing", () => {
    const b = new EmsBench();
    encodeModeRequest(b.frame, 0, EmsMode.charge);
    b.frame.data[2] ^= 0x01;
    expect(b.handle()).toBe(CommandResult.badCrc);
  });

  it("bad CRC (1): a valid mode payload sealed under another command's data ID", () => {
    const b = new EmsBench();
    encodeModeRequest(b.frame, 0, EmsMode.charge);
    b.frame.id = FrameId.limitRequest;
    expect(b.handle()).toBe(CommandResult.badCrc);
  });

  it("repeated counter (2): the same frame twice", () => {
    const b = new EmsBench();
    encodeModeRequest(b.frame, 3, EmsMode.idle);
    expect(b.handle()).toBe(CommandResult.accepted);
    expect(b.handle()).toBe(CommandResult.repeatedCounter);
  });

  it("counter jump (3): a step of maxDeltaCounter + 1", () => {
    const b = new EmsBench({ maxDeltaCounter: 2 });
    encodeModeRequest(b.frame, 0, EmsMode.idle);
    expect(b.handle()).toBe(CommandResult.accepted);
    encodeModeRequest(b.frame, 3, EmsMode.idle);
    expect(b.handle()).toBe(CommandResult.counterJump);
  });

  it("wrong length (4): DLC 7, a remote frame, a byte that is not 0..255", () => {
    const b = new EmsBench();
    encodeModeRequest(b.frame, 0, EmsMode.idle);
    b.frame.dlc = 7;
    expect(b.handle()).toBe(CommandResult.wrongLength);
    encodeModeRequest(b.frame, 0, EmsMode.idle);
    b.frame.remote = true;
    expect(b.handle()).toBe(CommandResult.wrongLength);
    encodeModeRequest(b.frame, 0, EmsMode.idle);
    b.frame.data[5] = 256;
    expect(b.handle()).toBe(CommandResult.wrongLength);
    b.frame.data[5] = 0.5;
    expect(b.handle()).toBe(CommandResult.wrongLength);
    b.frame.data[5] = Number.NaN;
    expect(b.handle()).toBe(CommandResult.wrongLength);
  });

  it("out of range (5): counter 15, mode 4, a reserved byte, the counter's high nibble, a wrong fault-clear key", () => {
    const b = new EmsBench();
    const cases: [number, (f: CanFrame) => void][] = [
      [FrameId.modeRequest, (f) => (f.data[1] = 15)],
      [FrameId.modeRequest, (f) => (f.data[2] = 4)],
      [FrameId.modeRequest, (f) => (f.data[3] = 1)],
      [FrameId.modeRequest, (f) => (f.data[1] |= 0x10)],
      [FrameId.limitRequest, (f) => (f.data[6] = 1)],
      [FrameId.faultClear, (f) => (f.data[2] = 0x55)],
    ];
    for (const [id, spoil] of cases) {
      const k = id - FrameId.modeRequest;
      if (id === FrameId.modeRequest) encodeModeRequest(b.frame, b.counter(k), EmsMode.idle);
      else if (id === FrameId.limitRequest) encodeLimitRequest(b.frame, b.counter(k), 1000, 1000);
      else encodeFaultClear(b.frame, b.counter(k));
      spoil(b.frame);
      reseal(b.frame);
      expect(b.handle(), `${id.toString(16)} ${spoil.toString()}`).toBe(CommandResult.outOfRange);
    }
  });

  it("would raise a limit (6): a charge request above the BMS's present charge limit", () => {
    const b = new EmsBench();
    b.bmsChargeMa = 40000;
    b.publish();
    expect(b.limits(40100, -1)).toBe(CommandResult.wouldRaiseLimit);
  });

  it("unknown command (7): ids 0x4B3..0x4B7, whatever they carry", () => {
    const b = new EmsBench();
    for (let id = 0x4b3; id <= 0x4b7; id++) expect(b.handle(frameOf(id, [1, 2]))).toBe(CommandResult.unknownCommand);
    expect(b.reply().counter).toBe(2);
  });

  it("refused in this state (8): a fault clear while the link is lost", () => {
    const b = new EmsBench({ lostUntilFirst: true });
    expect(b.ems.linkLost).toBe(true);
    expect(b.faultClear()).toBe(CommandResult.refusedInState);
    expect(b.ems.clearFaults).toBe(false);
  });

  it("counts every refusal per reason and in total, and accepted frames apart", () => {
    const b = new EmsBench({ lostUntilFirst: true });
    b.faultClear();
    b.handle(frameOf(0x4b5, []));
    b.handle(frameOf(0x4b5, []));
    b.mode(EmsMode.idle);
    expect(b.ems.resultCount[CommandResult.refusedInState]).toBe(1);
    expect(b.ems.resultCount[CommandResult.unknownCommand]).toBe(2);
    expect(b.ems.resultCount[CommandResult.accepted]).toBe(1);
    expect(b.ems.refusedTotal).toBe(3);
    expect(commandResultName[b.ems.lastResult]).toBe("accepted");
  });

  it("answers frames with no counter byte with the counter echo 0xFF", () => {
    const b = new EmsBench();
    expect(b.handle(frameOf(FrameId.modeRequest, [0x12]))).toBe(CommandResult.wrongLength);
    expect(b.reply().counter).toBe(noCounter);
  });

  it("makes no reply for frames that are no command: other ids, extended ids, the keep-alive, the reply itself", () => {
    const b = new EmsBench();
    const ext = frameOf(FrameId.modeRequest, [0, 0, 0, 0, 0, 0, 0, 0]);
    ext.extended = true;
    for (const f of [frameOf(0x351, [1, 2, 3]), ext, frameOf(FrameId.inverterKeepAlive, []), frameOf(FrameId.commandReply, [0, 0, 0, 0, 0, 0])]) {
      expect(b.handle(f)).toBe(notACommand);
    }
    expect(b.ems.replyPending).toBe(false);
    expect(b.ems.refusedTotal).toBe(0);
    expect(b.ems.ignored).toBe(3);
    expect(b.ems.keepAlives).toBe(1);
  });
});
