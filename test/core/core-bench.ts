// SPDX-License-Identifier: MIT
// A test bench for the core: a preset configuration, its state, and measurements the tests set
// directly, stepped at a fixed tick on an injected clock.
import { presetConfig } from "../../firmware/config";
import { createState } from "../../firmware/state";
import { step } from "../../firmware/step";
import { BmsMode, RequestedMode } from "../../firmware/types";
import type { BmsState, Chemistry, Inputs, Outputs, PackConfig } from "../../firmware/types";
import { faultCount } from "../../firmware/fault-ids";

/** A mid-SoC rest voltage per chemistry (cells-and-limits.md §4), far from every limit. */
export const nominalCellMv: Record<Chemistry, number> = { LFP: 3300, NMC: 3700, LTO: 2300 };

/** A preset with two thermistors, as most boards have. */
export function benchConfig(chemistry: Chemistry, cells = 8, capacityMah = 10000): PackConfig {
  const c = presetConfig(chemistry, cells, capacityMah);
  c.temperatureCount = 2;
  return c;
}

export class Bench {
  readonly state: BmsState;
  readonly inputs: Inputs;
  /** Time of the last step (ms). */
  now = 0;
  /** Pack current the test sets, mA; the bench adds a 1 mA flicker away from 0 on odd ticks,
   * as a real converter's noise would (a frozen reading under load is a stuck sensor). */
  currentMa = 0;
  /** Added to the sum of the cells to form the stack reading. */
  stackOffsetMv = 0;
  /** Overrides the computed stack reading when defined. */
  stackMv: number | undefined = undefined;
  private ticks = 0;

  constructor(
    readonly conf: PackConfig,
    readonly tickMs = 100,
  ) {
    this.state = createState(conf);
    const cells = new Array<number>(conf.seriesCount).fill(nominalCellMv[conf.chemistry]);
    this.inputs = {
      measurements: {
        cellMv: cells,
        stackMv: 0,
        currentMa: 0,
        temperatureDeciC: new Array<number>(conf.temperatureCount).fill(250),
        cellsValid: true,
        temperaturesValid: true,
        currentValid: true,
        openWire: new Array<boolean>(conf.seriesCount).fill(false),
        afeCommLost: false,
        chipFault: new Array<boolean>(faultCount).fill(false),
      },
      requestedMode: RequestedMode.run,
      clearFaults: false,
    };
  }

  get m() {
    return this.inputs.measurements;
  }

  get out(): Outputs {
    return this.state.out;
  }

  setAllCells(mv: number): void {
    this.m.cellMv.fill(mv);
  }

  /** One tick: the clock advances by tickMs (no advance on the very first step). */
  step(clear = false): Outputs {
    if (this.ticks > 0) this.now += this.tickMs;
    const m = this.m;
    const flicker = this.ticks % 2 === 1 ? Math.sign(this.currentMa) : 0;
    m.currentMa = this.currentMa + flicker;
    m.stackMv = this.stackMv ?? m.cellMv.reduce((a, b) => a + b, 0) + this.stackOffsetMv;
    this.inputs.clearFaults = clear;
    this.ticks++;
    return step(this.conf, this.state, this.inputs, this.now);
  }

  /** Steps for `ms` of clock time. */
  run(ms: number): Outputs {
    for (let t = 0; t < ms; t += this.tickMs) this.step();
    return this.out;
  }

  /** Steps until the mode is active (fails the test if it does not get there). */
  activate(): this {
    for (let k = 0; k < 5 && this.out.mode !== BmsMode.active; k++) this.step();
    if (this.out.mode !== BmsMode.active) throw new Error(`bench: mode ${this.out.mode} after 5 steps, not active`);
    return this;
  }

  /** Events in the log, oldest first, as plain objects. */
  events(): { timeMs: number; kind: number; value: number; cause: number }[] {
    const log = this.state.events;
    const list = [];
    for (let k = 0; k < log.count; k++) {
      const slot = (log.next - log.count + k + log.timeMs.length) % log.timeMs.length;
      list.push({ timeMs: log.timeMs[slot], kind: log.kind[slot], value: log.value[slot], cause: log.cause[slot] });
    }
    return list;
  }
}
