// SPDX-License-Identifier: MIT
// The shell around the pure core: start and configure the AFE, read its own protection status
// and its measurement (and a separate current sensor where the board has one) into the
// measurement buffers, call step(), apply what it returns (switches, bleed resistors), kick the
// watchdog. It is the only firmware code that touches hardware, and it never lets an exception
// escape the control loop: anything thrown opens both paths and is counted.
//
// The switches are either two pins (an LTC681x board drives its FETs or contactors itself) or
// the AFE's own FET drivers (bq769x0, bq76952). Writes to the AFE happen when something changed,
// when the chip reports its FETs other than commanded, and every refreshTicks ticks, so an I2C
// bus is not loaded with the same command ten times a second.
import { AfeStatus } from "../hal/afe";
import type { Afe, AfeChipFaults, AfeLimits } from "../hal/afe";
import type { Clock, DigitalOut, Storage, Watchdog } from "../hal/hal";
import type { ShuntCurrentSense } from "../hal/current-sense";
import { chipLimits, createAfeLimits } from "./afe-limits";
import { EmsLink } from "./ems/ems-link";
import type { EmsLinkOptions } from "./ems/ems-link";
import { booleanArray } from "./alloc";
import { createChipFaults, mapChipFaults } from "./chip-faults";
import { logEvent } from "./events";
import { createPersistState, persistIfDue, PersistStatus, restorePersisted } from "./persist";
import type { PersistState } from "./persist";
import { FaultId } from "./fault-ids";
import { createMeasurements, createState, runConfig } from "./state";
import { step } from "./step";
import { validateConfig } from "./validate";
import { EventKind, RequestedMode } from "./types";
import type { BmsState, Inputs, Outputs, PackConfig, RunConfig } from "./types";

/** Switch pins of a board whose FETs or contactors the MCU drives. */
export interface ShellSwitchPins {
  charge: DigitalOut;
  discharge: DigitalOut;
  /** Pin level that closes a path (FET on). */
  onLevel: number;
}

export interface BmsShellOptions {
  conf: PackConfig;
  afe: Afe;
  /** A shunt on an MCU ADC; undefined: the AFE measures the current (afe.measuresCurrent). */
  current: ShuntCurrentSense | undefined;
  /** Switch pins; undefined: the AFE drives the FETs (afe.controlsSwitches). */
  switches: ShellSwitchPins | undefined;
  clock: Clock;
  watchdog: Watchdog | undefined;
  /** The link to the EMS or inverter; undefined: the BMS runs on its own. */
  ems?: EmsLinkOptions;
  /** Where SoC, SoH, cycles, latched faults and events survive a reset (firmware/persist.ts). */
  storage?: Storage;
}

/** Rewrite switches and balancing to the AFE at least this often (ticks), whatever changed. */
export const refreshTicks = 50;

export class BmsShell {
  readonly conf: RunConfig;
  readonly state: BmsState;
  readonly inputs: Inputs;
  /** Exceptions caught in the control loop since start. */
  internalErrors = 0;
  /** The chip reported a reset or internal error and was started and configured again. */
  afeRestarts = 0;
  /** What configure() answered at the last start; −1 before the first. */
  afeConfigStatus = -1;
  /**
   * What selfTest() answered at the last start; −1 before the first. A chip that failed it
   * cannot be trusted: the AFE row stays tripped (chip cause) until a restart passes it.
   */
  afeSelfTestStatus = -1;
  /** The thresholds asked of the chip's own protection, and what it holds after quantising. */
  readonly chipLimits: AfeLimits;
  readonly appliedLimits: AfeLimits;
  /** The chip's last protection status (valid when chipFaultsSupported). */
  readonly chipFaults: AfeChipFaults;
  chipFaultsSupported = true;
  /** The EMS link, when the board has one. */
  readonly ems: EmsLink | undefined;
  /** Save bookkeeping, and what restorePersisted found at start (PersistStatus). */
  readonly persist: PersistState = createPersistState();
  readonly persistStatus: number = PersistStatus.none;
  private readonly storage: Storage | undefined;
  private readonly afe: Afe;
  private readonly current: ShuntCurrentSense | undefined;
  private readonly pins: ShellSwitchPins | undefined;
  private readonly offLevel: number;
  private readonly clock: Clock;
  private readonly watchdog: Watchdog | undefined;
  private afeStarted = false;
  private deviceErrorBefore = false;
  private chipRead = false;
  /** What the AFE's FET drivers were last told, and whether that write went through. */
  private chargeCommanded = false;
  private dischargeCommanded = false;
  private switchesWritten = false;
  private readonly balanceWritten: boolean[];
  private balanceWrittenOk = false;
  private ticksSinceRefresh = 0;
  /** The mode asked locally (autoStart, requestMode); an EMS request overrides it while valid. */
  private ownMode: RequestedMode;

