// SPDX-License-Identifier: MIT
// The BQ76952 driver against its bus-level emulator, asserting raw bytes at the fact sheet's
// addresses (afe-chips.md §2) and what the firmware gets.
import { describe, expect, it } from "vitest";
import { AfeStatus, type AfeChipFaults } from "../../hal/afe";
import { createChipFaults } from "../../firmware/chip-faults";
import { I2cStatus } from "../../hal/hal";
import { crc8, crc8PolynomialTi, crc8Step, crc8TableTi } from "../../hal/crc8";
import { Bq76952Interface, Transfer } from "../../hal/bq76952/interface";
import { DataMemory, SafetyA, Subcommand } from "../../hal/bq76952/registers";
import { Bq76952Emulator } from "../../sim/emulators/bq76952";
import { bqCrc8 } from "../../sim/emulators/bq769xx-crc";
import { SimClock } from "../../sim/hal/clock";
import { SimI2cBus } from "../../sim/hal/i2c";
import { Bench, FakePack, nmcLimits, Recorder, zeroLimits } from "./bq76952-bench";

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const noFaults = (): AfeChipFaults => createChipFaults();

/**
 * A started bench with the NMC limits configured and both FETs allowed on. The tests below leave
 * the host silent for seconds to watch the chip's own protections; a host watchdog longer than
 * any of those silences keeps HWDF out of them (bq76952-watchdog.test.ts covers the watchdog).
 */
function running(crc: boolean, cells = 4, thermistors = 2): Bench {
  const b = new Bench({ cells, thermistors, crc, driver: { hostWatchdogS: 60 } });
  expect(b.afe.start(0)).toBe(true);
  expect(b.afe.configure(nmcLimits(), zeroLimits())).toBe(AfeStatus.ok);
  expect(b.afe.setSwitches(true, true)).toBe(AfeStatus.ok);
  return b;
}

describe("BQ76952 CRC-8 (§2.1)", () => {
  it("matches the fact-sheet vectors in the driver and in the emulator", () => {
    for (const f of [(b: number[]) => crc8(b, 0, b.length), bqCrc8]) {
      expect(f(ascii("123456789"))).toBe(0xf4);
      expect(f([0x10, 0x3e, 0x83])).toBe(0x0d);
      expect(f([0x00])).toBe(0x00);
      expect(f([0x10, 0x14, 0x11, 0xe4])).toBe(0x9e);
      expect(f([0x0c])).toBe(0x24);
    }
  });

  it("folds a byte through the drivers' table exactly as the bitwise step does, for every CRC and byte", () => {
    let bad = 0;
    for (let c = 0; c < 256; c++) for (let d = 0; d < 256; d++) if (crc8TableTi[c ^ d] !== crc8Step(c, d, crc8PolynomialTi)) bad++;
    expect(bad).toBe(0);
    let c = 0;
    for (const d of ascii("123456789")) c = crc8TableTi[c ^ d];
    expect(c).toBe(0xf4);
  });
});

