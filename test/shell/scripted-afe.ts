// SPDX-License-Identifier: MIT
// A scriptable AFE for the shell tests: it measures the current and drives the FETs (as a BQ
// chip does), records every contract call in order, and answers what the test scripts. Its FETs
// follow a successful setSwitches, and readChipFaults reports them, as a real chip would.
// rig() wires it to a BmsShell with no current sensor and no switch pins, on a simulated clock.
import { AfeStatus } from "../../hal/afe";
import type { Afe, AfeChipFaults, AfeLimits, AfeReading } from "../../hal/afe";
import { createChipFaults } from "../../firmware/chip-faults";
import { presetConfig } from "../../firmware/config";
import { eventSlot } from "../../firmware/events";
import { BmsShell } from "../../firmware/shell";
import { BmsMode } from "../../firmware/types";
import { SimClock } from "../../sim/hal/clock";

export interface AfeCall {
  /** Contract method name. */
  name: "start" | "configure" | "selfTest" | "measure" | "setBalancing" | "setSwitches" | "readChipFaults";
  /** Tick of the test (ScriptedAfe.tick, set by the test's tick loop). */
  tick: number;
  /** setSwitches: [charge, discharge]; setBalancing: the mask. */
  args?: boolean[];
  /** configure: a copy of the limits asked for. */
  limits?: AfeLimits;
}

export class ScriptedAfe implements Afe {
  readonly diagnostics = { pecErrors: 0, consecutiveFailures: 0, commLost: false };
  readonly measuresCurrent = true;
  readonly controlsSwitches = true;
  readonly calls: AfeCall[] = [];
  /** Set by the test before each shell tick, to date the calls. */
  tick = 0;
  // ---- script ----
  cellMv = 3300;
  currentMa = 0;
  currentValid = true;
  temperatureDeciC = 250;
  valid = true;
  startResult = true;
  /** Answers of configure(), first first; the last one repeats. */
  configureResults: AfeStatus[] = [AfeStatus.ok];
  /** Answers of setSwitches(), first first; empty = ok. */
  switchResults: AfeStatus[] = [];
  chipStatus: AfeStatus = AfeStatus.ok;
  selfTestResult: AfeStatus = AfeStatus.notSupported;
  /** Flags the chip reports (deviceError included); its FET fields are kept by the fake. */
  readonly flags: AfeChipFaults = createChipFaults();
  /** A start() clears deviceError, as a chip does once it is configured again. */
  startClearsDeviceError = true;
  throwOnMeasure = false;
  throwOnSetSwitches = false;
  /** What the quantised chip holds: the asked limits minus this (mV / mA / deciC alike). */
  appliedOffset = 1;
  // ---- the chip's state ----
  chargeOn = false;
  dischargeOn = false;
  balancing: boolean[] = [];

  constructor(
    readonly cellCount: number,
    readonly temperatureCount: number,
  ) {}

  count(name: AfeCall["name"]): number {
    return this.calls.filter((c) => c.name === name).length;
  }

  callsOf(name: AfeCall["name"]): AfeCall[] {
    return this.calls.filter((c) => c.name === name);
  }

  /** A power-on reset of the chip: FETs off, balancing off, deviceError until start(). */
  reset(): void {
    this.chargeOn = false;
    this.dischargeOn = false;
    this.balancing = [];
    this.flags.deviceError = true;
  }

  start(): boolean {
    this.calls.push({ name: "start", tick: this.tick });
    if (!this.startResult) return false;
    // The contract: start() leaves the FETs off.
    this.chargeOn = false;
    this.dischargeOn = false;
    if (this.startClearsDeviceError) this.flags.deviceError = false;
    return true;
  }

  configure(limits: AfeLimits, applied: AfeLimits): AfeStatus {
    this.calls.push({ name: "configure", tick: this.tick, limits: { ...limits } });
    const status = this.configureResults.length > 1 ? this.configureResults.shift()! : this.configureResults[0];
    if (status === AfeStatus.ok) {
      for (const key of Object.keys(limits) as (keyof AfeLimits)[]) applied[key] = limits[key] - this.appliedOffset;
    }
    return status;
  }

