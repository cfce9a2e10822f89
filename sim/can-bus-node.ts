// SPDX-License-Identifier: MIT
// A plain TypeScript node on the virtual CAN bus (sim/can-bus.ts): a simulated EMS or inverter
// sends and receives frames directly, with the bus doing arbitration, timing and ACK. It behaves
// like an ideal controller with a FIFO transmit queue: it retries a frame nobody acknowledges up
// to `retryLimit` times (32 attempts is where a real controller reaches bus-off at +8 per error),
// then drops it.
import { z } from "zod";
import type { CanFrame } from "../hal/can";
import { copyCanFrame, createCanFrame } from "../hal/can";
import type { CanBusNode, TxOutcome, VirtualCanBus } from "./can-bus";

/** The parts of a frame a test or scenario writes; the rest has defaults. */
export interface FrameSpec {
  id: number;
  data?: number[];
  extended?: boolean;
  remote?: boolean;
  /** Defaults to data.length. */
  dlc?: number;
}

const frameSpecSchema = z
  .strictObject({
    id: z.number().int().min(0),
    data: z.array(z.number().int().min(0).max(255)).max(8).default([]),
    extended: z.boolean().default(false),
    remote: z.boolean().default(false),
    dlc: z.number().int().min(0).max(8).optional(),
  })
  .refine((f) => f.id <= (f.extended ? 0x1fffffff : 0x7ff), { message: "id does not fit its 11-bit or 29-bit identifier", path: ["id"] });

/** A CanFrame from a spec, checked (an error names the bad field). */
export function canFrame(spec: FrameSpec): CanFrame {
  const r = frameSpecSchema.safeParse(spec);
  if (!r.success) throw new Error(r.error.issues.map((i) => `canFrame ${i.path.join(".")}: ${i.message}`).join("\n"));
  const f = createCanFrame();
  f.id = r.data.id;
  f.extended = r.data.extended;
  f.remote = r.data.remote;
  f.dlc = r.data.dlc ?? r.data.data.length;
  r.data.data.forEach((b, i) => (f.data[i] = b));
  return f;
}

export interface SimCanNodeOptions {
  /** Name in logs. */
  name: string;
  /** The node's bit rate (default: the bus rate). */
  bitrate?: number;
  /** Listen only: receives, never acknowledges, never sends. */
  listenOnly?: boolean;
  /** Attempts of a frame nobody acknowledges before it is dropped (default 32). */
  retryLimit?: number;
  /** Also receive its own frames once they are sent, as a SocketCAN socket does (default false). */
  loopback?: boolean;
}

const optionsSchema = z.strictObject({
  name: z.string().min(1),
  bitrate: z.number().positive().optional(),
  listenOnly: z.boolean().default(false),
  retryLimit: z.number().int().min(1).default(32),
  loopback: z.boolean().default(false),
});

export interface ReceivedFrame {
  frame: CanFrame;
  timeUs: number;
}

export class SimCanNode implements CanBusNode {
  readonly name: string;
  readonly counters = { sent: 0, received: 0, dropped: 0, failedAttempts: 0 };
  /** Called for every frame this node receives (after it is queued in the inbox). */
  onReceive: ((frame: CanFrame, timeUs: number) => void) | undefined;
  private readonly inbox: ReceivedFrame[] = [];
  private readonly queue: CanFrame[] = [];
  private readonly rate: number;
  private readonly listenOnly: boolean;
  private readonly retryLimit: number;
  private readonly loopback: boolean;
  private failures = 0;

  constructor(
    private readonly bus: VirtualCanBus,
    options: SimCanNodeOptions,
  ) {
    const r = optionsSchema.safeParse(options);
    if (!r.success) throw new Error(r.error.issues.map((i) => `SimCanNode options.${i.path.join(".")}: ${i.message}`).join("\n"));
    this.name = r.data.name;
    this.rate = r.data.bitrate ?? bus.bitrate;
    this.listenOnly = r.data.listenOnly;
    this.retryLimit = r.data.retryLimit;
    this.loopback = r.data.loopback;
    bus.attach(this, this.name);
  }

  /** Queue a frame (a CanFrame or a spec, copied and checked) for transmission. */
  send(frame: FrameSpec): void {
    if (this.listenOnly) throw new Error(`SimCanNode ${this.name}: a listen-only node cannot send`);
    this.queue.push(canFrame(frame));
    this.bus.requestSend();
  }

  /** The oldest received frame, or undefined. */
  receive(): ReceivedFrame | undefined {
    this.bus.update();
    return this.inbox.shift();
  }

  /** Every received frame not taken yet, oldest first (and take them). */
  drain(): ReceivedFrame[] {
    this.bus.update();
    return this.inbox.splice(0, this.inbox.length);
  }

  /** Frames still waiting to be sent. */
  pending(): number {
    this.bus.update();
    return this.queue.length;
  }

  detach(): void {
    this.bus.detach(this);
  }

  bitrate(): number | undefined {
    return this.rate;
  }

  nextFrame(into: CanFrame): boolean {
    if (this.queue.length === 0) return false;
    copyCanFrame(this.queue[0], into);
    return true;
  }

  transmitted(outcome: TxOutcome, timeUs: number): void {
    if (outcome === "lostArbitration") return;
    if (outcome === "ok") {
      const sent = this.queue.shift();
      this.counters.sent++;
      this.failures = 0;
      if (this.loopback && sent !== undefined) this.received(sent, timeUs);
      return;
    }
    this.counters.failedAttempts++;
    if (++this.failures >= this.retryLimit) {
      this.queue.shift();
      this.counters.dropped++;
      this.failures = 0;
    }
  }

  received(frame: CanFrame, timeUs: number): void {
    const copy = createCanFrame();
    copyCanFrame(frame, copy);
    this.inbox.push({ frame: copy, timeUs });
    this.counters.received++;
    this.onReceive?.(copy, timeUs);
  }

  acknowledges(): boolean {
    return !this.listenOnly;
  }

  sawError(): void {}
}
