// SPDX-License-Identifier: MIT
// The bq769x0 driver against its bus-level emulator, asserting raw bytes at the fact sheet's
// addresses (afe-chips.md §3) and what the firmware gets.
import { describe, expect, it } from "vitest";
import { AfeStatus } from "../../hal/afe";
import { crc8 } from "../../hal/crc8";
import { Bq769x0Interface } from "../../hal/bq769x0/interface";
import { Bq769x0 } from "../../hal/bq769x0/driver";
import { I2cStatus } from "../../hal/hal";
import { bqCrc8 } from "../../sim/emulators/bq769xx-crc";
import { Bq769x0Emulator } from "../../sim/emulators/bq769x0";
import { SimClock } from "../../sim/hal/clock";
import { SimI2cBus } from "../../sim/hal/i2c";
import { address, Bench, FakePack, newFaults, nmcLimits, Recorder, shuntMicroOhm } from "./bq769x0-bench";

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const gain = 377;
const offset = 23;

describe("bq769x0 CRC-8 (§3)", () => {
  it("matches the fact-sheet vectors in the driver and in the emulator", () => {
    for (const f of [(b: number[]) => crc8(b, 0, b.length), bqCrc8]) {
      expect(f(ascii("123456789"))).toBe(0xf4);
      expect(f([0x10, 0x0b, 0x19])).toBe(0x7a);
      expect(f([0x11, 0x19])).toBe(0x0d);
    }
  });

  it("puts the CRC over (addrW, reg, data) on a write: CC_CFG ← 0x19 is 0B 19 7A on the wire", () => {
    const log: number[][] = [];
    const bus = new SimI2cBus();
    bus.attach(0x08, { write: (d, n) => (log.push(d.slice(0, n)), I2cStatus.ok), read: () => I2cStatus.ok });
    new Bq769x0Interface(bus, 0x08).write(0x0b, 0x19);
    expect(log).toEqual([[0x0b, 0x19, 0x7a]]);
  });

  it("the emulator NACKs and ignores a write with a wrong CRC", () => {
    const b = new Bench({ variant: "bq76920", cells: 5, thermistors: 1 });
    expect(b.chip.write([0x0b, 0x19, 0x7b], 3, true)).toBe(I2cStatus.nackData);
    expect(b.chip.write([0x0b, 0x19], 2, true)).toBe(I2cStatus.nackData);
    expect(b.chip.register(0x0b)).toBe(0x00);
    expect(b.chip.rejectedWrites).toBe(2);
    expect(b.chip.write([0x0b, 0x19, 0x7a], 3, true)).toBe(I2cStatus.ok);
    expect(b.chip.register(0x0b)).toBe(0x19);
  });
});

describe("bq769x0 start-up and calibration", () => {
  it("writes CC_CFG = 0x19 first, reads it back with a CRC over (addrR, d0), then ADC_EN|TEMP_SEL and the trims", () => {
    const b = new Bench({ variant: "bq76920", cells: 5, thermistors: 1 });
    expect(b.afe.start(0)).toBe(true);
    const log = b.recorder.log;
    expect(log[0].written).toEqual([0x0b, 0x19, 0x7a]);
    expect(log[1].written).toEqual([0x0b]);
    expect(log[1].read).toEqual([0x19, 0x0d]);
    expect(log[2].written).toEqual([0x04, 0x18, crc8([0x10, 0x04, 0x18], 0, 3)]);
    expect(log[3].written).toEqual([0x50]);
    expect(log[4].written).toEqual([0x59]);
    expect(log[5].written.slice(0, 2)).toEqual([0x05, 0x40]);
    expect(log[6].written.slice(0, 2)).toEqual([0x00, 0xff]);
    expect(b.afe.gainUvPerLsb).toBe(gain);
    expect(b.afe.offsetMv).toBe(offset);
    expect(b.chip.register(0x04)).toBe(0x18);
    expect(b.chip.register(0x05)).toBe(0x40);
  });

  it("reads a negative factory offset as a signed byte", () => {
    const b = new Bench({ variant: "bq76920", cells: 5, thermistors: 1, chip: { gainUvPerLsb: 396, offsetMv: -17 } });
    expect(b.afe.start(0)).toBe(true);
    expect(b.afe.gainUvPerLsb).toBe(396);
    expect(b.afe.offsetMv).toBe(-17);
  });

  it("after reset() the chip has lost CC_CFG and start() writes 0x19 again with the protection", () => {
    const b = new Bench({ variant: "bq76920", cells: 5, thermistors: 1 });
    b.afe.start(0);
    expect(b.afe.configure(nmcLimits(), nmcLimits())).toBe(AfeStatus.ok);
    const protect = [6, 7, 8, 9, 10].map((r) => b.chip.register(r));
    b.chip.reset();
    expect(b.chip.register(0x0b)).toBe(0x00);
    expect(b.chip.register(0x09)).toBe(0x00);
    expect(b.afe.start(b.clock.nowMs())).toBe(true);
    expect(b.chip.register(0x0b)).toBe(0x19);
    expect([6, 7, 8, 9, 10].map((r) => b.chip.register(r))).toEqual(protect);
  });
});

