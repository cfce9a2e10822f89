// SPDX-License-Identifier: MIT
// Configuration validation: every class of problem yields a message naming the field, and the
// chemistry presets are clean for every supported pack size.
import { describe, expect, it } from "vitest";
import { presetConfig } from "../../firmware/config";
import { validateConfig } from "../../firmware/validate";
import type { Chemistry, PackConfig } from "../../firmware/types";

const chemistries: Chemistry[] = ["LFP", "NMC", "LTO"];

/** A deep copy of a 16S 100 Ah preset, damaged by `change`. */
function damaged(chemistry: Chemistry, change: (c: PackConfig) => void): unknown {
  const c = structuredClone(presetConfig(chemistry, 16, 100000));
  change(c);
  return c;
}

/** Sets a field to a value of any type (undefined deletes it), as hand-edited JSON could. */
function poke(obj: object, key: string, value: unknown): void {
  const o = obj as Record<string, unknown>;
  if (value === undefined) delete o[key];
  else o[key] = value;
}

describe("the chemistry presets", () => {
  it.each(chemistries)("%s validates clean for 4..36 cells and capacities from 1 Ah to 500 Ah", (chemistry) => {
    for (let cells = 4; cells <= 36; cells++) {
      for (const capacityMah of [1000, 5000, 100000, 280000, 500000]) {
        expect(validateConfig(presetConfig(chemistry, cells, capacityMah)), `${chemistry} ${cells}S ${capacityMah} mAh`).toEqual([]);
      }
    }
  });

  it.each(chemistries)("%s gives every protection row a warning inside its fault level", (chemistry) => {
    const p = presetConfig(chemistry, 16, 100000).protection;
    expect(p.cellOvMv.warnLevel).toBeLessThan(p.cellOvMv.faultLevel);
    expect(p.cellUvMv.warnLevel).toBeGreaterThan(p.cellUvMv.faultLevel);
    expect(p.chargeOcMa.warnLevel).toBeLessThan(p.chargeOcMa.faultLevel);
    expect(p.chargeOtDeciC.warnLevel).toBeLessThan(p.chargeOtDeciC.faultLevel);
    expect(p.chargeUtDeciC.warnLevel).toBeGreaterThan(p.chargeUtDeciC.faultLevel);
    expect(p.shortCircuitMa.delayMs).toBe(0);
    expect(p.shortCircuitMa.latch).toBe(true);
    expect(p.shortCircuitMa.faultLevel).toBeGreaterThanOrEqual(2 * p.dischargeOcMa.faultLevel);
  });

  it("uses the LFP levels of cells-and-limits.md §8", () => {
    const p = presetConfig("LFP", 16, 100000);
    expect([p.protection.cellOvMv.warnLevel, p.protection.cellOvMv.faultLevel]).toEqual([3550, 3650]);
    expect([p.protection.cellUvMv.warnLevel, p.protection.cellUvMv.faultLevel]).toEqual([2800, 2500]);
    expect(p.protection.chargeOcMa.faultLevel).toBe(100000);
    expect([p.soc.ocvTrustBelowCentiPct, p.soc.ocvTrustAboveCentiPct]).toEqual([1500, 9500]);
  });
});

