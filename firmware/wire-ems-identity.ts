// SPDX-License-Identifier: MIT
// What every EMS transport shares: the firmware version the link reports and the link options
// around a CAN port (firmware/wire-ems-mcp2515.ts, firmware/wire-ems-slcan.ts).
import type { EmsLinkDefinition } from "../boards/types";
import type { CanPort } from "../hal/can";
import type { EmsLinkOptions } from "./ems/ems-link";

/** Firmware version reported in 0x35F and by SLCAN V. */
export const firmwareMajor = 0;
export const firmwareMinor = 3;

/** The EMS link options for the board's link definition over `port`. */
export function emsLinkOptions(ems: EmsLinkDefinition, port: CanPort): EmsLinkOptions {
  return {
    conf: ems.supervision,
    port: port,
    identity: { name: ems.name, firmwareMajor: firmwareMajor, firmwareMinor: firmwareMinor, moduleCount: 1 },
    pylon: ems.pylon,
  };
}
