// SPDX-License-Identifier: MIT
// The LTC681x AFE driver made from the board definition on any Platform. Its own module, so a
// board's build imports only its own driver: esbuild would drop the others anyway, but
// typescript-to-lua keeps every module imported (the NodeMCU build, scripts/build-lua.ts).
import type { BoardDefinition, Ltc681xAfeDefinition } from "../boards/types";
import type { Afe } from "../hal/afe";
import type { Platform } from "../hal/hal";
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
