// SPDX-License-Identifier: MIT
// The BQ76952 driver when the chip misbehaves without a bus error: a reset that loses the data
// memory (Battery Status POR, afe-chips.md §2.2) and a measurement loop that stops completing
// (Alarm Status FULLSCAN, §2.2). Raw bytes are asserted at the fact sheet's addresses.
import { describe, expect, it } from "vitest";
import { AfeStatus } from "../../hal/afe";
import { Alarm, BatteryStatus, DataMemory } from "../../hal/bq76952/registers";
import { scanPeriodMs } from "../../sim/emulators/bq76952";
import { Bench, newFaults, nmcLimits, zeroLimits } from "./bq76952-bench";

/** A started bench with the NMC limits configured and both FETs allowed on. */
function running(crc: boolean, driver: Partial<{ fullScanStaleMs: number }> = {}): Bench {
  const b = new Bench({ cells: 4, thermistors: 2, crc, driver });
  expect(b.afe.start(0)).toBe(true);
  expect(b.afe.configure(nmcLimits(), zeroLimits())).toBe(AfeStatus.ok);
  expect(b.afe.setSwitches(true, true)).toBe(AfeStatus.ok);
  return b;
}

/** A direct command read straight off the bus (no CRC mode), little-endian. */
function word(b: Bench, register: number): number {
  const rx = [0, 0];
  b.bus.writeRead(0x08, [register], 1, rx, 2);
  return rx[0] + 256 * rx[1];
}

/** Writes that carried data (register-pointer writes of reads left out). */
const dataWrites = (b: Bench): number[][] => b.recorder.writes().filter((w) => w.length > 1);

/** COV/CUV/OCC/OCD1/SCD thresholds and delays, 0x9275..0x9287 (§2.4), as stored. */
const protectionBlock = (b: Bench): number[] => b.chip.memory.block(DataMemory.cuvThreshold, DataMemory.scdDelay - DataMemory.cuvThreshold + 1);

describe("BQ76952 chip reset", () => {
  it("a reset shows as POR / deviceError until start() and configure() have written the protections back", () => {
    const b = running(false);
    const configured = protectionBlock(b);
    const temperatures = [DataMemory.otcThreshold, DataMemory.otdThreshold, DataMemory.utcThreshold].map((a) => b.chip.memory.u8(a));
    const f = newFaults();
    expect(b.afe.readChipFaults(f)).toBe(AfeStatus.ok);
    expect(f.deviceError).toBe(false);
    expect(word(b, 0x12) & BatteryStatus.por).toBe(0);

    b.chip.reset();
    expect(protectionBlock(b)).not.toEqual(configured);
    expect(b.chip.memory.u8(DataMemory.covThreshold)).toBe(86); // the §2.4 default, 4.35 V
    expect(word(b, 0x12) & BatteryStatus.por).toBe(BatteryStatus.por);
    expect(b.afe.readChipFaults(f)).toBe(AfeStatus.ok);
    expect(f.deviceError).toBe(true);
    // The chip still measures with its defaults: the readings stay valid through the reset.
    expect(b.tick().cellsValid).toBe(true);

    expect(b.afe.start(b.clock.nowMs())).toBe(true);
    expect(b.afe.configure(nmcLimits(), zeroLimits())).toBe(AfeStatus.ok);
    expect(protectionBlock(b)).toEqual(configured);
    expect([DataMemory.otcThreshold, DataMemory.otdThreshold, DataMemory.utcThreshold].map((a) => b.chip.memory.u8(a))).toEqual(temperatures);
    expect(b.chip.memory.u16(DataMemory.vcellMode)).toBe(0x000f);
    expect(word(b, 0x12) & (BatteryStatus.por | BatteryStatus.cfgUpdate)).toBe(0);
    expect(b.afe.readChipFaults(f)).toBe(AfeStatus.ok);
    expect(f.deviceError).toBe(false);
  });
});

describe("BQ76952 emulator FULLSCAN (Alarm Status b7, §2.2)", () => {
  it("latches once per completed loop, clears by writing 1 and stays clear while the loop is frozen", () => {
    const b = new Bench({ cells: 4, thermistors: 0, crc: false });
    b.clock.advance(scanPeriodMs);
    expect(word(b, 0x62) & Alarm.fullScan).toBe(Alarm.fullScan);
    b.bus.write(0x08, [0x62, 0x80, 0x00], 3);
    expect(word(b, 0x62) & Alarm.fullScan).toBe(0);
    b.clock.advance(scanPeriodMs - 1);
    expect(word(b, 0x62) & Alarm.fullScan).toBe(0);
    b.clock.advance(1);
    expect(word(b, 0x62) & Alarm.fullScan).toBe(Alarm.fullScan);
    b.bus.write(0x08, [0x62, 0x80, 0x00], 3);
    b.chip.frozen(true);
    b.clock.advance(10 * scanPeriodMs);
    expect(word(b, 0x62) & Alarm.fullScan).toBe(0);
    b.chip.frozen(false);
    b.clock.advance(scanPeriodMs);
    expect(word(b, 0x62) & Alarm.fullScan).toBe(Alarm.fullScan);
  });
});

