// SPDX-License-Identifier: MIT
// The AFE driver of each family, made from the board definition on any Platform. One function
// per family, so a board's bundle holds only its own driver (esbuild drops the others), and
// wireAfe() for the simulator and tests, which take any board.
import type { BoardDefinition, Bq769x0AfeDefinition, Bq76952AfeDefinition, I2cBusDefinition, Ltc681xAfeDefinition } from "../boards/types";
import type { Afe } from "../hal/afe";
import type { I2cBus, Platform } from "../hal/hal";
import { Bq76952 } from "../hal/bq76952/driver";
import { Bq769x0 } from "../hal/bq769x0/driver";
import { Ltc681x } from "../hal/ltc681x/driver";

/** LTC681x SPI mode: CPOL=1, CPHA=1 (afe-chips.md §1.1). */
const ltcSpiMode = 3;
export function ltc681xAfe(board: BoardDefinition, a: Ltc681xAfeDefinition, platform: Platform): Afe {
  const spi = platform.spi({ bus: a.spiBus, select: a.select, hz: a.hz, mode: ltcSpiMode });
  return new Ltc681x({
    spi: spi,
    variant: a.type,
    devices: a.devices,
    cellsPerDevice: a.cellsPerDevice,
    thermistorsPerDevice: a.thermistorsPerDevice,
    pecErrorLimit: a.pecErrorLimit,
    openWireIntervalMs: a.openWireIntervalMs,
    // The chip's own comparators flag at the fault levels; the firmware decides, the flags are
    // a cross-check.
    underVoltageMv: board.pack.protection.cellUvMv.faultLevel,
    overVoltageMv: board.pack.protection.cellOvMv.faultLevel,
    dischargeTimeoutCode: a.dischargeTimeoutCode,
  });
}

function i2cBus(board: BoardDefinition, name: string, platform: Platform): I2cBus {
  let bus: I2cBusDefinition | undefined = undefined;
  for (let i = 0; i < board.i2c.length; i++) if (board.i2c[i].name === name) bus = board.i2c[i];
  if (bus === undefined) throw new Error("board " + board.name + ": no I2C bus " + name);
  return platform.i2c({ bus: bus.name, data: bus.data, clock: bus.clock, hz: bus.hz });
}

export function bq76952Afe(board: BoardDefinition, a: Bq76952AfeDefinition, platform: Platform): Afe {
  return new Bq76952({
    bus: i2cBus(board, a.i2cBus, platform),
    address: a.address,
    crc: a.crc,
    cells: board.pack.seriesCount,
    cellChannels: a.cellChannels,
    thermistors: a.thermistors,
    shuntMicroOhm: a.shuntMicroOhm,
    pecErrorLimit: a.pecErrorLimit,
    balancingMaxCells: a.balancingMaxCells,
    hostWatchdogS: a.hostWatchdogS,
  });
}

export function bq769x0Afe(board: BoardDefinition, a: Bq769x0AfeDefinition, platform: Platform): Afe {
  return new Bq769x0({
    bus: i2cBus(board, a.i2cBus, platform),
    address: a.address,
    variant: a.type,
    cells: board.pack.seriesCount,
    thermistors: a.thermistors,
    shuntMicroOhm: a.shuntMicroOhm,
    pecErrorLimit: a.pecErrorLimit,
    balancingMaxCells: a.balancingMaxCells,
  });
}

/** The board's AFE driver on its bus. */
export function wireAfe(board: BoardDefinition, platform: Platform): Afe {
  const a = board.afe;
  switch (a.type) {
    case "ltc6811":
    case "ltc6813":
      return ltc681xAfe(board, a, platform);
    case "bq76952":
      return bq76952Afe(board, a, platform);
    default:
      return bq769x0Afe(board, a, platform);
  }
}

