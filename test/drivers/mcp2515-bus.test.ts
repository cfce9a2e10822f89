// SPDX-License-Identifier: MIT
// MCP2515 drivers and emulated chips on one virtual CAN bus: round trips, filters, rollover and
// overflow, bus-off and recovery, a wrong crystal, the three transmit buffers, and the candump log
// (can-link.md §2, §5, §6.4).
import { describe, expect, it } from "vitest";
import { CanStatus, createCanFrame } from "../../hal/can";
import { frameBits } from "../../sim/can-bus";
import { candumpLine } from "../../sim/can-bus-log";
import { canFrame } from "../../sim/can-bus-node";
import { CanBench, drain, fromHex, show } from "./mcp2515-bench";

/** The REC-Q capture of §2 (250 kbit/s), the golden vector for frames and for the log format. */
const recCapture = [
  "(1617900000.000000) can0 380#31512D3138343500",
  "(1617900000.010000) can0 351#1F01BC02E803E700",
  "(1617900000.020000) can0 355#320064008813",
  "(1617900000.030000) can0 356#320A00002701",
  "(1617900000.040000) can0 35A#A8A082000000800A",
  "(1617900000.050000) can0 35E#5245432D424D5300",
  "(1617900000.060000) can0 35F#0000020664000000",
];

function parseCandump(line: string): { timeUs: number; id: number; data: number[] } {
  const m = /^\((\d+)\.(\d{6})\) can0 ([0-9A-F]{3})#([0-9A-F]*)$/.exec(line);
  if (m === null) throw new Error(`not a candump -L line: ${line}`);
  const hex = m[4].match(/../g) ?? [];
  return { timeUs: Number(m[1]) * 1e6 + Number(m[2]), id: parseInt(m[3], 16), data: hex.map((b) => parseInt(b, 16)) };
}

describe("MCP2515 round trips over the virtual bus", () => {
  it("carries standard, extended and remote frames driver → chip → bus → chip → driver", () => {
    const bench = new CanBench();
    const bms = bench.station({ name: "bms", chipCrystalHz: 16_000_000 });
    const ems = bench.station({ name: "ems", chipCrystalHz: 8_000_000 });
    expect(bms.driver.start(0)).toBe(true);
    expect(ems.driver.start(0)).toBe(true);
    const frames = [
      canFrame({ id: 0x351, data: fromHex("1F 01 BC 02 E8 03 E7 00") }),
      canFrame({ id: 0x18ff50e5, extended: true, data: [0xde, 0xad] }),
      canFrame({ id: 0x305, remote: true, dlc: 8 }),
      canFrame({ id: 0x000, data: [] }),
      canFrame({ id: 0x1fffffff, extended: true, data: [1, 2, 3, 4, 5, 6, 7, 8] }),
    ];
    const got: string[] = [];
    for (const f of frames) {
      expect(bms.driver.send(f)).toBe(CanStatus.ok);
      bench.advance(1);
      got.push(...drain(ems.driver).map(show));
    }
    expect(got).toEqual(frames.map(show));
    expect(ems.driver.counters).toMatchObject({ received: 5, errors: 0, dropped: 0 });
    // A frame counts as sent once its TXnIF has been seen: the last one by this receive().
    bms.driver.receive(createCanFrame());
    expect(bms.driver.counters).toMatchObject({ sent: 5, errors: 0, dropped: 0 });
    expect(bench.log.lines.map((l) => l.split(" ").slice(2).join(" "))).toEqual([
      "351#1F01BC02E803E700",
      "18FF50E5#DEAD",
      "305#R8",
      "000#",
      "1FFFFFFF#0102030405060708",
    ]);
  });

  it("receives the §2 REC capture from an inverter-side node at 250 kbit/s in order", () => {
    const bench = new CanBench({ bitrate: 250_000 });
    const bms = bench.station({ name: "bms", chipCrystalHz: 16_000_000 });
    const rec = bench.node("rec-bms");
    expect(bms.driver.start(0)).toBe(true);
    expect(bms.chip.register(0x2a)).toBe(0x01); // 250 kbit/s at 16 MHz: CNF1 = 0x01 (§6.3)
    const frames = recCapture.map(parseCandump);
    const got: string[] = [];
    for (const f of frames) {
      rec.send({ id: f.id, data: f.data });
      bench.advance(10);
      got.push(...drain(bms.driver).map(show));
    }
    expect(got).toEqual(frames.map((f) => show(canFrame({ id: f.id, data: f.data }))));
    // Same payloads in the log; times are the simulated ends of frame.
    expect(bench.log.lines.map((l) => l.split(" ").slice(1).join(" "))).toEqual(recCapture.map((l) => l.split(" ").slice(1).join(" ")));
  });

  it("loops frames back inside the chip in loopback mode and puts nothing on the bus", () => {
    const bench = new CanBench();
    const s = bench.station({ name: "bms", chipCrystalHz: 16_000_000, driver: { loopback: true } });
    const other = bench.node("other");
    expect(s.driver.start(0)).toBe(true);
    expect(s.chip.opMode()).toBe("loopback");
    s.driver.send(canFrame({ id: 0x4a0, data: [1, 2, 3] }));
    expect(drain(s.driver).map(show)).toEqual(["4a0#01 02 03"]);
    bench.advance(5);
    expect(other.drain()).toEqual([]);
    expect(bench.log.lines).toEqual([]);
  });
});

