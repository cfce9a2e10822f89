// SPDX-License-Identifier: MIT
// A virtual CAN bus for the simulator: emulated controllers (sim/emulators/mcp2515.ts) and plain
// TypeScript nodes (SimCanNode, an EMS or inverter stand-in) attach to it. Every frame that some
// other node acknowledges reaches every other attached node on the bus's bit rate; the sender
// does not get its own frame back unless it asks for it (SimCanNode's loopback option; an
// MCP2515's loopback mode is internal to the chip and puts nothing on the bus).
//
// Model (facts from ../shared/reference/can-link.md §6.4 item 4; CAN rules as in ISO 11898-1):
// * Arbitration: when the bus falls idle, every node with a frame ready starts; the lowest
//   identifier wins (an 11-bit frame beats a 29-bit one with the same base id, data beats
//   remote). Losers are told (MLOA) and try again at the next idle.
// * Timing: with a clock, a frame occupies the bus for its exact bit count (stuff bits and CRC
//   included, plus ACK, EOF and intermission) at the bus bit rate, and is delivered at its end.
//   Without a clock (or with timing off) frames complete at once.
// * ACK: a frame nobody acknowledges (no other node, only listen-only nodes, nodes at another bit
//   rate) is an error for its sender and reaches nobody. Error counting is the sender's business.
// * Bit rate: a node whose rate is more than 1 % off the bus rate neither sends nor receives: its
//   own frames end as bit errors, others' frames are errors it saw. (A real mistimed node also
//   destroys other nodes' frames while it is error active; that is not modelled.)
import type { CanFrame } from "../hal/can";
import { copyCanFrame, createCanFrame } from "../hal/can";
import type { Clock } from "../hal/hal";

/** What became of a frame a node put on the bus. */
export type TxOutcome = "ok" | "noAck" | "lostArbitration" | "bitError";

/** Anything that can sit on the virtual bus. */
export interface CanBusNode {
  /** Bit rate the node runs at, bit/s; undefined while it takes no part (config, sleep, bus-off). */
  bitrate(): number | undefined;
  /** Copy the frame it would start now into `into`; false when it has none. */
  nextFrame(into: CanFrame): boolean;
  /** The fate of the frame last taken by nextFrame, at the time its attempt ended. */
  transmitted(outcome: TxOutcome, timeUs: number): void;
  /** A complete, acknowledged frame from another node, at the time its EOF ended. */
  received(frame: CanFrame, timeUs: number): void;
  /** Does it drive the ACK slot? (A listen-only node does not.) */
  acknowledges(): boolean;
  /** It saw a frame it could not decode (another bit rate). */
  sawError(): void;
}

export interface VirtualCanBusOptions {
  /** Nominal bit rate, bit/s (default 500 000, the inverter profile of §1). */
  bitrate?: number;
  /** The sim clock; frames take their time on the wire only when there is one. */
  clock?: Clock;
  /** With a clock: false makes frames complete at once anyway (default true). */
  timing?: boolean;
  /** Without timing: frame attempts per update() at most, so a node retrying forever cannot hang it. */
  attemptLimit?: number;
}

/** A frame listener: every acknowledged frame, at the end of its EOF, with its sender's name. */
export type FrameListener = (frame: CanFrame, timeUs: number, sender: string) => void;

interface Attached {
  node: CanBusNode;
  name: string;
  offer: CanFrame;
}

const bitrateTolerance = 0.01;

/** CRC-15/CAN (poly 0x4599) over the bits from SOF to the end of the data field. */
function crc15(bits: number[]): number {
  let crc = 0;
  for (const bit of bits) {
    const top = ((crc >> 14) & 1) ^ bit;
    crc = (crc << 1) & 0x7fff;
    if (top === 1) crc ^= 0x4599;
  }
  return crc;
}

function pushBits(bits: number[], value: number, count: number): void {
  for (let i = count - 1; i >= 0; i--) bits.push(Math.floor(value / 2 ** i) % 2);
}

/**
 * Bits `frame` occupies on the wire: SOF to CRC with stuff bits (a complement after five equal
 * bits), then CRC delimiter, ACK slot and delimiter, 7 EOF bits and 3 bits of intermission.
 */
export function frameBits(frame: CanFrame): number {
  const bits: number[] = [0];
  if (frame.extended) {
    pushBits(bits, Math.floor(frame.id / 2 ** 18), 11);
    bits.push(1, 1); // SRR, IDE
    pushBits(bits, frame.id % 2 ** 18, 18);
    bits.push(frame.remote ? 1 : 0, 0, 0); // RTR, r1, r0
  } else {
    pushBits(bits, frame.id, 11);
    bits.push(frame.remote ? 1 : 0, 0, 0); // RTR, IDE, r0
  }
  pushBits(bits, frame.dlc, 4);
  const dataBytes = frame.remote ? 0 : Math.min(frame.dlc, 8);
  for (let i = 0; i < dataBytes; i++) pushBits(bits, frame.data[i], 8);
  pushBits(bits, crc15(bits), 15);
  let stuffed = 0;
  let run = 0;
  let last = -1;
  for (const bit of bits) {
    run = bit === last ? run + 1 : 1;
    last = bit;
    if (run === 5) {
      stuffed++;
      last = 1 - bit;
      run = 1;
    }
  }
  return bits.length + stuffed + 13;
}

/** Does `a` win arbitration against `b`? */
function winsArbitration(a: CanFrame, b: CanFrame): boolean {
  const baseA = a.extended ? Math.floor(a.id / 2 ** 18) : a.id;
  const baseB = b.extended ? Math.floor(b.id / 2 ** 18) : b.id;
  if (baseA !== baseB) return baseA < baseB;
  // Same base id: a standard frame's RTR/IDE are dominant where an extended frame sends SRR/IDE.
  if (a.extended !== b.extended) return !a.extended;
  if (a.extended && a.id !== b.id) return a.id < b.id;
  return !a.remote && b.remote;
}

