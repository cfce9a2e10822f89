// SPDX-License-Identifier: MIT
// The shapes of the firmware core: configuration (read-only limits), measured data (inputs of one
// tick), state (what the core remembers) and outputs (what the shell applies). They are separate
// objects on purpose (foxBMS conf/data/state split, Libre Solar bms_context).
//
// Units are in every name: mV, mA, mAh, mAs (milliamp-seconds), deciC (0.1 °C), centiPct (0.01 %),
// Ms (milliseconds). Current is positive INTO the pack (charging), as on the inverter frames
// (0x356, ../shared/reference/can-link.md §1.1).

export type Chemistry = "LFP" | "NMC" | "LTO";

/**
 * One protected quantity with a warning and a fault tier (foxBMS RSL/MSL). "Beyond" means above
 * the level for upper limits and below it for lower limits; the direction is a property of the
 * fault table row, not of the configuration.
 */
export interface FaultLimit {
  /** Warning tier: sets the warning and derates the limits; never opens a path. */
  warnLevel: number;
  /** Fault tier: after `delayMs` of bad samples the row's action opens a path. */
  faultLevel: number;
  /**
   * A tier releases only once the value is back past its level by this much (same unit). The
   * warning tier uses at most |faultLevel − warnLevel| of it, so a wide reset band meant for the
   * fault tier (§8 OV/UV reset voltages) does not hold the warning deep into the normal range.
   */
  hysteresis: number;
  /** Debounce time: bad samples count up, good samples count down (ms). */
  delayMs: number;
  /** Hard fault: stays active until an explicit clear, and only clears once the condition is gone. */
  latch: boolean;
}

/** Protection thresholds, one per fault table row that has a level (see firmware/faults.ts). */
export interface ProtectionConfig {
  cellOvMv: FaultLimit;
  cellUvMv: FaultLimit;
  /** Magnitude of the charging current. */
  chargeOcMa: FaultLimit;
  /** Magnitude of the discharging current. */
  dischargeOcMa: FaultLimit;
  /** Magnitude of the discharging current; the software tier behind the AFE's hardware trip. */
  shortCircuitMa: FaultLimit;
  chargeOtDeciC: FaultLimit;
  chargeUtDeciC: FaultLimit;
  dischargeOtDeciC: FaultLimit;
  dischargeUtDeciC: FaultLimit;
}

/** Plausibility of the measurements; any violation is a sensor fault that opens both paths. */
export interface SensorConfig {
  /** A cell reading outside [min, max] is a broken sense line or ADC, not a cell. */
  cellMinPlausibleMv: number;
  cellMaxPlausibleMv: number;
  /** |sum of cells − stack measurement| above this is a plausibility fault. */
  stackToleranceMv: number;
  /** A temperature outside [min, max] is an open or shorted thermistor. */
  temperatureMinPlausibleDeciC: number;
  temperatureMaxPlausibleDeciC: number;
  /** A current reading that does not change by a single mA for this long is a stuck sensor. */
  currentStuckMs: number;
  /** Debounce of the sensor faults. */
  sensorDelayMs: number;
  /** No valid AFE reading for this long opens both paths (communication loss). */
  afeLossDelayMs: number;
  /** Sensor and communication faults latch. */
  latch: boolean;
}

/** Charge/discharge limits published to the EMS and obeyed by the core. */
export interface LimitsConfig {
  chargeCurrentMaxMa: number;
  dischargeCurrentMaxMa: number;
  /** Charge voltage limit per cell (CVL = seriesCount × this). */
  cellChargeMv: number;
  /** Discharge voltage limit per cell (DVL = seriesCount × this). */
  cellDischargeMv: number;
  /**
   * Current limits ramp down linearly over this window before the cell warning levels: full
   * charge current below (cellOv warn − taper), 0 at the warning level; likewise for discharge.
   */
  voltageTaperMv: number;
  /** Charge current still allowed inside the taper window, so the top of charge can finish. */
  taperFloorMa: number;
}