  /** Throws, naming every bad field, when the configuration is unsafe: nothing starts then. */
  constructor(options: BmsShellOptions) {
    const problems = validateConfig(options.conf);
    if (problems.length > 0) throw new Error("configuration rejected: " + problems.join("; "));
    const afe = options.afe;
    if (afe.cellCount !== options.conf.seriesCount) {
      throw new Error("configuration rejected: seriesCount " + options.conf.seriesCount + " but the AFE reads " + afe.cellCount + " cells");
    }
    if (afe.temperatureCount !== options.conf.temperatureCount) {
      throw new Error("configuration rejected: temperatureCount " + options.conf.temperatureCount + " but the AFE reads " + afe.temperatureCount);
    }
    if (options.current === undefined && !afe.measuresCurrent) throw new Error("configuration rejected: no current sensor and the AFE measures no current");
    if (options.switches === undefined && !afe.controlsSwitches) throw new Error("configuration rejected: no switch pins and the AFE drives no FETs");
    this.conf = runConfig(options.conf);
    this.afe = afe;
    this.current = options.current;
    this.pins = options.switches;
    this.offLevel = options.switches !== undefined && options.switches.onLevel === 0 ? 1 : 0;
    this.clock = options.clock;
    this.watchdog = options.watchdog;
    this.state = createState(options.conf);
    this.storage = options.storage;
    if (options.storage !== undefined) this.persistStatus = restorePersisted(options.storage, this);
    this.ownMode = options.conf.autoStart ? RequestedMode.run : RequestedMode.standby;
    this.inputs = {
      measurements: createMeasurements(options.conf),
      requestedMode: this.ownMode,
      clearFaults: false,
    };
    this.ems = options.ems !== undefined ? new EmsLink(options.ems, this.conf, this.state, this.inputs) : undefined;
    this.chipLimits = chipLimits(options.conf, createAfeLimits());
    this.appliedLimits = createAfeLimits();
    this.chipFaults = createChipFaults();
    this.balanceWritten = booleanArray(options.conf.seriesCount, false);
    // Both paths open until the first step has judged real measurements (the AFE's FETs are
    // forced off by its start()).
    this.writePins(false, false);
  }

  /** Ask for run or standby; the core still refuses anything protection forbids. */
  requestMode(mode: RequestedMode): void {
    this.ownMode = mode;
    this.inputs.requestedMode = mode;
  }

  /** Clear latched faults at the next tick (only those whose condition is gone). */
  clearFaults(): void {
    this.inputs.clearFaults = true;
  }

  /** One control period. Never throws. */
  tick(): Outputs {
    const nowMs = this.clock.nowMs();
    const m = this.inputs.measurements;
    try {
      if (!this.afeStarted) this.startAfe();
      this.readChip(nowMs);
      if (this.afeSelfTestStatus === AfeStatus.failed) m.chipFault[FaultId.afeComm] = true;
      else if (!this.chipFaultsSupported) m.chipFault[FaultId.afeComm] = false;
      this.afe.measure(m, nowMs);
      m.afeCommLost = this.afe.diagnostics.commLost;
      if (this.current !== undefined) {
        m.currentMa = this.current.read();
        m.currentValid = this.current.valid;
      }
      const ems = this.ems;
      if (ems !== undefined) ems.before(this.inputs, this.ownMode, nowMs);
      else this.inputs.requestedMode = this.ownMode;
      const out = step(this.conf, this.state, this.inputs, nowMs);
      this.inputs.clearFaults = false;
      this.apply(out);
      if (this.storage !== undefined) persistIfDue(this.storage, this, nowMs);
      if (ems !== undefined) ems.after(out, this.internalErrors, this.afeRestarts, nowMs);
      // Kick only after a good AFE read: a controller that can no longer see its cells must not
      // keep the watchdog quiet (espruino.md §7, Watchdog).
      if (m.cellsValid && this.watchdog !== undefined) this.watchdog.kick();
      return out;
    } catch {
      this.internalErrors++;
      this.state.out.chargeEnable = false;
      this.state.out.dischargeEnable = false;
      this.openAll();
      return this.state.out;
    }
  }

