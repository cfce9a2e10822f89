// SPDX-License-Identifier: MIT
// The EMS link over an MCP2515 CAN controller on SPI, made from the board definition on any
// Platform. Its own module, so a board's build imports only its own transport (typescript-to-lua
// keeps every module imported).
import type { EmsLinkDefinition, Mcp2515TransportDefinition } from "../boards/types";
import type { Platform } from "../hal/hal";
import { Mcp2515 } from "../hal/mcp2515/driver";
import type { EmsLinkOptions } from "./ems/ems-link";
import { emsLinkOptions } from "./wire-ems-identity";

/** MCP2515 SPI mode 0,0 (can-link.md §6). */
const mcp2515SpiMode = 0;

export function mcp2515Ems(ems: EmsLinkDefinition, t: Mcp2515TransportDefinition, platform: Platform): EmsLinkOptions {
  const controller = new Mcp2515({
    spi: platform.spi({ bus: t.spiBus, select: t.select, hz: t.hz, mode: mcp2515SpiMode }),
    crystalHz: t.crystalHz,
    bitrate: t.bitrate,
  });
  controller.start(platform.clock.nowMs());
  return emsLinkOptions(ems, controller);
}
