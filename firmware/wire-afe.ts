// SPDX-License-Identifier: MIT
// The AFE driver for any board (simulator, tests): dispatches on the board's AFE family to the
// per-family factories. Board builds import only their own family's module
// (firmware/wire-afe-ltc681x.ts, wire-afe-bq76952.ts, wire-afe-bq769x0.ts), never this one,
// because typescript-to-lua bundles every module imported.
import type { BoardDefinition } from "../boards/types";
import type { Afe } from "../hal/afe";
import type { Platform } from "../hal/hal";
import { bq76952Afe } from "./wire-afe-bq76952";
import { bq769x0Afe } from "./wire-afe-bq769x0";
import { ltc681xAfe } from "./wire-afe-ltc681x";

export { bq76952Afe, bq769x0Afe, ltc681xAfe };

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
