// SPDX-License-Identifier: MIT
// npm run sim -- [scenario.json] [--board name] [--out dir] [--candump]
// Runs a scenario (default: sim/scenarios/default.json) on a board (default: the first in
// boards/index.ts), prints the summary, and writes a CSV time series and an SVG plot; with
// --candump also the EMS link's frames as a candump -L log (readable by python-can, log2asc).
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { boards, defaultBoardName, findBoard } from "../boards/index";
import { validateBoard } from "../boards/validate";
import { loadScenario } from "./scenario";
import { runScenario } from "./run";
import { formatSummary, toCsv } from "./report";
import { plotSvg } from "./plot";

const here = dirname(fileURLToPath(import.meta.url));
const usage = `usage: npm run sim -- [scenario.json] [--board <name>] [--out <dir>] [--candump]
boards: ${boards.map((b) => b.name).join(", ")} (default ${defaultBoardName})`;

function main(argv: string[]): number {
  let scenarioFile = join(here, "scenarios", "default.json");
  let boardName = defaultBoardName;
  let outDir = "out";
  let candump = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--board" || a === "--out") {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${usage}`);
      if (a === "--board") boardName = v;
      else outDir = v;
    } else if (a === "--candump") candump = true;
    else if (a === "--help" || a === "-h") {
      console.log(usage);
      return 0;
    } else if (a.startsWith("--")) throw new Error(`unknown option ${a}\n${usage}`);
    else scenarioFile = resolve(a);
  }
  const board = findBoard(boardName);
  const problems = validateBoard(board);
  if (problems.length > 0) throw new Error(`board ${board.name} is invalid:\n  ${problems.join("\n  ")}`);
  const scenario = loadScenario(scenarioFile);
  const tty = process.stderr.isTTY === true;
  let lastShown = -1;
  const result = runScenario(scenario, board, {
    onProgress: (f) => {
      const pct = Math.floor(f * 100);
      if (tty) process.stderr.write(`\rsimulating ${scenario.name}: ${pct} %`);
      else if (pct >= lastShown + 10) {
        lastShown = pct - (pct % 10);
        process.stderr.write(`simulating ${scenario.name}: ${lastShown} %\n`);
      }
    },
    candump,
  });
  if (tty) process.stderr.write("\r\x1b[K");
  console.log(formatSummary(result));
  mkdirSync(outDir, { recursive: true });
  const stem = join(outDir, `${basename(scenarioFile, ".json")}-${board.name}`);
  writeFileSync(`${stem}.csv`, toCsv(result.samples));
  writeFileSync(`${stem}.svg`, plotSvg(`${scenario.name} on ${board.name}`, result.samples, result.events));
  console.log(`  wrote ${stem}.csv and ${stem}.svg`);
  if (candump && result.rig.ems !== undefined) {
    writeFileSync(`${stem}.log`, result.rig.ems.log.map((l) => `${l}\n`).join(""));
    console.log(`  wrote ${stem}.log (candump -L, ${result.rig.ems.log.length} frames)`);
  }
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  console.error(`sim: ${(e as Error).message}`);
  process.exitCode = 2;
}
