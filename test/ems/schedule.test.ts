// SPDX-License-Identifier: MIT
// When the periodic BMS frames go out (firmware/ems/schedule.ts): the whole set at the first tick,
// then nothing until a period ends, a frame asked for "soon" at the next call, and what the
// transport refused at the next call, in order, before any period ends; a set due while calls come
// every tick spread over the calls of its first spreadMs.
import { describe, expect, it } from "vitest";
import { CanStatus } from "../../hal/can";
import type { CanCounters, CanFrame, CanPort } from "../../hal/can";
import { presetConfig } from "../../firmware/config";
import { createEmsSource } from "../../firmware/ems/encode";
import { FrameId } from "../../firmware/ems/ids";
import { createEmsSchedule, minFramesPerCall, sendDueFrames, sendSoon, spreadMs } from "../../firmware/ems/schedule";
import { createMeasurements, createState } from "../../firmware/state";
import { RequestedMode } from "../../firmware/types";

/** A transport with `room` free transmit slots, recording the ids it took. */
class Port implements CanPort {
  readonly ids: number[] = [];
  readonly counters: CanCounters = { sent: 0, received: 0, dropped: 0, errors: 0 };
  room = Infinity;
  send(frame: CanFrame): CanStatus {
    if (this.room <= 0) return CanStatus.empty;
    this.room--;
    this.ids.push(frame.id);
    return CanStatus.ok;
  }
  receive(): CanStatus {
    return CanStatus.empty;
  }
  take(): number[] {
    return this.ids.splice(0);
  }
}

describe("the EMS frame schedule", () => {
  const conf = presetConfig("LFP", 16, 100000);
  const state = createState(conf);
  const inputs = { measurements: createMeasurements(conf), requestedMode: RequestedMode.run as RequestedMode, clearFaults: false };
  const src = createEmsSource(conf, state, inputs, { name: "TSBMS", firmwareMajor: 0, firmwareMinor: 1, moduleCount: 1 });

  it("sends the set at the first tick, nothing more within the second, and 0x351 again when its period ends", () => {
    const s = createEmsSchedule(conf, false);
    const port = new Port();
    expect(sendDueFrames(s, src, port, 0)).toBeGreaterThan(10);
    expect(port.take()[0]).toBe(FrameId.limits);
    for (let t = 100; t < 1000; t += 100) expect(sendDueFrames(s, src, port, t)).toBe(0);
    expect(port.take()).toEqual([]);
    sendDueFrames(s, src, port, 1000);
    expect(port.take()).toContain(FrameId.limits);
  });

  it("sends a frame asked for soon at the next call, between its periods", () => {
    const s = createEmsSchedule(conf, false);
    const port = new Port();
    sendDueFrames(s, src, port, 0);
    port.take();
    sendDueFrames(s, src, port, 100);
    sendSoon(s, FrameId.alarms);
    expect(sendDueFrames(s, src, port, 200)).toBe(1);
    expect(port.take()).toEqual([FrameId.alarms]);
    expect(sendDueFrames(s, src, port, 300)).toBe(0);
  });

  it("sends what the transport refused at the next calls, in order, before any period ends", () => {
    const s = createEmsSchedule(conf, false);
    const all = new Port();
    sendDueFrames(createEmsSchedule(conf, false), src, all, 0);
    const port = new Port();
    port.room = 3;
    sendDueFrames(s, src, port, 0);
    const sent = port.take();
    for (let t = 100; sent.length < all.ids.length && t < 1000; t += 100) {
      port.room = 3;
      sendDueFrames(s, src, port, t);
      sent.push(...port.take());
    }
    expect(sent).toEqual(all.ids);
    expect(s.deferred).toBeGreaterThan(0);
  });

  it("spreads a due set over the calls of its first spreadMs, in order, each call within its share", () => {
    // The reference: calls a second apart send each set whole.
    const whole = createEmsSchedule(conf, false);
    const reference = new Port();
    sendDueFrames(whole, src, reference, 0);
    reference.take();
    sendDueFrames(whole, src, reference, 1000);
    const set = reference.take();
    expect(set.length).toBeGreaterThan(10);

    const s = createEmsSchedule(conf, false);
    const port = new Port();
    for (let t = 0; t < 1000; t += 100) sendDueFrames(s, src, port, t);
    port.take();
    const share = Math.max(minFramesPerCall, Math.ceil((s.setSize * 100) / spreadMs));
    expect(share).toBeLessThan(set.length);
    const sent: number[] = [];
    for (let t = 1000; t < 1000 + spreadMs; t += 100) {
      const n = sendDueFrames(s, src, port, t);
      expect(n).toBeLessThanOrEqual(share);
      sent.push(...port.take());
    }
    expect(sent).toEqual(set);
    expect(s.waiting).toBe(false);
  });

  it("sends the whole due set in one call after a gap of spreadMs or more", () => {
    const s = createEmsSchedule(conf, false);
    const port = new Port();
    sendDueFrames(s, src, port, 0);
    port.take();
    let due = 0;
    for (let i = 0; i < s.ids.length; i++) if (1000 % s.periodMs[i] === 0) due += s.groups[i];
    expect(due).toBeGreaterThan(Math.max(minFramesPerCall, Math.ceil((s.setSize * 100) / spreadMs)));
    expect(sendDueFrames(s, src, port, 1000)).toBe(due);
  });
});
