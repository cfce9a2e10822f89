// SPDX-License-Identifier: MIT
// What the firmware needs from an analog front-end, whatever the chip. The driver writes into
// caller-owned, preallocated storage (Libre Solar's assign_data): firmware/types.ts Measurements
// satisfies AfeReading, so the shell hands the same arrays to the AFE and to the core.

export interface AfeReading {
  /** Cell voltages, bottom cell first, length = cells of the pack. */
  cellMv: number[];
  /** Stack voltage from an independent measurement (LTC681x SC, BQ stack pin). */
  stackMv: number;
  /** Thermistor temperatures, 0.1 °C. */
  temperatureDeciC: number[];
  /** Cells and stack were read completely with good PEC/CRC this call. */
  cellsValid: boolean;
  /** Temperatures were read completely with good PEC/CRC this call. */
  temperaturesValid: boolean;
  /** Per cell: the last open-wire check found that cell's sense wire (or the one below) open. */
  openWire: boolean[];
}

/** Counters every AFE driver keeps, for diagnostics and figures. */
export interface AfeDiagnostics {
  /** Reads rejected for a bad PEC/CRC since start. */
  pecErrors: number;
  /** Consecutive failed measurements right now. */
  consecutiveFailures: number;
  /** The failures passed the configured count: the link is considered lost. */
  commLost: boolean;
}

export interface Afe {
  readonly cellCount: number;
  readonly temperatureCount: number;
  readonly diagnostics: AfeDiagnostics;
  /** Wake the chip(s) and write the configuration; false when the chip did not confirm it. */
  start(nowMs: number): boolean;
  /**
   * Take a full measurement into `into`. Never throws: a failed read sets the valid flags false
   * and leaves the previous values in place.
   */
  measure(into: AfeReading, nowMs: number): void;
  /** Bleed these cells (true = on) from the next configuration write on. */
  setBalancing(mask: boolean[]): void;
}
