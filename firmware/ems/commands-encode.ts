// SPDX-License-Identifier: MIT
// The EMS side of the command frames (firmware/ems/commands.ts has the layout): build a protected
// command and read the BMS's reply. The BMS itself never sends commands; these serve the
// simulator's EMS, the tests and any board that drives a second BMS. Allocation-free like the
// rest: frames and the reply record are made once by their owner.
import type { CanFrame } from "../../hal/can";
import { E2eIdMode, e2eP01Protect } from "./e2e";
import { commandDlc, faultClearKey, noCounter, noLimitRequest, readU16, replyDlc } from "./commands";
import type { EmsMode } from "./commands";
import { FrameId } from "./ids";

/** A decoded reply (0x4B8). */
export interface CommandReply {
  commandId: number;
  /** The counter the BMS received, or noCounter (0xFF). */
  counter: number;
  /** CommandResult. */
  result: number;
  /** Refused commands since the BMS started, modulo 65536. */
  refusedTotal: number;
}

/** An empty reply record, made once. */
export function createCommandReply(): CommandReply {
  return { commandId: 0, counter: noCounter, result: 0, refusedTotal: 0 };
}

function start(frame: CanFrame, id: number): void {
  frame.id = id;
  frame.extended = false;
  frame.remote = false;
  frame.dlc = commandDlc;
  for (let i = 0; i < commandDlc; i++) frame.data[i] = 0;
}

function finish(frame: CanFrame, counter: number): void {
  e2eP01Protect(frame.id, E2eIdMode.both, frame.data, commandDlc, counter);
}

function writeU16(data: number[], offset: number, value: number): void {
  data[offset] = value & 0xff;
  data[offset + 1] = (value >>> 8) & 0xff;
}

/** A limit in mA as the 0.1 A field: rounded down (a request never grows), −1 = no request. */
export function limitField(ma: number): number {
  if (!(ma >= 0)) return noLimitRequest;
  const deciA = Math.floor(ma / 100);
  return deciA >= noLimitRequest ? noLimitRequest - 1 : deciA;
}

/** Mode request (0x4B0) with alive counter `counter` (0..14). */
export function encodeModeRequest(frame: CanFrame, counter: number, mode: EmsMode): void {
  start(frame, FrameId.modeRequest);
  frame.data[2] = mode & 0xff;
  finish(frame, counter);
}

/** Limit request (0x4B1); each limit in mA, −1 for "no request" in that direction. */
export function encodeLimitRequest(frame: CanFrame, counter: number, chargeMa: number, dischargeMa: number): void {
  start(frame, FrameId.limitRequest);
  writeU16(frame.data, 2, limitField(chargeMa));
  writeU16(frame.data, 4, limitField(dischargeMa));
  finish(frame, counter);
}

/** Fault clear (0x4B2). */
export function encodeFaultClear(frame: CanFrame, counter: number): void {
  start(frame, FrameId.faultClear);
  frame.data[2] = faultClearKey;
  finish(frame, counter);
}

/** Reads a reply frame into `into`; false (nothing written) when it is no reply. */
export function decodeReply(frame: CanFrame, into: CommandReply): boolean {
  if (frame.extended || frame.remote || frame.id !== FrameId.commandReply || frame.dlc !== replyDlc) return false;
  const d = frame.data;
  into.commandId = readU16(d, 0);
  into.counter = d[2];
  into.result = d[3];
  into.refusedTotal = readU16(d, 4);
  return true;
}
