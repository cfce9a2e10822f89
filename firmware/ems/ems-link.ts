// SPDX-License-Identifier: MIT
// The EMS link as one object the shell holds: the command supervisor (link*.ts), the frame
// encoders' source (encode.ts) and the send schedule (schedule.ts) on one transport. Two calls
// per tick: before() takes the received commands and sets the core's inputs; after() caps the
// published limits and sends the frames that are due. Protection never waits on it: the core
// decides first, the EMS can only lower limits or ask for standby.
import type { CanPort } from "../../hal/can";
import type { BmsState, Inputs, Outputs, PackConfig, RequestedMode } from "../types";
import { createEmsSource } from "./encode";
import type { EmsIdentity, EmsSource } from "./encode";
import type { EmsConfig } from "./link-config";
import { applyEmsInputs, applyEmsLimits, serviceEms } from "./link-service";
import { createEmsState } from "./link-state";
import type { EmsState } from "./link-state";
import { createEmsSchedule, sendDueFrames } from "./schedule";
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

  constructor(options: EmsLinkOptions, pack: PackConfig, bms: BmsState, inputs: Inputs) {
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
    sendDueFrames(this.schedule, src, this.port, nowMs);
  }
}