describe("BQ76952 framing on the wire (§2.1, §2.3)", () => {
  const chipOnBus = (crc: boolean) => {
    const clock = new SimClock(0);
    const pack = new FakePack(4, 0);
    const chip = new Bq76952Emulator({ port: pack.port(), cells: 4, crc, clock, thermistors: 0 });
    const recorder = new Recorder(chip);
    const bus = new SimI2cBus();
    bus.attach(0x08, recorder);
    return { chip, recorder, bus, io: new Bq76952Interface(bus, 0x08, crc) };
  };

  it("sends SET_CFGUPDATE as 3E 90 00 and the chip enters CONFIG_UPDATE", () => {
    const { chip, recorder, io } = chipOnBus(false);
    expect(io.command(Subcommand.setCfgUpdate)).toBe(Transfer.ok);
    expect(recorder.writes()).toEqual([[0x3e, 0x90, 0x00]]);
    expect(chip.inConfigUpdate()).toBe(true);
  });

  it("writes data memory as 3E addr-lo addr-hi data, then 60 checksum length", () => {
    const { chip, recorder, io } = chipOnBus(false);
    io.command(Subcommand.setCfgUpdate);
    expect(io.writeDataMemory(DataMemory.covThreshold, 84, 1)).toBe(Transfer.ok);
    // ~(0x78 + 0x92 + 0x54) & 0xFF = ~0x5E = 0xA1; length = 1 data byte + 4.
    expect(recorder.writes().slice(1)).toEqual([
      [0x3e, 0x78, 0x92, 0x54],
      [0x60, 0xa1, 0x05],
    ]);
    expect(chip.memory.u8(DataMemory.covThreshold)).toBe(84);
  });

  it("ignores a data-memory write outside CONFIG_UPDATE and one with a wrong checksum", () => {
    const { chip, bus, io } = chipOnBus(false);
    expect(io.writeDataMemory(DataMemory.covThreshold, 84, 1)).toBe(Transfer.ok);
    expect(chip.memory.u8(DataMemory.covThreshold)).toBe(86);
    expect(chip.rejectedDataMemoryWrites).toBe(1);
    io.command(Subcommand.setCfgUpdate);
    bus.write(0x08, [0x3e, 0x78, 0x92, 0x54], 4);
    bus.write(0x08, [0x60, 0xa2, 0x05], 3);
    expect(chip.memory.u8(DataMemory.covThreshold)).toBe(86);
    expect(chip.rejectedTransfers).toBe(1);
  });

  it("frames subcommand writes with the fact-sheet checksums: CB_ACTIVE_CELLS ← 0x0005 → 60 77 06, FET_CONTROL ← 0x0F → 60 59 05", () => {
    const { chip, recorder, io } = chipOnBus(false);
    io.payload[0] = 0x05;
    io.payload[1] = 0x00;
    expect(io.subcommandWrite(Subcommand.cbActiveCells, 2)).toBe(Transfer.ok);
    io.payload[0] = 0x0f;
    expect(io.subcommandWrite(Subcommand.fetControl, 1)).toBe(Transfer.ok);
    expect(recorder.writes()).toEqual([
      [0x3e, 0x83, 0x00, 0x05, 0x00],
      [0x60, 0x77, 0x06],
      [0x3e, 0x97, 0x00, 0x0f],
      [0x60, 0x59, 0x05],
    ]);
    expect(chip.balancingMask()).toBe(0x0005);
  });

  it("answers DEVICE_NUMBER with 0x7695, checksum 0xF3 and length 6", () => {
    const { io, bus } = chipOnBus(false);
    expect(io.subcommandRead(Subcommand.deviceNumber, 2)).toBe(Transfer.ok);
    expect(io.u16(0)).toBe(0x7695);
    const rx = [0, 0];
    bus.writeRead(0x08, [0x60], 1, rx, 2);
    expect(rx).toEqual([0xf3, 0x06]);
  });

  it("frames a CRC-mode write with the fact-sheet CRCs and NACKs a corrupted one", () => {
    const { chip, recorder, io, bus } = chipOnBus(true);
    io.payload[0] = 0x05;
    io.payload[1] = 0x00;
    expect(io.subcommandWrite(Subcommand.cbActiveCells, 2)).toBe(Transfer.ok);
    // 3E ← 83 with CRC(10 3E 83) = 0D, then 00 (CRC 00), 05 (CRC 1B), 00 (CRC 00).
    expect(recorder.writes()[0]).toEqual([0x3e, 0x83, 0x0d, 0x00, 0x00, 0x05, 0x1b, 0x00, 0x00]);
    expect(chip.balancingMask()).toBe(0x0005);
    expect(bus.write(0x08, [0x3e, 0x96, 0x00, 0x00, 0x00], 5)).toBe(I2cStatus.nackData);
    expect(chip.rejectedWrites).toBe(1);
  });

  it("reads cell 1 = 3300 mV as E4 9E 0C 24 in CRC mode (the fact-sheet read vector)", () => {
    const { recorder, io } = chipOnBus(true);
    expect(io.read(0x14, 8)).toBe(Transfer.ok);
    const last = recorder.log[recorder.log.length - 1];
    expect(last.bytes.slice(0, 4)).toEqual([0xe4, 0x9e, 0x0c, 0x24]);
    expect([io.u16(0), io.u16(2), io.u16(4), io.u16(6)]).toEqual([3300, 3313, 3326, 3339]);
  });

  it("rejects a CRC-mode read whose CRC is wrong at any byte, the first or a later one", () => {
    // The reply of a 3-byte read at 0x14 from address 0x08: d0, CRC(10 14 11 d0), then each later
    // byte with the CRC of itself alone (§2.1).
    const reply = [0x34, bqCrc8([0x10, 0x14, 0x11, 0x34]), 0x12, bqCrc8([0x12]), 0x56, bqCrc8([0x56])];
    const answering = (bytes: number[]) => ({
      write: () => I2cStatus.ok,
      read: () => I2cStatus.ok,
      writeRead: (_a: number, _d: number[], _w: number, into: number[], n: number) => {
        for (let i = 0; i < n; i++) into[i] = bytes[i];
        return I2cStatus.ok;
      },
    });
    const good = new Bq76952Interface(answering(reply), 0x08, true);
    expect(good.read(0x14, 3)).toBe(Transfer.ok);
    expect(good.data.slice(0, 3)).toEqual([0x34, 0x12, 0x56]);
    for (const at of [1, 2, 5]) {
      const bad = reply.slice();
      bad[at] ^= 0x01;
      const io = new Bq76952Interface(answering(bad), 0x08, true);
      expect(io.read(0x14, 3)).toBe(Transfer.crc);
      expect(io.crcErrors).toBe(1);
    }
  });
});