describe("MCP2515 acceptance filters and receive buffers", () => {
  it("filters reject ids nobody asked for, in the chip, before the host reads anything", () => {
    const bench = new CanBench();
    const bms = bench.station({
      name: "bms",
      chipCrystalHz: 16_000_000,
      driver: { filters: [{ id: 0x305, extended: false }, { id: 0x307, extended: false }, { id: 0x4b0, extended: false }] },
    });
    const ems = bench.node("ems");
    expect(bms.driver.start(0)).toBe(true);
    const got: number[] = [];
    for (const id of [0x305, 0x306, 0x307, 0x4b0, 0x4b1, 0x351]) {
      ems.send({ id, data: [id & 0xff] });
      bench.advance(1);
      got.push(...drain(bms.driver).map((f) => f.id));
    }
    expect(got).toEqual([0x305, 0x307, 0x4b0]);
    expect(bms.chip.stats.framesRejected).toBe(3);
    expect(ems.counters.sent).toBe(6); // rejected frames are still acknowledged on the bus
  });

  it("takes 29-bit ids in their own group and applies masks", () => {
    const bench = new CanBench();
    const bms = bench.station({
      name: "bms",
      chipCrystalHz: 16_000_000,
      driver: {
        filters: [{ id: 0x305, extended: false }, { id: 0x305, extended: false }, { id: 0x18ff5000, extended: true }],
        masks: [0x7ff, 0x1fffff00],
      },
    });
    const ems = bench.node("ems");
    expect(bms.driver.start(0)).toBe(true);
    ems.send({ id: 0x18ff50e5, extended: true, data: [1] });
    ems.send({ id: 0x18ff51e5, extended: true, data: [2] });
    ems.send({ id: 0x305, extended: true, data: [3] }); // a 29-bit 0x305 is not the 11-bit 0x305
    ems.send({ id: 0x305, data: [4] });
    bench.advance(5);
    // Two buffers filled from two filter groups: no order between them is promised.
    expect(drain(bms.driver).map(show).sort()).toEqual(["305#04", "x18ff50e5#01"]);
    expect(bms.chip.register(0x70) & 0x07).toBe(2); // RXB1 FILHIT = RXF2
  });

  it("rolls RXB0 over into RXB1 and counts the overflow when the host does not read", () => {
    const bench = new CanBench();
    const bms = bench.station({ name: "bms", chipCrystalHz: 16_000_000 });
    const ems = bench.node("ems");
    expect(bms.driver.start(0)).toBe(true);
    for (let i = 1; i <= 3; i++) ems.send({ id: 0x305, data: [i] });
    bench.advance(5);
    expect(bms.chip.register(0x2c) & 0x03).toBe(0x03);
    expect(bms.chip.register(0x2d) & 0xc0).toBe(0x80); // RX1OVR: the third frame found both full
    expect(bms.chip.register(0x70) & 0x07).toBe(0); // RXB1 FILHIT 0: rolled over from RXB0
    expect(bms.chip.intPin()).toBe(0);
    expect(drain(bms.driver).map((f) => f.data[0])).toEqual([1, 2]);
    expect(bms.driver.diagnostics.overflows).toBe(1);
    expect(bms.driver.counters).toMatchObject({ received: 2, dropped: 1 });
    expect(bms.chip.register(0x2d) & 0xc0).toBe(0); // cleared by BIT MODIFY
    expect(bms.chip.intPin()).toBe(1);
    // The order survives a refill while RXB1 still holds the older frame.
    ems.send({ id: 0x305, data: [4] });
    ems.send({ id: 0x305, data: [5] });
    bench.advance(2);
    const into = createCanFrame();
    bms.driver.receive(into);
    ems.send({ id: 0x305, data: [6] });
    bench.advance(2);
    const rest = drain(bms.driver).map((f) => f.data[0]);
    expect([into.data[0], ...rest]).toEqual([4, 5, 6]);
  });
});