export interface SocConfig {
  /** |current| below this counts as rest. */
  restCurrentMa: number;
  /** Rest this long before the OCV is trusted to correct the SoC. */
  restMs: number;
  /** End of charge: the highest cell at or above this … */
  fullCellMv: number;
  /** … with a charging current below this (and above restCurrentMa) … */
  fullTailCurrentMa: number;
  /** … for this long sets the SoC to 100 %. */
  fullHoldMs: number;
  /**
   * OCV correction is applied only where the curve is steep enough: below `ocvTrustBelowCentiPct`
   * or above `ocvTrustAboveCentiPct`. NMC trusts everywhere (below 10000, above 0: every SoC
   * passes one of the two tests); LFP only off its plateau (../shared/reference/cells-and-limits.md
   * §12.2).
   */
  ocvTrustBelowCentiPct: number;
  ocvTrustAboveCentiPct: number;
  /** Two SoC anchors at least this far apart give a capacity (SoH) estimate. */
  sohMinSpanCentiPct: number;
  /** Share (per mille) of a new capacity estimate blended into the old one. */
  sohBlendPermille: number;
}

export interface BalancingConfig {
  enabled: boolean;
  /** Balance a cell once it is this far above the lowest cell … */
  startMv: number;
  /** … until it is no more than this above the lowest cell. */
  stopMv: number;
  /** No balancing below this cell voltage (LFP: only on the upper knee). */
  minCellMv: number;
  minTemperatureDeciC: number;
  maxTemperatureDeciC: number;
  /** Most cells bled at once (AFE dissipation). */
  maxCells: number;
  /** Never two adjacent cells at once (bq769x0 and some boards require it). */
  noAdjacent: boolean;
}

export interface PackConfig {
  chemistry: Chemistry;
  seriesCount: number;
  temperatureCount: number;
  /** Nominal (rated) capacity. */
  capacityMah: number;
  protection: ProtectionConfig;
  sensors: SensorConfig;
  limits: LimitsConfig;
  soc: SocConfig;
  balancing: BalancingConfig;
  /** |current| above this is charge or discharge; below it, idle. */
  activityCurrentMa: number;
  /** Go from standby to active by itself once measurements are valid (no EMS needed). */
  autoStart: boolean;
  /** Entries kept in the event log. */
  eventLogSize: number;
}

/**
 * The configuration the running BMS reads: all of PackConfig but its protection rows. Those are
 * compiled at start into the fault table and the chip's thresholds (faults.ts compileFaultTable,
 * afe-limits.ts chipLimits), and nothing after start reads them, so the shell keeps a RunConfig
 * (config.ts runConfig): on Espruino the rows then go with the rest of start-up (~140 JsVars,
 * ../shared/reference/espruino.md §6). A PackConfig is a RunConfig, so tests pass either.
 */
export type RunConfig = Omit<PackConfig, "protection">;

/** The measurements of one tick, written by the shell into preallocated arrays. */
export interface Measurements {
  /** Cell voltages, length seriesCount. */
  cellMv: number[];
  /** Stack voltage measured independently of the cell channels (LTC681x SC, BQ stack pin). */
  stackMv: number;
  /** Pack current, positive into the pack. */
  currentMa: number;
  /** Temperatures, length temperatureCount. */
  temperatureDeciC: number[];
  /** The AFE delivered a complete, PEC/CRC-checked reading of cells and stack this tick. */
  cellsValid: boolean;
  /** The temperature readings are fresh. */
  temperaturesValid: boolean;
  /** The current reading is fresh. */
  currentValid: boolean;
  /** Per cell: an open sense wire was detected by the last open-wire check. */
  openWire: boolean[];
  /**
   * The AFE driver's own verdict: its consecutive failed reads reached the board's configured
   * count (AfeDiagnostics.commLost). The AFE communication fault then trips at once instead of
   * waiting out the rest of sensors.afeLossDelayMs.
   */
  afeCommLost: boolean;
  /**
   * Per FaultId (length faultCount): the AFE's own hardware protection acted for that row's
   * cause since the last tick (AfeChipFaults mapped by the shell). The row's fault tier trips at
   * once, whatever the measured value (after a short-circuit trip the current already reads 0),
   * and the event log records the chip as the cause (EventKind.faultSet cause 2).
   */
  chipFault: boolean[];
}