describe("BQ76952 driver: a stalled measurement loop", () => {
  it("measure() clears FULLSCAN with 62 80 00 after seeing it, and readChipFaults leaves it alone", () => {
    const b = running(false);
    b.recorder.log = [];
    expect(b.tick().cellsValid).toBe(true);
    expect(dataWrites(b)).toEqual([[0x62, 0x80, 0x00]]);
    expect(word(b, 0x62) & Alarm.fullScan).toBe(0);
    // readChipFaults just before measure() in the same millisecond must not hide the loop.
    b.clock.advance(100);
    b.recorder.log = [];
    b.afe.readChipFaults(newFaults());
    expect(dataWrites(b)).toEqual([[0x62, 0x7f, 0xff]]);
    expect(word(b, 0x62) & Alarm.fullScan).toBe(Alarm.fullScan);
    b.afe.measure(b.reading, b.clock.nowMs());
    expect(dataWrites(b)).toEqual([
      [0x62, 0x7f, 0xff],
      [0x62, 0x80, 0x00],
    ]);
  });

  for (const [crc, staleMs] of [
    [false, undefined],
    [true, 300],
  ] as const) {
    it(`goes invalid once no FULLSCAN came for more than ${staleMs ?? "the default 1000"} ms, loses the link after pecErrorLimit ticks and recovers (crc ${crc})`, () => {
      const b = running(crc, staleMs === undefined ? {} : { fullScanStaleMs: staleMs });
      const limitMs = staleMs ?? 1000;
      const good = b.tick();
      expect(good.cellsValid && good.currentValid && good.temperaturesValid).toBe(true);
      const held = good.cellMv.slice();
      const frozenAt = b.clock.nowMs();
      b.chip.frozen(true);
      b.pack.volts[0] += 0.2;
      b.pack.currentMa = 5000;
      let invalidTicks = 0;
      while (invalidTicks < 3) {
        const r = b.tick();
        const elapsed = b.clock.nowMs() - frozenAt;
        // The last FULLSCAN was seen at the tick before the freeze.
        expect(r.cellsValid).toBe(elapsed <= limitMs);
        expect(r.currentValid).toBe(elapsed <= limitMs);
        expect(r.temperaturesValid).toBe(elapsed <= limitMs);
        expect(r.cellMv).toEqual(held);
        expect(b.afe.measurementStalled).toBe(elapsed > limitMs);
        if (!r.cellsValid) invalidTicks++;
        expect(b.afe.diagnostics.consecutiveFailures).toBe(invalidTicks);
        expect(b.afe.diagnostics.commLost).toBe(invalidTicks >= 3);
        expect(elapsed).toBeLessThanOrEqual(limitMs + 300);
      }
      expect(b.afe.diagnostics.pecErrors).toBe(0);
      b.chip.frozen(false);
      const r = b.tick();
      expect(r.cellsValid && r.currentValid && r.temperaturesValid).toBe(true);
      expect(r.cellMv[0]).toBe(Math.round(b.pack.volts[0] * 1000));
      expect(r.currentMa).toBe(5000);
      expect(b.afe.measurementStalled).toBe(false);
      expect(b.afe.diagnostics).toEqual({ pecErrors: 0, consecutiveFailures: 0, commLost: false });
    });
  }

  it("gives a freshly started driver fullScanStaleMs to see the first FULLSCAN", () => {
    const b = new Bench({ cells: 4, thermistors: 0, crc: false });
    b.chip.frozen(true);
    b.clock.advance(5000);
    expect(b.afe.start(b.clock.nowMs())).toBe(true);
    expect(b.tick(1000).cellsValid).toBe(true);
    expect(b.tick(1).cellsValid).toBe(false);
  });

  it("names a bad fullScanStaleMs", () => {
    expect(() => new Bench({ cells: 4, thermistors: 0, crc: false, driver: { fullScanStaleMs: 0 } })).toThrow(/fullScanStaleMs/);
    expect(() => new Bench({ cells: 4, thermistors: 0, crc: false, driver: { fullScanStaleMs: 2.5 } })).toThrow(/fullScanStaleMs/);
  });
});
