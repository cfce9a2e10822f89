// SPDX-License-Identifier: MIT
// The BQ76952 AFE driver made from the board definition on any Platform. Its own module, so a
// board's build imports only its own driver (typescript-to-lua keeps every module imported).
import type { BoardDefinition, Bq76952AfeDefinition } from "../boards/types";
import type { Afe } from "../hal/afe";
import type { Platform } from "../hal/hal";
import { Bq76952 } from "../hal/bq76952/driver";
import { boardI2cBus } from "./wire-i2c";

export function bq76952Afe(board: BoardDefinition, a: Bq76952AfeDefinition, platform: Platform): Afe {
  return new Bq76952({
    bus: boardI2cBus(board, a.i2cBus, platform),
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
