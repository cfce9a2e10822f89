// SPDX-License-Identifier: MIT
// An ESP32 running Espruino on a 36S LFP 280 Ah pack (115 V) through two daisy-chained LTC6813-1.
import { presetConfig } from "../firmware/config";
import { esp32Pins } from "./pins";
import { defaultEmsConfig } from "../firmware/ems/link-config";
import type { BoardDefinition } from "./types";

const pack = presetConfig("LFP", 36, 280000);
pack.temperatureCount = 8;

export const board: BoardDefinition = {
  name: "esp32-ltc6813x2-36s",
  description: "ESP32 (Espruino), two LTC6813 in a daisy chain, 36S LFP 280 Ah",
  // JsVars on ESP32 are set at run time from the free heap (espruino.md §6); 16383 is the cap.
  mcu: { family: "espruino", model: "ESP32", clockMhz: 240, jsVars: 16383, savedCodeBytes: 65536, pins: esp32Pins() },
  spi: [{ name: "SPI2", clock: "D18", input: "D19", output: "D23" }],
  i2c: [],
  afe: {
    type: "ltc6813",
    spiBus: "SPI2",
    select: "D5",
    hz: 1000000,
    devices: 2,
    cellsPerDevice: [18, 18],
    thermistorsPerDevice: [4, 4],
    pecErrorLimit: 3,
    openWireIntervalMs: 10000,
    dischargeTimeoutCode: 1,
    bleedOhms: 65,
  },
  // ±614 A over a 12-bit input, 300 mA per count: the 2C short-circuit level (560 A) stays in range.
  currentSensor: { pin: "D36", resolutionBits: 12, zeroCount: 2048, milliampsPerCount: 300 },
  switches: { chargePin: "D25", dischargePin: "D26", onLevel: 1 },
  ems: {
    transport: { kind: "mcp2515", spiBus: "SPI2", select: "D4", hz: 1000000, crystalHz: 16000000, bitrate: 500000 },
    name: "PYLON",
    pylon: true,
    supervision: defaultEmsConfig(pack.limits.chargeCurrentMaxMa, pack.limits.dischargeCurrentMaxMa),
  },
  pack,
  tickMs: 100,
};
