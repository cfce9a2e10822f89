// SPDX-License-Identifier: MIT
// The whole BMS for any board (simulator, tests): the board's AFE driver and EMS link through the
// dispatchers (firmware/wire-afe.ts, firmware/wire-ems.ts), which import every family. Board
// builds call wireShell (firmware/wire.ts) with their own factories instead.
import type { BoardDefinition } from "../boards/types";
import type { Platform } from "../hal/hal";
import type { BmsShell } from "./shell";
import { wireShell } from "./wire";
import { wireAfe } from "./wire-afe";
import { wireEms } from "./wire-ems";

/** The whole BMS for any board: its AFE driver, its EMS link and the shell. */
export function wireBoard(board: BoardDefinition, platform: Platform): BmsShell {
  return wireShell(board, platform, wireAfe(board, platform), wireEms(board, platform));
}
