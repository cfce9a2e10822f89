// SPDX-License-Identifier: MIT
// npm run bench: figures, not assertions.
// Per board (one per AFE family at least):
//  - simulator speed: simulated seconds per wall second at a 100 ms tick;
//  - firmware step cost on Node (the pure core alone, and a whole tick through driver + emulator);
//  - AFE bus traffic per tick (bytes and transactions);
//  - the firmware bundled by esbuild as one minified ES2015 file, and what its AFE driver adds;
//  - Espruino boards: estimated JsVars in steady state and the 16-cell budgets (scripts/espruino-budget.ts),
//    the tick time (scripts/espruino-time.ts), and for a 16-cell board the same without its EMS link.
import { PerformanceObserver } from "node:perf_hooks";
import { boards, findBoard } from "../boards/index";
import { createMeasurements, createState } from "../firmware/state";
import { step } from "../firmware/step";
import { RequestedMode, type Inputs, type PackConfig } from "../firmware/types";
import { parseScenario } from "../sim/scenario";
import { runScenario } from "../sim/run";
import { bundleFirmware } from "./bundle";
import { slcanBench, slcanBenchLines } from "./slcan-bench";
import { frameBits } from "../sim/can-bus";
import { buildEspruino, withoutEms } from "./build";
import { bootCodeUpload, stateFileBytes } from "./espruino-upload";
import { boardBudget } from "./espruino-budget";
import { budgetLines } from "./espruino-report";
import { callFloorMicros, tickWork, tokenMicros } from "./espruino-time";
import { luaHeap } from "./lua-heap";

const persistedFileBytes = stateFileBytes;

/** Garbage collections V8 ran while `work` ran: 0 means the work allocated nothing lasting. */
async function gcRunsDuring(work: () => void): Promise<number> {
  let runs = 0;
  const observer = new PerformanceObserver((list) => {
    runs += list.getEntries().length;
  });
  observer.observe({ entryTypes: ["gc"] });
  work();
  // GC entries are delivered asynchronously.
  await new Promise((r) => setTimeout(r, 50));
  observer.disconnect();
  return runs;
}

/** Cost of the pure core step for a board's configuration, with readings that keep it busy. */
function stepCostMicros(conf: PackConfig): { micros: number; run: (n: number) => void } {
  const state = createState(conf);
  const p = conf.protection;
  const midMv = Math.round((p.cellOvMv.warnLevel + p.cellUvMv.warnLevel) / 2);
  const m = createMeasurements(conf);
  for (let i = 0; i < conf.seriesCount; i++) m.cellMv[i] = midMv + i;
  m.stackMv = m.cellMv.reduce((x, y) => x + y, 0);
  for (let i = 0; i < conf.temperatureCount; i++) m.temperatureDeciC[i] = 250 + i;
  m.cellsValid = true;
  m.temperaturesValid = true;
  m.currentValid = true;
  const inputs: Inputs = { measurements: m, requestedMode: RequestedMode.run, clearFaults: false };
  const dischargeMa = -Math.round(conf.capacityMah / 5);
  let now = 0;
  const run = (n: number) => {
    for (let k = 0; k < n; k++) {
      now += 100;
      m.currentMa = dischargeMa + (k % 7);
      m.cellMv[k % conf.seriesCount] = midMv + (k % 5);
      step(conf, state, inputs, now);
    }
  };
  run(20000);
  const n = 200000;
  const t0 = performance.now();
  run(n);
  return { micros: ((performance.now() - t0) * 1000) / n, run };
}

const benchScenario = parseScenario({
  name: "bench",
  durationS: 3600,
  tickMs: 100,
  sampleS: 60,
  pack: { initialSocPct: 50 },
  profile: [
    { atS: 0, mode: "current", c: -0.3 },
    { atS: 1800, mode: "charger", c: 0.3 },
  ],
});

