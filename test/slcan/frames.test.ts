// SPDX-License-Identifier: MIT
// Frames both ways as exact SLCAN text (can-link.md §5): `t%03X%d` + uppercase hex + CR as
// python-can writes and reads it, `T%08X%d` for extended IDs, r/R for remote frames, the optional
// Z1 timestamp, and the §5 example `t35182802E803DC05E001` = 0x351 with CVL 55.2 V, CCL 100.0 A,
// DCL 150.0 A, DVL 48.0 V.
import { describe, expect, it } from "vitest";
import { CanStatus, createCanFrame } from "../../hal/can";
import { decodeFrameLine, encodeFrameLine, frameLineMax } from "../../hal/slcan/frame-text";
import { BEL, drain, frame, openRig, rig } from "./helpers";

const chars = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));
const u16le = (data: number[], at: number): number => data[at] + 256 * data[at + 1];

describe("frames from the host", () => {
  it("decodes t35182802E803DC05E001 to 0x351 with CVL 55.2 V, CCL 100.0 A, DCL 150.0 A, DVL 48.0 V", () => {
    const { host, device } = openRig();
    host.type("t35182802E803DC05E001\r");
    expect(host.take()).toBe("z\r");
    const [f] = drain(device);
    expect({ id: f.id, extended: f.extended, remote: f.remote, dlc: f.dlc }).toEqual({ id: 0x351, extended: false, remote: false, dlc: 8 });
    // 0.1 V and 0.1 A units, little-endian (§1.1).
    expect([u16le(f.data, 0), u16le(f.data, 2), u16le(f.data, 4), u16le(f.data, 6)]).toEqual([552, 1000, 1500, 480]);
  });

  it("decodes extended, remote and empty frames and answers Z for extended, z for standard", () => {
    const { host, device } = openRig();
    host.type("T18FF50E52DEAD\rr3058\rR1FFFFFFF0\rt7FF0\rt0001ff\r");
    expect(host.take()).toBe("Z\rz\rZ\rz\rz\r");
    const got = drain(device).map((f) => [f.id, f.extended, f.remote, f.dlc, f.data.join(",")]);
    expect(got).toEqual([
      [0x18ff50e5, true, false, 2, "222,173,0,0,0,0,0,0"],
      [0x305, false, true, 8, "0,0,0,0,0,0,0,0"],
      [0x1fffffff, true, true, 0, "0,0,0,0,0,0,0,0"],
      [0x7ff, false, false, 0, "0,0,0,0,0,0,0,0"],
      [0x000, false, false, 1, "255,0,0,0,0,0,0,0"],
    ]);
    expect(device.counters.received).toBe(5);
  });

  it("refuses with BEL a standard ID above 0x7FF, an extended ID above 0x1FFFFFFF, DLC 9, a data length that disagrees with the DLC, and data on a remote frame", () => {
    const { host, device } = openRig();
    const bad = ["t8000", "T200000000", "t1239" + "00".repeat(9), "t1232AA", "t1231AABB", "r1231AA", "R1234567", "t12G0", "T1234567G0"];
    for (const line of bad) {
      host.type(line + "\r");
      expect(host.take(), line).toBe(BEL);
    }
    expect(drain(device)).toEqual([]);
    expect(device.counters.received).toBe(0);
  });

  it("refuses frames with BEL while the channel is closed and queues nothing", () => {
    const { host, device } = rig();
    host.type("t35182802E803DC05E001\rT0000000100\r");
    expect(host.take()).toBe(BEL + BEL);
    expect(drain(device)).toEqual([]);
  });

  it("counts a frame lost to a full queue as dropped and keeps the oldest frames", () => {
    const { host, device } = openRig({ receiveQueueLength: 3 });
    for (let i = 0; i < 5; i++) host.type(`t10${i}0\r`);
    expect(host.take()).toBe("z\r".repeat(3) + BEL + BEL);
    expect(device.counters.dropped).toBe(2);
    expect(device.counters.received).toBe(3);
    expect(drain(device).map((f) => f.id)).toEqual([0x100, 0x101, 0x102]);
    host.type("t1050\r");
    expect(drain(device).map((f) => f.id)).toEqual([0x105]);
  });
});

