// SPDX-License-Identifier: MIT
// The shell with a Storage: what it saved comes back when a new shell starts on the same medium,
// as after a reset of the MCU. A latched fault keeps both paths open across the reset until an
// explicit clear; an unusable record means a fresh start, never an exception.
import { describe, expect, it } from "vitest";
import { presetConfig } from "../../firmware/config";
import { FaultId } from "../../firmware/fault-ids";
import { PersistStatus, storageName } from "../../firmware/persist";
import { BmsShell } from "../../firmware/shell";
import { BmsMode, RequestedMode } from "../../firmware/types";
import type { Storage } from "../../hal/hal";
import { SimClock } from "../../sim/hal/clock";
import { SimStorage } from "../../sim/hal/platform";
import { ScriptedAfe, tickMs } from "./scripted-afe";

/** A 4S LFP 10 Ah pack on a ScriptedAfe, its shell saving to `storage`: one boot of the MCU. */
function boot(storage: Storage) {
  const conf = presetConfig("LFP", 4, 10000);
  conf.temperatureCount = 2;
  const clock = new SimClock();
  const afe = new ScriptedAfe(conf.seriesCount, conf.temperatureCount);
  const shell = new BmsShell({ conf, afe, current: undefined, switches: undefined, clock, watchdog: undefined, storage });
  const tick = (n = 1) => {
    for (let i = 0; i < n; i++) {
      afe.tick++;
      clock.advance(tickMs);
      shell.tick();
    }
  };
  return { conf, afe, shell, tick };
}

describe("the shell's persisted state", () => {
  it("keeps a latched short circuit across a reset: active and latched at the first tick, paths open until clearFaults", () => {
    const storage = new SimStorage();
    const before = boot(storage);
    before.tick(3);
    expect(before.shell.state.mode).toBe(BmsMode.active);
    before.afe.currentMa = -(before.conf.protection.shortCircuitMa.faultLevel + 1000);
    before.tick();
    expect(before.shell.state.faults.latched[FaultId.shortCircuit]).toBe(true);
    // Saved on the tick it latched.
    expect(before.shell.persist.writes).toBe(1);

    const after = boot(storage);
    expect(after.shell.persistStatus).toBe(PersistStatus.restored);
    after.tick();
    const f = after.shell.state.faults;
    expect(f.faultActive[FaultId.shortCircuit]).toBe(true);
    expect(f.latched[FaultId.shortCircuit]).toBe(true);
    expect(after.shell.state.out.faultActive[FaultId.shortCircuit]).toBe(true);
    expect(after.afe.chargeOn || after.afe.dischargeOn).toBe(false);
    after.tick(100);
    expect(after.shell.state.out.chargeEnable || after.shell.state.out.dischargeEnable).toBe(false);
    expect(after.afe.chargeOn || after.afe.dischargeOn).toBe(false);
    after.shell.clearFaults();
    after.tick(3);
    expect(f.latched[FaultId.shortCircuit]).toBe(false);
    expect(after.shell.state.mode).toBe(BmsMode.active);
    expect(after.afe.chargeOn && after.afe.dischargeOn).toBe(true);
    expect(after.shell.internalErrors).toBe(0);
  });

  it("starts fresh from the OCV, without an exception, when the stored record is corrupt", () => {
    const storage = new SimStorage();
    const before = boot(storage);
    before.tick(3);
    before.afe.currentMa = -(before.conf.protection.shortCircuitMa.faultLevel + 1000);
    before.tick();
    const bytes = storage.read(storageName)!;
    bytes[30] ^= 0x01;
    storage.write(storageName, bytes);

    const after = boot(storage);
    expect(after.shell.persistStatus).toBe(PersistStatus.corrupt);
    after.tick(3);
    expect(after.shell.state.faults.latched.some((x) => x)).toBe(false);
    expect(after.shell.state.mode).toBe(BmsMode.active);
    expect(after.shell.internalErrors).toBe(0);
  });

  it("continues the SoC counter across a reset instead of the OCV guess", () => {
    const storage = new SimStorage();
    const before = boot(storage);
    before.tick(3);
    const ocvGuess = before.shell.state.soc.socCentiPct;
    before.afe.currentMa = -5000; // 0.5 C for 30 min: 25 % of a 10 Ah pack
    before.tick((30 * 60_000) / tickMs);
    before.afe.currentMa = 0;
    before.tick((11 * 60_000) / tickMs); // the routine save catches the last movement
    const soc = before.shell.state.soc.socCentiPct;
    expect(ocvGuess - soc).toBeGreaterThan(2000);

    const after = boot(storage);
    after.afe.cellMv = before.afe.cellMv; // same cells: the OCV would guess the start value again
    after.tick(3);
    expect(Math.abs(after.shell.state.soc.socCentiPct - soc)).toBeLessThanOrEqual(10);
    expect(after.shell.state.soc.cycleCentiCount).toBe(before.shell.state.soc.cycleCentiCount);
    expect(after.shell.state.events.bootSequence).toBeGreaterThan(0);
  });

  it("keeps running and counts the failures when the medium throws on every write", () => {
    const storage: Storage = { read: () => undefined, write: () => { throw new Error("flash worn out"); } };
    const r = boot(storage);
    r.shell.requestMode(RequestedMode.run);
    r.tick(3);
    r.afe.currentMa = -(r.conf.protection.shortCircuitMa.faultLevel + 1000);
    r.tick(300);
    expect(r.shell.internalErrors).toBe(0);
    expect(r.shell.persist.failedWrites).toBeGreaterThanOrEqual(2);
    expect(r.shell.persist.writes).toBe(0);
  });
});
