// SPDX-License-Identifier: MIT
// An ESP32 DevKit running NodeMCU (Lua 5.3 firmware) on a 12S NMC 5 Ah pack with one LTC6811-1 on
// the HSPI host, an MCP2515 CAN controller on the same bus for the EMS link, a shunt amplifier on
// an ADC1 input and two FET driver pins. Built with typescript-to-lua (scripts/build-lua.ts).
import { presetConfig } from "../firmware/config";
import { nodemcuEsp32Pins } from "./pins";
import { defaultEmsConfig } from "../firmware/ems/link-config";
import type { BoardDefinition } from "./types";

const pack = presetConfig("NMC", 12, 5000);
pack.temperatureCount = 2;

export const board: BoardDefinition = {
  name: "nodemcu-esp32-ltc6811-12s",
  description: "ESP32 on NodeMCU (Lua 5.3), one LTC6811 and an MCP2515 on HSPI, 12S NMC 5 Ah, shunt amplifier on GPIO36",
  mcu: { family: "nodemcu", model: "esp32", clockMhz: 240, jsVars: 0, savedCodeBytes: 0, pins: nodemcuEsp32Pins() },
  // HSPI's default IO-MUX pins (ESP32 datasheet, peripheral pin table): SCLK 14, MISO 12, MOSI 13.
  spi: [{ name: "HSPI", clock: "GPIO14", input: "GPIO12", output: "GPIO13" }],
  i2c: [],
  afe: {
    type: "ltc6811",
    spiBus: "HSPI",
    select: "GPIO15",
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
  // GPIO36 is ADC1 channel 0 (ADC2 is unusable while Wi-Fi runs). ±20 A over 12 bits: 10 mA per count.
  currentSensor: { pin: "GPIO36", resolutionBits: 12, zeroCount: 2048, milliampsPerCount: 10 },
  switches: { chargePin: "GPIO25", dischargePin: "GPIO26", onLevel: 1 },
  ems: {
    transport: { kind: "mcp2515", spiBus: "HSPI", select: "GPIO5", hz: 1000000, crystalHz: 8000000, bitrate: 500000 },
    name: "TSBMS",
    pylon: false,
    supervision: defaultEmsConfig(pack.limits.chargeCurrentMaxMa, pack.limits.dischargeCurrentMaxMa),
  },
  pack,
  tickMs: 100,
};
