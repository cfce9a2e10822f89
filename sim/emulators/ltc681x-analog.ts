// SPDX-License-Identifier: MIT
// What the emulated LTC681x chain measures: the pack's sense wires, the NTC dividers on the GPIOs
// and the bleed switches, through the port the rig wires to the pack model. Converts volts into
// 100 µV register codes with optional noise (../shared/reference/afe-chips.md §1.5, §1.9).
//
// Open sense wire (§1.7 emulator model): during ADOW the pull-up drags the floating node towards
// the node above and the pull-down towards the node below, a fraction per repetition (C-pin
// filter). In a normal conversion the floating node rests between its neighbours, so both cells
// read half of their sum. A device's bottom (C0) or top wire that floats is held by the V−/V+ pin
// next to it and reads normally except under the pull current that drags it away from that pin.
import type { Rng } from "../rng";
import { ntcDividerVolts } from "../ntc";
import { type Ltc681xDevice, toCode } from "./ltc681x-device";
import { channelCount, gpioCount, sumScale, type Variant } from "./ltc681x-protocol";

/** How the emulated chain reaches the pack. */
export interface Ltc681xPort {
  /** True terminal voltage of pack cell `i` (bottom cell 0), V. */
  cellVolts(i: number): number;
  /** Bleed switch of pack cell `i`. */
  setBleed(i: number, on: boolean): void;
  /** Temperature at thermistor `k` (bottom device's GPIO1 first), °C. */
  thermistorCelsius(k: number): number;
}

export type SenseMode = "normal" | "up" | "down";

/** 2nd reference (§1.5 AUXB: ≈ 3.0 V) and its spread between devices, V. */
const referenceVolts = 3.0;
const referenceSpreadVolts = 0.0015;

export class AnalogFrontEnd {
  private readonly firstCell: number[] = [];
  private readonly firstThermistor: number[] = [];
  private readonly open: boolean[];
  private readonly bleeding: boolean[];
  private readonly reference: number[];
  private readonly channels: number;
  private readonly gpios: number;

  constructor(
    private readonly port: Ltc681xPort,
    private readonly variant: Variant,
    private readonly cellsPerDevice: number[],
    private readonly thermistorsPerDevice: number[],
    private readonly rng: Rng,
    private readonly noiseMv: number,
  ) {
    let cells = 0;
    let thermistors = 0;
    for (let d = 0; d < cellsPerDevice.length; d++) {
      this.firstCell.push(cells);
      this.firstThermistor.push(thermistors);
      cells += cellsPerDevice[d];
      thermistors += thermistorsPerDevice[d];
    }
    this.open = new Array<boolean>(cells + 1).fill(false);
    this.bleeding = new Array<boolean>(cells).fill(false);
    // Each device's reference is a little off: the driver must divide by it, not assume 3 V.
    this.reference = cellsPerDevice.map(() => referenceVolts + rng.uniformBetween(-referenceSpreadVolts, referenceSpreadVolts));
    this.channels = channelCount(variant);
    this.gpios = gpioCount(variant);
  }

  setOpenWire(wire: number, open: boolean): void {
    if (!Number.isInteger(wire) || wire < 0 || wire >= this.open.length) {
      throw new Error(`Ltc681xChain openWire wire: ${wire} is outside 0..${this.open.length - 1}`);
    }
    this.open[wire] = open;
  }

  /** Volts → code with the configured noise. */
  private code(volts: number): number {
    return toCode(this.noiseMv > 0 ? volts + this.rng.normal(0, this.noiseMv / 1000) : volts);
  }

  /** Cell channel codes of device `d` (index 0 = channel 1); unused channels read ~0 V. */
  cellCodes(d: number, mode: SenseMode, fraction: number): number[] {
    const cells = this.cellsPerDevice[d];
    const base = this.firstCell[d];
    const node = [0];
    for (let j = 1; j <= cells; j++) node.push(node[j - 1] + this.port.cellVolts(base + j - 1));
    const seen = node.slice();
    for (let j = 0; j <= cells; j++) {
      if (!this.open[base + j]) continue;
      let target = node[j];
      if (mode === "up" && j < cells) target = node[j + 1];
      else if (mode === "down" && j > 0) target = node[j - 1];
      else if (mode === "normal" && j > 0 && j < cells) target = (node[j - 1] + node[j + 1]) / 2;
      seen[j] = node[j] + (mode === "normal" ? 1 : fraction) * (target - node[j]);
    }
    const codes: number[] = [];
    for (let ch = 1; ch <= this.channels; ch++) codes.push(this.code(ch <= cells ? Math.max(0, seen[ch] - seen[ch - 1]) : 0));
    return codes;
  }

  /** SC of device `d`: V+ to V− directly (open sense wires do not matter), ÷20 or ÷30 (§1.5). */
  sumCode(d: number): number {
    let sum = 0;
    for (let j = 0; j < this.cellsPerDevice[d]; j++) sum += this.port.cellVolts(this.firstCell[d] + j);
    return this.code(sum / sumScale(this.variant));
  }

  /** GPIO1..5 (…9) codes of device `d`: NTC dividers where wired, the pull-up level elsewhere. */
  gpioCodes(d: number): number[] {
    const codes: number[] = [];
    const ref = this.reference[d];
    for (let k = 0; k < this.gpios; k++) {
      const volts = k < this.thermistorsPerDevice[d] ? ntcDividerVolts(this.port.thermistorCelsius(this.firstThermistor[d] + k), ref) : ref;
      codes.push(this.code(volts));
    }
    return codes;
  }

  referenceCode(d: number): number {
    return this.code(this.reference[d]);
  }

  /**
   * ITMP at a 25 °C die (§1.5: 6811 V/7.5 mV − 273 °C, 6813 V/7.6 mV − 276 °C), VA 5.0 V, VD 3.3 V.
   */
  statusCodes(): { itmp: number; va: number; vd: number } {
    const itmpVolts = this.variant === "ltc6813" ? (25 + 276) * 0.0076 : (25 + 273) * 0.0075;
    return { itmp: toCode(itmpVolts), va: toCode(5.0), vd: toCode(3.3) };
  }

  /** Drive the pack's bleed switches from the devices' DCC bits; tell the port only on change. */
  syncBleed(devices: Ltc681xDevice[]): void {
    devices.forEach((dev, d) => {
      for (let ch = 1; ch <= this.cellsPerDevice[d]; ch++) {
        const i = this.firstCell[d] + ch - 1;
        const on = !dev.muted && dev.dcc(ch);
        if (on !== this.bleeding[i]) {
          this.bleeding[i] = on;
          this.port.setBleed(i, on);
        }
      }
    });
  }
}
