// SPDX-License-Identifier: MIT
// The I2C bus a board names, opened on any Platform: shared by the I2C AFE factories
// (firmware/wire-afe-bq76952.ts, firmware/wire-afe-bq769x0.ts).
import type { BoardDefinition, I2cBusDefinition } from "../boards/types";
import type { I2cBus, Platform } from "../hal/hal";

/** The board's I2C bus called `name`; a board without it is a configuration error. */
export function boardI2cBus(board: BoardDefinition, name: string, platform: Platform): I2cBus {
  let bus: I2cBusDefinition | undefined = undefined;
  for (let i = 0; i < board.i2c.length; i++) if (board.i2c[i].name === name) bus = board.i2c[i];
  if (bus === undefined) throw new Error("board " + board.name + ": no I2C bus " + name);
  return platform.i2c({ bus: bus.name, data: bus.data, clock: bus.clock, hz: bus.hz });
}
