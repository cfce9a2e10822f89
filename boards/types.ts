// SPDX-License-Identifier: MIT
// A board definition: the MCU, its pins and buses, the AFE and how the pack is wired to it, the
// current sensor, the switches, and the pack configuration. Pack parameters (chemistry, capacity,
// limits) stay in `pack`, separate from the wiring (prior-art.md §11 item 10).
import type { PackConfig } from "../firmware/types";

export type McuFamily = "espruino" | "nodemcu";

export interface McuDefinition {
  family: McuFamily;
  /** Board model as its firmware names it (Espruino BOARD name or NodeMCU target). */
  model: string;
  clockMhz: number;
  /** Interpreter variables available (Espruino JsVars); 0 where not applicable. */
  jsVars: number;
  /** Every pin name this MCU offers, for the pin checks. */
  pins: string[];
}

export interface SpiBusDefinition {
  name: string;
  clock: string;
  input: string;
  output: string;
}

export interface Ltc681xAfeDefinition {
  type: "ltc6811" | "ltc6813";
  spiBus: string;
  select: string;
  /** SPI clock, at most 1 MHz (afe-chips.md §1.1). */
  hz: number;
  /** Daisy-chain length; cells and thermistors are listed per device, bottom device first. */
  devices: number;
  cellsPerDevice: number[];
  thermistorsPerDevice: number[];
  /** Consecutive failed measurements before the link counts as lost. */
  pecErrorLimit: number;
  openWireIntervalMs: number;
  /** DCTO nibble: hardware timeout of the bleed switches if the controller stops (§1.5). */
  dischargeTimeoutCode: number;
  /** Balancing resistor per cell, Ω. */
  bleedOhms: number;
}

export type AfeDefinition = Ltc681xAfeDefinition;

export interface CurrentSensorDefinition {
  pin: string;
  resolutionBits: number;
  zeroCount: number;
  milliampsPerCount: number;
}

export interface SwitchesDefinition {
  chargePin: string;
  dischargePin: string;
  /** Pin level that closes the path (FET on). */
  onLevel: number;
}

export interface BoardDefinition {
  name: string;
  description: string;
  mcu: McuDefinition;
  spi: SpiBusDefinition[];
  afe: AfeDefinition;
  currentSensor: CurrentSensorDefinition;
  switches: SwitchesDefinition;
  pack: PackConfig;
  /** Control loop period. */
  tickMs: number;
}
