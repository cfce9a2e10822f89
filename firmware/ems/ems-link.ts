// SPDX-License-Identifier: MIT
// The EMS link as one object the shell holds: the command supervisor (link*.ts), the frame
// encoders' source (encode.ts) and the send schedule (schedule.ts) on one transport. Two calls
// per tick: before() takes the received commands and sets the core's inputs; after() caps the
// published limits and sends the frames that are due. Protection never waits on it: the core
// decides first, the EMS can only lower limits or ask for standby.
import type { CanPort } from "../../hal/can";
import type { BmsState, Inputs, Outputs, RunConfig, RequestedMode } from "../types";
import { createEmsSource } from "./encode";
import type { EmsIdentity, EmsSource } from "./encode";
import type { EmsConfig } from "./link-config";
import { applyEmsInputs, applyEmsLimits, serviceEms } from "./link-service";
import { createEmsState } from "./link-state";
import type { EmsState } from "./link-state";
import { createEmsSchedule, sendDueFrames, sendSoon } from "./schedule";
import { faultCount } from "../fault-ids";
import { FrameId } from "./ids";
import type { EmsSchedule } from "./schedule";
import { noEmsModeRaw } from "./signals-values";

export interface EmsLinkOptions {
  conf: EmsConfig;
  port: CanPort;
  identity: EmsIdentity;
  /** Send the Pylontech frames 0x359 and 0x35C too. */
  pylon: boolean;
}

export class EmsLink {
  readonly conf: EmsConfig;
  readonly port: CanPort;
  readonly state: EmsState;
  readonly schedule: EmsSchedule;
  readonly source: EmsSource;
  /** Active fault and warning tiers at the last tick, as one number (bit per row and tier). */
  private lastAlarmPrint = 0;

  constructor(options: EmsLinkOptions, pack: RunConfig, bms: BmsState, inputs: Inputs) {
    this.conf = options.conf;
    this.port = options.port;
    this.state = createEmsState(options.conf, bms.events);
    this.schedule = createEmsSchedule(pack, options.pylon);
    this.source = createEmsSource(pack, bms, inputs, options.identity);
  }

  /** Before step(): commands in, replies out, timeouts, then the core's mode and fault clear. */
  before(inputs: Inputs, ownMode: RequestedMode, nowMs: number): void {
    serviceEms(this.conf, this.state, this.port, nowMs);
    applyEmsInputs(this.state, inputs, ownMode);
  }

  /** After step(): the EMS's caps on the limits, then the frames due now. */
  after(out: Outputs, internalErrors: number, afeRestarts: number, nowMs: number): void {
    applyEmsLimits(this.state, out);
    const src = this.source;
    src.emsLinkOk = this.state.linkOk;
    src.emsRequestedMode = this.state.emsMode < 0 ? noEmsModeRaw : this.state.emsMode;
    src.refusedCommands = this.state.refusedTotal;
    src.internalErrors = internalErrors;
    src.afeRestarts = afeRestarts;
    // A fault or warning that sets or clears goes out at once (0x35A, 0x4A4 and the limits),
    // not at the next period: the inverter must stop before its next 1 s read.
    const print = this.alarmPrint();
    if (print !== this.lastAlarmPrint) {
      this.lastAlarmPrint = print;
      sendSoon(this.schedule, FrameId.limits);
      sendSoon(this.schedule, FrameId.alarms);
      sendSoon(this.schedule, FrameId.faults);
    }
    sendDueFrames(this.schedule, src, this.port, nowMs);
  }

  /** The active tiers as a number: 2 bits per row, below 2^28 for 14 rows (exact in Lua too). */
  private alarmPrint(): number {
    const f = this.source.state.faults;
    let print = 0;
    let weight = 1;
    for (let id = 0; id < faultCount; id++) {
      if (f.faultActive[id]) print += weight;
      if (f.warnActive[id]) print += 2 * weight;
      weight *= 4;
    }
    return print;
  }
}