describe("MCP2515 errors on the bus", () => {
  it("goes bus-off when nobody acknowledges, and the driver recovers and counts it", () => {
    const bench = new CanBench();
    const bms = bench.station({ name: "bms", chipCrystalHz: 16_000_000, driver: { restartPolls: 3 } });
    expect(bms.driver.start(0)).toBe(true);
    expect(bms.driver.send(canFrame({ id: 0x351, data: [1, 2, 3, 4, 5, 6, 7, 8] }))).toBe(CanStatus.ok);
    bench.advance(2); // a few attempts: error passive is on the way
    const into = createCanFrame();
    bms.driver.receive(into);
    expect(bms.driver.diagnostics.txErrors).toBeGreaterThan(0);
    expect(bms.chip.errorState().tec).toBeGreaterThan(0);
    bench.advance(20); // 32 attempts of ~0.25 ms take TEC past 255
    expect(bms.chip.errorState().busOff).toBe(true);
    expect(bms.driver.receive(into)).toBe(CanStatus.error);
    expect(bms.driver.diagnostics).toMatchObject({ busOffs: 1, up: false, recoveries: 0 });
    for (let i = 0; i < 3; i++) expect(bms.driver.receive(into)).toBe(CanStatus.error);
    expect(bms.driver.receive(into)).toBe(CanStatus.empty); // reset, configured, back in normal mode
    expect(bms.driver.diagnostics).toMatchObject({ busOffs: 1, up: true, recoveries: 1 });
    expect(bms.chip.errorState()).toEqual({ tec: 0, rec: 0, busOff: false });
    expect(bms.driver.counters.sent).toBe(0);
    expect(bms.driver.counters.dropped).toBe(1); // the frame in flight died with the reset
    expect(bench.log.lines).toEqual([]);
  });

  it("a wrong crystal setting (driver 16 MHz, chip 8 MHz) puts no frame on the bus and counts errors, never throws", () => {
    const bench = new CanBench();
    const bms = bench.station({ name: "bms", chipCrystalHz: 8_000_000, driver: { crystalHz: 16_000_000 } });
    const inverter = bench.node("inverter");
    bench.node("meter"); // a healthy node that acknowledges the inverter's frames
    expect(bms.driver.start(0)).toBe(true); // SPI works: nothing looks wrong yet
    expect(bms.chip.timing().bitrate).toBe(250_000);
    const into = createCanFrame();
    for (let t = 0; t < 40; t++) {
      expect(() => bms.driver.send(canFrame({ id: 0x351, data: [t] }))).not.toThrow();
      inverter.send({ id: 0x305, data: [0] });
      bench.advance(1);
      expect(() => bms.driver.receive(into)).not.toThrow();
    }
    expect(inverter.drain()).toEqual([]);
    expect(bench.log.lines.length).toBeGreaterThan(0);
    expect(bench.log.lines.filter((l) => !l.includes(" 305#"))).toEqual([]);
    expect(bms.chip.stats.rateMismatches).toBeGreaterThan(0);
    expect(bms.chip.stats.framesReceived).toBe(0);
    expect(bms.driver.counters.sent).toBe(0);
    expect(bms.driver.counters.received).toBe(0);
    expect(bms.driver.counters.errors).toBeGreaterThan(0);
    expect(bms.driver.diagnostics.txErrors).toBeGreaterThan(0);
  });

  it("sees a chip that reset under it (CANSTAT back in configuration) and configures it again", () => {
    const bench = new CanBench();
    const bms = bench.station({ name: "bms", chipCrystalHz: 16_000_000, driver: { restartPolls: 0 } });
    const ems = bench.node("ems");
    bms.driver.start(0);
    bms.chip.powerOnReset();
    const into = createCanFrame();
    expect(bms.driver.receive(into)).toBe(CanStatus.error);
    expect(bms.driver.diagnostics.modeLosses).toBe(1);
    // Nobody acknowledges this frame while the chip is down: the sender keeps retrying it.
    ems.send({ id: 0x305, data: [9] });
    bench.advance(1);
    expect(bms.driver.receive(into)).toBe(CanStatus.empty); // reset, configured, normal again; nothing yet
    expect(bms.driver.diagnostics.recoveries).toBe(1);
    ems.send({ id: 0x305, data: [10] });
    bench.advance(1);
    expect(drain(bms.driver).map((f) => f.data[0])).toEqual([9, 10]);
  });

  it("reports a missing chip (MISO stuck high) as a failed start and errors, never an exception", () => {
    const bench = new CanBench();
    const absent = bench.station({ name: "bms", chipCrystalHz: 16_000_000, driver: { restartPolls: 0, modePolls: 4 } });
    absent.chip.frame = () => undefined; // nothing drives MISO: every byte reads 0xFF
    expect(absent.driver.start(0)).toBe(false);
    expect(absent.recorder.sent().filter((f) => f.startsWith("03 0E"))).toHaveLength(4);
    expect(absent.driver.send(canFrame({ id: 0x351, data: [1] }))).toBe(CanStatus.error);
    expect(absent.driver.receive(createCanFrame())).toBe(CanStatus.error);
    expect(absent.driver.counters.errors).toBe(3);
    expect(absent.driver.diagnostics.up).toBe(false);
  });
});

