// SPDX-License-Identifier: MIT
// Checks a board definition before anything is built or simulated on it: every pin exists and is
// used once, the buses exist, the series count fits the AFE, the current and switches have a
// source, the pack configuration is sound.
import { validateConfig } from "../firmware/validate";
import { validateEmsConfig } from "../firmware/ems/link-config";
import { bitTiming } from "../hal/mcp2515/timing";
import { bitrateCode } from "../hal/slcan/options";
import { isBq769x0, isLtc681x } from "./types";
import type { BoardDefinition, Bq769x0AfeDefinition, Bq76952AfeDefinition, Ltc681xAfeDefinition } from "./types";

/** Channels per device (afe-chips.md §1.5: CVA–CVD on the 6811, CVA–CVF on the 6813). */
const cellChannels = { ltc6811: 12, ltc6813: 18 };
/** Thermistor inputs read by the driver: GPIO1..GPIO5 (AUXA, AUXB). */
const gpioInputs = 5;
/** bq769x0 cells per variant: 3..5 per 5-input group (§3). */
const bq769x0Cells = { bq76920: [3, 5], bq76930: [6, 10], bq76940: [9, 15] };
const bq769x0Thermistors = { bq76920: 1, bq76930: 2, bq76940: 3 };

type Problems = string[];

function ltc681x(board: BoardDefinition, afe: Ltc681xAfeDefinition, problems: Problems, usePin: (pin: string, role: string) => void): void {
  if (!board.spi.some((b) => b.name === afe.spiBus)) problems.push(`afe.spiBus: no SPI bus "${afe.spiBus}" on this board`);
  usePin(afe.select, "afe.select");
  if (afe.hz <= 0 || afe.hz > 1000000) problems.push(`afe.hz: ${afe.hz} is outside 1..1000000 (LTC681x SPI maximum 1 MHz)`);
  if (afe.cellsPerDevice.length !== afe.devices) problems.push(`afe.cellsPerDevice: ${afe.cellsPerDevice.length} entries for ${afe.devices} devices`);
  if (afe.thermistorsPerDevice.length !== afe.devices) problems.push(`afe.thermistorsPerDevice: ${afe.thermistorsPerDevice.length} entries for ${afe.devices} devices`);
  afe.cellsPerDevice.forEach((n, i) => {
    if (n < 1 || n > cellChannels[afe.type]) problems.push(`afe.cellsPerDevice[${i}]: ${n} cells do not fit an ${afe.type} (${cellChannels[afe.type]} channels)`);
  });
  afe.thermistorsPerDevice.forEach((n, i) => {
    if (n < 0 || n > gpioInputs) problems.push(`afe.thermistorsPerDevice[${i}]: ${n} thermistors, at most ${gpioInputs} GPIO inputs`);
  });
  const cells = afe.cellsPerDevice.reduce((a, b) => a + b, 0);
  if (cells !== board.pack.seriesCount) problems.push(`pack.seriesCount: ${board.pack.seriesCount} cells but the AFE wiring reads ${cells}`);
  const thermistors = afe.thermistorsPerDevice.reduce((a, b) => a + b, 0);
  if (thermistors !== board.pack.temperatureCount) problems.push(`pack.temperatureCount: ${board.pack.temperatureCount} but the AFE wiring reads ${thermistors} thermistors`);
  if (board.currentSensor === undefined) problems.push(`currentSensor: required, an ${afe.type} measures no current`);
  if (board.switches === undefined) problems.push(`switches: required, an ${afe.type} drives no FETs`);
}

function tiCommon(board: BoardDefinition, afe: Bq76952AfeDefinition | Bq769x0AfeDefinition, problems: Problems): void {
  if (!board.i2c.some((b) => b.name === afe.i2cBus)) problems.push(`afe.i2cBus: no I2C bus "${afe.i2cBus}" on this board`);
  if (afe.thermistors !== board.pack.temperatureCount) problems.push(`pack.temperatureCount: ${board.pack.temperatureCount} but the AFE reads ${afe.thermistors} thermistors`);
  if (afe.balancingMaxCells < 0 || afe.balancingMaxCells > board.pack.seriesCount) problems.push(`afe.balancingMaxCells: ${afe.balancingMaxCells} is outside 0..${board.pack.seriesCount}`);
  if (board.pack.balancing.maxCells > afe.balancingMaxCells) {
    problems.push(`pack.balancing.maxCells: ${board.pack.balancing.maxCells} is above the AFE's balancingMaxCells ${afe.balancingMaxCells}`);
  }
}

