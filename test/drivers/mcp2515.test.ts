// SPDX-License-Identifier: MIT
// The MCP2515 driver against its SPI-level emulator: raw instruction bytes at the fact sheet's
// addresses (can-link.md §6.1–§6.3), the bit-timing search, and the chip's register rules (§6.4).
import { describe, expect, it } from "vitest";
import { CanStatus, createCanFrame } from "../../hal/can";
import { Mcp2515 } from "../../hal/mcp2515/driver";
import { bitTiming, cnfBitrate, cnfError } from "../../hal/mcp2515/timing";
import { canFrame } from "../../sim/can-bus-node";
import { Mcp2515Emulator } from "../../sim/emulators/mcp2515";
import { timingOf } from "../../sim/emulators/mcp2515-registers";
import { SimSpiDevice } from "../../sim/hal/bus";
import { CanBench, fromHex, Recorder, toHex } from "./mcp2515-bench";

/** A lone chip on SPI (no bus), for register-level checks. */
function lone(crystalHz = 16_000_000): { chip: Mcp2515Emulator; spi: SimSpiDevice; rec: Recorder; x: (hex: string) => string } {
  const chip = new Mcp2515Emulator({ crystalHz, modeSwitchFrames: 0 });
  const rec = new Recorder(chip);
  const spi = new SimSpiDevice(rec);
  const x = (hex: string): string => {
    const bytes = fromHex(hex);
    const miso = bytes.slice();
    spi.transfer(bytes, miso, bytes.length);
    return toHex(miso);
  };
  return { chip, spi, rec, x };
}

describe("MCP2515 bit timing (§6.3)", () => {
  it.each([
    [8_000_000, 500_000, [0x00, 0x91, 0x01], 8, 750],
    [16_000_000, 500_000, [0x00, 0xb5, 0x01], 16, 875],
    [16_000_000, 250_000, [0x01, 0xb5, 0x01], 16, 875],
  ])("%i Hz at %i bit/s gives the fact-sheet CNF1, CNF2, CNF3 row", (crystal, rate, cnf, tq, sp) => {
    const t = bitTiming(crystal, rate);
    expect(t.error).toBe("");
    expect([t.cnf1, t.cnf2, t.cnf3]).toEqual(cnf);
    expect(t.tqPerBit).toBe(tq);
    expect(t.samplePointPermille).toBe(sp);
  });

  it.each([
    [8_000_000, 250_000],
    [8_000_000, 125_000],
    [16_000_000, 125_000],
    [16_000_000, 1_000_000],
    [20_000_000, 500_000],
    [10_000_000, 500_000],
  ])("computes a legal setting for %i Hz at %i bit/s that the emulator decodes to the same rate", (crystal, rate) => {
    const t = bitTiming(crystal, rate);
    expect(t.ok, t.error).toBe(true);
    expect(cnfError(t.cnf1, t.cnf2, t.cnf3)).toBe("");
    expect(cnfBitrate(crystal, t.cnf1, t.cnf2, t.cnf3)).toBe(rate);
    const decoded = timingOf(crystal, t.cnf1, t.cnf2, t.cnf3);
    expect(decoded.invalid).toBeUndefined();
    expect(decoded.bitrate).toBe(rate);
    expect(t.samplePointPermille).toBeGreaterThanOrEqual(750);
  });

  it("rejects impossible settings with a message naming them", () => {
    expect(bitTiming(8_000_000, 1_000_000).error).toMatch(/crystalHz = 8000000 cannot make bitrate = 1000000/);
    expect(bitTiming(16_000_000, 33_333).error).toMatch(/crystalHz = 16000000 cannot make bitrate = 33333/);
    expect(bitTiming(0, 500_000).error).toMatch(/crystalHz = 0/);
    expect(bitTiming(8_500_000.5, 500_000).error).toMatch(/crystalHz = 8500000.5/);
    expect(bitTiming(16_000_000, 2_000_000).error).toMatch(/bitrate = 2000000/);
    expect(bitTiming(16_000_000, 0).ok).toBe(false);
    expect(cnfError(0x00, 0xb5, 0x00)).toMatch(/PHSEG2 gives PS2 = 1 TQ/);
    expect(cnfError(0xc0, 0xb5, 0x01)).toMatch(/below SJW = 4 TQ/);
    expect(cnfError(0x00, 0x80, 0x07)).toMatch(/Prop \+ PS1 = 2 TQ, below PS2 = 8 TQ/);
    expect(cnfError(0x00, 0x35, 0x01)).toMatch(/BTLMODE = 0/);
  });

  it("the driver refuses a crystal and bit rate it cannot time, naming both options", () => {
    const spi = new SimSpiDevice({ frame: () => undefined });
    expect(() => new Mcp2515({ spi, crystalHz: 8_000_000, bitrate: 1_000_000 })).toThrow(/options crystalHz\/bitrate: crystalHz = 8000000/);
    expect(() => new Mcp2515({ spi, crystalHz: 16_000_000, bitrate: 500_000, filters: [{ id: 0x305, extended: false }, { id: 0x1234, extended: true }] })).toThrow(
      /filters\[1\] mixes 11-bit and 29-bit ids in the group of filters 0-1/,
    );
    expect(() => new Mcp2515({ spi, crystalHz: 16_000_000, bitrate: 500_000, filters: [{ id: 0x800, extended: false }] })).toThrow(/filters\[0\]\.id = 2048/);
    expect(() => new Mcp2515({ spi, crystalHz: 16_000_000, bitrate: 500_000, restartPolls: -1 })).toThrow(/restartPolls = -1/);
  });
});

