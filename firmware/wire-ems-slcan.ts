// SPDX-License-Identifier: MIT
// The EMS link as SLCAN on a UART, made from the board definition on any Platform. Its own
// module, so a board's build imports only its own transport (typescript-to-lua keeps every module
// imported).
import type { EmsLinkDefinition, SlcanTransportDefinition } from "../boards/types";
import type { Platform } from "../hal/hal";
import { SlcanDevice } from "../hal/slcan/device";
import type { EmsLinkOptions } from "./ems/ems-link";
import { emsLinkOptions, firmwareMajor, firmwareMinor } from "./wire-ems-identity";

/** Commands an EMS may have in flight between two ticks, with margin. */
const slcanQueueFrames = 32;

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
  return emsLinkOptions(ems, device);
}