export const RequestedMode = {
  /** Both paths open, nothing balanced. */
  standby: 0,
  /** Paths closed where protection allows. */
  run: 1,
} as const;
export type RequestedMode = (typeof RequestedMode)[keyof typeof RequestedMode];

/** One tick of input: the measurements plus what was asked of the BMS. */
export interface Inputs {
  measurements: Measurements;
  requestedMode: RequestedMode;
  /** Clear latched faults whose condition is gone (a command; a reset does the same). */
  clearFaults: boolean;
}

export const BmsMode = {
  init: 0,
  standby: 1,
  active: 2,
  fault: 3,
} as const;
export type BmsMode = (typeof BmsMode)[keyof typeof BmsMode];
export const bmsModeName = ["init", "standby", "active", "fault"];

export const Activity = {
  idle: 0,
  charge: 1,
  discharge: 2,
} as const;
export type Activity = (typeof Activity)[keyof typeof Activity];
export const activityName = ["idle", "charge", "discharge"];

/** Kinds of event-log entries. */
export const EventKind = {
  /** `value` = new BmsMode, `cause` = FaultId or −1. */
  mode: 0,
  /**
   * `value` = FaultId; `cause` = 1 for the fault tier, 0 for the warning tier, 2 for the fault
   * tier tripped by the AFE's own protection (FaultCause).
   */
  faultSet: 1,
  faultCleared: 2,
  /** `value` = new Activity. */
  activity: 3,
  /** `value` = SoC after the correction (centiPct), `cause` = SocAnchor. */
  socCorrected: 4,
  /**
   * The shell restarted the AFE (wrote its configuration again) after the chip reported a reset
   * or an internal error. `value` = restarts since start, `cause` = 1 when the restart was
   * confirmed, 0 when it failed (retried next tick).
   */
  afeRestart: 5,
  /**
   * The EMS command link (firmware/ems/link.ts): `value` = 1 lost (timed out), 0 restored (OK
   * again, or OK for the first time); `cause` = the configured LinkAction.
   */
  emsLink: 6,
} as const;
export type EventKind = (typeof EventKind)[keyof typeof EventKind];
export const eventKindName = ["mode", "fault-set", "fault-cleared", "activity", "soc-corrected", "afe-restart", "ems-link"];

/** `cause` of an EventKind.faultSet event. */
export const FaultCause = {
  warning: 0,
  /** The firmware's own fault tier, from the measured value. */
  firmware: 1,
  /** The AFE's hardware protection acted first; the firmware records and follows it. */
  chip: 2,
} as const;

/** A bounded ring of events; parallel arrays so nothing is allocated when one is logged. */
export interface EventLog {
  timeMs: number[];
  kind: number[];
  value: number[];
  cause: number[];
  /** Index of the next slot to write. */
  next: number;
  /** Events held (≤ capacity). */
  count: number;
  /** Events ever logged, so a reader can tell what it has not seen yet. */
  total: number;
  /**
   * Sequence number of the first event of this run: events below it were restored from storage
   * after a reset (firmware/persist.ts) and carry the previous run's clock in timeMs. 0 when
   * nothing was restored.
   */
  bootSequence: number;
}

/** Per-row debounce state of the fault table, parallel arrays indexed by FaultId. */
export interface FaultState {
  warnActive: boolean[];
  faultActive: boolean[];
  warnCounterMs: number[];
  faultCounterMs: number[];
  /** The fault tier tripped and latched: waits for a clear. */
  latched: boolean[];
  /** The active fault tier was tripped by the AFE's own protection (FaultCause.chip). */
  byChip: boolean[];
}

/**
 * The fault table compiled from the configuration at start (firmware/faults.ts), parallel arrays
 * indexed by FaultId, plus the input of each row for the current tick. The row kinds (quantity,
 * direction, action) are constants in firmware/faults.ts.
 */
