// Scenario files are validated, and every error names the field that is wrong.
import { describe, expect, it } from "vitest";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { loadScenario, parseScenario, checkScenarioAgainstBoard } from "../../sim/scenario";

const dir = join(import.meta.dirname, "..", "..", "sim", "scenarios");
const minimal = { name: "t", durationS: 10, profile: [{ atS: 0, mode: "rest" }] };

describe("scenario files", () => {
  it.each(readdirSync(dir).filter((f) => f.endsWith(".json")))("%s is valid", (file) => {
    expect(loadScenario(join(dir, file)).name.length).toBeGreaterThan(0);
  });

  it("fills defaults for a minimal scenario", () => {
    const s = parseScenario(minimal);
    expect(s.seed).toBe(1);
    expect(s.ambient).toEqual([{ atS: 0, celsius: 25 }]);
    expect(s.pack.initialSocPct).toBe(50);
  });

  it.each([
    [{ ...minimal, durationS: -1 }, "durationS"],
    [{ ...minimal, profile: [{ atS: 0, mode: "current" }] }, "profile[0]: give exactly one of amps or c"],
    [{ ...minimal, profile: [{ atS: 0, mode: "current", amps: 1, c: 1 }] }, "profile[0]: give exactly one"],
    [{ ...minimal, profile: [{ atS: 0, mode: "jump" }] }, "profile[0].mode"],
    [{ ...minimal, profile: [{ atS: 0, mode: "rest", colour: 1 }] }, "profile[0]"],
    [{ ...minimal, faults: [{ atS: 1, type: "afeSilence", untilS: 0.5 }] }, "faults[0].untilS: must be after atS"],
    [{ ...minimal, faults: [{ atS: 1, type: "meteor" }] }, "faults[0].type"],
    [{ ...minimal, pack: { initialSocPct: 140 } }, "pack.initialSocPct"],
    [{ ...minimal, tickMs: 5 }, "tickMs"],
    [{ ...minimal, name: undefined }, "name"],
  ])("rejects a bad field with a message naming it (%#)", (data, field) => {
    expect(() => parseScenario(data, "s.json")).toThrow(field);
  });

  it("rejects indices the board does not have, naming the field", () => {
    const s = parseScenario({ ...minimal, faults: [{ atS: 1, type: "cellInternalShort", cell: 16, ohms: 1 }] });
    expect(checkScenarioAgainstBoard(s, { cells: 16, thermistors: 4, spiAfe: true, currentSensor: true })).toEqual(["faults[0].cell: 16 is outside 0..15"]);
    expect(checkScenarioAgainstBoard(s, { cells: 17, thermistors: 4, spiAfe: true, currentSensor: true })).toEqual([]);
  });

  it("reports a file that is not JSON with its name", () => {
    expect(() => loadScenario(join(dir, "..", "cli.ts"))).toThrow(/cli\.ts is not valid JSON/);
  });
});
