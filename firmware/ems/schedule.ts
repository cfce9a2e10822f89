// SPDX-License-Identifier: MIT
// When each periodic BMS frame goes out: the periods of the frame table (the DBC's
// GenMsgCycleTime, firmware/ems/signals-values.ts), 0x351 first (../shared/reference/
// can-link.md §1.4: the whole inverter set every second, names every 10 s, never a gap in 0x351).
// A multiplexed frame sends every group once per period. A transport takes only so many frames at
// once (an MCP2515 has three transmit buffers): what it refuses waits for the next tick, in
// order, so a full controller delays frames but never reorders or drops the set.
//
// A set is spread over the calls of the first 800 ms of a period (spreadMs): each call sends at most
// its share, by the time since the previous call, and never fewer than minFramesPerCall. On
// Espruino a frame costs about 2,600 (SLCAN) to 4,000 (MCP2515) tokens, 35–55 ms on a 64–84 MHz
// board (scripts/espruino-time.ts): the 12–26 frames of a second in one tick would stall the
// control loop for most of a second.
import { CanStatus, createCanFrame } from "../../hal/can";
import type { CanFrame, CanPort } from "../../hal/can";
import { intArray, numberArray } from "../alloc";
import type { RunConfig } from "../types";
import { encodeBmsFrame, frameGroups } from "./encode";
import type { EmsSource } from "./encode";
import { FrameId } from "./ids";
import { frameIndex, frameTable } from "./signals-values";

export interface EmsSchedule {
  /** Frame ids in sending order. */
  ids: number[];
  periodMs: number[];
  /** Groups per period (1, or the multiplexed group count). */
  groups: number[];
  /** When each frame is next due; −1 before the first tick. */
  nextMs: number[];
  /** Next group to send of a due frame, or −1 when nothing is pending. */
  pending: number[];
  frame: CanFrame;
  /** Frames handed to the transport since start, and those it refused (sent later). */
  sent: number;
  deferred: number;
  /** The earliest nextMs, or −1 before the first tick: before it, and with nothing `waiting`, no frame is due. */
  dueMs: number;
  /** A group is pending: marked by sendSoon, or refused by the transport and sent later. */
  waiting: boolean;
  /** Groups of all frames together: the largest set one call may find due. */
  setSize: number;
  /** nowMs of the previous call, or −1 before the first. */
  lastCallMs: number;
}

/** The three transmit buffers of an MCP2515 (TXB0–TXB2, can-link.md): no call is held to fewer. */
export const minFramesPerCall = 3;
/** A due set is out within this much of its period's start when calls come at least this often. */
export const spreadMs = 800;

function add(s: EmsSchedule, conf: RunConfig, id: number, at: number): number {
  s.ids[at] = id;
  // The frame table's period: the DBC's GenMsgCycleTime (test/ems/dbc.test.ts holds them equal).
  s.periodMs[at] = frameTable.periodMs[frameIndex(id)];
  s.groups[at] = frameGroups(conf, id);
  return at + 1;
}

/** The schedule for `conf`; `pylon` adds the Pylontech frames 0x359 and 0x35C (a board option). */
export function createEmsSchedule(conf: RunConfig, pylon: boolean): EmsSchedule {
  const n = pylon ? 15 : 13;
  const s: EmsSchedule = {
    ids: intArray(n, 0),
    periodMs: intArray(n, 0),
    groups: intArray(n, 0),
    nextMs: numberArray(n, -1),
    pending: intArray(n, -1),
    frame: createCanFrame(),
    sent: 0,
    deferred: 0,
    dueMs: -1,
    waiting: false,
    setSize: 0,
    lastCallMs: -1,
  };
  let at = 0;
  at = add(s, conf, FrameId.limits, at);
  at = add(s, conf, FrameId.socSoh, at);
  at = add(s, conf, FrameId.measurements, at);
  at = add(s, conf, FrameId.alarms, at);
  if (pylon) {
    at = add(s, conf, FrameId.pylonFlags, at);
    at = add(s, conf, FrameId.pylonRequest, at);
  }
  at = add(s, conf, FrameId.state, at);
  at = add(s, conf, FrameId.faults, at);
  at = add(s, conf, FrameId.cellVoltages, at);
  at = add(s, conf, FrameId.temperatures, at);
  at = add(s, conf, FrameId.balancing, at);
  at = add(s, conf, FrameId.health, at);
  at = add(s, conf, FrameId.counters, at);
  at = add(s, conf, FrameId.name, at);
  add(s, conf, FrameId.info, at);
  for (let i = 0; i < n; i++) s.setSize += s.groups[i];
  return s;
}

/**
 * Frames this call may send: the set's share of the time since the previous call over spreadMs,
 * at least minFramesPerCall; the whole set on the first call or after a gap of spreadMs or more.
 */
function callBudget(s: EmsSchedule, nowMs: number): number {
  const last = s.lastCallMs;
  s.lastCallMs = nowMs;
  const sinceMs = nowMs - last;
  if (last < 0 || sinceMs < 0 || sinceMs >= spreadMs) return s.setSize;
  const share = Math.floor((s.setSize * sinceMs + spreadMs - 1) / spreadMs);
  return share > minFramesPerCall ? share : minFramesPerCall;
}

/**
 * Marks the frames due at `nowMs`, then sends pending groups in schedule order until the call's
 * budget (callBudget) is spent or the transport refuses one. A late tick does not send a frame
 * twice: the next due time restarts from now when more than a period was missed. Returns the
 * frames sent on this call.
 */
export function sendDueFrames(s: EmsSchedule, src: EmsSource, port: CanPort, nowMs: number): number {
  const budget = callBudget(s, nowMs);
  // Nothing due and nothing pending, most ticks (every period is 1 s or more): both loops below
  // would do nothing, and Espruino runs them token by token (scripts/espruino-time.ts).
  if (!s.waiting && s.dueMs >= 0 && nowMs < s.dueMs) return 0;
  const n = s.ids.length;
  let dueMs = -1;
  for (let i = 0; i < n; i++) {
    if (s.nextMs[i] < 0 || nowMs >= s.nextMs[i]) {
      if (s.pending[i] < 0) s.pending[i] = 0;
      const next = s.nextMs[i] < 0 ? nowMs + s.periodMs[i] : s.nextMs[i] + s.periodMs[i];
      s.nextMs[i] = next <= nowMs ? nowMs + s.periodMs[i] : next;
    }
    if (dueMs < 0 || s.nextMs[i] < dueMs) dueMs = s.nextMs[i];
  }
  s.dueMs = dueMs;
  s.waiting = true;
  let sentNow = 0;
  for (let i = 0; i < n; i++) {
    while (s.pending[i] >= 0 && s.pending[i] < s.groups[i]) {
      if (sentNow >= budget) return sentNow;
      if (!encodeBmsFrame(s.frame, s.ids[i], s.pending[i], src)) {
        s.pending[i] = -1;
        break;
      }
      if (port.send(s.frame) !== CanStatus.ok) {
        s.deferred++;
        return sentNow;
      }
      s.sent++;
      sentNow++;
      s.pending[i]++;
    }
    s.pending[i] = -1;
  }
  s.waiting = false;
  return sentNow;
}

/**
 * Send frame `id` at the next sendDueFrames call as well, outside its period (an alarm that just
 * set must not wait up to a second); its periodic timing is unchanged.
 */
export function sendSoon(s: EmsSchedule, id: number): void {
  for (let i = 0; i < s.ids.length; i++) {
    if (s.ids[i] === id && s.pending[i] < 0) {
      s.pending[i] = 0;
      s.waiting = true;
    }
  }
}
