// SPDX-License-Identifier: MIT
// An Espruino Pico (STM32F401, 5100 JsVars) on a 12S NMC 5 Ah pack (44 V, e-bike class) with one
// LTC6811-1.
import { presetConfig } from "../firmware/config";
import { stm32Pins } from "./pins";
import { defaultEmsConfig } from "../firmware/ems/link-config";
import type { BoardDefinition } from "./types";

const pack = presetConfig("NMC", 12, 5000);
pack.temperatureCount = 2;

export const board: BoardDefinition = {
  name: "pico-ltc6811-12s",
  description: "Espruino Pico, one LTC6811, 12S NMC 5 Ah, shunt amplifier on A1",
  mcu: { family: "espruino", model: "PICO_R1_3", clockMhz: 84, jsVars: 5100, savedCodeBytes: 49152, pins: stm32Pins("AB") },
  spi: [{ name: "SPI1", clock: "A5", input: "A6", output: "A7" }],
  i2c: [],
  afe: {
    type: "ltc6811",
    spiBus: "SPI1",
    select: "B1",
    hz: 1000000,
    devices: 1,
    cellsPerDevice: [12],
    thermistorsPerDevice: [2],
    pecErrorLimit: 3,
    openWireIntervalMs: 10000,
    dischargeTimeoutCode: 1,
    // 2 × 68 Ω in parallel as on the foxBMS LTC6811 slave (afe-chips.md §1.8): ≈ 110 mA at 3.7 V.
    bleedOhms: 34,
  },
  // ±20 A over a 12-bit input: 10 mA per count.
  currentSensor: { pin: "A1", resolutionBits: 12, zeroCount: 2048, milliampsPerCount: 10 },
  switches: { chargePin: "B3", dischargePin: "B4", onLevel: 1 },
  ems: {
    transport: { kind: "mcp2515", spiBus: "SPI1", select: "B10", hz: 1000000, crystalHz: 8000000, bitrate: 500000 },
    name: "TSBMS",
    pylon: false,
    supervision: defaultEmsConfig(pack.limits.chargeCurrentMaxMa, pack.limits.dischargeCurrentMaxMa),
  },
  pack,
  tickMs: 100,
};
