// SPDX-License-Identifier: MIT
// Small helpers every frame encoder uses: start a frame from the frame table, scale integer
// firmware units to raw counts with the table's unitsPerRaw, and the 0x35A pair values. Integer
// math only (firmware/intmath.ts); nothing allocates.
import type { CanFrame } from "../../hal/can";
import { divFloor, divRound } from "../intmath";
import { signalTable } from "./signals-table";
import { AlarmPair, frameDlc } from "./signals-values";

/** 2^16: 16-bit counters are sent as their low 16 bits. */
const counterModulus = 65536;

/**
 * Makes `frame` a standard data frame of `id` with the DLC of the frame table (= the DBC's, which
 * candied requires: a different DLC decodes to nothing, ../shared/reference/can-link.md §4.1) and
 * all eight bytes 0, so unused bits are 0.
 */
export function startFrame(frame: CanFrame, id: number): void {
  frame.id = id;
  frame.extended = false;
  frame.remote = false;
  frame.dlc = frameDlc(id);
  const d = frame.data;
  for (let i = 0; i < 8; i++) d[i] = 0;
}

/** Firmware units per raw count of a row. */
export function unitsOf(row: number): number {
  return signalTable.unitsPerRaw[row];
}

/** `value` (firmware units) in raw counts of `row`, rounded half away from zero. */
export function rawRound(row: number, value: number): number {
  return divRound(value, signalTable.unitsPerRaw[row]);
}

/** `value` in raw counts of `row`, rounded down (toward −∞). */
export function rawFloor(row: number, value: number): number {
  return divFloor(value, signalTable.unitsPerRaw[row]);
}

/** `value` in raw counts of `row`, rounded up (toward +∞). */
export function rawCeil(row: number, value: number): number {
  return -divFloor(-value, signalTable.unitsPerRaw[row]);
}

/** 1 for true, 0 for false (a flag's raw value). */
export function bit(flag: boolean): number {
  return flag ? 1 : 0;
}

/** A supported 0x35A item: 1 while active, 2 (OK) while clear (§1.2). */
export function pair(active: boolean): number {
  return active ? AlarmPair.active : AlarmPair.ok;
}

/** The low 16 bits of a non-negative running count (it wraps, as the DBC comments say). */
export function low16(count: number): number {
  if (count < 0) return 0;
  return count - counterModulus * Math.floor(count / counterModulus);
}

/** A current limit (mA) in 0.1 A counts as the inverter frames send it: rounded down, never negative. */
export function currentLimitRaw(row: number, limitMa: number): number {
  const raw = rawFloor(row, limitMa);
  return raw > 0 ? raw : 0;
}
