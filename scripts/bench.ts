// SPDX-License-Identifier: MIT
// npm run bench: figures, not assertions.
//  - simulator speed: simulated seconds per wall second, 16-cell pack, 100 ms tick;
//  - firmware step cost on Node (the pure core alone, and a whole tick through driver + emulator);
//  - AFE bus traffic per tick;
//  - the firmware bundled by esbuild as one minified ES2015 file, per board.
import { PerformanceObserver } from "node:perf_hooks";
import { boards, findBoard } from "../boards/index";
import { presetConfig } from "../firmware/config";
import { createState } from "../firmware/state";
import { step } from "../firmware/step";
import { RequestedMode, type Inputs } from "../firmware/types";
import { parseScenario } from "../sim/scenario";
import { runScenario } from "../sim/run";
import { bundleFirmware } from "./bundle";
import { faultCount } from "../firmware/fault-ids";

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

function stepCostMicros(): { micros: number; run: (n: number) => void } {
  const conf = presetConfig("LFP", 16, 100000);
  conf.temperatureCount = 4;
  const state = createState(conf);
  const cellMv = Array.from({ length: 16 }, (_, i) => 3300 + i);
  const inputs: Inputs = {
    measurements: {
      cellMv,
      stackMv: cellMv.reduce((a, b) => a + b, 0),
      currentMa: -20000,
      temperatureDeciC: [250, 251, 252, 253],
      cellsValid: true,
      temperaturesValid: true,
      currentValid: true,
      openWire: new Array<boolean>(16).fill(false),
      afeCommLost: false,
        chipFault: new Array<boolean>(faultCount).fill(false),
    },
    requestedMode: RequestedMode.run,
    clearFaults: false,
  };
  let now = 0;
  const run = (n: number) => {
    for (let k = 0; k < n; k++) {
      now += 100;
      inputs.measurements.currentMa = -20000 + (k % 7);
      inputs.measurements.cellMv[k % 16] = 3300 + (k % 5);
      step(conf, state, inputs, now);
    }
  };
  run(20000);
  const n = 200000;
  const t0 = performance.now();
  run(n);
  return { micros: ((performance.now() - t0) * 1000) / n, run };
}

async function main(): Promise<void> {
  const board = findBoard("wifi-ltc6813-16s");
  const scenario = parseScenario({
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
  runScenario({ ...scenario, durationS: 120 }, board); // warm up the JIT
  const r = runScenario(scenario, board);
  const spi = [...r.rig.platform.spiDevices.values()][0];
  console.log(`simulator: ${board.name} (${board.pack.seriesCount} cells), 100 ms tick`);
  console.log(`  ${(r.summary.simulatedS / r.summary.wallS).toFixed(0)} simulated seconds per wall second (${r.summary.simulatedS} s in ${r.summary.wallS.toFixed(2)} s)`);
  console.log(`  whole tick (firmware + LTC6813 driver + emulator + pack model): ${((r.summary.wallS * 1e6) / r.summary.ticks).toFixed(1)} µs`);
  console.log(`  AFE bus per tick: ${(spi.counters.bytes / r.summary.ticks).toFixed(1)} bytes in ${(spi.counters.transactions / r.summary.ticks).toFixed(1)} transactions (open-wire checks included)`);
  const core = stepCostMicros();
  console.log(`firmware core step on Node, 16 cells: ${core.micros.toFixed(2)} µs per step`);
  const gcs = await gcRunsDuring(() => core.run(1000000));
  console.log(`  garbage collections during 1,000,000 further steps: ${gcs} (0 = nothing allocated per tick)`);
  console.log("firmware bundle (esbuild, ES2015, minified, one file):");
  for (const b of boards) {
    const bundle = await bundleFirmware(b.name);
    console.log(`  ${b.name}: ${bundle.bytes} bytes (${bundle.gzipBytes} gzipped)`);
  }
}

main().catch((e: unknown) => {
  console.error(`bench: ${(e as Error).stack ?? String(e)}`);
  process.exitCode = 2;
});
