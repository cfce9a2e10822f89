// SPDX-License-Identifier: MIT
// The AFE communication fault: the driver's count of consecutive failed reads trips it at once;
// without that verdict, missing readings still trip it after sensors.afeLossDelayMs.
import { describe, expect, it } from "vitest";
import { Bench, benchConfig } from "./core-bench";
import { FaultId } from "../../firmware/fault-ids";

describe("AFE communication fault", () => {
  it("trips on the first tick the driver reports the link lost, opening both paths", () => {
    const b = new Bench(benchConfig("LFP"), 100).activate();
    b.m.cellsValid = false;
    b.step();
    expect(b.out.faultActive[FaultId.afeComm]).toBe(false);
    b.m.afeCommLost = true;
    b.step();
    expect(b.out.faultActive[FaultId.afeComm]).toBe(true);
    expect(b.out.chargeEnable).toBe(false);
    expect(b.out.dischargeEnable).toBe(false);
  });

  it("still trips after afeLossDelayMs of missing readings when the driver never says lost", () => {
    const b = new Bench(benchConfig("LFP"), 100).activate();
    const delay = b.conf.sensors.afeLossDelayMs;
    b.m.cellsValid = false;
    const start = b.now;
    while (!b.out.faultActive[FaultId.afeComm] && b.now - start < 10 * delay) b.step();
    expect(b.now - start).toBeGreaterThanOrEqual(delay);
    expect(b.now - start).toBeLessThan(delay + 2 * b.tickMs);
  });

  it("a lost verdict with good readings does not trip (the readings win)", () => {
    const b = new Bench(benchConfig("LFP"), 100).activate();
    b.m.afeCommLost = true;
    b.run(5000);
    expect(b.out.faultActive[FaultId.afeComm]).toBe(false);
  });
});
