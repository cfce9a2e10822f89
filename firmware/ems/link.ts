// SPDX-License-Identifier: MIT
// The EMS link supervisor: checks each command frame (length, E2E CRC and counter, range, state),
// acts on the accepted ones, answers every one, and watches for the link going silent. Pure and
// allocation-free; time comes in as nowMs. "§" is ../shared/reference/can-link.md.
//
// Principles (§7.1): the BMS never needs the EMS to be safe, so nothing here can close a path the
// core keeps open or raise a limit. A request only lowers (min with the BMS's own limit), expires
// timeoutMs after it was accepted (dbus-serialbattery's stuck value, prior-art.md §10 item 11),
// and a refused frame leaves the previous state in force.
//
// Checks, in order, each with its CommandResult: id in 0x4B0..0x4B7 but no command → unknown;
// not 8 bytes → wrongLength; CRC → badCrc; counter 15 → outOfRange; same counter as the last
// frame of that command → repeatedCounter; step > maxDeltaCounter → counterJump. The first frame
// of a command, and the first after timeoutMs without one, resynchronises the counter (§7.2
// NONEWDATA). A frame passing these is E2E-valid: its counter is consumed and, for mode and limit
// requests, it is a sign of life even if its content is refused next: payload range →
// outOfRange; a limit above the BMS's present (uncapped) limit → wouldRaiseLimit, the whole frame
// refused, never clamped; a fault clear while the link is lost → refusedInState (a stream that
// just failed is trusted again only after the recovery window, §7.2). A mode request is never
// refused for the BMS's state: the core keeps a path open while a fault blocks it and follows
// the request once the fault is gone (protection never depends on the EMS).
//
// Link: OK after recoveryCount signs of life in a row, each within timeoutMs of the previous
// (n-of-n, the simplest n-of-m window of §7.2); an E2E failure restarts the count. Lost when OK
// and nothing valid for longer than timeoutMs; the LinkAction applies and an EventKind.emsLink
// event is logged. Occasional bad frames alone never drop the link.
import type { CanFrame } from "../../hal/can";
import { logEvent } from "../events";
import { EventKind } from "../types";
import { e2eCounterDelta, e2eCounterMax, e2eP01Crc, E2eIdMode } from "./e2e";
import {
  CommandIndex,
  CommandResult,
  checkPayload,
  commandDlc,
  commandIdFirst,
  commandIdLast,
  commandIndex,
  commandWellFormed,
  counterEcho,
  limitFieldMa,
} from "./commands";
import { encodeCommandReply } from "./encode-status";
import { FrameId } from "./ids";
import type { EmsConfig } from "./link-config";
import { EmsLinkState, updateEmsOutputs } from "./link-state";
import type { EmsState } from "./link-state";

/** handleEmsFrame's answer for a frame that is no command (no reply is made). */
export const notACommand = -1;

function timeUsable(nowMs: number): boolean {
  return nowMs > -1e15 && nowMs < 1e15;
}

function setLink(conf: EmsConfig, ems: EmsState, link: number, nowMs: number): void {
  ems.link = link;
  if (link === EmsLinkState.lost) ems.linkLostEvents++;
  if (ems.log !== undefined) logEvent(ems.log, nowMs, EventKind.emsLink, link === EmsLinkState.lost ? 1 : 0, conf.onTimeout);
}

/** Link loss and request expiry. A clock that went backwards re-bases the timestamps. */
function checkTimeouts(conf: EmsConfig, ems: EmsState, nowMs: number): void {
  if (ems.aliveSeen) {
    if (nowMs < ems.lastAliveMs) ems.lastAliveMs = nowMs;
    if (nowMs - ems.lastAliveMs > conf.timeoutMs) {
      ems.validRun = 0;
      if (ems.link === EmsLinkState.ok) setLink(conf, ems, EmsLinkState.lost, nowMs);
    }
  }
  if (ems.limitRequested) {
    if (nowMs < ems.limitRequestMs) ems.limitRequestMs = nowMs;
    if (nowMs - ems.limitRequestMs > conf.timeoutMs) {
      ems.limitRequested = false;
      ems.chargeRequestMa = -1;
      ems.dischargeRequestMa = -1;
    }
  }
}

/**
 * A sign of life: counts toward recovery and restarts the link timer. checkTimeouts has already
 * reset the count when the previous one is older than timeoutMs.
 */
function alive(conf: EmsConfig, ems: EmsState, nowMs: number): void {
  if (ems.validRun < conf.recoveryCount) ems.validRun++;
  ems.aliveSeen = true;
  ems.lastAliveMs = nowMs;
  if (ems.link !== EmsLinkState.ok && ems.validRun >= conf.recoveryCount) setLink(conf, ems, EmsLinkState.ok, nowMs);
}

