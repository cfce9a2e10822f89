// SPDX-License-Identifier: MIT
// The bounded event log: a ring that keeps the newest entries, counts every event ever logged
// and is read without allocation.
import { describe, expect, it } from "vitest";
import { createEventLog, eventCapacity, eventSlot, eventsLost, logEvent, sequenceSlot } from "../../firmware/events";
import { EventKind } from "../../firmware/types";

function held(log: ReturnType<typeof createEventLog>): number[] {
  const values: number[] = [];
  for (let k = 0; k < log.count; k++) values.push(log.value[eventSlot(log, k)]);
  return values;
}

describe("event log", () => {
  it("records time, kind, value and cause in order", () => {
    const log = createEventLog(8);
    logEvent(log, 100, EventKind.mode, 2, -1);
    logEvent(log, 250, EventKind.faultSet, 4, 1);
    expect(log.count).toBe(2);
    expect(log.total).toBe(2);
    const s = eventSlot(log, 1);
    expect([log.timeMs[s], log.kind[s], log.value[s], log.cause[s]]).toEqual([250, EventKind.faultSet, 4, 1]);
    expect(eventSlot(log, 2)).toBe(-1);
    expect(eventSlot(log, -1)).toBe(-1);
  });

  it("wraps when full and keeps the newest N, oldest first", () => {
    const log = createEventLog(5);
    expect(eventCapacity(log)).toBe(5);
    for (let i = 0; i < 13; i++) logEvent(log, i * 10, EventKind.activity, i, -1);
    expect(log.count).toBe(5);
    expect(log.total).toBe(13);
    expect(eventsLost(log)).toBe(8);
    expect(held(log)).toEqual([8, 9, 10, 11, 12]);
    expect(log.timeMs[eventSlot(log, 0)]).toBe(80);
  });

  it("finds an event by its sequence number until it is overwritten", () => {
    const log = createEventLog(4);
    for (let i = 0; i < 6; i++) logEvent(log, i, EventKind.mode, 100 + i, -1);
    expect(sequenceSlot(log, 1)).toBe(-1);
    expect(log.value[sequenceSlot(log, 2)]).toBe(102);
    expect(log.value[sequenceSlot(log, 5)]).toBe(105);
    expect(sequenceSlot(log, 6)).toBe(-1);
  });

  it("keeps its arrays when logging (nothing is reallocated)", () => {
    const log = createEventLog(4);
    const arrays = [log.timeMs, log.kind, log.value, log.cause];
    for (let i = 0; i < 100; i++) logEvent(log, i, EventKind.mode, i, -1);
    expect([log.timeMs, log.kind, log.value, log.cause]).toEqual(arrays);
    arrays.forEach((a, k) => expect(a).toBe([log.timeMs, log.kind, log.value, log.cause][k]));
    expect(log.timeMs).toHaveLength(4);
  });
});
