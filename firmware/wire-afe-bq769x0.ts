// SPDX-License-Identifier: MIT
// The BQ769x0 AFE driver made from the board definition on any Platform. Its own module, so a
// board's build imports only its own driver (typescript-to-lua keeps every module imported).
import type { BoardDefinition, Bq769x0AfeDefinition } from "../boards/types";
import type { Afe } from "../hal/afe";
import type { Platform } from "../hal/hal";
import { Bq769x0 } from "../hal/bq769x0/driver";
import { boardI2cBus } from "./wire-i2c";

export function bq769x0Afe(board: BoardDefinition, a: Bq769x0AfeDefinition, platform: Platform): Afe {
  return new Bq769x0({
    bus: boardI2cBus(board, a.i2cBus, platform),
    address: a.address,
    variant: a.type,
    cells: board.pack.seriesCount,
    thermistors: a.thermistors,
    shuntMicroOhm: a.shuntMicroOhm,
    pecErrorLimit: a.pecErrorLimit,
    balancingMaxCells: a.balancingMaxCells,
  });
}
