// SPDX-License-Identifier: MIT
// The bq769x0 driver when the chip misbehaves without a bus error: a power-on reset (SYS_CTRL1
// ADC_EN and CC_CFG back to 0, afe-chips.md §3 boot) and a measurement that stops (no new
// conversion, no CC_READY). Raw bytes are asserted at the fact sheet's addresses.
import { describe, expect, it } from "vitest";
import { AfeStatus } from "../../hal/afe";
import { ccStaleMs } from "../../hal/bq769x0/driver";
import { Bench, newFaults, nmcLimits } from "./bq769x0-bench";

/** PROTECT1..3, OV_TRIP, UV_TRIP (0x06..0x0A) and CC_CFG (0x0B) as the chip holds them. */
const protection = (b: Bench): number[] => [0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b].map((r) => b.chip.register(r));

function configured(): Bench {
  const b = new Bench({ variant: "bq76920", cells: 5, thermistors: 1 });
  expect(b.afe.start(0)).toBe(true);
  expect(b.afe.configure(nmcLimits(), nmcLimits())).toBe(AfeStatus.ok);
  expect(b.afe.setSwitches(true, true)).toBe(AfeStatus.ok);
  return b;
}

describe("bq769x0 chip reset", () => {
  it("ADC_EN = 0 reads as deviceError until start() and configure() have written CC_CFG and the protection back", () => {
    const b = configured();
    const written = protection(b);
    expect(written[5]).toBe(0x19);
    expect(written.slice(0, 5).some((v) => v !== 0)).toBe(true);
    const f = newFaults();
    expect(b.afe.readChipFaults(f)).toBe(AfeStatus.ok);
    expect(f.deviceError).toBe(false);

    b.chip.reset();
    expect(protection(b)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(b.chip.register(0x04) & 0x10).toBe(0);
    expect(b.afe.readChipFaults(f)).toBe(AfeStatus.ok);
    expect(f).toMatchObject({ deviceError: true, chargeOn: false, dischargeOn: false });
    // The one block read SYS_STAT..SYS_CTRL2 (0x00..0x05) carries ADC_EN: no extra transfer.
    const faultsRead = b.recorder.log.filter((t) => t.written.length === 1 && t.written[0] === 0x00).at(-1)!;
    expect(faultsRead.read).toHaveLength(2 * 6);

    expect(b.afe.start(b.clock.nowMs())).toBe(true);
    expect(b.afe.configure(nmcLimits(), nmcLimits())).toBe(AfeStatus.ok);
    expect(protection(b)).toEqual(written);
    expect(b.chip.register(0x04)).toBe(0x18);
    expect(b.chip.register(0x05)).toBe(0x40);
    expect(b.afe.readChipFaults(f)).toBe(AfeStatus.ok);
    expect(f.deviceError).toBe(false);
  });

  it("measure() reads SYS_STAT..SYS_CTRL1 first and calls a tick with ADC_EN = 0 invalid, counted as a failure", () => {
    const b = configured();
    b.recorder.log = [];
    const good = b.tick(300);
    expect(good.cellsValid).toBe(true);
    expect(b.recorder.log[0].written).toEqual([0x00]);
    expect(b.recorder.log[0].read).toHaveLength(2 * 5);
    const held = good.cellMv.slice();

    b.chip.reset();
    b.clock.advance(1000); // no conversion runs with ADC_EN = 0: the cell registers read 0
    expect(b.chip.register(0x0c) + b.chip.register(0x0d)).toBe(0);
    for (let n = 1; n <= 3; n++) {
      b.recorder.log = [];
      const r = b.tick(100);
      expect(r.cellsValid).toBe(false);
      expect(r.temperaturesValid).toBe(false);
      expect(r.cellMv).toEqual(held);
      expect(b.afe.adcDisabled).toBe(true);
      // Only the status read: the zeroed result registers are not fetched.
      expect(b.recorder.log).toHaveLength(1);
      expect(b.afe.diagnostics.consecutiveFailures).toBe(n);
      expect(b.afe.diagnostics.commLost).toBe(n >= 3);
    }
    expect(b.afe.diagnostics.pecErrors).toBe(0);

    expect(b.afe.start(b.clock.nowMs())).toBe(true);
    expect(b.afe.configure(nmcLimits(), nmcLimits())).toBe(AfeStatus.ok);
    const r = b.tick(300);
    expect(r.cellsValid).toBe(true);
    expect(b.afe.adcDisabled).toBe(false);
    for (let i = 0; i < 5; i++) expect(Math.abs(r.cellMv[i] - b.pack.volts[i] * 1000)).toBeLessThanOrEqual(1);
    expect(b.afe.diagnostics).toEqual({ pecErrors: 0, consecutiveFailures: 0, commLost: false });
  });
});

describe("bq769x0 frozen measurement", () => {
  it("the current goes invalid once CC_READY stopped for more than ccStaleMs, and comes back after", () => {
    const b = configured();
    b.pack.currentMa = -7000;
    let r = b.tick(300);
    expect(r.currentValid).toBe(true);
    const ccAt = b.clock.nowMs();
    const held = r.currentMa;
    b.chip.frozen(true);
    b.pack.currentMa = -15000;
    for (let k = 0; k < 14; k++) {
      r = b.tick(100);
      // The last CC_READY was taken at ccAt; the value is held and valid up to ccStaleMs after.
      expect(r.currentValid).toBe(b.clock.nowMs() - ccAt <= ccStaleMs);
      expect(r.currentMa).toBe(held);
      expect(b.chip.register(0x00) & 0x80).toBe(0);
    }
    expect(r.currentValid).toBe(false);
    b.chip.frozen(false);
    b.tick(250);
    r = b.tick(250);
    expect(r.currentValid).toBe(true);
    expect(Math.abs(r.currentMa + 15000)).toBeLessThanOrEqual(6);
  });
});