describe("validateConfig", () => {
  it("names a missing field", () => {
    expect(validateConfig(damaged("NMC", (c) => poke(c.soc, "restMs", undefined)))).toEqual(["soc.restMs: missing"]);
    expect(validateConfig(damaged("NMC", (c) => poke(c.protection.cellUvMv, "latch", undefined)))).toEqual(["protection.cellUvMv.latch: missing"]);
    expect(validateConfig(damaged("NMC", (c) => poke(c, "balancing", undefined)))).toEqual(["balancing: missing"]);
  });

  it("names a field of the wrong type", () => {
    expect(validateConfig(damaged("LFP", (c) => poke(c, "seriesCount", "16")))).toEqual(["seriesCount: expected a number, got string"]);
    expect(validateConfig(damaged("LFP", (c) => poke(c, "autoStart", 1)))).toEqual(["autoStart: expected a boolean, got number"]);
    expect(validateConfig(damaged("LFP", (c) => poke(c, "sensors", null)))).toEqual(["sensors: expected an object, got null"]);
    expect(validateConfig(damaged("LFP", (c) => poke(c, "limits", [])))).toEqual(["limits: expected an object, got an array"]);
    expect(validateConfig(damaged("LFP", (c) => (c.soc.restMs = 1.5)))[0]).toMatch(/^soc\.restMs: 1\.5 is not an integer/);
    expect(validateConfig(damaged("LFP", (c) => poke(c, "chemistry", "LiPo")))).toEqual(["chemistry: expected one of LFP, NMC, LTO"]);
  });

  it("rejects what is not an object at all", () => {
    for (const v of [undefined, null, 42, "LFP", []]) expect(validateConfig(v)).toEqual(["configuration: expected an object"]);
  });

  it("names a value unsafe for the chemistry, with the limit", () => {
    expect(validateConfig(damaged("NMC", (c) => (c.protection.cellOvMv.faultLevel = 4400)))).toContain(
      "protection.cellOvMv.faultLevel: 4400 mV is above the NMC limit of 4300 mV",
    );
    expect(validateConfig(damaged("LFP", (c) => (c.protection.cellOvMv.faultLevel = 3900)))).toContain(
      "protection.cellOvMv.faultLevel: 3900 mV is above the LFP limit of 3800 mV",
    );
    expect(validateConfig(damaged("LFP", (c) => (c.protection.cellUvMv.faultLevel = 1900)))).toContain(
      "protection.cellUvMv.faultLevel: 1900 mV is below the LFP limit of 2000 mV",
    );
    expect(validateConfig(damaged("LTO", (c) => (c.protection.cellOvMv.faultLevel = 3000)))).toContain(
      "protection.cellOvMv.faultLevel: 3000 mV is above the LTO limit of 2900 mV",
    );
    expect(validateConfig(damaged("NMC", (c) => (c.protection.chargeUtDeciC.faultLevel = -50)))).toContain(
      "protection.chargeUtDeciC.faultLevel: -50 deciC is below the NMC limit of 0 deciC",
    );
    expect(validateConfig(damaged("NMC", (c) => (c.protection.chargeOtDeciC.faultLevel = 650)))).toContain(
      "protection.chargeOtDeciC.faultLevel: 650 deciC is above the limit of 600 deciC",
    );
  });

  it("names a warning level beyond its fault level", () => {
    const problems = validateConfig(damaged("LFP", (c) => (c.protection.cellOvMv.warnLevel = 3700)));
    expect(problems).toContain("protection.cellOvMv: warnLevel 3700 is beyond faultLevel 3650");
    const uv = validateConfig(damaged("LFP", (c) => (c.protection.cellUvMv.warnLevel = 2400)));
    expect(uv).toContain("protection.cellUvMv: warnLevel 2400 is beyond faultLevel 2500");
  });

  it("names inconsistent pairs", () => {
    const cases: [(c: PackConfig) => void, RegExp][] = [
      [(c) => (c.balancing.stopMv = c.balancing.startMv), /^balancing: stopMv 15 is not below startMv 15$/],
      [(c) => (c.soc.fullCellMv = 3600), /^soc\.fullCellMv: 3600 mV is above protection\.cellOvMv\.warnLevel 3550 mV$/],
      [(c) => (c.limits.chargeCurrentMaxMa = 96000), /^limits\.chargeCurrentMaxMa: 96000 mA is above protection\.chargeOcMa\.warnLevel 95000 mA$/],
      [(c) => (c.limits.cellChargeMv = 3600), /^limits\.cellChargeMv: 3600 mV is above protection\.cellOvMv\.warnLevel/],
      [(c) => (c.protection.cellOvMv.delayMs = -1), /^protection\.cellOvMv\.delayMs: -1 ms is outside 0\.\.60000 ms$/],
      [(c) => (c.seriesCount = 37), /^seriesCount: 37 is outside 1\.\.36$/],
      [(c) => (c.seriesCount = 0), /^seriesCount: 0 is outside 1\.\.36$/],
      [(c) => (c.capacityMah = 0), /^capacityMah: 0 mAh is outside 1\.\.500000 mAh$/],
      [(c) => (c.eventLogSize = 3), /^eventLogSize: 3 is outside 4\.\.4096$/],
      [(c) => (c.protection.shortCircuitMa.faultLevel = c.protection.shortCircuitMa.warnLevel = 50000), /^protection\.shortCircuitMa\.faultLevel: 50000 mA is below dischargeOcMa\.faultLevel 100000 mA$/],
      [(c) => (c.sensors.cellMaxPlausibleMv = 3600), /^sensors\.cellMaxPlausibleMv: 3600 mV is not above cellOvMv\.faultLevel 3650 mV$/],
      [(c) => (c.protection.cellUvMv.hysteresis = 1200), /^protection\.cellUvMv\.hysteresis: release level 3700 mV/],
      [(c) => (c.soc.fullTailCurrentMa = c.soc.restCurrentMa), /^soc\.fullTailCurrentMa: 1000 mA is not above restCurrentMa 1000 mA$/],
      [(c) => (c.limits.taperFloorMa = 95000), /^limits\.taperFloorMa: 95000 mA is above chargeCurrentMaxMa 90000 mA$/],
    ];
    for (const [change, message] of cases) {
      const problems = validateConfig(damaged("LFP", change));
      expect(problems.length, `${message}`).toBeGreaterThan(0);
      expect(problems.some((p) => message.test(p)), `${problems.join(" | ")} should match ${message}`).toBe(true);
    }
  });

  it("reports every problem at once, not just the first", () => {
    const problems = validateConfig(
      damaged("NMC", (c) => {
        poke(c.soc, "restMs", undefined);
        c.seriesCount = 40;
        c.protection.cellOvMv.faultLevel = 4500;
        poke(c.balancing, "noAdjacent", "no");
      }),
    );
    expect(problems).toHaveLength(4);
  });

  it("accepts a configuration typed as PackConfig after a board's edits", () => {
    const c: PackConfig = presetConfig("LFP", 16, 100000);
    c.temperatureCount = 4;
    c.balancing.noAdjacent = true;
    expect(validateConfig(c)).toEqual([]);
  });
});
