// SPDX-License-Identifier: MIT
// Test fixtures for the SoC, SoH and balancing tests: the chemistry presets of firmware/config.ts
// (fresh objects, so a test may change a setting) and measurements built from plain numbers.
import type { Chemistry, Measurements, PackConfig } from "../../firmware/types";
import { presetConfig } from "../../firmware/config";
import { ocvFromSocMv } from "../../firmware/ocv";
import { faultCount } from "../../firmware/fault-ids";

/** The preset for `chemistry`, `seriesCount` cells of `capacityMah`. */
export function packConfig(chemistry: Chemistry, seriesCount: number, capacityMah: number): PackConfig {
  return presetConfig(chemistry, seriesCount, capacityMah);
}

/** Measurements with every cell at `cellMv`, all readings valid, no open wire. */
export function measurements(conf: PackConfig, cellMv: number, currentMa: number): Measurements {
  const cells: number[] = [];
  for (let i = 0; i < conf.seriesCount; i++) cells.push(cellMv);
  const temps: number[] = [];
  for (let i = 0; i < conf.temperatureCount; i++) temps.push(250);
  return {
    cellMv: cells,
    stackMv: cellMv * conf.seriesCount,
    currentMa,
    temperatureDeciC: temps,
    cellsValid: true,
    temperaturesValid: true,
    currentValid: true,
    openWire: cells.map(() => false),
    afeCommLost: false,
        chipFault: new Array<boolean>(faultCount).fill(false),
  };
}

/** Sets every cell of `m` to `mv`. */
export function setCells(m: Measurements, mv: number): void {
  for (let i = 0; i < m.cellMv.length; i++) m.cellMv[i] = mv;
  m.stackMv = mv * m.cellMv.length;
}

/** Sets every cell of `m` to the rest voltage of `socCentiPct`. */
export function setCellsAtSoc(conf: PackConfig, m: Measurements, socCentiPct: number): void {
  setCells(m, ocvFromSocMv(conf.chemistry, socCentiPct));
}