describe("bq769x0 measurement", () => {
  it("reports nothing valid before the first 250 ms conversion after start, without counting a bus failure", () => {
    const b = new Bench({ variant: "bq76920", cells: 5, thermistors: 1 });
    b.afe.start(0);
    const early = b.tick(100);
    expect(early.cellsValid).toBe(false);
    expect(early.temperaturesValid).toBe(false);
    expect(b.afe.diagnostics.consecutiveFailures).toBe(0);
    const later = b.tick(200);
    expect(later.cellsValid).toBe(true);
    expect(later.cellMv[0]).toBeGreaterThan(3000);
  });

  it("reads VC1_HI.. big-endian 14-bit with CRCs and converts every cell within one ADC LSB", () => {
    const b = new Bench({ variant: "bq76920", cells: 5, thermistors: 1 });
    b.afe.start(0);
    b.recorder.log = [];
    const r = b.tick(300);
    expect(r.cellsValid).toBe(true);
    const cells = b.recorder.log.find((t) => t.written[0] === 0x0c)!;
    expect(cells.read).toHaveLength(20);
    expect(cells.read[1]).toBe(bqCrc8([0x11, cells.read[0]]));
    expect(cells.read[3]).toBe(bqCrc8([cells.read[2]]));
    const code = (cells.read[0] & 0x3f) * 256 + cells.read[2];
    expect(code).toBe(Math.round(((b.pack.volts[0] * 1000 - offset) * 1000) / gain));
    // Half an LSB from the ADC, half a millivolt from the driver's rounding.
    for (let i = 0; i < 5; i++) expect(Math.abs(r.cellMv[i] - b.pack.volts[i] * 1000)).toBeLessThanOrEqual(gain / 2000 + 0.5);
    const stack = b.pack.volts.reduce((a, v) => a + v, 0) * 1000;
    expect(Math.abs(r.stackMv - stack)).toBeLessThanOrEqual((4 * gain) / 1000);
  });

  it("maps 4 cells of a bq76920 to VC1, VC2, VC3, VC5 and 14 cells of a bq76940 to 5 + 5 + 4", () => {
    const b = new Bench({ variant: "bq76920", cells: 4, thermistors: 1 });
    b.afe.start(0);
    const r = b.tick(300);
    for (let i = 0; i < 4; i++) expect(Math.abs(r.cellMv[i] - b.pack.volts[i] * 1000)).toBeLessThanOrEqual(1);
    // VC4 is shorted to VC3: its register reads no cell.
    expect((b.chip.register(0x12) & 0x3f) * 256 + b.chip.register(0x13)).toBe(0);
    const c = new Bench({ variant: "bq76940", cells: 14, thermistors: 3 });
    c.afe.start(0);
    const s = c.tick(300);
    for (let i = 0; i < 14; i++) expect(Math.abs(s.cellMv[i] - c.pack.volts[i] * 1000)).toBeLessThanOrEqual(1);
    expect(c.chip.register(0x26) * 256 + c.chip.register(0x27)).toBe(0); // VC14 unused
  });

  it("gives temperatures from TS1..TS3 within 0.3 °C", () => {
    const b = new Bench({ variant: "bq76940", cells: 15, thermistors: 3 });
    b.pack.celsius.splice(0, 3, -10, 25, 52.5);
    b.afe.start(0);
    const r = b.tick(300);
    expect(r.temperaturesValid).toBe(true);
    r.temperatureDeciC.forEach((t, k) => expect(Math.abs(t - b.pack.celsius[k] * 10)).toBeLessThanOrEqual(3));
  });

  it("takes the current only after CC_READY, positive when charging, and clears CC_READY by writing 0x80", () => {
    const b = new Bench({ variant: "bq76930", cells: 10, thermistors: 2 });
    b.afe.start(0);
    b.pack.currentMa = 12_345;
    let r = b.tick(100);
    expect(r.currentValid).toBe(false);
    r = b.tick(200);
    expect(r.currentValid).toBe(true);
    // 1 LSB = 8.44 µV = 8.44 mA on a 1 mΩ shunt.
    expect(Math.abs(r.currentMa - 12_345)).toBeLessThanOrEqual(8440 / shuntMicroOhm / 2 + 1);
    expect(b.recorder.log.at(-1)!.written).toEqual([0x00, 0x80, crc8([0x10, 0x00, 0x80], 0, 3)]);
    expect(b.chip.register(0x00) & 0x80).toBe(0);
    b.pack.currentMa = -30_000;
    r = b.tick(100); // no new CC result yet: the last value is kept
    expect(r.currentMa).toBeGreaterThan(0);
    expect(r.currentValid).toBe(true);
    // The window (250, 500] ms saw 50 ms of the old current and 200 ms of the new one.
    r = b.tick(200);
    expect(Math.abs(r.currentMa - (50 * 12_345 - 200 * 30_000) / 250)).toBeLessThanOrEqual(6);
    r = b.tick(200);
    expect(Math.abs(r.currentMa + 30_000)).toBeLessThanOrEqual(6);
  });

  it("marks the current stale when no CC result came for more than a second", () => {
    const b = new Bench({ variant: "bq76920", cells: 5, thermistors: 1 });
    b.afe.start(0);
    b.pack.currentMa = 1000;
    expect(b.tick(300).currentValid).toBe(true);
    // CC_EN off behind the driver's back: no further CC_READY.
    b.chip.write([0x05, 0x00, bqCrc8([0x10, 0x05, 0x00])], 3, true);
    b.tick(600);
    expect(b.tick(600).currentValid).toBe(false);
  });

  it("keeps the previous readings when the ADC is frozen (no new conversion)", () => {
    const b = new Bench({ variant: "bq76920", cells: 5, thermistors: 1 });
    b.afe.start(0);
    const before = b.tick(300).cellMv[0];
    b.chip.frozen(true);
    b.pack.volts[0] += 0.2;
    expect(b.tick(500).cellMv[0]).toBe(before);
    b.chip.frozen(false);
    expect(b.tick(300).cellMv[0]).toBeGreaterThan(before + 150);
  });
});

