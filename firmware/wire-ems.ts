// SPDX-License-Identifier: MIT
// The EMS link's transport, made from the board definition on any Platform: an MCP2515 on SPI or
// SLCAN on a UART. One function per transport, so a board's bundle holds only its own (esbuild
// drops the other), and wireEms() for the simulator and tests, which take any board.
import type { BoardDefinition, EmsLinkDefinition, Mcp2515TransportDefinition, SlcanTransportDefinition } from "../boards/types";
import type { CanPort } from "../hal/can";
import type { Platform } from "../hal/hal";
import { Mcp2515 } from "../hal/mcp2515/driver";
import { SlcanDevice } from "../hal/slcan/device";
import type { EmsLinkOptions } from "./ems/ems-link";

/** MCP2515 SPI mode 0,0 (can-link.md §6). */
const mcp2515SpiMode = 0;
/** Commands an EMS may have in flight between two ticks, with margin. */
const slcanQueueFrames = 32;
/** Firmware version reported in 0x35F and by SLCAN V. */
export const firmwareMajor = 0;
export const firmwareMinor = 3;

function options(ems: EmsLinkDefinition, port: CanPort): EmsLinkOptions {
  return {
    conf: ems.supervision,
    port: port,
    identity: { name: ems.name, firmwareMajor: firmwareMajor, firmwareMinor: firmwareMinor, moduleCount: 1 },
    pylon: ems.pylon,
  };
}

export function mcp2515Ems(ems: EmsLinkDefinition, t: Mcp2515TransportDefinition, platform: Platform): EmsLinkOptions {
  const controller = new Mcp2515({
    spi: platform.spi({ bus: t.spiBus, select: t.select, hz: t.hz, mode: mcp2515SpiMode }),
    crystalHz: t.crystalHz,
    bitrate: t.bitrate,
  });
  controller.start(platform.clock.nowMs());
  return options(ems, controller);
}

export function slcanEms(ems: EmsLinkDefinition, t: SlcanTransportDefinition, platform: Platform): EmsLinkOptions {
  const device = new SlcanDevice({
    serial: platform.serial({ port: t.serial, baud: t.baud, receive: t.receive, transmit: t.transmit }),
    clock: platform.clock,
    receiveQueueLength: slcanQueueFrames,
    bitrateHz: t.bitrate,
    hardwareVersion: 1,
    softwareVersion: firmwareMajor * 10 + firmwareMinor,
    serialNumber: "TSBM",
  });
  return options(ems, device);
}

/** The board's EMS link, or undefined when it has none. */
export function wireEms(board: BoardDefinition, platform: Platform): EmsLinkOptions | undefined {
  const ems = board.ems;
  if (ems === undefined) return undefined;
  const t = ems.transport;
  if (t.kind === "mcp2515") return mcp2515Ems(ems, t, platform);
  return slcanEms(ems, t, platform);
}
