// SPDX-License-Identifier: MIT
// The virtual CAN bus the MCP2515 emulator sits on: delivery, ACK, arbitration, bit-rate
// mismatch, the candump hook and option checks (can-link.md §5, §6.4 item 4).
import { describe, expect, it } from "vitest";
import { VirtualCanBus } from "../../sim/can-bus";
import { CandumpLogger } from "../../sim/can-bus-log";
import { canFrame, SimCanNode } from "../../sim/can-bus-node";
import { Mcp2515Emulator } from "../../sim/emulators/mcp2515";
import { SimClock } from "../../sim/hal/clock";
import { CanBench, show } from "./mcp2515-bench";

describe("virtual CAN bus", () => {
  it("delivers a frame to every other node but not back to its sender, unless the sender asks for loopback", () => {
    const bus = new VirtualCanBus();
    const a = new SimCanNode(bus, { name: "a" });
    const b = new SimCanNode(bus, { name: "b" });
    const c = new SimCanNode(bus, { name: "c", loopback: true });
    a.send({ id: 0x351, data: [1] });
    c.send({ id: 0x305, data: [2] });
    expect(a.drain().map((r) => show(r.frame))).toEqual(["305#02"]);
    expect(b.drain().map((r) => show(r.frame))).toEqual(["351#01", "305#02"]);
    expect(c.drain().map((r) => show(r.frame))).toEqual(["351#01", "305#02"]);
    expect(bus.counters.frames).toBe(2);
  });

  it("lets a frame nobody acknowledges reach nobody: a listen-only node hears nothing and the sender gives up", () => {
    const bus = new VirtualCanBus();
    const talker = new SimCanNode(bus, { name: "talker", retryLimit: 5 });
    const spy = new SimCanNode(bus, { name: "spy", listenOnly: true });
    talker.send({ id: 0x351, data: [1] });
    expect(spy.drain()).toEqual([]);
    expect(talker.counters).toMatchObject({ sent: 0, failedAttempts: 5, dropped: 1 });
    expect(talker.pending()).toBe(0);
    const listener = new SimCanNode(bus, { name: "listener" });
    talker.send({ id: 0x351, data: [2] });
    expect(spy.drain().map((r) => r.frame.data[0])).toEqual([2]);
    expect(listener.drain().map((r) => r.frame.data[0])).toEqual([2]);
  });

  it("arbitrates by identifier: lowest first, 11-bit before 29-bit of the same base, and the MCP2515 that lost sets MLOA", () => {
    const bench = new CanBench();
    const bms = bench.station({ name: "bms", chipCrystalHz: 16_000_000 });
    const ems = bench.node("ems");
    const inverter = bench.node("inverter");
    const spy = bench.node("spy");
    bms.driver.start(0);
    // While 0x7FF is on the wire three nodes queue a frame; all three start together at its end.
    ems.send({ id: 0x7ff, data: [0] });
    expect(bench.bus.busy()).toBe(true);
    bms.driver.send(canFrame({ id: 0x351, data: [1] }));
    ems.send({ id: 0x350 * 2 ** 18, extended: true, data: [2] });
    inverter.send({ id: 0x350, data: [3] });
    bench.advance(2);
    expect(spy.drain().map((r) => show(r.frame))).toEqual(["7ff#00", "350#03", "xd400000#02", "351#01"]);
    expect(bms.chip.register(0x30) & 0x28).toBe(0x20); // MLOA kept, TXREQ clear: sent at last
    expect(bench.bus.counters.arbitrationLosses).toBe(3);
  });

  it("keeps a node at another bit rate out: it neither receives nor acknowledges", () => {
    const bus = new VirtualCanBus({ bitrate: 500_000 });
    const a = new SimCanNode(bus, { name: "a", retryLimit: 3 });
    const slow = new SimCanNode(bus, { name: "slow", bitrate: 250_000 });
    a.send({ id: 0x351, data: [1] });
    expect(slow.drain()).toEqual([]);
    expect(a.counters).toMatchObject({ sent: 0, dropped: 1 });
    expect(bus.counters.errorFrames).toBe(3);
  });

  it("writes candump lines through its hook with an epoch offset, and stops when asked", () => {
    const clock = new SimClock();
    const bus = new VirtualCanBus({ clock });
    const written: string[] = [];
    const log = new CandumpLogger(bus, { epochSeconds: 1617900000, write: (l) => written.push(l) });
    const a = new SimCanNode(bus, { name: "a" });
    new SimCanNode(bus, { name: "b" });
    a.send({ id: 0x305, remote: true });
    clock.advance(1);
    bus.update();
    expect(written).toEqual(log.lines);
    expect(log.lines[0]).toMatch(/^\(1617900000\.000\d{3}\) can0 305#R$/);
    expect(log.text()).toBe(log.lines[0] + "\n");
    log.stop();
    a.send({ id: 0x305, remote: true });
    clock.advance(1);
    bus.update();
    expect(log.lines).toHaveLength(1);
  });

  it("names the bad option or field", () => {
    expect(() => new VirtualCanBus({ bitrate: 0 })).toThrow(/options\.bitrate: 0/);
    const bus = new VirtualCanBus();
    expect(() => new SimCanNode(bus, { name: "" })).toThrow(/SimCanNode options\.name/);
    expect(() => canFrame({ id: 0x800 })).toThrow(/canFrame id: id does not fit/);
    expect(() => canFrame({ id: 1, data: [256] })).toThrow(/canFrame data\.0/);
    expect(() => new Mcp2515Emulator({ crystalHz: 100 })).toThrow(/Mcp2515Emulator options\.crystalHz/);
    expect(() => new CandumpLogger(bus, { iface: "can 0" })).toThrow(/options\.iface/);
    const node = new SimCanNode(bus, { name: "n" });
    expect(() => bus.attach(node, "again")).toThrow(/again is already on the bus/);
    expect(() => new SimCanNode(bus, { name: "quiet", listenOnly: true }).send({ id: 1 })).toThrow(/listen-only node cannot send/);
  });

  it("detaching a node takes it off the bus", () => {
    const bus = new VirtualCanBus();
    const a = new SimCanNode(bus, { name: "a" });
    const b = new SimCanNode(bus, { name: "b" });
    b.detach();
    a.send({ id: 1, data: [] });
    expect(b.drain()).toEqual([]);
    expect(a.counters.sent).toBe(0);
  });
});