  measure(into: AfeReading): void {
    this.calls.push({ name: "measure", tick: this.tick });
    if (this.throwOnMeasure) throw new Error("bus exploded");
    for (let i = 0; i < this.cellCount; i++) into.cellMv[i] = this.cellMv;
    into.stackMv = this.cellMv * this.cellCount;
    for (let i = 0; i < this.temperatureCount; i++) into.temperatureDeciC[i] = this.temperatureDeciC;
    into.currentMa = this.currentMa;
    into.currentValid = this.valid && this.currentValid;
    into.cellsValid = this.valid;
    into.temperaturesValid = this.valid;
  }

  setBalancing(mask: boolean[]): AfeStatus {
    this.calls.push({ name: "setBalancing", tick: this.tick, args: mask.slice() });
    this.balancing = mask.slice();
    return AfeStatus.ok;
  }

  setSwitches(charge: boolean, discharge: boolean): AfeStatus {
    this.calls.push({ name: "setSwitches", tick: this.tick, args: [charge, discharge] });
    if (this.throwOnSetSwitches) throw new Error("I2C peripheral threw");
    const status = this.switchResults.shift() ?? AfeStatus.ok;
    if (status === AfeStatus.ok) {
      this.chargeOn = charge;
      this.dischargeOn = discharge;
    }
    return status;
  }

  readChipFaults(into: AfeChipFaults): AfeStatus {
    this.calls.push({ name: "readChipFaults", tick: this.tick });
    if (this.chipStatus !== AfeStatus.ok) return this.chipStatus;
    Object.assign(into, this.flags);
    into.chargeOn = this.chargeOn;
    into.dischargeOn = this.dischargeOn;
    return AfeStatus.ok;
  }

  selfTest(): AfeStatus {
    this.calls.push({ name: "selfTest", tick: this.tick });
    return this.selfTestResult;
  }
}

export const tickMs = 100;

/** A 4S LFP 10 Ah pack with two thermistors on a ScriptedAfe; `setup` scripts it before start. */
export function rig(setup: (afe: ScriptedAfe) => void = () => {}) {
  const conf = presetConfig("LFP", 4, 10000);
  conf.temperatureCount = 2;
  const clock = new SimClock();
  const afe = new ScriptedAfe(conf.seriesCount, conf.temperatureCount);
  setup(afe);
  const shell = new BmsShell({ conf, afe, current: undefined, switches: undefined, clock, watchdog: undefined });
  const tick = (n = 1) => {
    for (let i = 0; i < n; i++) {
      afe.tick++;
      clock.advance(tickMs);
      shell.tick();
    }
  };
  const events = () => {
    const log = shell.state.events;
    const list: { kind: number; value: number; cause: number }[] = [];
    for (let k = 0; k < log.count; k++) {
      const s = eventSlot(log, k);
      list.push({ kind: log.kind[s], value: log.value[s], cause: log.cause[s] });
    }
    return list;
  };
  /** Ticks until the shell is active with both FETs on; throws otherwise. */
  const activate = () => {
    tick(3);
    if (shell.state.mode !== BmsMode.active || !afe.chargeOn || !afe.dischargeOn) {
      throw new Error(`rig: mode ${shell.state.mode}, FETs ${afe.chargeOn}/${afe.dischargeOn} after 3 ticks, not active with both on`);
    }
  };
  return { conf, afe, shell, tick, events, activate, out: shell.state.out };
}

/** Arguments of the setSwitches calls made at or after `fromTick`. */
export function switchWrites(afe: ScriptedAfe, fromTick: number): boolean[][] {
  return afe.callsOf("setSwitches")
    .filter((c) => c.tick >= fromTick)
    .map((c) => c.args!);
}
