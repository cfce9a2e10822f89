// SPDX-License-Identifier: MIT
// A broken thermistor must not read as a plausible pack temperature.
import { describe, expect, it } from "vitest";
import { ntcDeciC, ntcOpenDeciC, ntcRatioCentiPct, ntcShortedDeciC } from "../../hal/ntc";
import { presetConfig } from "../../firmware/config";

describe("NTC readings at the ends of the table", () => {
  const last = ntcRatioCentiPct[ntcRatioCentiPct.length - 1];
  it("reads the table ends as −40 °C and 125 °C", () => {
    expect(ntcDeciC(last)).toBe(-400);
    expect(ntcDeciC(ntcRatioCentiPct[0])).toBe(1250);
  });

  it("reads an open NTC (divider at the reference) and a shorted one outside every plausible range", () => {
    expect(ntcDeciC(10000)).toBe(ntcOpenDeciC);
    expect(ntcDeciC(last + 1)).toBe(ntcOpenDeciC);
    expect(ntcDeciC(0)).toBe(ntcShortedDeciC);
    for (const chemistry of ["LFP", "NMC", "LTO"] as const) {
      const s = presetConfig(chemistry, 8, 10000).sensors;
      expect(ntcOpenDeciC).toBeLessThan(s.temperatureMinPlausibleDeciC);
      expect(ntcShortedDeciC).toBeGreaterThan(s.temperatureMaxPlausibleDeciC);
    }
  });
});
