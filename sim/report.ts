// SPDX-License-Identifier: MIT
// What a run tells a person: a text summary, a CSV time series in the firmware's integer units,
// and (sim/plot.ts) an SVG plot.
import type { RunResult, Sample } from "./run";

function hms(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return `${h}:${String(m).padStart(2, "0")}:${String(r).padStart(2, "0")}`;
}

export function formatSummary(result: RunResult): string {
  const s = result.summary;
  const lines: string[] = [];
  lines.push(`scenario ${s.scenario} on board ${s.board}`);
  lines.push(
    `  simulated ${hms(s.simulatedS * 1000)} in ${s.wallS.toFixed(2)} s wall (${(s.simulatedS / Math.max(s.wallS, 1e-9)).toFixed(0)}× real time, ${s.ticks} ticks)`,
  );
  lines.push(`  SoC at the end: true ${s.finalTrueSocPct.toFixed(2)} % (usable, weakest cell), cell mean ${s.finalMeanSocPct.toFixed(2)} %, estimated ${s.finalEstimatedSocPct.toFixed(2)} %`);
  lines.push(`  largest SoC error: ${s.maxSocErrorPct.toFixed(2)} points against the true SoC (at ${hms(s.maxSocErrorAtMs)}), ${s.maxMeanSocErrorPct.toFixed(2)} against the cell mean`);
  lines.push(`  lowest cell ${(s.lowestCell.mv / 1000).toFixed(3)} V (cell ${s.lowestCell.cell + 1} at ${hms(s.lowestCell.timeMs)}), highest ${(s.highestCell.mv / 1000).toFixed(3)} V (cell ${s.highestCell.cell + 1} at ${hms(s.highestCell.timeMs)})`);
  lines.push(`  cell spread: start ${s.spreadStartMv} mV / ${s.spreadStartSocPct.toFixed(2)} % SoC, end ${s.spreadEndMv} mV / ${s.spreadEndSocPct.toFixed(2)} % SoC`);
  lines.push(`  balancing energy ${s.balancingWh.toFixed(2)} Wh`);
  if (s.ems !== undefined) {
    const perS = s.simulatedS > 0 ? s.ems.framesFromBms / s.simulatedS : 0;
    lines.push(`  EMS link: ${s.ems.framesFromBms} frames from the BMS (${perS.toFixed(1)}/s), ${s.ems.framesToBms} commands to it, ${s.ems.refused} refused, link ${s.ems.link}, ${s.ems.linkLostEvents} losses`);
  }
  lines.push(`  final state ${s.finalMode}; charge path ${s.chargeEnable ? "closed" : "open"}, discharge path ${s.dischargeEnable ? "closed" : "open"}; internal errors ${s.internalErrors}`);
  const faults = result.events.filter((e) => e.kind === "fault-set" || e.kind === "fault-cleared" || e.kind === "mode");
  if (faults.length === 0) lines.push("  no faults, no mode changes");
  else {
    lines.push("  events (faults and modes):");
    const shown = faults.slice(0, 40);
    for (const e of shown) lines.push(`    ${hms(e.timeMs)}  ${e.kind.padEnd(13)} ${e.detail}`);
    if (faults.length > shown.length) lines.push(`    … ${faults.length - shown.length} more in the CSV's fault columns`);
  }
  return lines.join("\n");
}

/** The samples as CSV, integers in the firmware's units. */
export function toCsv(samples: Sample[]): string {
  if (samples.length === 0) return "";
  const cells = samples[0].cellMv.length;
  const temps = samples[0].temperatureDeciC.length;
  const head = ["time_ms", "current_ma", "pack_mv", "soc_true_centipct", "soc_mean_centipct", "soc_est_centipct", "charge_limit_ma", "discharge_limit_ma"];
  for (let i = 1; i <= cells; i++) head.push(`cell${i}_mv`);
  for (let i = 1; i <= temps; i++) head.push(`temp${i}_decic`);
  head.push("charge_enable", "discharge_enable", "mode", "faults", "warnings", "balancing");
  const rows = [head.join(",")];
  for (const s of samples) {
    rows.push(
      [
        s.timeMs,
        s.currentMa,
        s.packMv,
        s.trueSocCentiPct,
        s.meanSocCentiPct,
        s.estimatedSocCentiPct,
        s.chargeCurrentLimitMa,
        s.dischargeCurrentLimitMa,
        ...s.cellMv,
        ...s.temperatureDeciC,
        s.chargeEnable ? 1 : 0,
        s.dischargeEnable ? 1 : 0,
        s.mode,
        s.faultCount,
        s.warningCount,
        s.balanceCount,
      ].join(","),
    );
  }
  return rows.join("\n") + "\n";
}
