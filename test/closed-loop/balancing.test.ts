// Closed loop: a full charge of an imbalanced pack, charger obeying the BMS limits, bleeds the high
// cells through the emulated AFE's DCC switches until the spread shrinks.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { findBoard } from "../../boards/index";
import { loadScenario } from "../../sim/scenario";
import { runScenario } from "../../sim/run";

const scenario = loadScenario(join(import.meta.dirname, "..", "..", "sim", "scenarios", "imbalanced-charge.json"));

describe("balancing in the closed loop", () => {
  it("a full charge of an imbalanced 12S NMC pack shrinks the cell spread to less than half", () => {
    const r = runScenario(scenario, findBoard("pico-ltc6811-12s"));
    expect(r.summary.balancingWh).toBeGreaterThan(0);
    expect(r.summary.spreadEndSocPct).toBeLessThan(r.summary.spreadStartSocPct / 2);
    expect(r.summary.internalErrors).toBe(0);
  });

  it("a full charge of an imbalanced 16S LFP pack balances and shrinks the spread", () => {
    const r = runScenario(scenario, findBoard("wifi-ltc6813-16s"));
    expect(r.summary.balancingWh).toBeGreaterThan(0);
    expect(r.summary.spreadEndSocPct).toBeLessThan(r.summary.spreadStartSocPct);
    // The pack reached full: the estimate was reset at the end of charge.
    expect(r.events.some((e) => e.kind === "soc-corrected")).toBe(true);
  });
});
