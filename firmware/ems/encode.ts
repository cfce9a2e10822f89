// SPDX-License-Identifier: MIT
// The EMS link's frame encoders behind one call: encodeBmsFrame(frame, id, group, source) fills a
// preallocated CanFrame with any periodic frame the BMS sends, from an EmsSource made once at start
// that points at the core's live objects (configuration, state, inputs). The few values that live
// outside the core (shell counters, link status, identity) are plain fields the caller updates.
// The per-frame encoders (encode-inverter.ts, encode-detail.ts, encode-status.ts) can be called
// directly as well; the command reply (0x4B8) is event-driven and encoded by encodeCommandReply.
import type { CanFrame } from "../../hal/can";
import { booleanArray, numberArray } from "../alloc";
import { faultCount } from "../fault-ids";
import { RequestedMode } from "../types";
import type { BmsState, Inputs, RunConfig } from "../types";
import { balanceGroupCount, cellGroupCount, encodeBalancing, encodeCellVoltages, encodeState, encodeTemperatures, temperatureGroupCount } from "./encode-detail";
import { encodeAlarms, encodeInfo, encodeLimits, encodeMeasurements, encodeName, encodePylonFlags, encodePylonRequest, encodeSocSoh, nameCodes, nameLength } from "./encode-inverter";
import { encodeCounters, encodeFaults, encodeHealth } from "./encode-status";
import { FrameId } from "./ids";
import { noEmsModeRaw } from "./signals-values";

/** What the BMS says about itself in 0x35E, 0x35F and 0x359. */
export interface EmsIdentity {
  /** Up to 8 ASCII characters, space padded; Pylon-compatible inverters need "PYLON" (§1.1). */
  name: string;
  firmwareMajor: number;
  firmwareMinor: number;
  /** 0x359 byte 4: battery modules behind this BMS. */
  moduleCount: number;
}

/** Everything the encoders read. Made once by createEmsSource; the plain fields are updated by the caller. */
export interface EmsSource {
  conf: RunConfig;
  state: BmsState;
  /** The core's inputs: measurements (current, cells, temperatures) and the requested mode. */
  inputs: Inputs;
  /** Valid EMS commands arrive within their timeout (link supervision). */
  emsLinkOk: boolean;
  /** The last valid mode request (EmsMode of commands.ts), noEmsModeRaw when there is none. */
  emsRequestedMode: number;
  /** EMS commands refused or ignored so far. */
  refusedCommands: number;
  /** BmsShell.internalErrors, copied before encoding. */
  internalErrors: number;
  /** BmsShell.afeRestarts, copied before encoding. */
  afeRestarts: number;
  firmwareMajor: number;
  firmwareMinor: number;
  moduleCount: number;
  /** 0x35E character codes, made once from EmsIdentity.name. */
  nameCodes: number[];
  /** Scratch of firstFault (faultCount entries). */
  faultSeen: boolean[];
}

/** An EmsSource on the core's live objects. Call once at start (it reads the name string). */
export function createEmsSource(conf: RunConfig, state: BmsState, inputs: Inputs, identity: EmsIdentity): EmsSource {
  const codes = numberArray(nameLength, 0);
  nameCodes(identity.name, codes);
  return {
    conf: conf,
    state: state,
    inputs: inputs,
    emsLinkOk: false,
    emsRequestedMode: noEmsModeRaw,
    refusedCommands: 0,
    internalErrors: 0,
    afeRestarts: 0,
    firmwareMajor: identity.firmwareMajor,
    firmwareMinor: identity.firmwareMinor,
    moduleCount: identity.moduleCount,
    nameCodes: codes,
    faultSeen: booleanArray(faultCount, false),
  };
}

/**
 * Frames of `id` the BMS sends per period: the groups in use for a multiplexed frame (0x4A1,
 * 0x4A2, 0x4A3), 1 for another periodic BMS frame, 0 for a frame the BMS does not send
 * periodically (the event-driven reply, the frames it receives, unknown ids).
 */
export function frameGroups(conf: RunConfig, id: number): number {
  if (id === FrameId.cellVoltages) return cellGroupCount(conf.seriesCount);
  if (id === FrameId.temperatures) return temperatureGroupCount(conf.temperatureCount);
  if (id === FrameId.balancing) return balanceGroupCount(conf.seriesCount);
  if (id === FrameId.limits || id === FrameId.socSoh || id === FrameId.measurements || id === FrameId.pylonFlags) return 1;
  if (id === FrameId.alarms || id === FrameId.pylonRequest || id === FrameId.name || id === FrameId.info) return 1;
  if (id === FrameId.state || id === FrameId.faults || id === FrameId.health || id === FrameId.counters) return 1;
  return 0;
}

/**
 * Fills `frame` with periodic BMS frame `id`; `group` selects the group of a multiplexed frame
 * (0 ≤ group < frameGroups) and is ignored otherwise. Returns false, leaving `frame` as it was,
 * when `id` is not a periodic BMS frame or `group` is out of range. Allocates nothing.
 */
export function encodeBmsFrame(frame: CanFrame, id: number, group: number, src: EmsSource): boolean {
  const groupsOfId = frameGroups(src.conf, id);
  if (groupsOfId === 0 || group < 0 || group >= groupsOfId) return false;
  const state = src.state;
  const out = state.out;
  const m = src.inputs.measurements;
  const cells = src.conf.seriesCount;
  if (id === FrameId.limits) encodeLimits(frame, out);
  else if (id === FrameId.socSoh) encodeSocSoh(frame, out);
  else if (id === FrameId.measurements) encodeMeasurements(frame, out, m.currentMa);
  else if (id === FrameId.pylonFlags) encodePylonFlags(frame, out, src.moduleCount);
  else if (id === FrameId.alarms) encodeAlarms(frame, out);
  else if (id === FrameId.pylonRequest) encodePylonRequest(frame, out);
  else if (id === FrameId.name) encodeName(frame, src.nameCodes);
  else if (id === FrameId.info) encodeInfo(frame, src.conf, src.firmwareMajor, src.firmwareMinor);
  else if (id === FrameId.state) encodeState(frame, out, src.inputs.requestedMode === RequestedMode.run, src.emsLinkOk, src.emsRequestedMode);
  else if (id === FrameId.cellVoltages) encodeCellVoltages(frame, m.cellMv, cells, group);
  else if (id === FrameId.temperatures) encodeTemperatures(frame, m.temperatureDeciC, src.conf.temperatureCount, group);
  else if (id === FrameId.balancing) encodeBalancing(frame, out.balance, cells, out.balanceCount, group);
  else if (id === FrameId.faults) encodeFaults(frame, state, src.faultSeen);
  else if (id === FrameId.health) encodeHealth(frame, out, state.soc);
  else if (id === FrameId.counters) encodeCounters(frame, state.events.total, src.internalErrors, src.afeRestarts, src.refusedCommands);
  else return false;
  return true;
}
