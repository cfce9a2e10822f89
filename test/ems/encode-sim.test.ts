// SPDX-License-Identifier: MIT
// Every periodic BMS frame, encoded from a real BMS status (the unchanged firmware running a
// simulated pack through the emulated AFE on several boards), decoded by an independent decoder
// (candied on firmware/ems/tsbms.dbc) and compared with that status, signal by signal
// (test/ems/encode-check.ts).
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { findBoard } from "../../boards/index";
import { createEmsSource } from "../../firmware/ems/encode";
import type { EmsSource } from "../../firmware/ems/encode";
import { loadScenario, parseScenario } from "../../sim/scenario";
import type { Scenario } from "../../sim/scenario";
import { runScenario } from "../../sim/run";
import type { Rig } from "../../sim/rig";
import { checkAllFrames, noCoverage } from "./encode-check";

const scenarioFile = (name: string) => join(import.meta.dirname, "..", "..", "sim", "scenarios", `${name}.json`);

const balancing = parseScenario({
  name: "balance-then-discharge",
  durationS: 1500,
  seed: 4,
  pack: { initialSocPct: 93, spread: { initialSocPct: 4 } },
  profile: [
    { atS: 0, mode: "rest" },
    { atS: 60, mode: "charger", c: 0.2, followLimits: true },
    { atS: 1200, mode: "current", c: -0.3 },
  ],
});

function shortened(name: string, durationS: number): Scenario {
  const s = loadScenario(scenarioFile(name));
  s.durationS = durationS;
  return s;
}

const runs: [string, Scenario, number][] = [
  ["wifi-ltc6813-16s", balancing, 30],
  ["esp32-ltc6813x2-36s", balancing, 30],
  ["mdbt42q-bq76952-16s", loadScenario(scenarioFile("short-circuit")), 1],
  ["pico-ltc6811-12s", loadScenario(scenarioFile("cold-charge")), 2],
  ["wifi-bq76940-15s", shortened("overcharge", 3000), 60],
  ["esp32-ltc6813x2-36s", loadScenario(scenarioFile("over-temperature-charge")), 20],
];

describe("frames encoded from a running BMS, decoded by candied", () => {
  const seen = noCoverage();

  it.each(runs.map(([b, s, e]) => [b, s.name, s, e] as const))("agree with the BMS status on %s during %s", (boardName, _name, scenario, everyS) => {
    let src: EmsSource | undefined;
    let checks = 0;
    runScenario(scenario, findBoard(boardName), {
      onTick: (rig: Rig, _out, tMs) => {
        if (tMs % (everyS * 1000) !== 0) return;
        const shell = rig.shell;
        src ??= createEmsSource(shell.conf, shell.state, shell.inputs, { name: "TSBMS", firmwareMajor: 0, firmwareMinor: 1, moduleCount: 1 });
        src.internalErrors = shell.internalErrors;
        src.afeRestarts = shell.afeRestarts;
        src.emsLinkOk = checks % 2 === 0;
        src.emsRequestedMode = checks % 5 === 4 ? 255 : checks % 5;
        src.refusedCommands = 65530 + checks;
        checkAllFrames(src, seen, `${boardName} at ${tMs / 1000} s`);
        checks++;
      },
    });
    expect(checks).toBeGreaterThan(9);
  });

  it("went through charge, discharge, faults (latched, chip-tripped), warnings, balancing, CVL lowered, DCL 0 and empty slots", () => {
    expect(seen).toEqual({ charging: true, discharging: true, fault: true, warning: true, latched: true, chipFault: true, balancing: true, cvlLowered: true, dclZero: true, noneSlot: true });
  });
});
