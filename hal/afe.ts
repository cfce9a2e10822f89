// SPDX-License-Identifier: MIT
// What the firmware needs from an analog front-end, whatever the chip: one contract every AFE
// driver implements (Libre Solar's bms_ic API shape, prior-art.md §3 and §11 item 5). The driver
// writes into caller-owned, preallocated storage: firmware/types.ts Measurements satisfies
// AfeReading, so the shell hands the same arrays to the AFE and to the core. A feature a chip
// lacks answers AfeStatus.notSupported, never silently nothing.

/** Result of a contract call. Numbers, not exceptions: nothing allocated, nothing thrown. */
export const AfeStatus = {
  ok: 0,
  /** The chip has no such feature (e.g. an LTC681x switches no FETs). */
  notSupported: 1,
  /** The bus failed: NACK, CRC/PEC error, no answer, or the chip did not confirm a write. */
  commError: 2,
  /** The request itself is out of range for this chip. */
  invalid: 3,
  /** The chip answered correctly but failed its self-test: its measurements cannot be trusted. */
  failed: 4,
} as const;
export type AfeStatus = (typeof AfeStatus)[keyof typeof AfeStatus];
export const afeStatusName = ["ok", "not-supported", "comm-error", "invalid", "failed"];

export interface AfeReading {
  /** Cell voltages, bottom cell first, length = cells of the pack. */
  cellMv: number[];
  /** Stack voltage from an independent measurement (LTC681x SC, BQ stack pin). */
  stackMv: number;
  /** Pack current, positive into the pack; written only by an AFE that measures current. */
  currentMa: number;
  currentValid: boolean;
  /** Thermistor temperatures, 0.1 °C. */
  temperatureDeciC: number[];
  /** Cells and stack were read completely with good PEC/CRC this call. */
  cellsValid: boolean;
  /** Temperatures were read completely with good PEC/CRC this call. */
  temperaturesValid: boolean;
  /** Per cell: the last open-wire check found that cell's sense wire (or the one below) open. */
  openWire: boolean[];
}

/**
 * Thresholds and delays the chip enforces on its own, the hardware layer under the firmware's
 * fault table. `configure` writes what it can and fills `applied` with what the chip actually
 * holds after quantising (a field the chip cannot enforce is written back as 0).
 */
export interface AfeLimits {
  cellOvMv: number;
  cellOvDelayMs: number;
  cellUvMv: number;
  cellUvDelayMs: number;
  /** Magnitudes of the charging and discharging currents. */
  chargeOcMa: number;
  chargeOcDelayMs: number;
  dischargeOcMa: number;
  dischargeOcDelayMs: number;
  shortCircuitMa: number;
  shortCircuitDelayUs: number;
  /** Over-temperature in charge and in discharge, under-temperature in charge, 0.1 °C. */
  chargeOtDeciC: number;
  dischargeOtDeciC: number;
  chargeUtDeciC: number;
}

/** Why the chip acted by itself (its own protection), read from its status registers. */
export interface AfeChipFaults {
  cellOv: boolean;
  cellUv: boolean;
  chargeOc: boolean;
  dischargeOc: boolean;
  shortCircuit: boolean;
  overTemperature: boolean;
  underTemperature: boolean;
  /** The chip reset, lost its configuration, or reports an internal error (bq769x0 XREADY). */
  deviceError: boolean;
  /** The chip's own view of its FETs (true = on), where it drives them. */
  chargeOn: boolean;
  dischargeOn: boolean;
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
  /** measure() writes currentMa/currentValid (BQ CC2, bq769x0 coulomb counter). */
  readonly measuresCurrent: boolean;
  /** setSwitches() drives the charge and discharge FETs (otherwise the board's pins do). */
  readonly controlsSwitches: boolean;
  /** Wake the chip(s) and write the configuration; false when the chip did not confirm it. */
  start(nowMs: number): boolean;
  /** Program the chip's own protection; `applied` receives what the chip really holds. */
  configure(limits: AfeLimits, applied: AfeLimits): AfeStatus;
  /**
   * Take a full measurement into `into`. Never throws: a failed read sets the valid flags false
   * and leaves the previous values in place.
   */
  measure(into: AfeReading, nowMs: number): void;
  /** Bleed these cells (true = on) from the next configuration write on. */
  setBalancing(mask: boolean[]): AfeStatus;
  /** Close (true) or open the charge and discharge FETs the chip drives. */
  setSwitches(charge: boolean, discharge: boolean): AfeStatus;
  /** Read the chip's own protection status into `into`, and clear what it latched. */
  readChipFaults(into: AfeChipFaults): AfeStatus;
  /** The chip's built-in self-test (ADC, references, mux): ok when it passes, failed when not. */
  selfTest(): AfeStatus;
}
