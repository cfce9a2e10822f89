// SPDX-License-Identifier: MIT
// The EMS link's transport for any board (simulator, tests): an MCP2515 on SPI or SLCAN on a
// UART, dispatched on the board definition. Board builds import only their own transport's module
// (firmware/wire-ems-mcp2515.ts, wire-ems-slcan.ts), never this one, because typescript-to-lua
// bundles every module imported.
import type { BoardDefinition } from "../boards/types";
import type { Platform } from "../hal/hal";
import type { EmsLinkOptions } from "./ems/ems-link";
import { mcp2515Ems } from "./wire-ems-mcp2515";
import { slcanEms } from "./wire-ems-slcan";

export { firmwareMajor, firmwareMinor } from "./wire-ems-identity";
export { mcp2515Ems, slcanEms };

/** The board's EMS link, or undefined when it has none. */
export function wireEms(board: BoardDefinition, platform: Platform): EmsLinkOptions | undefined {
  const ems = board.ems;
  if (ems === undefined) return undefined;
  const t = ems.transport;
  if (t.kind === "mcp2515") return mcp2515Ems(ems, t, platform);
  return slcanEms(ems, t, platform);
}