describe("MCP2515 instructions on the wire (§6.1, §6.2)", () => {
  it.each([
    [8_000_000, "01 91 00"],
    [16_000_000, "01 B5 00"],
  ])("start() at %i Hz: RESET C0, CANSTAT polled until configuration, WRITE 02 28 CNF3 CNF2 CNF1, normal mode", (crystal, cnf) => {
    const bench = new CanBench();
    const s = bench.station({ name: "bms", chipCrystalHz: crystal });
    expect(s.driver.start(0)).toBe(true);
    const sent = s.recorder.sent();
    expect(sent[0]).toBe("C0");
    expect(sent[1]).toBe("03 0E 00 00");
    expect(s.recorder.frames[1].miso[2] & 0xe0).toBe(0x80);
    // The emulator reports the old mode for one frame after a mode request: the driver polls.
    const tail = s.recorder.frames.slice(-3);
    expect(tail.map((f) => toHex(f.mosi))).toEqual(["05 0F E0 00", "03 0E 00 00", "03 0E 00 00"]);
    expect(tail.map((f) => f.miso[2] & 0xe0)).toEqual([0xff & 0xe0, 0x80, 0x00]);
    const write = sent.find((f) => f.startsWith("02 28"));
    expect(write).toBe(`02 28 ${cnf} 23`);
    for (const [i, b] of fromHex(cnf).entries()) expect(s.chip.register(0x28 + i)).toBe(b);
    expect(s.chip.timing().bitrate).toBe(500_000);
    expect(sent).toContain("02 60 64"); // RXB0CTRL: RXM = 11 (no filters), BUKT rollover
    expect(sent).toContain("05 0F E0 00"); // REQOP = normal by BIT MODIFY
    expect(s.chip.opMode()).toBe("normal");
    expect(s.chip.register(0x0e) & 0xe0).toBe(0x00);
    expect(s.chip.register(0x0f) & 0x07).toBe(0x07); // CLKEN and CLKPRE kept by BIT MODIFY
  });

  it("send() of 0x351 is READ STATUS, LOAD TX 40 with SIDH/SIDL 6A 20, DLC and data, then RTS 81", () => {
    const bench = new CanBench();
    const s = bench.station({ name: "bms", chipCrystalHz: 16_000_000 });
    bench.node("inverter");
    s.driver.start(0);
    s.recorder.clear();
    const frame = canFrame({ id: 0x351, data: fromHex("1F 01 BC 02 E8 03 E7 00") });
    expect(s.driver.send(frame)).toBe(CanStatus.ok);
    expect(s.recorder.sent()).toEqual(["A0 00", "40 6A 20 00 00 08 1F 01 BC 02 E8 03 E7 00", "81"]);
    expect([0x31, 0x32, 0x35].map((a) => s.chip.register(a))).toEqual([0x6a, 0x20, 0x08]);
  });

  it("packs a 29-bit id as SIDH C7, SIDL EB (EXIDE, EID17:16), EID8 50, EID0 E5 for 0x18FF50E5", () => {
    const bench = new CanBench();
    const s = bench.station({ name: "bms", chipCrystalHz: 16_000_000 });
    s.driver.start(0);
    s.recorder.clear();
    s.driver.send(canFrame({ id: 0x18ff50e5, extended: true, data: [1, 2] }));
    expect(s.recorder.sent()[1]).toBe("40 C7 EB 50 E5 02 01 02");
    // The first frame is still on the wire (the clock has not moved): the next takes TXB1. A
    // remote frame loads RTR | DLC and no data bytes.
    s.driver.send(canFrame({ id: 0x123, remote: true, dlc: 4 }));
    expect(s.recorder.sent().slice(3)).toEqual(["A0 00", "42 24 60 00 00 44", "82"]);
  });

  it("receive() reads the buffer with READ RX BUFFER 90 and the chip clears RX0IF when CS rises", () => {
    const bench = new CanBench();
    const s = bench.station({ name: "bms", chipCrystalHz: 8_000_000 });
    const ems = bench.node("ems");
    s.driver.start(0);
    ems.send({ id: 0x305, data: [0, 0, 0, 0, 0, 0, 0, 0] });
    bench.advance(1);
    expect(s.chip.register(0x2c) & 0x01).toBe(0x01);
    s.recorder.clear();
    const into = createCanFrame();
    expect(s.driver.receive(into)).toBe(CanStatus.ok);
    const [status, read] = s.recorder.frames;
    expect(toHex(status.mosi)).toBe("03 2C 00 00 00 00");
    expect(status.miso[2] & 0x01).toBe(0x01);
    expect(read.mosi[0]).toBe(0x90);
    expect(toHex(read.miso.slice(1, 6))).toBe("60 A0 00 00 08");
    expect(s.chip.register(0x2c) & 0x01).toBe(0);
    expect(into).toMatchObject({ id: 0x305, extended: false, remote: false, dlc: 8 });
    expect(s.driver.receive(into)).toBe(CanStatus.empty);
  });
  it("costs 3 frames per send() and 1 per idle receive(); a frame read adds READ RX BUFFER, a confirmation one BIT MODIFY", () => {
    const bench = new CanBench();
    const s = bench.station({ name: "bms", chipCrystalHz: 16_000_000 });
    const ems = bench.node("ems");
    s.driver.start(0);
    const into = createCanFrame();
    const cost = (fn: () => void): string => {
      s.recorder.clear();
      fn();
      return s.recorder.frames.map((f) => `${f.mosi[0].toString(16).toUpperCase()}:${f.mosi.length}`).join(" ");
    };
    const frame = canFrame({ id: 0x351, data: [1, 2, 3, 4, 5, 6, 7, 8] });
    expect(cost(() => s.driver.send(frame))).toBe("A0:2 40:14 81:1");
    bench.advance(1);
    expect(cost(() => s.driver.receive(into))).toBe("3:6 5:4"); // TX0IF seen: sent, then cleared
    expect(cost(() => s.driver.receive(into))).toBe("3:6");
    ems.send({ id: 0x305, data: [0, 0, 0, 0, 0, 0, 0, 0] });
    bench.advance(1);
    expect(cost(() => s.driver.receive(into))).toBe("3:6 90:14");
    expect(cost(() => s.driver.send(frame))).toBe("A0:2 40:14 81:1");
    const before = { ...s.spi.counters };
    s.driver.start(1);
    const frames = s.spi.counters.transactions - before.transactions;
    const bytes = s.spi.counters.bytes - before.bytes;
    console.log(`MCP2515 start() without filters: ${frames} transactions, ${bytes} bytes`);
  });
});

