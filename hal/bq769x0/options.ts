// SPDX-License-Identifier: MIT
// Options of the bq769x0 driver, their checks, which chip inputs the pack's cells use and which
// of them may bleed together.
// Construction happens once at start, so a bad option throws an Error naming it.
import type { I2cBus } from "../hal";
import { addressA, addressB, inputsPerGroup, minCellsPerGroup } from "./registers";

export type Bq769x0Variant = "bq76920" | "bq76930" | "bq76940";

export interface Bq769x0Options {
  bus: I2cBus;
  /** 7-bit address: 0x08 or 0x18 depending on the part number (afe-chips.md §3). */
  address: number;
  variant: Bq769x0Variant;
  /** Cells in series: 3..5 per 5-input group (bq76920 3–5, bq76930 6–10, bq76940 9–15). */
  cells: number;
  /** Thermistors on TS1..TSk, one per group at most. */
  thermistors: number;
  /** Sense resistor between SRP and SRN, µΩ. */
  shuntMicroOhm: number;
  /** Consecutive failed measurements before diagnostics.commLost. */
  pecErrorLimit: number;
  /** Most cells bled at once (heat budget of the board). */
  balancingMaxCells: number;
}

/** 5-input groups of the variant: one per 5 cells of the largest pack it takes (§3). */
export function groupsOf(variant: Bq769x0Variant): number {
  if (variant === "bq76940") return 3;
  if (variant === "bq76930") return 2;
  return 1;
}

function isWhole(x: number): boolean {
  return typeof x === "number" && Math.floor(x) === x && x >= 0;
}

function fail(option: string, value: number, rule: string): void {
  throw new Error("bq769x0: option " + option + " = " + String(value) + " " + rule);
}

/** Throws an Error naming the first bad option. */
export function validateOptions(o: Bq769x0Options): void {
  if (o.bus === undefined) throw new Error("bq769x0: option bus is missing");
  if (o.variant !== "bq76920" && o.variant !== "bq76930" && o.variant !== "bq76940") {
    throw new Error("bq769x0: option variant = " + String(o.variant) + " is not bq76920, bq76930 or bq76940");
  }
  if (o.address !== addressA && o.address !== addressB) fail("address", o.address, "is not 0x08 or 0x18");
  const groups = groupsOf(o.variant);
  const low = minCellsPerGroup * groups;
  const high = inputsPerGroup * groups;
  if (!isWhole(o.cells) || o.cells < low || o.cells > high) {
    fail("cells", o.cells, "is outside " + String(low) + ".." + String(high) + " for the " + o.variant);
  }
  if (!isWhole(o.thermistors) || o.thermistors > groups) fail("thermistors", o.thermistors, "is outside 0.." + String(groups));
  if (!isWhole(o.shuntMicroOhm) || o.shuntMicroOhm < 100 || o.shuntMicroOhm > 100000) {
    fail("shuntMicroOhm", o.shuntMicroOhm, "is outside 100..100000");
  }
  if (!isWhole(o.pecErrorLimit) || o.pecErrorLimit < 1) fail("pecErrorLimit", o.pecErrorLimit, "must be a whole number >= 1");
  if (!isWhole(o.balancingMaxCells) || o.balancingMaxCells > o.cells) {
    fail("balancingMaxCells", o.balancingMaxCells, "is outside 0.." + String(o.cells));
  }
}

/**
 * Which inputs carry the pack's cells. The cells are spread over the groups as evenly as
 * possible, lower groups taking the extra ones (bq76940 with 14 cells: 5 + 5 + 4). A group with
 * n < 5 cells uses its bottom n − 1 inputs and its top input, the inputs between are shorted to
 * the one below (3 cells: VC1, VC2, VC5; 4 cells: VC1, VC2, VC3, VC5) [datasheet cell-
 * configuration table; the fact sheet is silent]. The board must be wired that way.
 * Fills inputOf[cell] (0 = VC1 … 14 = VC15) and groupOf[cell].
 */
export function mapCells(cells: number, groups: number, inputOf: number[], groupOf: number[]): void {
  const base = Math.floor(cells / groups);
  const extra = cells - base * groups;
  let cell = 0;
  for (let g = 0; g < groups; g++) {
    let n = base;
    if (g < extra) n++;
    for (let k = 0; k < n; k++) {
      let input = k;
      if (k === n - 1) input = inputsPerGroup - 1;
      inputOf[cell] = inputsPerGroup * g + input;
      groupOf[cell] = g;
      cell++;
    }
  }
}

/**
 * CELLBAL1..3 for `mask` (true = bleed, missing entries off) into cellBal[0..2], bit 0 = the
 * group's lowest input. False, cellBal untouched, when two neighbouring cells of one 5-input group
 * are asked together (§3: never two adjacent cells in a group; cells in different groups may be)
 * or more than maxCells are asked.
 */
export function cellBalBytes(mask: boolean[], cells: number, inputOf: number[], groupOf: number[], maxCells: number, cellBal: number[]): boolean {
  let count = 0;
  let previous = false;
  for (let i = 0; i < cells; i++) {
    const on = i < mask.length && mask[i];
    if (on) {
      count++;
      if (previous && groupOf[i - 1] === groupOf[i]) return false;
    }
    previous = on;
  }
  if (count > maxCells) return false;
  for (let g = 0; g < 3; g++) cellBal[g] = 0;
  for (let i = 0; i < cells; i++) {
    if (i < mask.length && mask[i]) {
      const g = groupOf[i];
      cellBal[g] += 1 << (inputOf[i] - inputsPerGroup * g);
    }
  }
  return true;
}
