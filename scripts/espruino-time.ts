// SPDX-License-Identifier: MIT
// A lower bound for the time an Espruino board spends in one control tick, from two things that
// can be counted or looked up rather than assumed:
//  - how many JavaScript functions the built file calls per tick: V8's precise coverage (call
//    counts, optimisation off) of dist/<board>.js running in the Espruino stand-in
//    (sim/espruino), the emulators' own code not counted (they are host code, not in the file);
//  - what one call costs on the interpreter: ../shared/reference/espruino.md §6 gives only one
//    absolute speed, "the Original board toggles a pin at about 4 kHz in a tight loop" (72 MHz,
//    table in §6). A toggle loop is two calls of a native function (digitalWrite) per period of
//    250 µs, so a call with its loop share is about 125 µs there. A call of one of our functions
//    does more (a scope, its parameters, its body read from flash: src/jsparse.c
//    jspeFunctionCall), so 125 µs, scaled by clock, is a floor for it.
// Calls × floor is then a floor for the tick: statements, loops and the bus transfers come on top.
import inspector from "node:inspector/promises";
import type { BoardDefinition } from "../boards/types";
import { EspruinoStandIn } from "../sim/espruino/standin";
import type { EspruinoBuild } from "./build";

/** §6: about 4 kHz pin toggling on the 72 MHz Espruino Original, two calls per loop. */
const toggleLoopMicros = 250;
const callsPerToggleLoop = 2;
const toggleBoardMhz = 72;

/** The floor of one function call on a board clocked at `clockMhz`, µs. */
export function callFloorMicros(clockMhz: number): number {
  return ((toggleLoopMicros / callsPerToggleLoop) * toggleBoardMhz) / clockMhz;
}

interface Coverage {
  result: { url: string; functions: { ranges: { count: number }[] }[] }[];
}

/**
 * Calls of the built file's functions per control tick, averaged over `ticks` ticks of a C/5
 * discharge after `warmUp` ticks, with the simulated EMS listening.
 */
export async function callsPerTick(board: BoardDefinition, build: EspruinoBuild, ticks: number, warmUp = 50): Promise<number> {
  const s = new EspruinoStandIn(board, build, { seed: 7, initialSocPct: 50, ambientCelsius: 25 });
  if (s.app.error !== undefined) throw new Error(`espruino-time: ${board.name} did not start: ${s.app.error}`);
  const demandMa = -Math.round(board.pack.capacityMah / 5);
  for (let k = 0; k < warmUp; k++) s.step(demandMa, board.tickMs);
  const session = new inspector.Session();
  session.connect();
  try {
    await session.post("Profiler.enable");
    await session.post("Profiler.startPreciseCoverage", { callCount: true, detailed: false });
    // Counts restart at each take: this one drops the warm-up's.
    await session.post("Profiler.takePreciseCoverage");
    for (let k = 0; k < ticks; k++) s.step(demandMa, board.tickMs);
    const coverage = (await session.post("Profiler.takePreciseCoverage")) as unknown as Coverage;
    await session.post("Profiler.stopPreciseCoverage");
    const script = coverage.result.find((r) => r.url.endsWith(`${board.name}.js`));
    if (script === undefined) throw new Error(`espruino-time: no coverage for ${board.name}.js`);
    let calls = 0;
    for (const f of script.functions) calls += f.ranges[0].count;
    return calls / ticks;
  } finally {
    session.disconnect();
  }
}
