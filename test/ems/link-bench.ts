// SPDX-License-Identifier: MIT
// A bench for the EMS link tests: an EMS that sends protected commands with its own alive
// counters, the supervisor under test on an injected clock, the BMS's own limits applied through
// applyEmsLimits, and an in-memory CAN port for serviceEms.
import { CanStatus, copyCanFrame, createCanFrame } from "../../hal/can";
import type { CanCounters, CanFrame, CanPort } from "../../hal/can";
import { createCommandReply, decodeReply, encodeFaultClear, encodeLimitRequest, encodeModeRequest } from "../../firmware/ems/commands-encode";
import type { CommandReply } from "../../firmware/ems/commands-encode";
import { CommandIndex } from "../../firmware/ems/commands";
import type { EmsMode } from "../../firmware/ems/commands";
import { e2eNextCounter } from "../../firmware/ems/e2e";
import { emsTick, handleEmsFrame } from "../../firmware/ems/link";
import { defaultEmsConfig } from "../../firmware/ems/link-config";
import type { EmsConfig } from "../../firmware/ems/link-config";
import { applyEmsLimits } from "../../firmware/ems/link-service";
import { createEmsState } from "../../firmware/ems/link-state";
import type { EmsState } from "../../firmware/ems/link-state";
import { createEventLog, eventSlot } from "../../firmware/events";
import { createState } from "../../firmware/state";
import { EventKind } from "../../firmware/types";
import type { Outputs } from "../../firmware/types";
import { benchConfig } from "../core/core-bench";

/** The pack's own current limits in the bench: 100 A both ways, so the default derate is 10 A. */
export const packLimitMa = 100000;

/** The recommended configuration for a 100 A pack, with `overrides`. */
export function emsConfig(overrides: Partial<EmsConfig> = {}): EmsConfig {
  return { ...defaultEmsConfig(packLimitMa, packLimitMa), ...overrides };
}

/** A CAN port backed by arrays: frames queued for receive, frames sent kept for inspection. */
export class MemoryPort implements CanPort {
  readonly incoming: CanFrame[] = [];
  readonly sent: CanFrame[] = [];
  /** When false, send() answers empty (no free transmit slot). */
  acceptSends = true;
  readonly counters: CanCounters = { sent: 0, received: 0, dropped: 0, errors: 0 };

  queue(frame: CanFrame): void {
    const f = createCanFrame();
    copyCanFrame(frame, f);
    this.incoming.push(f);
  }

  send(frame: CanFrame): CanStatus {
    if (!this.acceptSends) {
      this.counters.dropped++;
      return CanStatus.empty;
    }
    const f = createCanFrame();
    copyCanFrame(frame, f);
    this.sent.push(f);
    this.counters.sent++;
    return CanStatus.ok;
  }

  receive(into: CanFrame): CanStatus {
    const f = this.incoming.shift();
    if (f === undefined) return CanStatus.empty;
    copyCanFrame(f, into);
    this.counters.received++;
    return CanStatus.ok;
  }
}

export class EmsBench {
  readonly conf: EmsConfig;
  readonly ems: EmsState;
  readonly log = createEventLog(64);
  /** The injected clock, ms. */
  now = 0;
  /** The BMS's own limits (what step() would publish), applied on every advance. */
  bmsChargeMa = packLimitMa;
  bmsDischargeMa = packLimitMa;
  /** Outputs as the core makes them; only the current limits matter here. */
  readonly out: Outputs = createState(benchConfig("LFP")).out;
  /** The frame the EMS builds its commands in. */
  readonly frame = createCanFrame();
  /** The EMS's next alive counter per CommandIndex. */
  readonly counters = [0, 0, 0];

  constructor(overrides: Partial<EmsConfig> = {}) {
    this.conf = emsConfig(overrides);
    this.ems = createEmsState(this.conf, this.log);
    this.publish();
  }

  /** The EMS's counter for command `k`, then advanced (0..14, wrapping). */
  counter(k: number): number {
    const c = this.counters[k];
    this.counters[k] = e2eNextCounter(c);
    return c;
  }

  handle(frame: CanFrame = this.frame): number {
    return handleEmsFrame(this.conf, this.ems, frame, this.now);
  }

  mode(mode: EmsMode): number {
    encodeModeRequest(this.frame, this.counter(CommandIndex.mode), mode);
    return this.handle();
  }

  /** A limit request in mA, −1 = no request in that direction. */
  limits(chargeMa: number, dischargeMa: number): number {
    encodeLimitRequest(this.frame, this.counter(CommandIndex.limits), chargeMa, dischargeMa);
    return this.handle();
  }

  faultClear(): number {
    encodeFaultClear(this.frame, this.counter(CommandIndex.faultClear));
    return this.handle();
  }

  /** The clock moves on by `ms`, the supervisor ticks, the BMS publishes its limits. */
  advance(ms: number): void {
    this.now += ms;
    emsTick(this.conf, this.ems, this.now);
    this.publish();
  }

  /** `seconds` periods of 1 s, each with a mode request (the EMS keeping the link up). */
  keepUp(seconds: number, mode: EmsMode): void {
    for (let s = 0; s < seconds; s++) {
      this.mode(mode);
      this.advance(1000);
    }
  }

  /** The limits the BMS publishes after the caps: [charge, discharge] mA. */
  publish(): [number, number] {
    this.out.chargeCurrentLimitMa = this.bmsChargeMa;
    this.out.dischargeCurrentLimitMa = this.bmsDischargeMa;
    applyEmsLimits(this.ems, this.out);
    return [this.out.chargeCurrentLimitMa, this.out.dischargeCurrentLimitMa];
  }

  /** The pending reply, decoded. */
  reply(): CommandReply {
    const r = createCommandReply();
    if (!decodeReply(this.ems.reply, r)) throw new Error("bench: ems.reply is not a reply frame");
    return r;
  }

  /** EventKind.emsLink events: value 1 lost, 0 restored. */
  linkEvents(): { timeMs: number; value: number; cause: number }[] {
    const list = [];
    for (let k = 0; k < this.log.count; k++) {
      const s = eventSlot(this.log, k);
      if (this.log.kind[s] === EventKind.emsLink) list.push({ timeMs: this.log.timeMs[s], value: this.log.value[s], cause: this.log.cause[s] });
    }
    return list;
  }
}