describe("MCP2515 transmit buffers", () => {
  it("uses all three transmit buffers when several frames are queued at once, and sends them in order", () => {
    const bench = new CanBench();
    const bms = bench.station({ name: "bms", chipCrystalHz: 16_000_000 });
    const inverter = bench.node("inverter");
    bms.driver.start(0);
    bms.recorder.clear();
    const ids = [0x359, 0x351, 0x356, 0x35a];
    const results = ids.map((id) => bms.driver.send(canFrame({ id, data: [id & 0xff] })));
    expect(results).toEqual([CanStatus.ok, CanStatus.ok, CanStatus.ok, CanStatus.empty]); // the fourth finds no free buffer
    const loads = bms.recorder.frames.filter((f) => f.mosi[0] >= 0x40 && f.mosi[0] <= 0x45).map((f) => f.mosi[0]);
    expect(loads).toEqual([0x40, 0x42, 0x44]);
    expect(bms.recorder.sent().filter((f) => f.length === 2)).toEqual(["81", "82", "84"]);
    bench.advance(1);
    // Queue order, not identifier order: TXP 3, 2, 1 keeps the first frame first.
    expect(inverter.drain().map((r) => r.frame.id)).toEqual([0x359, 0x351, 0x356]);
    expect(bms.driver.send(canFrame({ id: 0x35a, data: [0x5a] }))).toBe(CanStatus.ok);
    expect(bms.driver.counters).toMatchObject({ sent: 3, dropped: 1 });
    // Back to back on the wire: each frame ends one frame time after the one before.
    const times = bench.log.lines.map((l) => Math.round(Number(l.slice(1, l.indexOf(")"))) * 1e6));
    const bits = [0x359, 0x351, 0x356].map((id) => frameBits(canFrame({ id, data: [id & 0xff] })));
    expect(times).toEqual([bits[0] * 2, (bits[0] + bits[1]) * 2, (bits[0] + bits[1] + bits[2]) * 2]);
  });
});

describe("candump -L log lines (§2, §5)", () => {
  it("formats 11-bit, 29-bit and remote frames as can-utils does", () => {
    expect(candumpLine(canFrame({ id: 0x351, data: fromHex("1F 01 BC 02 E8 03 E7 00") }), 1617900000010000)).toBe(recCapture[1]);
    expect(candumpLine(canFrame({ id: 0x305, remote: true, dlc: 0 }), 5)).toBe("(0.000005) can0 305#R");
    expect(candumpLine(canFrame({ id: 0x305, remote: true, dlc: 8 }), 0, "vcan1")).toBe("(0.000000) vcan1 305#R8");
    expect(candumpLine(canFrame({ id: 0x4200, extended: true, data: [0] }), 1e6)).toBe("(1.000000) can0 00004200#00");
  });

  it("counts a frame's bits with stuffing: between the unstuffed length and its worst case", () => {
    const zero = frameBits(canFrame({ id: 0, data: [0, 0, 0, 0, 0, 0, 0, 0] }));
    const mixed = frameBits(canFrame({ id: 0x555, data: [0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55] }));
    // 11-bit, 8 bytes: 98 bits SOF..CRC, 13 after; at most one stuff bit per 4 after the first 5.
    expect(mixed).toBeGreaterThanOrEqual(111);
    expect(zero).toBeGreaterThan(mixed);
    expect(zero).toBeLessThanOrEqual(111 + Math.floor((98 - 1) / 4));
    expect(frameBits(canFrame({ id: 0x1fffffff, extended: true, data: [] }))).toBeGreaterThanOrEqual(67);
  });
});
