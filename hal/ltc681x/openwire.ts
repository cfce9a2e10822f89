// SPDX-License-Identifier: MIT
// The open-wire decision (../shared/reference/afe-chips.md §1.7, the foxBMS rule) for one device
// of the chain, from cell readings taken after ADOW with pull-ups (PU) and with pull-downs (PD).
// Sense wire C(n) sits between cell n and cell n+1 (1-based, C0 is the bottom wire).
import { openWireThresholdCodes } from "./registers";

/**
 * A reading at or below this (100 µV codes) counts as the 0 V of the C0 / top-wire rules: the
 * rule says "== 0", but a real converter adds up to 2.2 mV of error on the LTC6813 (§1.9 item 6).
 */
export const openWireZeroCodes = 22;

/**
 * Mark in `out` the cells next to an open wire of one device whose `cells` cells sit at
 * `firstCell..firstCell+cells-1` of `pu`/`pd`/`out` (codes of 100 µV). The device's entries in
 * `out` are rewritten: false where no open wire was found.
 */
export function decideOpenWire(pu: number[], pd: number[], firstCell: number, cells: number, out: boolean[]): void {
  for (let i = 0; i < cells; i++) out[firstCell + i] = false;
  // C0 open: with the pull-up, C0 is dragged up to C1, so cell 1 reads 0.
  if (pu[firstCell] <= openWireZeroCodes) out[firstCell] = true;
  // Top wire C(N) open: with the pull-down it is dragged to C(N−1), so cell N reads 0.
  const top = firstCell + cells - 1;
  if (pd[top] <= openWireZeroCodes) out[top] = true;
  // C(n), 1 ≤ n < N: PU drags it up (cell n+1 reads ~0), PD drags it down (cell n+1 reads the
  // sum of both cells), so PU(n+1) − PD(n+1) falls far below zero.
  for (let n = 1; n < cells; n++) {
    const above = firstCell + n;
    if (pu[above] - pd[above] < openWireThresholdCodes) {
      out[above - 1] = true;
      out[above] = true;
    }
  }
}
