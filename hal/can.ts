// SPDX-License-Identifier: MIT
// A classic CAN 2.0 frame and the port the EMS link talks through, whatever carries it (an
// MCP2515 on SPI, SLCAN text on a UART, the simulator's virtual bus). Frames are preallocated by
// their owner and copied into, so nothing is allocated per frame.
import { byteArray } from "../firmware/alloc";

export interface CanFrame {
  /** 11-bit (standard) or 29-bit (extended) identifier. */
  id: number;
  extended: boolean;
  /** A remote request: no data, dlc still says how much is asked for. */
  remote: boolean;
  /** Data length 0..8. */
  dlc: number;
  /** Always 8 entries; bytes at index ≥ dlc are don't-care. */
  data: number[];
}

/** A frame with 8 zero bytes, made once by its owner. */
export function createCanFrame(): CanFrame {
  return { id: 0, extended: false, remote: false, dlc: 0, data: byteArray(8, 0) };
}

/** Copy `from` into `to` (no allocation). */
export function copyCanFrame(from: CanFrame, to: CanFrame): void {
  to.id = from.id;
  to.extended = from.extended;
  to.remote = from.remote;
  to.dlc = from.dlc;
  for (let i = 0; i < 8; i++) to.data[i] = from.data[i];
}

/** Result of a CanPort call. */
export const CanStatus = {
  ok: 0,
  /** Nothing to receive, or no free transmit slot right now: try again later. */
  empty: 1,
  /** The controller or the serial link failed (SPI read-back, bus-off, a closed SLCAN channel). */
  error: 2,
} as const;
export type CanStatus = (typeof CanStatus)[keyof typeof CanStatus];

/** What the EMS link needs from a transport: polled from the control loop, never blocking. */
export interface CanPort {
  /** Queue one frame for transmission. */
  send(frame: CanFrame): CanStatus;
  /** Copy the next received frame into `into`; empty when there is none. */
  receive(into: CanFrame): CanStatus;
  /** Transport diagnostics: frames sent/received, errors, bus-off recoveries. */
  readonly counters: CanCounters;
}

export interface CanCounters {
  sent: number;
  received: number;
  /** Frames that could not be sent (no slot, error) or were lost on receive (overflow). */
  dropped: number;
  errors: number;
}