export class VirtualCanBus {
  readonly bitrate: number;
  /** Acknowledged frames, failed attempts (no ACK, bit errors) and lost arbitrations. */
  readonly counters = { frames: 0, errorFrames: 0, arbitrationLosses: 0 };
  private readonly clock: Clock | undefined;
  private readonly timed: boolean;
  private readonly attemptLimit: number;
  private readonly nodes: Attached[] = [];
  private readonly listeners: FrameListener[] = [];
  private inFlight: { from: Attached; frame: CanFrame; endUs: number } | undefined;
  private updating = false;
  private lastUs = 0;

  constructor(options: VirtualCanBusOptions = {}) {
    const bitrate = options.bitrate ?? 500_000;
    if (!(Number.isInteger(bitrate) && bitrate > 0 && bitrate <= 1_000_000)) {
      throw new Error(`VirtualCanBus options.bitrate: ${bitrate} is not a whole bit rate in 1..1000000`);
    }
    const attemptLimit = options.attemptLimit ?? 1000;
    if (!(Number.isInteger(attemptLimit) && attemptLimit > 0)) throw new Error(`VirtualCanBus options.attemptLimit: ${attemptLimit} is not a whole number > 0`);
    this.bitrate = bitrate;
    this.clock = options.clock;
    this.timed = options.clock !== undefined && (options.timing ?? true);
    this.attemptLimit = attemptLimit;
  }

  /** Put `node` on the bus under `name` (used in logs and errors). */
  attach(node: CanBusNode, name: string): void {
    if (this.nodes.some((a) => a.node === node)) throw new Error(`VirtualCanBus attach: ${name} is already on the bus`);
    this.update();
    this.nodes.push({ node, name, offer: createCanFrame() });
  }

  /** Take `node` off the bus; a frame of its still on the wire is lost. */
  detach(node: CanBusNode): void {
    this.update();
    const i = this.nodes.findIndex((a) => a.node === node);
    if (i < 0) return;
    if (this.inFlight?.from === this.nodes[i]) this.inFlight = undefined;
    this.nodes.splice(i, 1);
  }

  /** Listen to every acknowledged frame; returns the function that stops listening. */
  onFrame(listener: FrameListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Bus time, µs: the sim clock (never going back), or 0 without one. */
  nowUs(): number {
    if (this.clock !== undefined) this.lastUs = Math.max(this.lastUs, this.clock.nowMs() * 1000);
    return this.lastUs;
  }

  /** Is a frame on the wire right now? */
  busy(): boolean {
    this.update();
    return this.inFlight !== undefined;
  }

  /** A node has a frame ready: let the bus run up to now. */
  requestSend(): void {
    this.update();
  }

  /** Complete every frame whose end has passed and start the next ones, up to the clock. */
  update(): void {
    // A node reacting inside a callback (a reply to a received frame) is picked up by the loop.
    if (this.updating) return;
    this.updating = true;
    try {
      const now = this.nowUs();
      let startAt = now;
      let attempts = 0;
      for (;;) {
        if (this.inFlight !== undefined) {
          if (this.inFlight.endUs > now) break;
          const done = this.inFlight;
          this.inFlight = undefined;
          startAt = done.endUs;
          this.finish(done.from, done.frame, done.endUs);
          continue;
        }
        if (!this.timed && attempts >= this.attemptLimit) break;
        if (!this.start(startAt)) break;
        attempts++;
      }
    } finally {
      this.updating = false;
    }
  }

  private rateMatches(rate: number): boolean {
    return Math.abs(rate - this.bitrate) <= this.bitrate * bitrateTolerance;
  }

  /** Arbitration among every node with a frame ready; false when nobody has one. */
  private start(atUs: number): boolean {
    let winner: Attached | undefined;
    const contenders: Attached[] = [];
    for (const a of this.nodes) {
      if (a.node.bitrate() === undefined || !a.node.nextFrame(a.offer)) continue;
      contenders.push(a);
      if (winner === undefined || winsArbitration(a.offer, winner.offer)) winner = a;
    }
    if (winner === undefined) return false;
    for (const a of contenders) {
      if (a === winner) continue;
      this.counters.arbitrationLosses++;
      a.node.transmitted("lostArbitration", atUs);
    }
    const frame = createCanFrame();
    copyCanFrame(winner.offer, frame);
    const durationUs = this.timed ? (frameBits(frame) * 1e6) / this.bitrate : 0;
    this.inFlight = { from: winner, frame, endUs: atUs + durationUs };
    return true;
  }

  private finish(from: Attached, frame: CanFrame, endUs: number): void {
    const rate = from.node.bitrate();
    // Gone off the bus mid-frame (reset, mode change): the frame never ended.
    if (rate === undefined) {
      this.counters.errorFrames++;
      return;
    }
    const others = this.nodes.filter((a) => a !== from && a.node.bitrate() !== undefined);
    if (!this.rateMatches(rate)) {
      this.counters.errorFrames++;
      for (const a of others) a.node.sawError();
      from.node.transmitted("bitError", endUs);
      return;
    }
    const receivers = others.filter((a) => this.rateMatches(a.node.bitrate() ?? 0));
    for (const a of others) if (!receivers.includes(a)) a.node.sawError();
    if (!receivers.some((a) => a.node.acknowledges())) {
      this.counters.errorFrames++;
      from.node.transmitted("noAck", endUs);
      return;
    }
    this.counters.frames++;
    for (const a of receivers) a.node.received(frame, endUs);
    for (const listener of [...this.listeners]) listener(frame, endUs, from.name);
    from.node.transmitted("ok", endUs);
  }
}
