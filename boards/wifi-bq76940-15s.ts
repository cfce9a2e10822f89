// SPDX-License-Identifier: MIT
// An Espruino WiFi (STM32F411) on a 15S NMC 10 Ah pack (55.5 V, e-bike class) through one
// bq76940: cells, stack, coulomb counter (1 mΩ shunt) and the CHG/DSG FET drivers on the chip.
import { presetConfig } from "../firmware/config";
import { stm32Pins } from "./pins";
import { defaultEmsConfig } from "../firmware/ems/link-config";
import type { BoardDefinition } from "./types";

const pack = presetConfig("NMC", 15, 10000);
pack.temperatureCount = 3;
// §3: never two adjacent cells of one group bleed together; at most 4 at once (LibreSolar's
// default for internal-FET AFEs, cells-and-limits.md §10).
pack.balancing.noAdjacent = true;
pack.balancing.maxCells = 4;

export const board: BoardDefinition = {
  name: "wifi-bq76940-15s",
  description: "Espruino WiFi, one bq76940 on I2C with its own FET drivers and coulomb counter, 15S NMC 10 Ah",
  mcu: { family: "espruino", model: "ESPRUINOWIFI", clockMhz: 100, jsVars: 8190, savedCodeBytes: 65536, pins: stm32Pins("ABC") },
  spi: [{ name: "SPI1", clock: "A5", input: "A6", output: "A7" }],
  i2c: [{ name: "I2C1", data: "B7", clock: "B6", hz: 100000 }],
  afe: {
    type: "bq76940",
    // Address and CRC are part-number options (afe-chips.md §3): a CRC part at 0x08.
    address: 0x08,
    i2cBus: "I2C1",
    thermistors: 3,
    shuntMicroOhm: 1000,
    pecErrorLimit: 3,
    balancingMaxCells: 4,
    // External 100 Ω per cell with the internal balancing FET: ≈ 40 mA at 4 V.
    bleedOhms: 100,
  },
  ems: {
    transport: { kind: "mcp2515", spiBus: "SPI1", select: "B1", hz: 1000000, crystalHz: 8000000, bitrate: 500000 },
    name: "TSBMS",
    pylon: false,
    supervision: defaultEmsConfig(pack.limits.chargeCurrentMaxMa, pack.limits.dischargeCurrentMaxMa),
  },
  pack,
  tickMs: 100,
};
