// SPDX-License-Identifier: MIT
// Open-circuit voltage against state of charge, 25 °C, one table per chemistry. The SoC logic uses
// them to correct its estimate after a rest; the host simulator uses the same tables as its cells'
// rest voltage, so the two agree by construction and any SoC error comes from the estimator.
//
// Points every 10 % (0, 1000, …, 10000 centiPct), voltages in integer mV, from
// ../shared/reference/cells-and-limits.md §4. All three tables rise strictly with SoC, so the same
// pair of arrays serves both directions of the lookup.
import { smallIntsOf } from "./alloc";
import { interpolate } from "./intmath";
import type { Chemistry } from "./types";

/** One OCV table: `mv[k]` is the rest voltage at `socCentiPct[k]`; both ascend. */
export interface OcvTable {
  socCentiPct: number[];
  mv: number[];
}

/** SoC points shared by every table: 0 % to 100 % in 10 % steps. */
const socPointsCentiPct = smallIntsOf([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000]);

// LFP: "LFP A123 APR18650M1B (measured)", C/20–C/32 pseudo-OCV from soorajsunil/Piecewise-Battery-OCV
// (Sunil, Pattipati, Balasingam, IEEE TIM 2025), cells-and-limits.md §4. The 100 % point (3598 mV)
// is the end of charge; a rested full LFP cell sits nearer 3350–3400 mV (same section, footnote).
const lfpMv = smallIntsOf([2010, 3203, 3241, 3278, 3295, 3299, 3303, 3316, 3337, 3341, 3598]);

// NMC: "NMC LG M50T (measured)", same source and method as the LFP table, cells-and-limits.md §4.
const nmcMv = smallIntsOf([2520, 3304, 3475, 3576, 3644, 3717, 3817, 3920, 4018, 4092, 4194]);

// LTO: "LTO LibreSolar", LibreSolar bms-firmware app/src/bms_common.c, which takes it from
// DOI 10.3390/batteries5010031; cells-and-limits.md §4.
const ltoMv = smallIntsOf([2000, 2125, 2154, 2177, 2198, 2224, 2259, 2309, 2376, 2458, 2800]);

const lfpTable: OcvTable = { socCentiPct: socPointsCentiPct, mv: lfpMv };
const nmcTable: OcvTable = { socCentiPct: socPointsCentiPct, mv: nmcMv };
const ltoTable: OcvTable = { socCentiPct: socPointsCentiPct, mv: ltoMv };

/**
 * The OCV table of a chemistry. The arrays are module constants made once: read them, never
 * write them.
 */
export function ocvTable(chemistry: Chemistry): OcvTable {
  if (chemistry === "LFP") return lfpTable;
  if (chemistry === "NMC") return nmcTable;
  return ltoTable;
}

/**
 * SoC (centiPct) of a rested cell at `mv`, linear between the table points; below the first point
 * 0, above the last 10000.
 */
export function socFromOcvCentiPct(chemistry: Chemistry, mv: number): number {
  const t = ocvTable(chemistry);
  return interpolate(t.mv, t.socCentiPct, mv);
}

/** Rest voltage (mV) at `socCentiPct`, linear between the table points, held at the ends. */
export function ocvFromSocMv(chemistry: Chemistry, socCentiPct: number): number {
  const t = ocvTable(chemistry);
  return interpolate(t.socCentiPct, t.mv, socCentiPct);
}
