// SPDX-License-Identifier: MIT
// An MDBT42Q module (nRF52832, 64 MHz, 2950 JsVars) on a 16S LFP 15 Ah pack (51.2 V, e-bike and
// robot class) through one BQ76952: cells, stack, current (CC2 over a 2 mΩ shunt) and the
// charge/discharge FETs are all on the chip.
import { presetConfig } from "../firmware/config";
import { nrf52Pins } from "./pins";
import { defaultEmsConfig } from "../firmware/ems/link-config";
import type { BoardDefinition } from "./types";

const pack = presetConfig("LFP", 16, 15000);
pack.temperatureCount = 3;
// The bq76952 bleeds through internal FETs; package dissipation limits how many at once
// (cells-and-limits.md §10: LibreSolar max-balanced-cells 4).
pack.balancing.maxCells = 4;

export const board: BoardDefinition = {
  name: "mdbt42q-bq76952-16s",
  description: "MDBT42Q (nRF52), one BQ76952 on I2C with its own FETs and coulomb counter, 16S LFP 15 Ah",
  mcu: { family: "espruino", model: "MDBT42Q", clockMhz: 64, jsVars: 2950, savedCodeBytes: 40960, pins: nrf52Pins() },
  spi: [],
  i2c: [{ name: "I2C1", data: "D14", clock: "D15", hz: 400000 }],
  afe: {
    type: "bq76952",
    i2cBus: "I2C1",
    address: 0x08,
    // The BQ7695204 ships with I2C CRC on (afe-chips.md §2.1): every transfer is checked.
    crc: true,
    thermistors: 3,
    // 2 mΩ: the 2C short-circuit level (30 A) is 60 mV, an SCD table step (afe-chips.md §2.4),
    // and CC2 in mA (±32.7 A) still reads it.
    shuntMicroOhm: 2000,
    pecErrorLimit: 3,
    balancingMaxCells: 4,
    // External 100 Ω per cell in series with the internal balancing FET: ≈ 33 mA at 3.3 V.
    bleedOhms: 100,
  },
  ems: {
    transport: { kind: "slcan", serial: "Serial1", receive: "D8", transmit: "D6", baud: 115200, bitrate: 500000 },
    name: "TSBMS",
    pylon: false,
    supervision: defaultEmsConfig(pack.limits.chargeCurrentMaxMa, pack.limits.dischargeCurrentMaxMa),
  },
  pack,
  tickMs: 100,
};