export interface FaultTable {
  warnLevel: number[];
  faultLevel: number[];
  /** Release hysteresis of the fault tier. */
  hysteresis: number[];
  /** Release hysteresis of the warning tier (FaultLimit.hysteresis, at most |fault − warn|). */
  warnHysteresis: number[];
  warnDelayMs: number[];
  faultDelayMs: number[];
  latch: boolean[];
  /** This tick: the row's measured quantity (1/0 for a boolean condition). */
  value: number[];
  /** This tick: the quantity was measured; a row without it holds its counters. */
  available: boolean[];
}

export const SocAnchor = {
  none: 0,
  ocvBoot: 1,
  ocvRest: 2,
  full: 3,
  empty: 4,
} as const;
export type SocAnchor = (typeof SocAnchor)[keyof typeof SocAnchor];

export interface SocState {
  initialized: boolean;
  /** Usable capacity in use for SoC (from the SoH estimate), in mAs. */
  capacityMas: number;
  /** Charge in the pack, mAs, clamped to 0..capacityMas. */
  remainingMas: number;
  /** Sub-mAs remainder of the integration, in mA·ms (|value| < 1000 per mA). */
  remainderMaMs: number;
  socCentiPct: number;
  /** Time spent at rest so far. */
  restMs: number;
  /** The OCV correction has been applied during the current rest. */
  restCorrected: boolean;
  /** Time the end-of-charge condition has held. */
  fullMs: number;
  /** The full anchor was taken in this charge; a discharge re-arms it. */
  fullAnchored: boolean;
  /** Last reliable anchor: its SoC and the kind. */
  anchorSocCentiPct: number;
  anchorKind: SocAnchor;
  /** Net charge counted since the last anchor, mAs, positive into the pack. */
  sinceAnchorMas: number;
  sohCentiPct: number;
  /** Equivalent full cycles × 100 (discharged mAs / capacity). */
  cycleCentiCount: number;
  /** Discharged charge not yet counted into cycleCentiCount (< capacity/100), so no counter outgrows 32 bits. */
  dischargedMas: number;
}

export interface BalanceState {
  /** Per cell: being bled now. */
  active: boolean[];
  count: number;
  /** Per cell, scratch of the selection: 0 not a candidate, 1 may start, 2 bleeding and may go on. */
  candidate: number[];
}

export interface SensorState {
  lastCurrentMa: number;
  currentSameMs: number;
  /** Identical readings in a row (capped at measure.ts currentStuckSamples). */
  currentSameCount: number;
}

export interface Outputs {
  mode: BmsMode;
  activity: Activity;
  /** Close the charge path (FET on). */
  chargeEnable: boolean;
  /** Close the discharge path (FET on). */
  dischargeEnable: boolean;
  /** Per cell: bleed resistor on. */
  balance: boolean[];
  balanceCount: number;
  chargeCurrentLimitMa: number;
  dischargeCurrentLimitMa: number;
  chargeVoltageLimitMv: number;
  dischargeVoltageLimitMv: number;
  socCentiPct: number;
  sohCentiPct: number;
  minCellMv: number;
  maxCellMv: number;
  minCellIndex: number;
  maxCellIndex: number;
  sumCellMv: number;
  minTemperatureDeciC: number;
  maxTemperatureDeciC: number;
  /** Per FaultId: the fault tier is active (path action in force). */
  faultActive: boolean[];
  /** Per FaultId: the warning tier is active. */
  warningActive: boolean[];
  faultCount: number;
  warningCount: number;
}

export interface BmsState {
  mode: BmsMode;
  activity: Activity;
  /** nowMs of the previous step, or −1 before the first. */
  lastNowMs: number;
  faults: FaultState;
  /** Compiled from the configuration by createState: step() reads the levels from here. */
  faultTable: FaultTable;
  soc: SocState;
  balance: BalanceState;
  sensors: SensorState;
  events: EventLog;
  /** The outputs object step() fills and returns: made once, reused every tick. */
  out: Outputs;
}
