// SPDX-License-Identifier: MIT
// A simulated EMS or inverter on the other end of the BMS's EMS link: it sends the protected
// commands of a scenario (mode and limit requests every period, fault clears, raw frames for
// refusal tests, silences for link-loss tests), reads the BMS's replies, keeps the last frame of
// every id, and logs both directions in candump -L format. It reaches the BMS through the same
// transport the board has: a node on the virtual CAN bus (MCP2515 boards) or an SLCAN host on
// the simulated UART (SLCAN boards).
import { createCanFrame, copyCanFrame } from "../hal/can";
import type { CanFrame } from "../hal/can";
import { decodeFrameLine, encodeFrameLine, frameLineMax } from "../hal/slcan/frame-text";
import { createCommandReply, decodeReply, encodeFaultClear, encodeLimitRequest, encodeModeRequest } from "../firmware/ems/commands-encode";
import type { CommandReply } from "../firmware/ems/commands-encode";
import { EmsMode } from "../firmware/ems/commands";
import { FrameId } from "../firmware/ems/ids";
import { candumpLine } from "./can-bus-log";
import type { VirtualCanBus } from "./can-bus";
import { SimCanNode } from "./can-bus-node";
import type { SimSerialLink } from "./hal/serial";
import type { SimClock } from "./hal/clock";

/** How the EMS reaches the BMS. */
export interface EmsTransport {
  send(frame: CanFrame): void;
  /** Frames received since the last call. */
  drain(): CanFrame[];
}

/** The EMS as a node on the virtual CAN bus. */
export function canTransport(bus: VirtualCanBus): EmsTransport {
  const node = new SimCanNode(bus, { name: "ems" });
  return {
    send: (frame) => node.send(frame),
    drain: () => node.drain().map((r) => r.frame),
  };
}

/** The EMS as an SLCAN host on a UART: opens the channel, then frames as Lawicel text (§5). */
export function slcanTransport(link: SimSerialLink): EmsTransport {
  const received: CanFrame[] = [];
  let line: number[] = [];
  link.onHostReadable((data, count) => {
    for (let i = 0; i < count; i++) {
      const c = data[i];
      if (c === 13) {
        const f = createCanFrame();
        if (line.length > 0 && decodeFrameLine(line, line.length, f)) received.push(f);
        line = [];
      } else if (c !== 7) line.push(c);
    }
  });
  // What python-can sends on open (can-link.md §5): close, 500 kbit/s, open.
  const text = (s: string) => link.hostWrite(Array.from(s, (ch) => ch.charCodeAt(0)));
  text("C\rS6\rO\r");
  const out = new Array<number>(frameLineMax).fill(0);
  return {
    send: (frame) => {
      const n = encodeFrameLine(frame, out, -1);
      link.hostWrite(out.slice(0, n));
    },
    drain: () => received.splice(0, received.length),
  };
}

/** One scheduled EMS action of a scenario. */
export type EmsAction =
  | { atS: number; type: "mode"; mode: "standby" | "charge" | "discharge" | "idle" }
  | { atS: number; type: "limits"; chargeA?: number | null; dischargeA?: number | null }
  | { atS: number; type: "silence"; untilS: number }
  | { atS: number; type: "faultClear" }
  | { atS: number; type: "raw"; id: number; data: number[] };

export interface SimEmsOptions {
  transport: EmsTransport;
  clock: SimClock;
  /** Period of the mode and limit requests; 0: the EMS sends none (it only listens). */
  periodMs: number;
  actions: EmsAction[];
  /** Keep candump lines (both directions). */
  log: boolean;
}

const modes = { standby: EmsMode.standby, charge: EmsMode.charge, discharge: EmsMode.discharge, idle: EmsMode.idle };

export class SimEms {
  /** Last frame received per id. */
  readonly last = new Map<number, CanFrame>();
  readonly replies: (CommandReply & { timeMs: number })[] = [];
  readonly log: string[] = [];
  readonly counters = { sent: 0, received: 0 };
  /** The first time (ms) each id was received. */
  readonly firstSeenMs = new Map<number, number>();
  mode: EmsMode = EmsMode.idle;
  /** Limit requests in mA, −1 = none. */
  chargeMa = -1;
  dischargeMa = -1;
  private silentUntilMs = -1;
  private nextMs = 0;
  /** Alive counter per command (the BMS checks each command's sequence on its own). */
  private readonly counters15 = new Map<number, number>();
  private readonly frame = createCanFrame();
  private readonly done: boolean[];
  private readonly onFrame: ((frame: CanFrame, timeMs: number) => void)[] = [];

  constructor(private readonly o: SimEmsOptions) {
    this.done = o.actions.map(() => false);
  }

  /** Called for every frame from the BMS. */
  listen(callback: (frame: CanFrame, timeMs: number) => void): void {
    this.onFrame.push(callback);
  }

  private transmit(frame: CanFrame, nowMs: number): void {
    this.o.transport.send(frame);
    this.counters.sent++;
    if (this.o.log) this.log.push(candumpLine(frame, nowMs * 1000));
  }

  private nextCounter(id: number): number {
    const c = this.counters15.get(id) ?? 0;
    this.counters15.set(id, (c + 1) % 15);
    return c;
  }

  /** Run the scenario's actions due by now, send the periodic commands, take the BMS's frames. */
  update(): void {
    const nowMs = this.o.clock.nowMs();
    this.o.actions.forEach((a, i) => {
      if (this.done[i] || a.atS * 1000 > nowMs) return;
      this.done[i] = true;
      if (a.type === "mode") this.mode = modes[a.mode];
      else if (a.type === "limits") {
        if (a.chargeA !== undefined) this.chargeMa = a.chargeA === null ? -1 : Math.round(a.chargeA * 1000);
        if (a.dischargeA !== undefined) this.dischargeMa = a.dischargeA === null ? -1 : Math.round(a.dischargeA * 1000);
      } else if (a.type === "silence") this.silentUntilMs = a.untilS * 1000;
      else if (a.type === "faultClear") {
        encodeFaultClear(this.frame, this.nextCounter(FrameId.faultClear));
        this.transmit(this.frame, nowMs);
      } else {
        const f = createCanFrame();
        f.id = a.id;
        f.dlc = a.data.length;
        a.data.forEach((b, k) => (f.data[k] = b));
        this.transmit(f, nowMs);
      }
    });
    if (this.o.periodMs > 0 && nowMs >= this.nextMs) {
      this.nextMs = nowMs + this.o.periodMs;
      if (nowMs >= this.silentUntilMs) {
        encodeModeRequest(this.frame, this.nextCounter(FrameId.modeRequest), this.mode);
        this.transmit(this.frame, nowMs);
        encodeLimitRequest(this.frame, this.nextCounter(FrameId.limitRequest), this.chargeMa, this.dischargeMa);
        this.transmit(this.frame, nowMs);
      }
    }
    for (const f of this.o.transport.drain()) {
      this.counters.received++;
      if (this.o.log) this.log.push(candumpLine(f, nowMs * 1000));
      const copy = createCanFrame();
      copyCanFrame(f, copy);
      this.last.set(f.id, copy);
      if (!this.firstSeenMs.has(f.id)) this.firstSeenMs.set(f.id, nowMs);
      if (f.id === FrameId.commandReply) {
        const r = createCommandReply();
        if (decodeReply(f, r)) this.replies.push({ ...r, timeMs: nowMs });
      }
      for (const cb of this.onFrame) cb(f, nowMs);
    }
  }
}
