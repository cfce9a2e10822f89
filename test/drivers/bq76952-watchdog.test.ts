// SPDX-License-Identifier: MIT
// The BQ76952 host watchdog: start() arms it (Protections:HWD:Delay 0x92B2, Enabled Protections C
// HWDF, CHG/DSG FET Protections C HWDF; registers.ts, afe-chips.md §2.2/§2.4) and the emulator
// opens both FETs when the host falls silent for the delay, whether the MCU stopped or the link
// died, and recovers when the host talks again. Raw bytes are asserted at their addresses.
import { describe, expect, it } from "vitest";
import { AfeStatus } from "../../hal/afe";
import { DataMemory, SafetyC } from "../../hal/bq76952/registers";
import { defaultHostWatchdogS } from "../../hal/bq76952/options";
import { bqCrc8 } from "../../sim/emulators/bq769xx-crc";
import { Bench, newFaults, nmcLimits, zeroLimits } from "./bq76952-bench";

/** A started bench with the NMC limits configured and both FETs on. */
function running(crc: boolean, hostWatchdogS?: number): Bench {
  const b = new Bench({ cells: 4, thermistors: 1, crc, driver: hostWatchdogS === undefined ? {} : { hostWatchdogS } });
  expect(b.afe.start(b.clock.nowMs())).toBe(true);
  expect(b.afe.configure(nmcLimits(), zeroLimits())).toBe(AfeStatus.ok);
  expect(b.afe.setSwitches(true, true)).toBe(AfeStatus.ok);
  expect(b.chip.fetState()).toEqual({ charge: true, discharge: true });
  return b;
}

/** Advance the sim clock with nobody on the bus; the chip's own timers run. */
function silent(b: Bench, ms: number): void {
  b.clock.advance(ms);
  b.chip.update();
}

const bothOff = { charge: false, discharge: false };
const bothOn = { charge: true, discharge: true };

describe("BQ76952 host watchdog configuration (start)", () => {
  it("writes HWD Delay (u16 s) at 0x92B2, HWDF (0x02) at Enabled Protections C 0x9263 and in both FET Protections C masks", () => {
    const b = new Bench({ cells: 4, thermistors: 0, crc: false });
    expect(b.afe.start(0)).toBe(true);
    const writes = b.recorder.writes();
    // Data memory is a subcommand write (§2.3): 3E addr-lo addr-hi data…, then 60 checksum length.
    // 0x92B2 ← 02 00: ~(B2 + 92 + 02 + 00) = ~0x46 = B9, length 2 + 4.
    const delay = writes.findIndex((w) => w[0] === 0x3e && w[1] === 0xb2 && w[2] === 0x92);
    expect(writes.slice(delay, delay + 2)).toEqual([
      [0x3e, 0xb2, 0x92, 0x02, 0x00],
      [0x60, 0xb9, 0x06],
    ]);
    // 0x9263 ← 02: ~(63 + 92 + 02) = ~0xF7 = 08, length 1 + 4.
    const enable = writes.findIndex((w) => w[0] === 0x3e && w[1] === 0x63 && w[2] === 0x92);
    expect(writes.slice(enable, enable + 2)).toEqual([
      [0x3e, 0x63, 0x92, 0x02],
      [0x60, 0x08, 0x05],
    ]);
    // The delay goes in before the enable, both inside the one CONFIG_UPDATE session (0x0090 … 0x0092).
    const enter = writes.findIndex((w) => w[0] === 0x3e && w[1] === 0x90 && w[2] === 0x00);
    const exit = writes.findIndex((w) => w[0] === 0x3e && w[1] === 0x92 && w[2] === 0x00);
    expect(enter).toBeGreaterThanOrEqual(0);
    expect(enter).toBeLessThan(delay);
    expect(delay).toBeLessThan(enable);
    expect(enable).toBeLessThan(exit);
    const m = b.chip.memory;
    expect(m.block(DataMemory.hwdDelay, 2)).toEqual([defaultHostWatchdogS, 0]);
    expect(m.block(DataMemory.enabledProtectionsC, 1)).toEqual([SafetyC.hwdf]);
    expect(m.block(DataMemory.chgFetProtectionsC, 1)).toEqual([SafetyC.hwdf]);
    expect(m.block(DataMemory.dsgFetProtectionsC, 1)).toEqual([SafetyC.hwdf]);
  });

  it("frames the delay with CRCs in CRC mode and stores a delay above one byte little-endian (300 s → 2C 01)", () => {
    const b = new Bench({ cells: 4, thermistors: 0, crc: true, driver: { hostWatchdogS: 300 } });
    expect(b.afe.start(0)).toBe(true);
    const w = b.recorder.writes().find((x) => x[0] === 0x3e && x[1] === 0xb2 && x[3] === 0x92);
    // [reg][d0][crc(addrW, reg, d0)][d1][crc(d1)]… (§2.1), addrW = 0x10.
    expect(w).toEqual([0x3e, 0xb2, bqCrc8([0x10, 0x3e, 0xb2]), 0x92, bqCrc8([0x92]), 0x2c, bqCrc8([0x2c]), 0x01, bqCrc8([0x01])]);
    expect(b.chip.memory.block(DataMemory.hwdDelay, 2)).toEqual([0x2c, 0x01]);
    expect(b.chip.memory.u8(DataMemory.enabledProtectionsC)).toBe(SafetyC.hwdf);
  });

  it("hostWatchdogS 0 leaves HWDF off in Enabled Protections C, and the FETs stay on however long the host is silent", () => {
    const b = running(false, 0);
    expect(b.chip.memory.block(DataMemory.hwdDelay, 2)).toEqual([0, 0]);
    expect(b.chip.memory.u8(DataMemory.enabledProtectionsC) & SafetyC.hwdf).toBe(0);
    silent(b, 600_000);
    expect(b.chip.fetState()).toEqual(bothOn);
    expect(b.chip.safetyStatus()[2]).toBe(0);
  });

  it("names hostWatchdogS when it is not whole seconds 0..65535", () => {
    for (const bad of [-1, 65536, 1.5, Number.NaN]) {
      expect(() => new Bench({ cells: 4, thermistors: 0, crc: false, driver: { hostWatchdogS: bad } })).toThrow(/hostWatchdogS/);
    }
    expect(() => new Bench({ cells: 4, thermistors: 0, crc: false, driver: { hostWatchdogS: 65535 } })).not.toThrow();
  });
});

