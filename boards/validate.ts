// SPDX-License-Identifier: MIT
// Checks a board definition before anything is built or simulated on it: every pin exists and is
// used once, the buses exist, the series count fits the AFE, the pack configuration is sound.
import { validateConfig } from "../firmware/validate";
import type { BoardDefinition } from "./types";

/** Channels per device (afe-chips.md §1.5: CVA–CVD on the 6811, CVA–CVF on the 6813). */
const cellChannels = { ltc6811: 12, ltc6813: 18 };
/** Thermistor inputs read by the driver: GPIO1..GPIO5 (AUXA, AUXB). */
const gpioInputs = 5;

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
  const afe = board.afe;
  if (!board.spi.some((b) => b.name === afe.spiBus)) problems.push(`afe.spiBus: no SPI bus "${afe.spiBus}" on this board`);
  usePin(afe.select, "afe.select");
  usePin(board.currentSensor.pin, "currentSensor.pin");
  usePin(board.switches.chargePin, "switches.chargePin");
  usePin(board.switches.dischargePin, "switches.dischargePin");

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
  if (!(afe.bleedOhms > 0)) problems.push(`afe.bleedOhms: must be > 0`);
  if (board.tickMs < 10 || board.tickMs > 1000) problems.push(`tickMs: ${board.tickMs} is outside 10..1000`);
  for (const p of validateConfig(board.pack)) problems.push(`pack.${p}`);
  return problems;
}
