// SPDX-License-Identifier: MIT
// What the EMS link supervisor remembers and what the shell reads from it, made once at start
// (firmware/ems/link.ts mutates it; nothing is allocated per frame or per tick).
import { createCanFrame } from "../../hal/can";
import type { CanFrame } from "../../hal/can";
import { intArray, numberArray } from "../alloc";
import { RequestedMode } from "../types";
import type { EventLog } from "../types";
import { EmsMode, commandCount, commandResultCount } from "./commands";
import { LinkAction } from "./link-config";
import type { EmsConfig } from "./link-config";

/** Where the link stands. */
export const EmsLinkState = {
  /** No valid command yet since start (counts as lost when EmsConfig.lostUntilFirst). */
  notSeen: 0,
  /** recoveryCount valid commands in a row, none missing for longer than timeoutMs since. */
  ok: 1,
  /** Was OK, then nothing valid for longer than timeoutMs; not yet recovered. */
  lost: 2,
} as const;
export type EmsLinkState = (typeof EmsLinkState)[keyof typeof EmsLinkState];
export const emsLinkStateName = ["not-seen", "ok", "lost"];

export interface EmsState {
  // ---- Read by the shell (and the state/counter frames).
  /** EmsLinkState. */
  link: number;
  /** link is ok. */
  linkOk: boolean;
  /** The warning: the link is lost (or not seen yet and that counts), the timeout action is in force. */
  linkLost: boolean;
  /** Times the link went from OK to lost since start. */
  linkLostEvents: number;
  /**
   * The mode the BMS should run in because of the EMS: −1 = no opinion (the shell keeps its own
   * request, e.g. PackConfig.autoStart), else RequestedMode. Standby while the link is lost under
   * LinkAction.open.
   */
  requestedMode: number;
  /** The EMS's last accepted EmsMode, −1 before the first (for the state frame). */
  emsMode: number;
  /** Clear latched faults at the next step: set by an accepted fault clear, consumed by the shell. */
  clearFaults: boolean;
  /** Caps on the published and obeyed current limits, −1 = none (request and derate combined). */
  chargeLimitCapMa: number;
  dischargeLimitCapMa: number;
  /** The reply to the last command frame, waiting to be sent while replyPending. */
  reply: CanFrame;
  replyPending: boolean;

  // ---- Requests in force.
  /** Latest accepted limit request per direction in mA, −1 = none. */
  chargeRequestMa: number;
  dischargeRequestMa: number;
  /** A limit request is in force since limitRequestMs (it expires timeoutMs later). */
  limitRequested: boolean;
  limitRequestMs: number;
  /** The BMS's own limits before the caps, as applyEmsLimits last saw them (0 before the first step). */
  bmsChargeLimitMa: number;
  bmsDischargeLimitMa: number;

  // ---- Supervision.
  /** A sign of life was seen at lastAliveMs. */
  aliveSeen: boolean;
  lastAliveMs: number;
  /** Valid signs of life in a row (the recovery window). */
  validRun: number;
  /** Per CommandIndex: the last counter whose frame passed the E2E check, −1 = none; and when. */
  lastCounter: number[];
  lastCounterMs: number[];

  // ---- Diagnostics.
  /** Per CommandResult: frames answered with it since start (index 0 = accepted). */
  resultCount: number[];
  /** Command frames refused since start (every result but accepted). */
  refusedTotal: number;
  /** Result of the last command frame, −1 before the first. */
  lastResult: number;
  /** Inverter keep-alives seen (counted whether or not they keep the link alive). */
  keepAlives: number;
  /** Frames that were neither a command nor the keep-alive (other ids, extended frames). */
  ignored: number;
  /** Replies the port took, and replies it could not take (the EMS repeats its command anyway). */
  repliesSent: number;
  repliesDropped: number;
  /** Receive buffer of serviceEms. */
  rx: CanFrame;
  /** Where link lost / restored events go (the BMS's event log), or undefined. */
  log: EventLog | undefined;
}

/** The smaller of two caps, −1 meaning none. */
function lowerCap(a: number, b: number): number {
  if (a < 0) return b;
  if (b < 0) return a;
  return a < b ? a : b;
}

/**
 * Derives what the shell reads (linkOk, linkLost, requestedMode, the caps) from the link state and
 * the requests in force. Called after every change; cheap and allocation-free.
 *
 * Mode mapping: standby → RequestedMode.standby; charge, discharge and idle → RequestedMode.run
 * with no further restriction (the EMS restricts a direction with a limit request; forcing
 * DCL = 0 for "charge" would shut an island inverter down, §1.5, and opening one FET of a
 * back-to-back pair pushes the other direction's current through its body diode). The mode
 * request is held across a link loss: falling back to the shell's own request could close paths
 * the EMS had opened (§7.1 "no increase"); LinkAction.open forces standby on top.
 */
export function updateEmsOutputs(conf: EmsConfig, ems: EmsState): void {
  ems.linkOk = ems.link === EmsLinkState.ok;
  ems.linkLost = ems.link === EmsLinkState.lost || (ems.link === EmsLinkState.notSeen && conf.lostUntilFirst);
  const open = ems.linkLost && conf.onTimeout === LinkAction.open;
  const derate = ems.linkLost && conf.onTimeout === LinkAction.derate;
  if (open) ems.requestedMode = RequestedMode.standby;
  else if (ems.emsMode < 0) ems.requestedMode = -1;
  else ems.requestedMode = ems.emsMode === EmsMode.standby ? RequestedMode.standby : RequestedMode.run;
  ems.chargeLimitCapMa = lowerCap(ems.chargeRequestMa, derate ? conf.derateChargeMa : -1);
  ems.dischargeLimitCapMa = lowerCap(ems.dischargeRequestMa, derate ? conf.derateDischargeMa : -1);
}

/** A fresh supervisor state: link not seen, no request in force. `log` gets the link events. */
export function createEmsState(conf: EmsConfig, log: EventLog | undefined): EmsState {
  const ems: EmsState = {
    link: EmsLinkState.notSeen,
    linkOk: false,
    linkLost: false,
    linkLostEvents: 0,
    requestedMode: -1,
    emsMode: -1,
    clearFaults: false,
    chargeLimitCapMa: -1,
    dischargeLimitCapMa: -1,
    reply: createCanFrame(),
    replyPending: false,
    chargeRequestMa: -1,
    dischargeRequestMa: -1,
    limitRequested: false,
    limitRequestMs: 0,
    bmsChargeLimitMa: 0,
    bmsDischargeLimitMa: 0,
    aliveSeen: false,
    lastAliveMs: 0,
    validRun: 0,
    lastCounter: intArray(commandCount, -1),
    lastCounterMs: numberArray(commandCount, 0),
    resultCount: intArray(commandResultCount, 0),
    refusedTotal: 0,
    lastResult: -1,
    keepAlives: 0,
    ignored: 0,
    repliesSent: 0,
    repliesDropped: 0,
    rx: createCanFrame(),
    log: log,
  };
  updateEmsOutputs(conf, ems);
  return ems;
}