  /** start() then configure(); a bus failure in either retries at the next tick. */
  private startAfe(): boolean {
    this.afeStarted = this.afe.start(this.clock.nowMs());
    if (!this.afeStarted) return false;
    const status = this.afe.configure(this.chipLimits, this.appliedLimits);
    this.afeConfigStatus = status;
    // invalid: the chip cannot hold these thresholds; the firmware's own table still protects.
    if (status === AfeStatus.commError) this.afeStarted = false;
    else {
      const test = this.afe.selfTest();
      this.afeSelfTestStatus = test;
      if (test === AfeStatus.commError) this.afeStarted = false;
    }
    // A (re)started chip holds its defaults: write switches and balancing again.
    this.switchesWritten = false;
    this.balanceWrittenOk = false;
    return this.afeStarted;
  }

  /**
   * The chip's own protection status into the measurement's chipFault rows. A reset or internal
   * error restarts the AFE (logged once per episode); reported again on the next tick, the chip
   * cannot be trusted and the AFE row trips with the chip as cause.
   */
  private readChip(nowMs: number): void {
    const rows = this.inputs.measurements.chipFault;
    this.chipRead = false;
    if (!this.chipFaultsSupported) return;
    const status = this.afe.readChipFaults(this.chipFaults);
    if (status === AfeStatus.notSupported) this.chipFaultsSupported = false;
    if (status !== AfeStatus.ok) {
      for (let id = 0; id < rows.length; id++) rows[id] = false;
      return;
    }
    this.chipRead = true;
    mapChipFaults(this.chipFaults, rows);
    if (!this.chipFaults.deviceError) {
      this.deviceErrorBefore = false;
      return;
    }
    if (this.deviceErrorBefore) rows[FaultId.afeComm] = true;
    else this.afeRestarts++;
    const started = this.startAfe();
    if (!this.deviceErrorBefore) logEvent(this.state.events, nowMs, EventKind.afeRestart, this.afeRestarts, started ? 1 : 0);
    this.deviceErrorBefore = true;
    this.chipRead = false;
  }

  private writePins(charge: boolean, discharge: boolean): void {
    if (this.pins === undefined) return;
    const on = this.pins.onLevel;
    this.pins.charge.write(charge ? on : this.offLevel);
    this.pins.discharge.write(discharge ? on : this.offLevel);
  }

  /** Exceptions: open both paths by every means there is, each guarded on its own. */
  private openAll(): void {
    try {
      this.writePins(false, false);
    } catch {
      this.internalErrors++;
    }
    if (this.pins !== undefined) return;
    try {
      this.switchesWritten = false;
      this.afe.setSwitches(false, false);
    } catch {
      this.internalErrors++;
    }
  }

  private applyAfeSwitches(out: Outputs, refresh: boolean): void {
    const c = out.chargeEnable;
    const d = out.dischargeEnable;
    let due = refresh || !this.switchesWritten || c !== this.chargeCommanded || d !== this.dischargeCommanded;
    // The chip holding a FET other than commanded: say it again (a reset, a lost write).
    if (this.chipRead && (this.chipFaults.chargeOn !== c || this.chipFaults.dischargeOn !== d)) due = true;
    if (!due) return;
    this.chargeCommanded = c;
    this.dischargeCommanded = d;
    // Unwritten until the chip confirms: a setSwitches that throws is made again next tick.
    this.switchesWritten = false;
    this.switchesWritten = this.afe.setSwitches(c, d) === AfeStatus.ok;
  }

  private applyBalancing(balance: boolean[], refresh: boolean): void {
    let due = refresh || !this.balanceWrittenOk;
    for (let i = 0; i < balance.length && !due; i++) if (balance[i] !== this.balanceWritten[i]) due = true;
    if (!due) return;
    this.balanceWrittenOk = this.afe.setBalancing(balance) === AfeStatus.ok;
    for (let i = 0; i < balance.length; i++) this.balanceWritten[i] = balance[i];
  }

  private apply(out: Outputs): void {
    this.ticksSinceRefresh++;
    const refresh = this.ticksSinceRefresh >= refreshTicks;
    if (refresh) this.ticksSinceRefresh = 0;
    if (this.pins !== undefined) this.writePins(out.chargeEnable, out.dischargeEnable);
    else this.applyAfeSwitches(out, refresh);
    this.applyBalancing(out.balance, refresh);
  }
}
