// SPDX-License-Identifier: MIT
// A bounded first-in first-out queue of CAN frames, its storage allocated once. The serial callback
// decodes straight into the staging frame (freeSlot) and commits it; the control loop copies frames
// out. When the loop falls behind, new frames are refused (the oldest are kept, as a CAN
// controller's receive FIFO does) and the caller counts the loss.
// Frames are kept in columns (identifier, flags and length, data bytes) rather than one object
// per slot: on Espruino a frame object costs ~28 JsVars, a slot in the columns ~1.5
// (../../../shared/reference/espruino.md §6; the columns are typed arrays there, firmware/alloc.ts).
import { byteArray, intArray, smallIntArray } from "../../firmware/alloc";
import { createCanFrame, type CanFrame } from "../can";

const flagExtended = 16;
const flagRemote = 32;
/** The data length code lives in the low 4 bits of a slot's flags. */
const dlcMask = 15;

export class FrameRing {
  private readonly ids: number[];
  /** dlc | flagExtended | flagRemote. */
  private readonly flags: number[];
  /** 8 bytes per slot. */
  private readonly bytes: number[];
  private readonly staging: CanFrame = createCanFrame();
  /** Index of the oldest frame. */
  private head = 0;
  private count = 0;
  readonly capacity: number;

  constructor(capacity: number) {
    if (!(capacity >= 1) || Math.floor(capacity) !== capacity) {
      throw new Error("FrameRing capacity: must be an integer >= 1");
    }
    this.capacity = capacity;
    this.ids = intArray(capacity, 0);
    this.flags = smallIntArray(capacity, 0);
    this.bytes = byteArray(8 * capacity, 0);
  }

  size(): number {
    return this.count;
  }

  isFull(): boolean {
    return this.count === this.capacity;
  }

  /** The frame to decode the next one into (see commit), or undefined when the queue is full. */
  freeSlot(): CanFrame | undefined {
    return this.count === this.capacity ? undefined : this.staging;
  }

  /** Make the frame written into freeSlot() the newest entry. */
  commit(): void {
    if (this.count === this.capacity) return;
    let tail = this.head + this.count;
    if (tail >= this.capacity) tail -= this.capacity;
    const f = this.staging;
    this.ids[tail] = f.id;
    this.flags[tail] = (f.dlc & dlcMask) + (f.extended ? flagExtended : 0) + (f.remote ? flagRemote : 0);
    for (let i = 0; i < 8; i++) this.bytes[8 * tail + i] = f.data[i] & 0xff;
    this.count++;
  }

  /** Copy the oldest frame into `into` and drop it; false when the queue is empty. */
  shift(into: CanFrame): boolean {
    if (this.count === 0) return false;
    const at = this.head;
    const flags = this.flags[at];
    into.id = this.ids[at];
    into.dlc = flags & dlcMask;
    into.extended = (flags & flagExtended) !== 0;
    into.remote = (flags & flagRemote) !== 0;
    for (let i = 0; i < 8; i++) into.data[i] = this.bytes[8 * at + i];
    this.head++;
    if (this.head === this.capacity) this.head = 0;
    this.count--;
    return true;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }
}
