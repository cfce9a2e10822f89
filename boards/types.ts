// SPDX-License-Identifier: MIT
// A board definition: the MCU, its pins and buses, the AFE and how the pack is wired to it, the
// current sensor, the switches, and the pack configuration. Pack parameters (chemistry, capacity,
// limits) stay in `pack`, separate from the wiring (prior-art.md §11 item 10).
import type { PackConfig } from "../firmware/types";
import type { EmsConfig } from "../firmware/ems/link-config";

export type McuFamily = "espruino" | "nodemcu";

export interface McuDefinition {
  family: McuFamily;
  /** Board model as its firmware names it (Espruino BOARD name or NodeMCU target). */
  model: string;
  clockMhz: number;
  /** Interpreter variables available (Espruino JsVars); 0 where not applicable. */
  jsVars: number;
  /**
   * Bytes of flash for saved code and Storage files (Espruino: the .bootcde the firmware runs
   * from, and the persisted state), ../shared/reference/espruino.md §6; 0 where not applicable.
   */
  savedCodeBytes: number;
  /** Every pin name this MCU offers, for the pin checks. */
  pins: string[];
}

export interface SpiBusDefinition {
  name: string;
  clock: string;
  input: string;
  output: string;
}

export interface I2cBusDefinition {
  name: string;
  data: string;
  clock: string;
  /** Bus clock; the TI AFEs take at most 400 kHz (afe-chips.md §2.1, §3). */
  hz: number;
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

/** TI BQ76952, 3–16 cells on I2C, FETs and current on the chip (afe-chips.md §2). */
export interface Bq76952AfeDefinition {
  type: "bq76952";
  i2cBus: string;
  /** 7-bit address, 0x08 unless reprogrammed. */
  address: number;
  /** The part's I2C CRC mode (part-number dependent, §2.1). */
  crc: boolean;
  /** Cell input (1..16) of each cell, bottom first; default 1..cells. */
  cellChannels?: number[];
  thermistors: number;
  /** Sense resistor, µΩ: the chip's current reading and OC/SC thresholds derive from it. */
  shuntMicroOhm: number;
  pecErrorLimit: number;
  /** Cells that may bleed at once (package dissipation, cells-and-limits.md §10). */
  balancingMaxCells: number;
  bleedOhms: number;
  /** The chip's host watchdog, s (0 = off): it opens the FETs if the MCU stops talking; default 2 (hal/bq76952/options.ts). */
  hostWatchdogS?: number;
}

/** TI bq76920/30/40, 3–15 cells on I2C, FETs and coulomb counter on the chip (§3). */
export interface Bq769x0AfeDefinition {
  type: "bq76920" | "bq76930" | "bq76940";
  i2cBus: string;
  /** 0x08 or 0x18 by part number. */
  address: number;
  thermistors: number;
  shuntMicroOhm: number;
  pecErrorLimit: number;
  balancingMaxCells: number;
  bleedOhms: number;
}

export type AfeDefinition = Ltc681xAfeDefinition | Bq76952AfeDefinition | Bq769x0AfeDefinition;

/** The AFE families: the LTC681x on SPI, the TI chips on I2C. */
export function isLtc681x(afe: AfeDefinition): afe is Ltc681xAfeDefinition {
  return afe.type === "ltc6811" || afe.type === "ltc6813";
}

export function isBq769x0(afe: AfeDefinition): afe is Bq769x0AfeDefinition {
  return afe.type === "bq76920" || afe.type === "bq76930" || afe.type === "bq76940";
}

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

/** An MCP2515 CAN controller on one of the board's SPI buses (can-link.md §6). */
export interface Mcp2515TransportDefinition {
  kind: "mcp2515";
  spiBus: string;
  select: string;
  /** SPI clock, at most 10 MHz. */
  hz: number;
  /** The controller's crystal: 8 or 16 MHz on common modules. */
  crystalHz: number;
  /** CAN bitrate: 500 kbit/s for the inverter profile (§1). */
  bitrate: number;
}

/** SLCAN (Lawicel text) on a UART: a USB-serial adapter or a host's serial port (§5). */
export interface SlcanTransportDefinition {
  kind: "slcan";
  serial: string;
  receive: string;
  transmit: string;
  baud: number;
  /** The CAN bitrate the host is told before it sends an S command. */
  bitrate: number;
}

/** The EMS link: its transport, what the BMS calls itself, and how it supervises commands. */
export interface EmsLinkDefinition {
  transport: Mcp2515TransportDefinition | SlcanTransportDefinition;
  /** 0x35E name, up to 8 ASCII characters ("PYLON" for Pylon-compatible inverters, §1.1). */
  name: string;
  /** Also send the Pylontech frames 0x359 and 0x35C. */
  pylon: boolean;
  /** Command supervision: timeout, action on loss, counters (firmware/ems/link-config.ts). */
  supervision: EmsConfig;
}

export interface BoardDefinition {
  name: string;
  description: string;
  mcu: McuDefinition;
  spi: SpiBusDefinition[];
  i2c: I2cBusDefinition[];
  afe: AfeDefinition;
  /** A shunt amplifier on an MCU ADC; absent: the AFE measures the current (BQ chips). */
  currentSensor?: CurrentSensorDefinition;
  /** FET or contactor driver pins; absent: the AFE drives the FETs (BQ chips). */
  switches?: SwitchesDefinition;
  pack: PackConfig;
  /** The link to the EMS or inverter; absent: the BMS runs on its own. */
  ems?: EmsLinkDefinition;
  /** Control loop period. */
  tickMs: number;
}