describe("BQ76952 driver against the emulator", () => {
  it("starts: CONFIG_UPDATE entered and left, Vcell Mode, CC Gain, TS pins, FET_EN set, FETs off", () => {
    const b = new Bench({ cells: 5, thermistors: 2, crc: false, driver: { cellChannels: [1, 2, 3, 4, 16] }, chip: { cellChannels: [1, 2, 3, 4, 16] } });
    expect(b.afe.start(0)).toBe(true);
    const m = b.chip.memory;
    expect(m.u16(DataMemory.vcellMode)).toBe(0x800f);
    // Power Config 0x2882 (§2.4 default 0x2982 without SLEEP), little-endian at 0x9234.
    expect(m.block(DataMemory.powerConfig, 2)).toEqual([0x82, 0x28]);
    expect(m.float(DataMemory.ccGain)).toBeCloseTo(7568.4 / 200, 4);
    expect([m.u8(DataMemory.ts1Config), m.u8(DataMemory.ts2Config), m.u8(DataMemory.ts3Config)]).toEqual([0x07, 0x07, 0x00]);
    expect(b.chip.inConfigUpdate()).toBe(false);
    expect(b.chip.fetState()).toEqual({ charge: false, discharge: false });
    const r = b.tick();
    expect(r.cellMv).toEqual([3300, 3313, 3326, 3339, 3352]);
  });

  for (const crc of [false, true]) {
    it(`measures cells within 1 mV, the current with its sign and temperatures within 0.5 °C (crc ${crc})`, () => {
      const b = new Bench({ cells: 16, thermistors: 3, crc, chip: { noiseMv: 0.2, seed: 7 } });
      expect(b.afe.start(0)).toBe(true);
      b.pack.currentMa = 12345;
      const r = b.tick();
      expect(r.cellsValid && r.temperaturesValid && r.currentValid).toBe(true);
      r.cellMv.forEach((mv, i) => expect(Math.abs(mv - b.pack.volts[i] * 1000)).toBeLessThanOrEqual(1));
      const sum = b.pack.volts.reduce((s, v) => s + v * 1000, 0);
      expect(Math.abs(r.stackMv - sum)).toBeLessThanOrEqual(10);
      expect(r.currentMa).toBe(12345);
      r.temperatureDeciC.forEach((t, k) => expect(Math.abs(t - b.pack.celsius[k] * 10)).toBeLessThanOrEqual(5));
      b.pack.currentMa = -2500;
      expect(b.tick().currentMa).toBe(-2500);
    });
  }

  it("takes four transactions per measurement: FULLSCAN read 4 + clear 4 + 43 + 9 bytes, or 5 + 6 + 83 + 15 with CRC", () => {
    for (const [crc, bytes] of [
      [false, 4 + 4 + 43 + 9],
      [true, 5 + 6 + 83 + 15],
    ] as const) {
      const b = new Bench({ cells: 16, thermistors: 3, crc });
      b.afe.start(0);
      const before = { ...b.bus.counters };
      b.tick();
      const transactions = b.bus.counters.transactions - before.transactions;
      const used = b.bus.counters.bytes - before.bytes;
      expect(transactions).toBe(4);
      expect(used).toBe(bytes);
      // A stalled loop: only the FULLSCAN read, the block reads are skipped.
      b.chip.frozen(true);
      b.clock.advance(1000);
      const stale = { ...b.bus.counters };
      expect(b.tick().cellsValid).toBe(false);
      const staleTransactions = b.bus.counters.transactions - stale.transactions;
      const staleBytes = b.bus.counters.bytes - stale.bytes;
      expect(staleTransactions).toBe(1);
      console.log(`bq76952 16S 3 NTC crc ${crc}: measure() = ${transactions} transactions / ${used} bytes; with the loop stalled ${staleTransactions} / ${staleBytes}`);
    }
  });

  it("configure writes quantised limits, and applied equals what the chip stores", () => {
    const b = new Bench({ cells: 4, thermistors: 1, crc: true });
    expect(b.afe.start(0)).toBe(true);
    const applied = zeroLimits();
    expect(b.afe.configure(nmcLimits(), applied)).toBe(AfeStatus.ok);
    // Hand-quantised (§2.4): 4250/50.6 → 84; 2800/50.6 → 55 (2783 mV); 1000 ms → N 301 ((N+2)·3.3 = 999.9);
    // 50 A · 200 µΩ = 10 mV → 5 × 2 mV; 120 A → 24 mV → 12; 400 A → 80 mV = SCD step 4; 200 µs → N 14 (195 µs).
    expect(applied).toEqual({
      cellOvMv: 4250,
      cellOvDelayMs: 1000,
      cellUvMv: 2783,
      cellUvDelayMs: 2000,
      chargeOcMa: 50000,
      chargeOcDelayMs: 99,
      dischargeOcMa: 120000,
      dischargeOcDelayMs: 320,
      shortCircuitMa: 400000,
      shortCircuitDelayUs: 195,
      chargeOtDeciC: 450,
      dischargeOtDeciC: 600,
      chargeUtDeciC: 0,
    });
    const m = b.chip.memory;
    expect(Math.round(m.u8(DataMemory.covThreshold) * 50.6)).toBe(applied.cellOvMv);
    expect(Math.round(m.u8(DataMemory.cuvThreshold) * 50.6)).toBe(applied.cellUvMv);
    expect(Math.round((m.u16(DataMemory.covDelay) + 2) * 3.3)).toBe(applied.cellOvDelayMs);
    expect(Math.round((m.u16(DataMemory.cuvDelay) + 2) * 3.3)).toBe(applied.cellUvDelayMs);
    expect((m.u8(DataMemory.occThreshold) * 2000) / 200 / 1e-3 / 1000).toBe(applied.chargeOcMa / 1000);
    expect((m.u8(DataMemory.ocd1Threshold) * 2) / 0.2).toBe(applied.dischargeOcMa / 1000);
    expect(Math.round((m.u8(DataMemory.ocd1Delay) + 2) * 3.3)).toBe(applied.dischargeOcDelayMs);
    expect(m.u8(DataMemory.scdThreshold)).toBe(4);
    expect((m.u8(DataMemory.scdDelay) - 1) * 15).toBe(applied.shortCircuitDelayUs);
    expect([m.i8(DataMemory.otcThreshold), m.i8(DataMemory.otdThreshold), m.i8(DataMemory.utcThreshold)]).toEqual([45, 60, 0]);
    expect(m.u8(DataMemory.enabledProtectionsA)).toBe(SafetyA.scd | SafetyA.ocd1 | SafetyA.occ | SafetyA.cov | SafetyA.cuv);
    expect(b.chip.inConfigUpdate()).toBe(false);
  });

  it("rejects limits that make no sense", () => {
    const b = new Bench({ cells: 4, thermistors: 0, crc: false });
    b.afe.start(0);
    expect(b.afe.configure({ ...nmcLimits(), cellOvMv: 2000 }, zeroLimits())).toBe(AfeStatus.invalid);
  });

  it("balancing bits reach the bleed switches, and too many cells are refused", () => {
    const b = running(false, 6, 0);
    expect(b.afe.setBalancing([true, false, false, false, true, false])).toBe(AfeStatus.ok);
    expect(b.pack.bleed).toEqual([true, false, false, false, true, false]);
    expect(b.chip.balancingMask()).toBe(0b10001);
    expect(b.afe.setBalancing([true, true, true, false, false, false])).toBe(AfeStatus.invalid);
    expect(b.pack.bleed).toEqual([true, false, false, false, true, false]);
    expect(b.afe.setBalancing([])).toBe(AfeStatus.ok);
    expect(b.pack.bleed.every((x) => !x)).toBe(true);
  });

  it("switches open and close the FETs in every combination", () => {
    const b = running(true);
    expect(b.chip.fetState()).toEqual({ charge: true, discharge: true });
    for (const [c, d] of [
      [true, false],
      [false, true],
      [false, false],
      [true, false],
      [true, true],
    ] as const) {
      expect(b.afe.setSwitches(c, d)).toBe(AfeStatus.ok);
      expect(b.chip.fetState()).toEqual({ charge: c, discharge: d });
      const f = noFaults();
      expect(b.afe.readChipFaults(f)).toBe(AfeStatus.ok);
      expect([f.chargeOn, f.dischargeOn]).toEqual([c, d]);
    }
  });

  it("cell over-voltage opens the charge FET after its delay and not before, with the host silent", () => {
    const b = running(false);
    b.pack.volts[2] = 4.3;
    b.chip.update(); // the chip's scan sees the change when it happens
    b.clock.advance(900);
    b.chip.update();
    expect(b.chip.fetState()).toEqual({ charge: true, discharge: true });
    b.clock.advance(200);
    b.chip.update();
    expect(b.chip.fetState()).toEqual({ charge: false, discharge: true });
    const f = noFaults();
    expect(b.afe.readChipFaults(f)).toBe(AfeStatus.ok);
    expect(f).toMatchObject({ cellOv: true, cellUv: false, shortCircuit: false, chargeOn: false, dischargeOn: true });
    // Recovery below threshold − hysteresis (2 × 50.6 mV).
    b.pack.volts[2] = 4.1;
    b.chip.update();
    expect(b.chip.fetState()).toEqual({ charge: true, discharge: true });
  });

  it("cell under-voltage opens the discharge FET after its delay", () => {
    const b = running(false);
    b.pack.volts[0] = 2.7;
    b.chip.update(); // the chip's scan sees the change when it happens
    b.clock.advance(1900);
    b.chip.update();
    expect(b.chip.fetState().discharge).toBe(true);
    b.clock.advance(200);
    b.chip.update();
    expect(b.chip.fetState()).toEqual({ charge: true, discharge: false });
    const f = noFaults();
    b.afe.readChipFaults(f);
    expect(f.cellUv).toBe(true);
  });

  it("a short circuit opens both FETs at the first sample, long before the OCD1 delay", () => {
    const b = running(false);
    b.pack.currentMa = -500000;
    b.chip.update();
    expect(b.chip.fetState()).toEqual({ charge: false, discharge: false });
    expect(b.chip.safetyStatus()[0]).toBe(SafetyA.scd);
    const f = noFaults();
    b.afe.readChipFaults(f);
    expect(f).toMatchObject({ shortCircuit: true, dischargeOc: false });
  });

  it("discharge over-current trips after its delay", () => {
    const b = running(false);
    b.pack.currentMa = -150000;
    b.chip.update(); // the chip's scan sees the change when it happens
    b.clock.advance(300);
    b.chip.update();
    expect(b.chip.fetState().discharge).toBe(true);
    b.clock.advance(30);
    b.chip.update();
    expect(b.chip.fetState().discharge).toBe(false);
    const f = noFaults();
    b.afe.readChipFaults(f);
    expect(f.dischargeOc).toBe(true);
  });

  it("charge over-temperature opens the charge FET after its 2 s delay", () => {
    const b = running(false);
    b.pack.celsius[1] = 50;
    b.chip.update(); // the chip's scan sees the change when it happens
    b.clock.advance(2100);
    b.chip.update();
    expect(b.chip.fetState()).toEqual({ charge: false, discharge: true });
    const f = noFaults();
    b.afe.readChipFaults(f);
    expect(f.overTemperature).toBe(true);
  });

  it("bad read CRCs invalidate readings, are counted, lose the link after the limit and recover", () => {
    const b = running(true);
    b.chip.setCrcErrors(3);
    for (let k = 1; k <= 3; k++) {
      const r = b.tick();
      expect(r.cellsValid).toBe(false);
      expect(b.afe.diagnostics.pecErrors).toBe(k);
      expect(b.afe.diagnostics.commLost).toBe(k >= 3);
    }
    const r = b.tick();
    expect(r.cellsValid).toBe(true);
    expect(b.afe.diagnostics).toEqual({ pecErrors: 3, consecutiveFailures: 0, commLost: false });
  });

  it("a missing chip (NACK) gives commError and invalid readings, never a throw", () => {
    const b = running(false);
    b.tick();
    const before = b.reading.cellMv.slice();
    b.bus.detach(0x08);
    const r = b.tick();
    expect(r.cellsValid || r.temperaturesValid || r.currentValid).toBe(false);
    expect(r.cellMv).toEqual(before);
    expect(b.afe.setSwitches(false, false)).toBe(AfeStatus.commError);
    expect(b.afe.setBalancing([true])).toBe(AfeStatus.commError);
    expect(b.afe.readChipFaults(noFaults())).toBe(AfeStatus.commError);
    expect(b.afe.configure(nmcLimits(), zeroLimits())).toBe(AfeStatus.commError);
    expect(b.afe.start(0)).toBe(false);
    expect(b.afe.diagnostics.consecutiveFailures).toBe(1);
  });

  it("has no self-test to offer", () => {
    expect(new Bench({ cells: 3, thermistors: 0, crc: false }).afe.selfTest()).toBe(AfeStatus.notSupported);
  });

  it("names the bad field in driver and emulator options", () => {
    expect(() => new Bench({ cells: 17, thermistors: 0, crc: false, chip: { cells: 16 } })).toThrow(/cells/);
    expect(() => new Bench({ cells: 4, thermistors: 0, crc: false, driver: { shuntMicroOhm: 5 } })).toThrow(/shuntMicroOhm/);
    expect(() => new Bench({ cells: 4, thermistors: 0, crc: false, chip: { noiseMv: -1 } })).toThrow(/options\.noiseMv/);
  });
});

describe("BQ76952 at a wrong address", () => {
  it("a driver talking to 0x09 gets a NACK of the address: start() fails, readings stay invalid, nothing throws", () => {
    const clock = new SimClock(0);
    const chip = new Bq76952Emulator({ port: new FakePack(4, 0).port(), cells: 4, crc: true, clock, thermistors: 0 });
    const bus = new SimI2cBus();
    bus.attach(0x08, chip);
    expect(bus.read(0x09, [0], 1)).toBe(I2cStatus.nackAddress);
    const b = new Bench({ cells: 4, thermistors: 0, crc: true, driver: { address: 0x09 } });
    expect(b.afe.start(0)).toBe(false);
    const r = b.tick();
    expect(r.cellsValid).toBe(false);
    expect(b.afe.setSwitches(true, true)).toBe(AfeStatus.commError);
    expect(b.afe.diagnostics.consecutiveFailures).toBe(1);
  });
});