describe("MCP2515 emulator register rules (§6.4)", () => {
  it("resets to CANSTAT 0x80 and CANCTRL 0x87, mirrored at every xE/xF, and READ wraps at 0x7F", () => {
    const { x } = lone();
    // MISO stays high (FF) while the instruction and address are clocked in.
    expect(x("C0")).toBe("FF");
    expect(x("03 0E 00 00")).toBe("FF FF 80 87");
    expect(x("03 5E 00 00")).toBe("FF FF 80 87");
    expect(x("03 7F 00 00")).toBe("FF FF 87 00"); // 0x7F = CANCTRL, then 0x00 = RXF0SIDH
  });

  it("accepts CNF and filters only in configuration mode", () => {
    const { x, chip } = lone();
    x("02 28 01 B5 00");
    x("02 00 12 34");
    expect(chip.register(0x29)).toBe(0xb5);
    x("05 0F E0 00");
    expect(chip.opMode()).toBe("normal");
    x("02 28 07 80 3F");
    x("02 00 FF FF");
    expect([chip.register(0x28), chip.register(0x29), chip.register(0x2a)]).toEqual([0x01, 0xb5, 0x00]);
    expect(chip.register(0x00)).toBe(0x12);
    expect(chip.register(0x01)).toBe(0x20); // SIDL keeps only its implemented bits (0x34 & 0xEB)
  });

  it("BIT MODIFY masks on CANCTRL and CANINTE but is a full write on a transmit data register", () => {
    const { x, chip } = lone();
    x("05 2B 0F 05");
    expect(chip.register(0x2b)).toBe(0x05);
    x("05 2B F0 FF");
    expect(chip.register(0x2b)).toBe(0xf5);
    x("02 36 AA");
    x("05 36 0F 55"); // TXB0D0 is not on the §6.1 list: the data byte is written whole
    expect(chip.register(0x36)).toBe(0x55);
    x("05 0F 08 FF"); // OSM only
    expect(chip.register(0x0f)).toBe(0x8f);
  });

  it("drives INT low while an enabled flag is set, and reports it in CANSTAT ICOD", () => {
    const { x, chip } = lone();
    expect(chip.intPin()).toBe(1);
    x("02 2C 04"); // TX0IF set by the host
    expect(chip.intPin()).toBe(1);
    x("02 2B 04"); // TX0IE
    expect(chip.intPin()).toBe(0);
    expect(chip.register(0x0e)).toBe(0x80 | (3 << 1));
    x("05 2C 04 00");
    expect(chip.intPin()).toBe(1);
  });

  it("loops a frame back to its own RXB0 in loopback mode, with READ STATUS and RX STATUS saying so", () => {
    const { x, chip } = lone();
    x("02 60 60"); // RXB0: any frame
    x("05 0F E0 40");
    expect(chip.opMode()).toBe("loopback");
    x("40 C7 EB 50 E5 42"); // 29-bit remote, DLC 2
    x("81");
    expect(x("A0 00 00")).toBe("FF 09 09"); // RX0IF, TX0IF; TXREQ clear; repeated while clocked
    expect(x("B0 00")).toBe("FF 58"); // RXB0 full, extended remote, filter 0
    expect(x("90 00 00 00 00 00")).toBe("FF C7 EB 50 E5 42");
    expect(chip.register(0x2c) & 0x01).toBe(0);
  });

  it("ABAT aborts every pending buffer: TXREQ clears and ABTF sets", () => {
    const { x, chip } = lone();
    // In configuration mode requested frames wait, so both are still pending.
    x("40 6A 20 00 00 00");
    x("44 6A 40 00 00 00");
    x("85");
    expect(x("A0 00")).toBe("FF 44"); // TXB0.TXREQ (b2) and TXB2.TXREQ (b6)
    x("05 0F 10 10");
    expect(chip.register(0x30) & 0x48).toBe(0x40);
    expect(chip.register(0x50) & 0x48).toBe(0x40);
    expect(x("A0 00")).toBe("FF 00");
  });

  it("one-shot gives up after the first unacknowledged attempt; without it a lone node retries into bus-off", () => {
    const bench = new CanBench({ timed: false });
    const chip = new Mcp2515Emulator({ crystalHz: 16_000_000, bus: bench.bus, modeSwitchFrames: 0 });
    const spi = new SimSpiDevice(chip);
    const x = (hex: string): void => spi.transfer(fromHex(hex), [], fromHex(hex).length);
    x("02 28 01 B5 00");
    x("05 0F E8 08"); // normal mode, OSM; nothing else on the bus acknowledges
    x("40 6A 20 00 00 00");
    x("81");
    expect(chip.register(0x30) & 0x58).toBe(0x50); // ABTF + TXERR, TXREQ clear
    expect(chip.register(0x2c) & 0x80).toBe(0x80); // MERR
    expect(chip.errorState().tec).toBe(8);
    x("05 0F 08 00");
    x("81");
    expect(chip.errorState()).toEqual({ tec: 256, rec: 0, busOff: true });
    expect(chip.register(0x2d) & 0x35).toBe(0x35); // TXBO, TXEP, TXWAR, EWARN
    expect(chip.register(0x30) & 0x08).toBe(0x08); // bus-off leaves the request pending
    expect(chip.register(0x1c)).toBe(255);
    expect(bench.log.lines).toEqual([]);
  });
});