describe("frames to the host", () => {
  it("are written as t%03X%d + uppercase hex + CR, T%08X%d for extended, r/R for remote", () => {
    const { host, device } = openRig();
    const sent = [
      frame(0x351, [0x28, 0x02, 0xe8, 0x03, 0xdc, 0x05, 0xe0, 0x01]),
      frame(0x5, [0xab]),
      frame(0x7ff, []),
      frame(0x18ff50e5, [0xde, 0xad, 0xbe, 0xef], { extended: true }),
      frame(0x305, [], { remote: true, dlc: 8 }),
      frame(0x1, [], { remote: true, extended: true, dlc: 2 }),
    ];
    for (const f of sent) expect(device.send(f)).toBe(CanStatus.ok);
    expect(host.take()).toBe("t35182802E803DC05E001\rt0051AB\rt7FF0\rT18FF50E54DEADBEEF\rr3058\rR000000012\r");
    expect(host.writes).toBe(7); // the O reply and one write per frame
    expect(device.counters.sent).toBe(6);
  });

  it("are refused while the channel is closed (nothing written, counted as dropped)", () => {
    const { host, device } = rig();
    expect(device.send(frame(0x351, [1]))).toBe(CanStatus.error);
    expect(host.take()).toBe("");
    expect(device.counters.dropped).toBe(1);
    host.type("O\rC\r");
    host.take();
    expect(device.send(frame(0x351, [1]))).toBe(CanStatus.error);
    expect(host.take()).toBe("");
  });

  it("refuses a frame SLCAN cannot carry (ID out of range, DLC above 8) as an error", () => {
    const { host, device } = openRig();
    expect(device.send(frame(0x800, []))).toBe(CanStatus.error);
    expect(device.send(frame(0x20000000, [], { extended: true }))).toBe(CanStatus.error);
    expect(device.send(frame(0x100, [], { dlc: 9 }))).toBe(CanStatus.error);
    expect(device.send(frame(-1, []))).toBe(CanStatus.error);
    expect(host.take()).toBe("");
    expect(device.counters.errors).toBe(4);
  });

  it("carry a 4-digit timestamp, milliseconds within the minute, after Z1", () => {
    const { host, device, clock } = rig();
    host.type("Z1\rO\r");
    host.take();
    clock.advance(61234); // 1 min 1.234 s → 1234 ms = 0x04D2
    device.send(frame(0x351, [0x01, 0x02]));
    clock.advance(60000 - 1234 - 1); // 59999 ms within the minute = 0xEA5F, the largest (§5)
    device.send(frame(0x10, [], { remote: true, dlc: 1 }));
    expect(host.take()).toBe("t3512010204D2\rr0101EA5F\r");
  });

  it("round-trip through encode and decode for every DLC and ID kind", () => {
    const line: number[] = new Array<number>(frameLineMax).fill(0);
    const back = createCanFrame();
    for (const extended of [false, true]) {
      for (const remote of [false, true]) {
        for (let dlc = 0; dlc <= 8; dlc++) {
          const data = Array.from({ length: dlc }, (_, i) => (i * 37 + dlc * 11) & 0xff);
          const f = frame(extended ? 0x1abcdef0 + dlc : 0x700 + dlc, remote ? [] : data, { extended, remote, dlc });
          const n = encodeFrameLine(f, line, -1);
          expect(line[n - 1]).toBe(13);
          expect(decodeFrameLine(line, n - 1, back)).toBe(true);
          expect([back.id, back.extended, back.remote, back.dlc]).toEqual([f.id, extended, remote, dlc]);
          if (!remote) expect(back.data.slice(0, dlc)).toEqual(data);
        }
      }
    }
  });

  it("decode accepts lowercase hex from a lenient host", () => {
    const into = createCanFrame();
    expect(decodeFrameLine(chars("t1ab2cafe"), 9, into)).toBe(true);
    expect([into.id, into.data[0], into.data[1]]).toEqual([0x1ab, 0xca, 0xfe]);
  });
});
