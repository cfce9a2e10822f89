// SPDX-License-Identifier: MIT
// The shell around the pure core: read the AFE and the current sensor into the measurement
// buffers, call step(), apply what it returns (switches, bleed resistors), kick the watchdog.
// It is the only firmware code that touches hardware, and it never lets an exception escape the
// control loop: anything thrown opens both paths and is counted.
import type { Afe } from "../hal/afe";
import type { Clock, DigitalOut, Watchdog } from "../hal/hal";
import type { ShuntCurrentSense } from "../hal/current-sense";
import { booleanArray, numberArray } from "./alloc";
import { createState } from "./state";
import { step } from "./step";
import { validateConfig } from "./validate";
import { RequestedMode } from "./types";
import type { BmsState, Inputs, Outputs, PackConfig } from "./types";

export interface BmsShellOptions {
  conf: PackConfig;
  afe: Afe;
  current: ShuntCurrentSense;
  chargeSwitch: DigitalOut;
  dischargeSwitch: DigitalOut;
  /** Pin level that closes a path (FET on). */
  switchOnLevel: number;
  clock: Clock;
  watchdog: Watchdog | undefined;
}

export class BmsShell {
  readonly conf: PackConfig;
  readonly state: BmsState;
  readonly inputs: Inputs;
  /** Exceptions caught in the control loop since start. */
  internalErrors = 0;
  private readonly afe: Afe;
  private readonly current: ShuntCurrentSense;
  private readonly chargeSwitch: DigitalOut;
  private readonly dischargeSwitch: DigitalOut;
  private readonly onLevel: number;
  private readonly offLevel: number;
  private readonly clock: Clock;
  private readonly watchdog: Watchdog | undefined;
  private afeStarted = false;

  /** Throws, naming every bad field, when the configuration is unsafe: nothing starts then. */
  constructor(options: BmsShellOptions) {
    const problems = validateConfig(options.conf);
    if (problems.length > 0) throw new Error("configuration rejected: " + problems.join("; "));
    if (options.afe.cellCount !== options.conf.seriesCount) {
      throw new Error("configuration rejected: seriesCount " + options.conf.seriesCount + " but the AFE reads " + options.afe.cellCount + " cells");
    }
    if (options.afe.temperatureCount !== options.conf.temperatureCount) {
      throw new Error("configuration rejected: temperatureCount " + options.conf.temperatureCount + " but the AFE reads " + options.afe.temperatureCount);
    }
    this.conf = options.conf;
    this.afe = options.afe;
    this.current = options.current;
    this.chargeSwitch = options.chargeSwitch;
    this.dischargeSwitch = options.dischargeSwitch;
    this.onLevel = options.switchOnLevel;
    this.offLevel = options.switchOnLevel === 1 ? 0 : 1;
    this.clock = options.clock;
    this.watchdog = options.watchdog;
    this.state = createState(options.conf);
    this.inputs = {
      measurements: {
        cellMv: numberArray(options.conf.seriesCount, 0),
        stackMv: 0,
        currentMa: 0,
        temperatureDeciC: numberArray(options.conf.temperatureCount, 0),
        cellsValid: false,
        temperaturesValid: false,
        currentValid: false,
        openWire: booleanArray(options.conf.seriesCount, false),
        afeCommLost: false,
      },
      requestedMode: options.conf.autoStart ? RequestedMode.run : RequestedMode.standby,
      clearFaults: false,
    };
    // Both paths open until the first step has judged real measurements.
    this.chargeSwitch.write(this.offLevel);
    this.dischargeSwitch.write(this.offLevel);
  }

  /** Ask for run or standby; the core still refuses anything protection forbids. */
  requestMode(mode: RequestedMode): void {
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
      if (!this.afeStarted) this.afeStarted = this.afe.start(nowMs);
      this.afe.measure(m, nowMs);
      m.afeCommLost = this.afe.diagnostics.commLost;
      m.currentMa = this.current.read();
      m.currentValid = this.current.valid;
      const out = step(this.conf, this.state, this.inputs, nowMs);
      this.inputs.clearFaults = false;
      this.apply(out);
      // Kick only after a good AFE read: a controller that can no longer see its cells must not
      // keep the watchdog quiet (espruino.md §7, Watchdog).
      if (m.cellsValid && this.watchdog !== undefined) this.watchdog.kick();
      return out;
    } catch {
      this.internalErrors++;
      this.chargeSwitch.write(this.offLevel);
      this.dischargeSwitch.write(this.offLevel);
      this.state.out.chargeEnable = false;
      this.state.out.dischargeEnable = false;
      return this.state.out;
    }
  }

  private apply(out: Outputs): void {
    this.chargeSwitch.write(out.chargeEnable ? this.onLevel : this.offLevel);
    this.dischargeSwitch.write(out.dischargeEnable ? this.onLevel : this.offLevel);
    this.afe.setBalancing(out.balance);
  }
}
