// SPDX-License-Identifier: MIT
// The default board: an Espruino WiFi (STM32F411, 8190 JsVars) reading a 16S LFP 100 Ah pack
// (51.2 V nominal, home storage class) through one LTC6813-1 behind an LTC6820 isoSPI bridge.
import { presetConfig } from "../firmware/config";
import { stm32Pins } from "./pins";
import { defaultEmsConfig } from "../firmware/ems/link-config";
import type { BoardDefinition } from "./types";

const pack = presetConfig("LFP", 16, 100000);
pack.temperatureCount = 4;

export const board: BoardDefinition = {
  name: "wifi-ltc6813-16s",
  description: "Espruino WiFi, one LTC6813 on isoSPI, 16S LFP 100 Ah, shunt amplifier on A1",
  mcu: { family: "espruino", model: "ESPRUINOWIFI", clockMhz: 100, jsVars: 8190, savedCodeBytes: 65536, pins: stm32Pins("ABC") },
  spi: [{ name: "SPI1", clock: "A5", input: "A6", output: "A7" }],
  i2c: [],
  afe: {
    type: "ltc6813",
    spiBus: "SPI1",
    select: "B1",
    hz: 1000000,
    devices: 1,
    cellsPerDevice: [16],
    thermistorsPerDevice: [4],
    pecErrorLimit: 3,
    openWireIntervalMs: 10000,
    // 0.5 min: the bleed switches open by themselves if the controller stops refreshing them.
    dischargeTimeoutCode: 1,
    // 2 × 130 Ω in parallel as on the foxBMS LTC6813 slave (afe-chips.md §1.8): ≈ 50 mA at 3.3 V.
    bleedOhms: 65,
  },
  // ±204 A over a 12-bit input centred at 2048: 100 mA per count (e.g. 100 µΩ shunt, gain 20).
  currentSensor: { pin: "A1", resolutionBits: 12, zeroCount: 2048, milliampsPerCount: 100 },
  switches: { chargePin: "B3", dischargePin: "B4", onLevel: 1 },
  ems: {
    transport: { kind: "mcp2515", spiBus: "SPI1", select: "B10", hz: 1000000, crystalHz: 16000000, bitrate: 500000 },
    name: "TSBMS",
    pylon: false,
    supervision: defaultEmsConfig(pack.limits.chargeCurrentMaxMa, pack.limits.dischargeCurrentMaxMa),
  },
  pack,
  tickMs: 100,
};
