// SPDX-License-Identifier: MIT
// The bounded event log: a ring of parallel number arrays, so logging an event from the control
// loop writes four numbers and allocates nothing. When full, the oldest entry is overwritten; the
// `total` counter lets a reader (telemetry, the simulator) tell which events it has not seen yet
// and how many it missed.
import { intArray, numberArray, smallIntArray } from "./alloc";
import type { EventLog } from "./types";

/** An empty log holding at most `size` events (size ≥ 1; validateConfig asks for ≥ 4). */
export function createEventLog(size: number): EventLog {
  const n = size >= 1 ? size : 1;
  return {
    timeMs: numberArray(n, 0),
    // EventKind and cause codes are small; value can be any quantity, timeMs grows for ever.
    kind: smallIntArray(n, 0),
    value: intArray(n, 0),
    cause: smallIntArray(n, 0),
    next: 0,
    count: 0,
    total: 0,
    bootSequence: 0,
  };
}

/** Events the log can hold. */
export function eventCapacity(log: EventLog): number {
  return log.timeMs.length;
}

/**
 * Appends one event (EventKind in types.ts says what `value` and `cause` mean for each kind).
 * Overwrites the oldest entry once the log is full.
 */
export function logEvent(log: EventLog, nowMs: number, kind: number, value: number, cause: number): void {
  const slot = log.next;
  log.timeMs[slot] = nowMs;
  log.kind[slot] = kind;
  log.value[slot] = value;
  log.cause[slot] = cause;
  const size = log.timeMs.length;
  log.next = slot + 1 >= size ? 0 : slot + 1;
  if (log.count < size) log.count++;
  log.total++;
}

/**
 * Slot (index into timeMs/kind/value/cause) of the k-th held event, oldest first
 * (k = 0 … count − 1), or −1 when there is no such event. Allocates nothing.
 */
export function eventSlot(log: EventLog, k: number): number {
  if (!(k >= 0 && k < log.count)) return -1;
  const size = log.timeMs.length;
  let slot = log.next - log.count + k;
  if (slot < 0) slot += size;
  return slot;
}

/**
 * Slot of the event with sequence number `seq` (0 for the first event ever logged, total − 1 for
 * the newest), or −1 when it was overwritten or not logged yet.
 */
export function sequenceSlot(log: EventLog, seq: number): number {
  const oldest = log.total - log.count;
  return eventSlot(log, seq - oldest);
}

/** Events overwritten before anyone could read them from the log. */
export function eventsLost(log: EventLog): number {
  return log.total - log.count;
}