describe("BQ76952 host watchdog in the emulator", () => {
  for (const crc of [false, true]) {
    it(`with the driver stopped, both FETs open once the silence reaches the delay and not before, and Safety Status C reads HWDF (crc ${crc})`, () => {
      const b = running(crc);
      const delayMs = defaultHostWatchdogS * 1000;
      silent(b, delayMs - 100);
      expect(b.chip.fetState()).toEqual(bothOn);
      expect(b.chip.safetyStatus()).toEqual([0, 0, 0]);
      silent(b, 100);
      expect(b.chip.fetState()).toEqual(bothOff);
      expect(b.chip.safetyStatus()).toEqual([0, 0, SafetyC.hwdf]);
      // The driver's first read (Safety Status A..C) still finds HWDF: deviceError, nothing else…
      const f = newFaults();
      expect(b.afe.readChipFaults(f)).toBe(AfeStatus.ok);
      expect(f).toMatchObject({ deviceError: true, cellOv: false, cellUv: false, shortCircuit: false, dischargeOc: false });
      // …and that transaction was valid communication: the chip has recovered, and the FETs follow
      // the host's last command again (both allowed on here), so a host back from a hang decides anew.
      expect(b.chip.safetyStatus()[2]).toBe(0);
      expect(b.chip.fetState()).toEqual(bothOn);
    });
  }

  it("a 100 ms loop keeps the FETs on for a minute, and so does one measurement just inside the delay", () => {
    const b = running(true);
    for (let t = 0; t < 60_000; t += 100) {
      b.tick(100);
      expect(b.chip.fetState()).toEqual(bothOn);
    }
    for (let k = 0; k < 10; k++) {
      b.tick(defaultHostWatchdogS * 1000 - 100);
      expect(b.chip.fetState()).toEqual(bothOn);
      expect(b.chip.safetyStatus()[2]).toBe(0);
    }
  });

  it("writes with a bad CRC are not host communication: a host that only sends those loses the FETs", () => {
    const b = running(true);
    for (let t = 0; t < defaultHostWatchdogS * 1000; t += 100) {
      b.clock.advance(100);
      // An Alarm Status write whose CRC byte is wrong: NACKed, nothing stored (§2.1).
      b.bus.write(0x08, [0x62, 0x80, bqCrc8([0x10, 0x62, 0x80]) ^ 0xff], 3);
    }
    expect(b.chip.rejectedWrites).toBe(defaultHostWatchdogS * 10);
    expect(b.chip.fetState()).toEqual(bothOff);
    expect(b.chip.safetyStatus()[2]).toBe(SafetyC.hwdf);
  });

  it("a detached chip (NACK) loses its FETs after the delay while the driver keeps failing, and a restart closes them again", () => {
    const b = running(true);
    b.bus.detach(0x08);
    const delayMs = defaultHostWatchdogS * 1000;
    for (let t = 100; t <= delayMs; t += 100) {
      expect(b.tick(100).cellsValid).toBe(false);
      // The host cannot open them: every command is NACKed.
      expect(b.afe.setSwitches(false, false)).toBe(AfeStatus.commError);
      expect(b.chip.fetState()).toEqual(t < delayMs ? bothOn : bothOff);
    }
    expect(b.afe.diagnostics.commLost).toBe(true);
    expect(b.chip.safetyStatus()[2]).toBe(SafetyC.hwdf);
    // The link comes back: the first transaction recovers HWDF, the driver is started again.
    b.bus.attach(0x08, b.recorder);
    b.clock.advance(100);
    expect(b.afe.start(b.clock.nowMs())).toBe(true);
    expect(b.chip.safetyStatus()[2]).toBe(0);
    expect(b.chip.fetState()).toEqual(bothOff);
    expect(b.afe.configure(nmcLimits(), zeroLimits())).toBe(AfeStatus.ok);
    expect(b.afe.setSwitches(true, true)).toBe(AfeStatus.ok);
    expect(b.chip.fetState()).toEqual(bothOn);
    for (let k = 0; k < 50; k++) expect(b.tick(100).cellsValid).toBe(true);
    expect(b.chip.fetState()).toEqual(bothOn);
    const f = newFaults();
    expect(b.afe.readChipFaults(f)).toBe(AfeStatus.ok);
    expect(f).toMatchObject({ deviceError: false, chargeOn: true, dischargeOn: true });
  });
});
