// SPDX-License-Identifier: MIT
// The value tables (DBC VAL_) the EMS link's signals use, and the frame table: for every frame id
// its DLC, its send period (DBC GenMsgCycleTime) and who sends it, in the order a 1 s set goes out
// (0x351 first: ../shared/reference/can-link.md §1.4). A test checks both against
// firmware/ems/tsbms.dbc.
import { smallIntsOf } from "../alloc";
import { FrameId } from "./ids";

/** A 0x35A item (§1.2): 0 not supported, 1 active, 2 supported and clear, 3 reserved. */
export const AlarmPair = {
  notSupported: 0,
  active: 1,
  ok: 2,
  reserved: 3,
} as const;

/** 0x35A byte 7 bits 2-3 while the BMS sends, as diyBMS and the REC capture do (§1.2, §2). */
export const systemStatusOnline = 2;

/**
 * 0x4A0 EmsRequestedMode when there is no valid request. The other values are the mode request's
 * (EmsMode, firmware/ems/commands.ts), as are the reply results (CommandResult) and the command
 * field values; a test checks them against the DBC's value tables.
 */
export const noEmsModeRaw = 255;

/** 0x35F ChemistryCode (this project's own code; sources disagree on bytes 0-1). */
export const ChemistryCode = {
  unknown: 0,
  LFP: 1,
  NMC: 2,
  LTO: 3,
} as const;

/** 0x4A1: a slot beyond the last cell. */
export const noCellRaw = 0xffff;
/** 0x4A2: a slot beyond the last sensor. */
export const noTemperatureRaw = 0x7fff;
/** 0x4A4 FirstFault when no fault is active. */
export const noFaultRaw = 255;
/** 0x359 bytes 5-6, "PN". */
export const pylonMagicP = 0x50;
export const pylonMagicN = 0x4e;

/** Which set a frame belongs to, so a board can send the profiles it needs. */
export const FrameProfile = {
  /** 0x351, 0x355, 0x356, 0x35A, 0x35E, 0x35F: what every inverter family reads. */
  inverter: 0,
  /** 0x359, 0x35C: Pylontech additions (board option). */
  pylon: 1,
  /** 0x4A0–0x4A6 and the reply 0x4B8: this project's own frames. */
  detailed: 2,
  /** Sent by the EMS or inverter, received by the BMS. */
  received: 3,
} as const;

const inverter = FrameProfile.inverter;
const pylon = FrameProfile.pylon;
const detailed = FrameProfile.detailed;
const received = FrameProfile.received;

/**
 * Every frame on the link, parallel arrays in send order. `periodMs` 0 = event-driven; for a
 * multiplexed frame it is the period of the whole set, each multiplexor value in use sent once.
 */
export const frameTable = {
  id: smallIntsOf([
    FrameId.limits, FrameId.socSoh, FrameId.measurements, FrameId.pylonFlags, FrameId.alarms, FrameId.pylonRequest,
    FrameId.name, FrameId.info, FrameId.state, FrameId.faults, FrameId.cellVoltages, FrameId.temperatures,
    FrameId.balancing, FrameId.health, FrameId.counters, FrameId.commandReply, FrameId.modeRequest,
    FrameId.limitRequest, FrameId.faultClear, FrameId.inverterKeepAlive,
  ]),
  dlc: smallIntsOf([8, 6, 6, 7, 8, 2, 8, 8, 8, 8, 8, 8, 8, 8, 8, 6, 8, 8, 8, 8]),
  periodMs: smallIntsOf([1000, 1000, 1000, 1000, 1000, 1000, 10000, 10000, 1000, 1000, 1000, 1000, 1000, 5000, 5000, 0, 1000, 1000, 0, 1000]),
  profile: smallIntsOf([
    inverter, inverter, inverter, pylon, inverter, pylon, inverter, inverter, detailed, detailed, detailed, detailed,
    detailed, detailed, detailed, detailed, received, received, received, received,
  ]),
};

/** Index of `id` in frameTable, or −1. */
export function frameIndex(id: number): number {
  const ids = frameTable.id;
  for (let i = 0; i < ids.length; i++) if (ids[i] === id) return i;
  return -1;
}

/** DLC the firmware sends (or expects) for `id`; −1 for an id not on the link. */
export function frameDlc(id: number): number {
  const i = frameIndex(id);
  return i >= 0 ? frameTable.dlc[i] : -1;
}