describe("bq769x0 protection set-up", () => {
  it("writes PROTECT1..3, OV_TRIP, UV_TRIP and reports exactly what the registers mean", () => {
    const b = new Bench({ variant: "bq76920", cells: 5, thermistors: 1 });
    b.afe.start(0);
    const applied = nmcLimits();
    expect(b.afe.configure(nmcLimits(), applied)).toBe(AfeStatus.ok);
    const p1 = b.chip.register(0x06);
    const p2 = b.chip.register(0x07);
    const p3 = b.chip.register(0x08);
    const mvOf = (code: number): number => Math.round((code * gain) / 1000) + offset;
    const rsns = (p1 & 0x80) !== 0;
    const scdMv = (rsns ? [44, 67, 89, 111, 133, 155, 178, 200] : [22, 33, 44, 56, 67, 78, 89, 100])[p1 & 7];
    const ocdMv = (rsns ? [17, 22, 28, 33, 39, 44, 50, 56, 61, 67, 72, 78, 83, 89, 94, 100] : [8, 11, 14, 17, 19, 22, 25, 28, 31, 33, 36, 39, 42, 44, 47, 50])[p2 & 15];
    expect(applied).toEqual({
      cellOvMv: mvOf(0x2008 + 16 * b.chip.register(0x09)),
      cellOvDelayMs: [1000, 2000, 4000, 8000][(p3 >> 4) & 3],
      cellUvMv: mvOf(0x1000 + 16 * b.chip.register(0x0a)),
      cellUvDelayMs: [1000, 4000, 8000, 16000][p3 >> 6],
      chargeOcMa: 0,
      chargeOcDelayMs: 0,
      dischargeOcMa: (ocdMv * 1e6) / shuntMicroOhm,
      dischargeOcDelayMs: [8, 20, 40, 80, 160, 320, 640, 1280][(p2 >> 4) & 7],
      shortCircuitMa: (scdMv * 1e6) / shuntMicroOhm,
      shortCircuitDelayUs: [70, 100, 200, 400][(p1 >> 3) & 3],
      chargeOtDeciC: 0,
      dischargeOtDeciC: 0,
      chargeUtDeciC: 0,
    });
    // Quantised to the nearest steps of the asked values.
    expect(Math.abs(applied.cellOvMv - 4250)).toBeLessThanOrEqual((16 * gain) / 2000 + 1);
    expect(Math.abs(applied.cellUvMv - 2800)).toBeLessThanOrEqual((16 * gain) / 2000 + 1);
    expect([applied.shortCircuitMa, applied.shortCircuitDelayUs, applied.dischargeOcMa, applied.dischargeOcDelayMs]).toEqual([89000, 200, 39000, 320]);
  });

  it("switches to RSNS = 1 for a short-circuit threshold above 100 mV and refuses one out of reach", () => {
    const b = new Bench({ variant: "bq76920", cells: 5, thermistors: 1 });
    b.afe.start(0);
    const applied = nmcLimits();
    expect(b.afe.configure({ ...nmcLimits(), shortCircuitMa: 150_000 }, applied)).toBe(AfeStatus.ok);
    expect(b.chip.register(0x06) & 0x80).toBe(0x80);
    expect(applied.shortCircuitMa).toBe(155_000);
    const before = b.recorder.log.length;
    expect(b.afe.configure({ ...nmcLimits(), shortCircuitMa: 400_000 }, applied)).toBe(AfeStatus.invalid);
    expect(b.afe.configure({ ...nmcLimits(), cellOvMv: 2850 }, applied)).toBe(AfeStatus.invalid);
    expect(b.recorder.log.length).toBe(before);
  });
});