async function main(): Promise<void> {
  console.log("per board: simulator speed (100 ms tick, an hour of discharge then charge), AFE bus per tick, core step cost, bundle");
  for (const board of boards) {
    runScenario({ ...benchScenario, durationS: 120 }, board); // warm up the JIT
    let emsBits = 0;
    let emsFrames = 0;
    let shellMs = 0;
    let shellTicks = 0;
    const r = runScenario(benchScenario, board, {
      onTick: (rig, _out, t) => {
        if (t === board.tickMs) {
          // From the second tick on, time the shell's own tick: firmware, driver and EMS link, with
          // the emulators answering inside the bus calls (so an upper bound for the firmware's part).
          const shell = rig.shell;
          const tick = shell.tick.bind(shell);
          shell.tick = () => {
            const t0 = performance.now();
            const out = tick();
            shellMs += performance.now() - t0;
            shellTicks++;
            return out;
          };
          rig.ems?.listen((f) => {
            emsFrames++;
            emsBits += frameBits(f);
          });
        }
      },
    });
    const bus = r.rig.afe.busCounters();
    const core = stepCostMicros(board.pack);
    console.log(`${board.name}: ${board.afe.type}, ${board.pack.seriesCount} cells, ${board.pack.temperatureCount} thermistors`);
    console.log(`  simulator: ${(r.summary.simulatedS / r.summary.wallS).toFixed(0)} simulated s per wall s; whole tick (firmware + driver + emulator + pack): ${((r.summary.wallS * 1e6) / r.summary.ticks).toFixed(1)} µs`);
    console.log(`  AFE bus per tick: ${(bus.bytes / r.summary.ticks).toFixed(1)} bytes in ${(bus.transactions / r.summary.ticks).toFixed(1)} transactions (everything the shell does: measurement, chip status, switches, balancing, checks)`);
    const shellMicros = (shellMs * 1000) / shellTicks;
    console.log(`  core step on Node: ${core.micros.toFixed(2)} µs; the shell's whole tick (core, driver with the emulator answering, EMS link): ${shellMicros.toFixed(1)} µs`);
    if (board.ems !== undefined) {
      const perS = emsFrames / r.summary.simulatedS;
      const load = emsBits / r.summary.simulatedS / board.ems.transport.bitrate;
      console.log(
        `  EMS link (${board.ems.transport.kind}): ${perS.toFixed(1)} frames/s from the BMS, ${(100 * load).toFixed(2)} % of ${board.ems.transport.bitrate / 1000} kbit/s (exact frame bits with stuffing, no commands)`,
      );
    }
    const bundle = await bundleFirmware(board.name);
    const bare = await bundleFirmware(board.name, { withoutAfe: true });
    console.log(`  bundle: ${bundle.bytes} bytes (${bundle.gzipBytes} gzipped), of which the ${board.afe.type} driver adds ${bundle.bytes - bare.bytes} bytes`);
    if (board.mcu.family === "espruino") {
      const built = await buildEspruino(board.name);
      console.log(`  dist/${board.name}.js (npm run build, with the Espruino adapter, short property names): ${built.bytes} bytes (${built.gzipBytes} gzipped); ${built.released.length} top-level bindings released once started (scripts/espruino-release.ts)`);
      // What the espruino CLI stores as .bootcde, plain and pretokenised, against the board's saved-code flash.
      const area = board.mcu.savedCodeBytes;
      const stored = (pretokenise: boolean): number => bootCodeUpload(built.code, { pretokenise }).files.get(".bootcde")?.length ?? 0;
      const plain = stored(false);
      const tokens = stored(true);
      const fits = (n: number): string => (n + persistedFileBytes <= area ? "fits" : "does NOT fit");
      console.log(
        `  stored as .bootcde by the espruino CLI: ${plain} bytes, pretokenised ${tokens} bytes; with the ${persistedFileBytes}-byte state file, against ${area} bytes of saved-code flash (espruino.md §6): ${fits(plain)}, pretokenised ${fits(tokens)}`,
      );
      // Steady-state JsVars of the built bundle (espruino.md §6 cost model) after 100 and 10,000 ticks: equal when nothing is allocated per tick.
      const budget = boardBudget(board, built, [100, 10000]);
      const work = await tickWork(board, built, 500);
      const time = {
        coreMicros: core.micros,
        tickMicros: shellMicros,
        callsPerTick: work.calls,
        callFloorMicros: callFloorMicros(board.mcu.clockMhz),
        tokensPerTick: work.tokens,
        maxTokensPerTick: work.maxTokens,
        tokenMicros: tokenMicros(board.mcu.clockMhz),
        busMicrosPerTick: work.busMicros,
        maxTickMicros: work.maxTickMicros,
        tickMs: board.tickMs,
        clockMhz: board.mcu.clockMhz,
      };
      for (const line of budgetLines(budget, board.pack.seriesCount, time)) console.log(`  ${line}`);
      if (board.pack.seriesCount === 16 && board.ems !== undefined) {
        // The same board with no EMS link at all: the floor that any cut of the link's features
        // (fewer frames, no commands) could reach, against the 16-cell budgets.
        const bare = withoutEms(board);
        const bareBuilt = await buildEspruino(board.name, { withoutEms: true });
        const bareVars = boardBudget(bare, bareBuilt, [100]).afterTicks[0].estimate.total;
        const bareWork = await tickWork(bare, bareBuilt, 200);
        const bareMs = (bareWork.tokens * time.tokenMicros + bareWork.busMicros) / 1000;
        const bareStored = bootCodeUpload(bareBuilt.code, { pretokenise: true }).files.get(".bootcde")?.length ?? 0;
        console.log(
          `    without its EMS link (the floor of any cut of the link's features): ${bareVars} JsVars, ${bareWork.tokens.toFixed(0)} tokens and ${(bareWork.busMicros / 1000).toFixed(1)} ms of transfers a tick, about ${bareMs.toFixed(0)} ms; pretokenised ${bareStored} bytes`,
        );
      }
    }
  }
  const core = stepCostMicros(findBoard("wifi-ltc6813-16s").pack);
  const gcs = await gcRunsDuring(() => core.run(1000000));
  console.log(`garbage collections during 1,000,000 core steps (16 cells): ${gcs} (0 = nothing allocated per tick)`);
  console.log("SLCAN parser (hal/slcan) on a garbage-laced stream:");
  for (const line of slcanBenchLines(slcanBench())) console.log(`  ${line}`);
  for (const board of boards.filter((b) => b.mcu.family === "nodemcu")) {
    const heap = await luaHeap(board, [100, 3000]);
    if (heap === undefined) {
      console.log(`${board.name}: Lua heap not measured (lua5.3 is not installed: apt-get install -y lua5.3)`);
      continue;
    }
    const kb = heap.afterTicks.map((t) => `${t.kb.toFixed(1)} KB after ${t.ticks} ticks`).join(", ");
    const same = heap.afterTicks.every((t) => Math.abs(t.kb - heap.afterTicks[0].kb) < 1);
    console.log(
      `${board.name}: the Lua core (${heap.codeBytes} bytes of source) on lua5.3, heap after a full collection: ${kb} (${same ? "no growth" : "GROWS"}; 64-bit numbers, so an upper bound for NodeMCU's 32-bit build)`,
    );
  }
}

main().catch((e: unknown) => {
  console.error(`bench: ${(e as Error).stack ?? String(e)}`);
  process.exitCode = 2;
});