/** The §7.2 sequence check of command `k`; consumes the counter when it passes. */
function checkSequence(conf: EmsConfig, ems: EmsState, k: number, counter: number, nowMs: number): number {
  const last = ems.lastCounter[k];
  // A clock that went backwards gives a negative age: still within the timeout.
  if (last >= 0 && nowMs - ems.lastCounterMs[k] <= conf.timeoutMs) {
    const delta = e2eCounterDelta(counter, last);
    if (delta === 0) return CommandResult.repeatedCounter;
    if (delta > conf.maxDeltaCounter) return CommandResult.counterJump;
  }
  ems.lastCounter[k] = counter;
  ems.lastCounterMs[k] = nowMs;
  return CommandResult.accepted;
}

/** Limit request: both directions or neither; above the BMS's present limit is refused. */
function acceptLimits(ems: EmsState, data: number[], nowMs: number): number {
  const charge = limitFieldMa(data, 2);
  const discharge = limitFieldMa(data, 4);
  if (charge > ems.bmsChargeLimitMa || discharge > ems.bmsDischargeLimitMa) return CommandResult.wouldRaiseLimit;
  ems.chargeRequestMa = charge;
  ems.dischargeRequestMa = discharge;
  ems.limitRequested = true;
  ems.limitRequestMs = nowMs;
  return CommandResult.accepted;
}

/** Every check of one command frame, and its effect when accepted. */
function runCommand(conf: EmsConfig, ems: EmsState, frame: CanFrame, nowMs: number): number {
  const k = commandIndex(frame.id);
  if (k < 0) return CommandResult.unknownCommand;
  const d = frame.data;
  let result: number;
  if (!commandWellFormed(frame)) result = CommandResult.wrongLength;
  else if (e2eP01Crc(frame.id, E2eIdMode.both, d, commandDlc) !== d[0]) result = CommandResult.badCrc;
  else if ((d[1] & 0x0f) > e2eCounterMax) result = CommandResult.outOfRange;
  else result = checkSequence(conf, ems, k, d[1] & 0x0f, nowMs);
  if (result !== CommandResult.accepted) {
    ems.validRun = 0;
    return result;
  }
  if (k !== CommandIndex.faultClear) alive(conf, ems, nowMs);
  result = checkPayload(k, d);
  if (result !== CommandResult.accepted) return result;
  if (k === CommandIndex.mode) ems.emsMode = d[2];
  else if (k === CommandIndex.limits) return acceptLimits(ems, d, nowMs);
  else if (ems.linkLost) return CommandResult.refusedInState;
  else ems.clearFaults = true;
  return CommandResult.accepted;
}

/**
 * Handles one received frame at nowMs: a command is checked, acted on when accepted, counted, and
 * answered in ems.reply (replyPending set; the caller sends it before the next frame). Returns the
 * CommandResult, or notACommand for any other frame (the keep-alive 0x305 included, which only
 * refreshes the link when conf.keepAliveCounts). Never throws, whatever the frame holds.
 */
export function handleEmsFrame(conf: EmsConfig, ems: EmsState, frame: CanFrame, nowMs: number): number {
  if (!timeUsable(nowMs)) {
    ems.ignored++;
    return notACommand;
  }
  checkTimeouts(conf, ems, nowMs);
  updateEmsOutputs(conf, ems);
  const id = frame.id;
  if (frame.extended || !(id >= commandIdFirst && id <= commandIdLast && Math.floor(id) === id)) {
    if (!frame.extended && id === FrameId.inverterKeepAlive) {
      ems.keepAlives++;
      if (conf.keepAliveCounts) alive(conf, ems, nowMs);
    } else ems.ignored++;
    updateEmsOutputs(conf, ems);
    return notACommand;
  }
  const result = runCommand(conf, ems, frame, nowMs);
  ems.resultCount[result]++;
  if (result !== CommandResult.accepted) ems.refusedTotal++;
  ems.lastResult = result;
  // The previous reply was never taken: it is overwritten (the EMS repeats its command anyway).
  if (ems.replyPending) ems.repliesDropped++;
  encodeCommandReply(ems.reply, id, counterEcho(frame), result, ems.refusedTotal);
  ems.replyPending = true;
  updateEmsOutputs(conf, ems);
  return result;
}

/** Once per tick, after the frames: link loss and request expiry at nowMs. Never throws. */
export function emsTick(conf: EmsConfig, ems: EmsState, nowMs: number): void {
  if (!timeUsable(nowMs)) return;
  checkTimeouts(conf, ems, nowMs);
  updateEmsOutputs(conf, ems);
}
