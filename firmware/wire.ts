// SPDX-License-Identifier: MIT
// Builds the running BMS from a board definition on any Platform (Espruino, NodeMCU, simulator):
// opens the buses and pins the board names, makes the AFE driver of the board's family, and
// hands them to the shell. The same code runs on the board and in the simulator, so the wiring
// is tested too.
import type { BoardDefinition, Bq769x0AfeDefinition, Bq76952AfeDefinition, I2cBusDefinition, Ltc681xAfeDefinition } from "../boards/types";
import type { Afe } from "../hal/afe";
import type { I2cBus, Platform } from "../hal/hal";
import { ShuntCurrentSense } from "../hal/current-sense";
import { Bq76952 } from "../hal/bq76952/driver";
import { Bq769x0 } from "../hal/bq769x0/driver";
import { Ltc681x } from "../hal/ltc681x/driver";
import { BmsShell } from "./shell";
import type { ShellSwitchPins } from "./shell";

/** LTC681x SPI mode: CPOL=1, CPHA=1 (afe-chips.md §1.1). */
const ltcSpiMode = 3;
/** Hardware watchdog period: ten ticks without a good AFE read resets the MCU. */
const watchdogTicks = 10;

function ltc681x(board: BoardDefinition, a: Ltc681xAfeDefinition, platform: Platform): Afe {
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

function bq76952(board: BoardDefinition, a: Bq76952AfeDefinition, platform: Platform): Afe {
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
  });
}

function bq769x0(board: BoardDefinition, a: Bq769x0AfeDefinition, platform: Platform): Afe {
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
      return ltc681x(board, a, platform);
    case "bq76952":
      return bq76952(board, a, platform);
    default:
      return bq769x0(board, a, platform);
  }
}

export function wireBoard(board: BoardDefinition, platform: Platform): BmsShell {
  const c = board.currentSensor;
  let current: ShuntCurrentSense | undefined = undefined;
  if (c !== undefined) {
    current = new ShuntCurrentSense({
      input: platform.analogIn({ pin: c.pin }),
      zeroCount: c.zeroCount,
      milliampsPerCount: c.milliampsPerCount,
    });
  }
  const s = board.switches;
  let switches: ShellSwitchPins | undefined = undefined;
  if (s !== undefined) {
    const offLevel = s.onLevel === 1 ? 0 : 1;
    switches = {
      charge: platform.digitalOut({ pin: s.chargePin, value: offLevel }),
      discharge: platform.digitalOut({ pin: s.dischargePin, value: offLevel }),
      onLevel: s.onLevel,
    };
  }
  return new BmsShell({
    conf: board.pack,
    afe: wireAfe(board, platform),
    current: current,
    switches: switches,
    clock: platform.clock,
    watchdog: platform.watchdog({ timeoutMs: board.tickMs * watchdogTicks }),
  });
}