describe("bq769x0 balancing and switches", () => {
  it("writes CELLBAL per group and refuses two adjacent cells of one group without writing", () => {
    const b = new Bench({ variant: "bq76930", cells: 10, thermistors: 2 });
    b.afe.start(0);
    const mask = new Array<boolean>(10).fill(false);
    mask[0] = mask[2] = mask[4] = mask[5] = true; // cells 5 and 6 are in different groups
    expect(b.afe.setBalancing(mask)).toBe(AfeStatus.ok);
    expect(b.chip.register(0x01)).toBe(0x15);
    expect(b.chip.register(0x02)).toBe(0x01);
    expect(b.pack.bleed).toEqual(mask);
    const before = b.recorder.log.length;
    const adjacent = new Array<boolean>(10).fill(false);
    adjacent[7] = adjacent[8] = true;
    expect(b.afe.setBalancing(adjacent)).toBe(AfeStatus.invalid);
    const tooMany = new Array<boolean>(10).fill(false);
    [0, 2, 4, 6, 8].forEach((i) => (tooMany[i] = true));
    expect(b.afe.setBalancing(tooMany)).toBe(AfeStatus.invalid);
    expect(b.recorder.log.length).toBe(before);
    expect(b.chip.adjacentBalanceWrites).toBe(0);
    expect(b.pack.bleed).toEqual(mask);
  });

  it("treats the used inputs of a short group as its cells: 4 cells, cells 3 and 4 are neighbours", () => {
    const b = new Bench({ variant: "bq76920", cells: 4, thermistors: 1 });
    b.afe.start(0);
    expect(b.afe.setBalancing([false, false, true, true])).toBe(AfeStatus.invalid);
    expect(b.afe.setBalancing([false, true, false, true])).toBe(AfeStatus.ok);
    expect(b.chip.register(0x01)).toBe(0x12); // VC2 and VC5
  });

  it("drives CHG_ON / DSG_ON and the chip's FETs follow", () => {
    const b = new Bench({ variant: "bq76920", cells: 5, thermistors: 1 });
    b.afe.start(0);
    expect(b.afe.setSwitches(true, false)).toBe(AfeStatus.ok);
    expect(b.chip.fetState()).toEqual({ charge: true, discharge: false });
    expect(b.afe.setSwitches(true, true)).toBe(AfeStatus.ok);
    expect(b.chip.register(0x05)).toBe(0x43);
    const f = newFaults();
    expect(b.afe.readChipFaults(f)).toBe(AfeStatus.ok);
    expect([f.chargeOn, f.dischargeOn]).toEqual([true, true]);
  });
});

