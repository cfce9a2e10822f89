// SPDX-License-Identifier: MIT
// Validation of the EMS link configuration: the recommended one passes, and every bad field is
// reported by name, never thrown.
import { describe, expect, it } from "vitest";
import { LinkAction, defaultEmsConfig, validateEmsConfig } from "../../firmware/ems/link-config";

describe("EMS link configuration", () => {
  it("the recommended configuration is valid: 5 s timeout, derate to a tenth, one lost frame tolerated, two to recover", () => {
    const conf = defaultEmsConfig(100000, 150000);
    expect(validateEmsConfig(conf)).toEqual([]);
    expect(conf).toEqual({
      timeoutMs: 5000,
      onTimeout: LinkAction.derate,
      derateChargeMa: 10000,
      derateDischargeMa: 15000,
      maxDeltaCounter: 2,
      recoveryCount: 2,
      keepAliveCounts: false,
      lostUntilFirst: false,
      maxFramesPerTick: 16,
    });
  });

  const bad: [string, unknown, string][] = [
    ["timeoutMs", 50, "ems.timeoutMs: 50 ms is outside 100..600000 ms"],
    ["timeoutMs", 1000.5, "ems.timeoutMs: 1000.5 is not an integer"],
    ["onTimeout", 3, "ems.onTimeout: 3 is outside 0..2"],
    ["onTimeout", "open", "ems.onTimeout: expected a number, got string"],
    ["derateChargeMa", -1, "ems.derateChargeMa: -1 mA is outside 0..1000000 mA"],
    ["derateDischargeMa", 2000000, "ems.derateDischargeMa: 2000000 mA is outside"],
    ["maxDeltaCounter", 0, "ems.maxDeltaCounter: 0 is outside 1..14"],
    ["maxDeltaCounter", 15, "ems.maxDeltaCounter: 15 is outside 1..14"],
    ["recoveryCount", 0, "ems.recoveryCount: 0 is outside 1..100"],
    ["keepAliveCounts", 1, "ems.keepAliveCounts: expected a boolean, got number"],
    ["lostUntilFirst", undefined, "ems.lostUntilFirst: missing"],
    ["maxFramesPerTick", 0, "ems.maxFramesPerTick: 0 is outside 1..256"],
  ];
  for (const [field, value, message] of bad) {
    it(`names ${field} when it is ${String(value)}`, () => {
      const conf: Record<string, unknown> = { ...defaultEmsConfig(100000, 100000) };
      conf[field] = value;
      const problems = validateEmsConfig(conf);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(message);
    });
  }

  it("reports anything that is no object instead of throwing", () => {
    for (const v of [undefined, null, 5, "x", [1, 2]]) expect(validateEmsConfig(v)).toEqual(["ems: expected an object"]);
  });

  it("reports every field of an empty object", () => {
    expect(validateEmsConfig({})).toHaveLength(9);
  });
});