function bq76952(board: BoardDefinition, afe: Bq76952AfeDefinition, problems: Problems): void {
  tiCommon(board, afe, problems);
  const n = board.pack.seriesCount;
  if (n < 3 || n > 16) problems.push(`pack.seriesCount: ${n} cells do not fit a bq76952 (3..16)`);
  if (afe.address < 0 || afe.address > 0x7f) problems.push(`afe.address: ${afe.address} is not a 7-bit address`);
  if (afe.thermistors < 0 || afe.thermistors > 3) problems.push(`afe.thermistors: ${afe.thermistors}, the driver reads TS1..TS3`);
  if (afe.cellChannels !== undefined && afe.cellChannels.length !== n) problems.push(`afe.cellChannels: ${afe.cellChannels.length} inputs for ${n} cells`);
}

function bq769x0(board: BoardDefinition, afe: Bq769x0AfeDefinition, problems: Problems): void {
  tiCommon(board, afe, problems);
  const n = board.pack.seriesCount;
  const range = bq769x0Cells[afe.type];
  if (n < range[0] || n > range[1]) problems.push(`pack.seriesCount: ${n} cells do not fit a ${afe.type} (${range[0]}..${range[1]})`);
  if (afe.address !== 0x08 && afe.address !== 0x18) problems.push(`afe.address: ${afe.address} is not 0x08 or 0x18`);
  if (afe.thermistors < 0 || afe.thermistors > bq769x0Thermistors[afe.type]) problems.push(`afe.thermistors: ${afe.thermistors}, a ${afe.type} has ${bq769x0Thermistors[afe.type]} TS inputs`);
  // §3: never two adjacent cells of a group bleed together; the firmware must not ask for it.
  if (!board.pack.balancing.noAdjacent) problems.push(`pack.balancing.noAdjacent: must be true on a ${afe.type} (no two adjacent cells bleed together)`);
}

/** Every problem found, each naming the field; empty when the board is sound. */
export function validateBoard(board: BoardDefinition): string[] {
  const problems: string[] = [];
  const used = new Map<string, string>();
  const pins = new Set(board.mcu.pins);
  const usePin = (pin: string, role: string) => {
    if (!pins.has(pin)) problems.push(`${role}: pin "${pin}" does not exist on ${board.mcu.model}`);
    const prior = used.get(pin);
    if (prior !== undefined) problems.push(`${role}: pin "${pin}" is already used by ${prior}`);
    used.set(pin, role);
  };
  for (const bus of board.spi) {
    usePin(bus.clock, `spi.${bus.name}.clock`);
    usePin(bus.input, `spi.${bus.name}.input`);
    usePin(bus.output, `spi.${bus.name}.output`);
  }
  for (const bus of board.i2c) {
    usePin(bus.data, `i2c.${bus.name}.data`);
    usePin(bus.clock, `i2c.${bus.name}.clock`);
    if (bus.hz <= 0 || bus.hz > 400000) problems.push(`i2c.${bus.name}.hz: ${bus.hz} is outside 1..400000 (TI AFE maximum 400 kHz)`);
  }
  const afe = board.afe;
  if (isLtc681x(afe)) ltc681x(board, afe, problems, usePin);
  else if (isBq769x0(afe)) bq769x0(board, afe, problems);
  else bq76952(board, afe, problems);
  if (board.currentSensor !== undefined) usePin(board.currentSensor.pin, "currentSensor.pin");
  if (board.switches !== undefined) {
    usePin(board.switches.chargePin, "switches.chargePin");
    usePin(board.switches.dischargePin, "switches.dischargePin");
  }
  const ems = board.ems;
  if (ems !== undefined) {
    const t = ems.transport;
    if (t.kind === "mcp2515") {
      if (!board.spi.some((b) => b.name === t.spiBus)) problems.push(`ems.transport.spiBus: no SPI bus "${t.spiBus}" on this board`);
      usePin(t.select, "ems.transport.select");
      if (t.hz <= 0 || t.hz > 10000000) problems.push(`ems.transport.hz: ${t.hz} is outside 1..10000000 (MCP2515 SPI maximum 10 MHz)`);
      const timing = bitTiming(t.crystalHz, t.bitrate);
      if (!timing.ok) problems.push(`ems.transport: ${timing.error}`);
    } else {
      usePin(t.receive, "ems.transport.receive");
      usePin(t.transmit, "ems.transport.transmit");
      if (bitrateCode(t.bitrate) < 0) problems.push(`ems.transport.bitrate: ${t.bitrate} is not an SLCAN S0..S8 bitrate`);
    }
    if (ems.name.length < 1 || ems.name.length > 8) problems.push(`ems.name: "${ems.name}" must be 1..8 ASCII characters`);
    for (const p of validateEmsConfig(ems.supervision)) problems.push(p);
  }
  if (!(afe.bleedOhms > 0)) problems.push(`afe.bleedOhms: must be > 0`);
  if (board.tickMs < 10 || board.tickMs > 1000) problems.push(`tickMs: ${board.tickMs} is outside 10..1000`);
  for (const p of validateConfig(board.pack)) problems.push(`pack.${p}`);
  return problems;
}
