// SPDX-License-Identifier: MIT
// Builds the running BMS from a board definition on any Platform (Espruino, NodeMCU, simulator):
// opens the buses and pins the board names, makes the AFE driver, and hands them to the shell.
// The same code runs on the board and in the simulator, so the wiring is tested too.
import type { BoardDefinition } from "../boards/types";
import type { Platform } from "../hal/hal";
import { ShuntCurrentSense } from "../hal/current-sense";
import { Ltc681x } from "../hal/ltc681x/driver";
import { BmsShell } from "./shell";

/** LTC681x SPI mode: CPOL=1, CPHA=1 (afe-chips.md §1.1). */
const ltcSpiMode = 3;
/** Hardware watchdog period: ten ticks without a good AFE read resets the MCU. */
const watchdogTicks = 10;

export function wireBoard(board: BoardDefinition, platform: Platform): BmsShell {
  const a = board.afe;
  const spi = platform.spi({ bus: a.spiBus, select: a.select, hz: a.hz, mode: ltcSpiMode });
  const afe = new Ltc681x({
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
  const c = board.currentSensor;
  const current = new ShuntCurrentSense({
    input: platform.analogIn({ pin: c.pin }),
    zeroCount: c.zeroCount,
    milliampsPerCount: c.milliampsPerCount,
  });
  const offLevel = board.switches.onLevel === 1 ? 0 : 1;
  return new BmsShell({
    conf: board.pack,
    afe: afe,
    current: current,
    chargeSwitch: platform.digitalOut({ pin: board.switches.chargePin, value: offLevel }),
    dischargeSwitch: platform.digitalOut({ pin: board.switches.dischargePin, value: offLevel }),
    switchOnLevel: board.switches.onLevel,
    clock: platform.clock,
    watchdog: platform.watchdog({ timeoutMs: board.tickMs * watchdogTicks }),
  });
}