describe("bq769x0 autonomous protection", () => {
  const armed = (variant: "bq76920" | "bq76940" = "bq76920", cells = 5): Bench => {
    const b = new Bench({ variant, cells, thermistors: 1 });
    b.afe.start(0);
    expect(b.afe.configure({ ...nmcLimits(), cellOvDelayMs: 1000, cellUvDelayMs: 1000 }, nmcLimits())).toBe(AfeStatus.ok);
    b.afe.setSwitches(true, true);
    return b;
  };

  it("cell over-voltage clears CHG_ON after its delay and not before, with the host silent", () => {
    const b = armed();
    b.pack.volts[2] = 4.3;
    b.idle(1000);
    expect(b.chip.fetState()).toEqual({ charge: true, discharge: true });
    b.idle(500);
    expect(b.chip.fetState()).toEqual({ charge: false, discharge: true });
    expect(b.chip.register(0x00) & 0x04).toBe(0x04);
    const f = newFaults();
    expect(b.afe.readChipFaults(f)).toBe(AfeStatus.ok);
    expect(f).toMatchObject({ cellOv: true, cellUv: false, shortCircuit: false, chargeOn: false, dischargeOn: true });
    expect(b.chip.register(0x00) & 0x3f).toBe(0);
    expect(b.recorder.log.at(-1)!.written.slice(0, 2)).toEqual([0x00, 0x04]);
  });

  it("a latched OV keeps CHG_ON from closing until SYS_STAT is cleared", () => {
    const b = armed();
    b.pack.volts[0] = 4.4;
    b.idle(1500);
    b.afe.setSwitches(true, true);
    expect(b.chip.fetState().charge).toBe(false);
    b.pack.volts[0] = 3.9;
    b.afe.readChipFaults(newFaults());
    b.afe.setSwitches(true, true);
    expect(b.chip.fetState().charge).toBe(true);
  });

  it("cell under-voltage clears DSG_ON after its delay", () => {
    const b = armed("bq76940", 15);
    b.pack.volts[13] = 2.5;
    b.idle(800);
    expect(b.chip.fetState().discharge).toBe(true);
    b.idle(700);
    expect(b.chip.fetState()).toEqual({ charge: true, discharge: false });
    const f = newFaults();
    b.afe.readChipFaults(f);
    expect(f.cellUv).toBe(true);
  });

  it("a short circuit clears DSG_ON within the next update, an over-current after its delay", () => {
    const b = armed();
    b.pack.currentMa = -120_000;
    b.idle(1, 1);
    expect(b.chip.fetState().discharge).toBe(false);
    let f = newFaults();
    b.afe.readChipFaults(f);
    // The 40 A over-current comparator saw it too, but its 320 ms delay never ran out.
    expect(f).toMatchObject({ shortCircuit: true, dischargeOc: false, dischargeOn: false });
    const c = armed();
    c.pack.currentMa = -45_000;
    c.idle(300, 10);
    expect(c.chip.fetState().discharge).toBe(true);
    c.idle(30, 10);
    expect(c.chip.fetState().discharge).toBe(false);
    f = newFaults();
    c.afe.readChipFaults(f);
    expect(f).toMatchObject({ shortCircuit: false, dischargeOc: true });
  });

  it("DEVICE_XREADY reads as deviceError and opens both FETs", () => {
    const b = armed();
    b.chip.xready(true);
    const f = newFaults();
    expect(b.afe.readChipFaults(f)).toBe(AfeStatus.ok);
    expect(f).toMatchObject({ deviceError: true, chargeOn: false, dischargeOn: false });
    b.chip.xready(false);
    b.afe.readChipFaults(f);
    b.afe.readChipFaults(f);
    expect(f.deviceError).toBe(false);
  });
});

