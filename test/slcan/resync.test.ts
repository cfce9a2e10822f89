// SPDX-License-Identifier: MIT
// A noisy UART must never cost the next good line: garbage, lines cut off before their CR, overlong
// lines and unknown commands are answered with BEL and the frame after them is still read. A seeded
// fuzz run over garbage-laced streams (sim/slcan-stream.ts) never throws and recovers every intact
// frame.
import { describe, expect, it } from "vitest";
import { CanStatus, createCanFrame } from "../../hal/can";
import { lineCapacity } from "../../hal/slcan/line-reader";
import { Rng } from "../../sim/rng";
import { garbageLacedStream, matchFrames, type StreamFrame } from "../../sim/slcan-stream";
import { BEL, drain, openRig, rig } from "./helpers";

const good = "t35182802E803DC05E001\r";
const ids = (r: ReturnType<typeof openRig>): number[] => drain(r.device).map((f) => f.id);

describe("recovery after bad input", () => {
  it("reads the next good frame after a garbage line ended by CR", () => {
    const r = openRig();
    r.host.bytes([0x00, 0xff, 0x80, 0x07, 0x21, 0x0d]);
    r.host.type(good);
    expect(r.host.take()).toBe(BEL + "z\r");
    expect(ids(r)).toEqual([0x351]);
  });

  it("reads a frame that follows garbage with no CR between them", () => {
    const r = openRig();
    r.host.type("\x01#~ 99 zz" + good);
    expect(r.host.take()).toBe(BEL + "z\r");
    expect(ids(r)).toEqual([0x351]);
  });

  it("reads a frame that follows a line cut off before its CR", () => {
    const r = openRig();
    r.host.type("t1238AABB" + good + "T18FF50E5" + good);
    expect(r.host.take()).toBe(BEL + "z\r" + BEL + "z\r");
    expect(ids(r)).toEqual([0x351, 0x351]);
  });

  it("discards an overlong line up to its CR, counts it, and reads the next frame", () => {
    const r = openRig();
    r.host.type("t123" + "A".repeat(lineCapacity * 3) + "\r" + good);
    expect(r.host.take()).toBe(BEL + "z\r");
    expect(r.device.counters.overlongLines).toBe(1);
    expect(ids(r)).toEqual([0x351]);
  });

  it("an overlong line of hex digits with no CR ends at the next frame's letter", () => {
    const r = openRig();
    r.host.type("T" + "0".repeat(100) + good);
    expect(r.host.take()).toBe(BEL + "z\r");
    expect(r.device.counters.overlongLines).toBe(1);
    expect(ids(r)).toEqual([0x351]);
  });

  it("answers unknown commands with BEL and executes the next line", () => {
    const r = openRig();
    r.host.type("Q\rW2\rP\r" + good + "V\r");
    expect(r.host.take()).toBe(BEL.repeat(3) + "z\rV0123\r");
    expect(ids(r)).toEqual([0x351]);
  });

  it("a garbage-prefixed C is refused (C is a hex digit, so cannot resynchronise) and the channel stays open", () => {
    const r = openRig();
    r.host.type("\x80C\r" + good);
    expect(r.host.take()).toBe(BEL + "z\r");
    expect(r.device.open).toBe(true);
  });

  it("keeps the line whole across chunk boundaries, one byte per chunk", () => {
    const r = openRig();
    for (const c of "xx\r" + good) r.host.type(c);
    expect(r.host.take()).toBe(BEL + "z\r");
    expect(ids(r)).toEqual([0x351]);
  });
});

/** Feed a stream in random chunks, draining after each; returns what came out. */
function feedStream(bytes: Buffer, seed: number, queue: number) {
  const r = rig({ receiveQueueLength: queue });
  const rng = new Rng(seed);
  const got: StreamFrame[] = [];
  const into = createCanFrame();
  let at = 0;
  while (at < bytes.length) {
    const n = 1 + Math.floor(rng.uniform() * 120);
    r.host.bytes(Array.from(bytes.subarray(at, at + n)));
    at += n;
    while (r.device.receive(into) === CanStatus.ok) {
      got.push({ id: into.id, extended: into.extended, remote: into.remote, dlc: into.dlc, data: into.data.slice(0, into.dlc) });
    }
  }
  return { r, got };
}

describe("fuzz (seeded)", () => {
  for (const seed of [1, 2, 3]) {
    it(`recovers every intact frame of a 200 kB garbage-laced stream in random chunks (seed ${seed})`, () => {
      const stream = garbageLacedStream(seed, 200_000);
      expect(stream.counts.garbageRuns).toBeGreaterThan(100);
      expect(stream.counts.overlong).toBeGreaterThan(10);
      expect(stream.counts.cutOff).toBeGreaterThan(10);
      const { r, got } = feedStream(stream.bytes, seed, 64);
      const m = matchFrames(stream.expected, got);
      expect(m.recovered).toBe(stream.expected.length);
      expect(r.device.counters.dropped).toBe(0);
      expect(r.device.counters.overlongLines).toBe(stream.counts.overlong);
      // Every reply is one of the device's own (a V, N or F line in the noise is a real query): the
      // noise is never echoed.
      const replies = r.host.wire.split(BEL).join("").replace(/\r|z\r|Z\r|V0123\r|NTB01\r|F[0-9A-F]{2}\r/g, "");
      expect(JSON.stringify(replies)).toBe('""');
    });
  }

  it("survives 100 kB of uniformly random bytes (C included) without throwing, then obeys a clean C, O and frame", () => {
    const rng = new Rng(99);
    const noise = Buffer.alloc(100_000);
    for (let i = 0; i < noise.length; i++) noise[i] = Math.floor(rng.uniform() * 256);
    const { r } = feedStream(noise, 7, 16);
    r.host.take();
    drain(r.device);
    // A CR ends whatever line the noise left half-typed (its reply depends on what that was).
    r.host.type("\r");
    r.host.take();
    r.host.type("C\r");
    expect([BEL, "\r"]).toContain(r.host.take()); // BEL if the noise had left the channel closed
    r.host.type("O\r" + good);
    expect(r.host.take()).toBe("\rz\r");
    expect(r.device.open).toBe(true);
    expect(drain(r.device).map((f) => f.id)).toEqual([0x351]);
  });
});