describe("bq769x0 link failures", () => {
  it("a CRC error makes the reading invalid, is counted, loses the link after the limit and recovers", () => {
    const b = new Bench({ variant: "bq76920", cells: 5, thermistors: 1 });
    b.afe.start(0);
    const good = [...b.tick(300).cellMv];
    b.chip.setCrcErrors(3);
    for (let n = 1; n <= 3; n++) {
      const r = b.tick(100);
      expect(r.cellsValid).toBe(false);
      expect(r.cellMv).toEqual(good);
      expect(b.afe.diagnostics.pecErrors).toBe(n);
      expect(b.afe.diagnostics.commLost).toBe(n >= 3);
    }
    expect(b.tick(100).cellsValid).toBe(true);
    expect(b.afe.diagnostics).toEqual({ pecErrors: 3, consecutiveFailures: 0, commLost: false });
  });

  it("a detached chip gives commError and invalid readings, never an exception", () => {
    const b = new Bench({ variant: "bq76920", cells: 5, thermistors: 1 });
    b.afe.start(0);
    b.bus.detach(address);
    expect(() => b.tick(300)).not.toThrow();
    expect(b.reading.cellsValid).toBe(false);
    expect(b.afe.setSwitches(true, true)).toBe(AfeStatus.commError);
    expect(b.afe.setBalancing([true])).toBe(AfeStatus.commError);
    expect(b.afe.readChipFaults(newFaults())).toBe(AfeStatus.commError);
    expect(b.afe.configure(nmcLimits(), nmcLimits())).toBe(AfeStatus.commError);
    expect(b.afe.start(0)).toBe(false);
    expect(b.afe.selfTest()).toBe(AfeStatus.notSupported);
    expect(b.afe.diagnostics.pecErrors).toBe(0);
  });

  it("start() is false when the chip computes its CRCs for the other address (0x18 part at 0x08)", () => {
    const clock = new SimClock(0);
    const chip = new Bq769x0Emulator({ variant: "bq76920", cells: 5, address: 0x18, shuntMicroOhm, port: new FakePack(5, 1).port(), clock });
    const bus = new SimI2cBus();
    const recorder = new Recorder(chip);
    bus.attach(0x08, recorder);
    const afe = new Bq769x0({ bus, address: 0x08, variant: "bq76920", cells: 5, thermistors: 1, shuntMicroOhm, pecErrorLimit: 3, balancingMaxCells: 2 });
    expect(afe.start(0)).toBe(false);
    expect(recorder.log[0]).toMatchObject({ written: [0x0b, 0x19, 0x7a], status: I2cStatus.nackData });
    expect(chip.register(0x0b)).toBe(0);
  });
});

describe("bq769x0 emulator options", () => {
  it("names the field that is wrong", () => {
    const pack = new FakePack(5, 1);
    const base = { variant: "bq76920" as const, cells: 5, address: 0x08, shuntMicroOhm, port: pack.port(), clock: new SimClock(0) };
    expect(() => new Bq769x0Emulator({ ...base, gainUvPerLsb: 400 })).toThrow(/gainUvPerLsb/);
    expect(() => new Bq769x0Emulator({ ...base, cells: 6 })).toThrow(/cells/);
    expect(() => new Bq769x0Emulator({ ...base, address: 0x09 })).toThrow(/address/);
  });
});

describe("bq769x0 bus cost", () => {
  it("counts transactions and bytes of one measure()", () => {
    for (const [variant, cells, ts] of [["bq76920", 5, 1], ["bq76930", 10, 2], ["bq76940", 15, 3]] as const) {
      const b = new Bench({ variant, cells, thermistors: ts });
      b.afe.start(0);
      b.tick(300);
      const plain = { ...b.bus.counters };
      b.tick(100); // no CC result pending
      const t1 = b.bus.counters.transactions - plain.transactions;
      const by1 = b.bus.counters.bytes - plain.bytes;
      const c0 = { ...b.bus.counters };
      b.tick(150); // CC_READY set
      const t2 = b.bus.counters.transactions - c0.transactions;
      const by2 = b.bus.counters.bytes - c0.bytes;
      expect(t2).toBe(t1 + 1);
      console.log(`${variant} ${cells}S ${ts} NTC: measure() = ${t1} transactions / ${by1} bytes; with CC_READY ${t2} / ${by2}`);
    }
  });
});
