// SPDX-License-Identifier: MIT
// A bounded first-in first-out queue of CAN frames, every slot allocated once. The serial callback
// decodes straight into the free slot and commits it; the control loop copies frames out. When the
// loop falls behind, new frames are refused (the oldest are kept, as a CAN controller's receive
// FIFO does) and the caller counts the loss.
import { copyCanFrame, createCanFrame, type CanFrame } from "../can";

export class FrameRing {
  private readonly slots: CanFrame[] = [];
  /** Index of the oldest frame. */
  private head = 0;
  private count = 0;
  readonly capacity: number;

  constructor(capacity: number) {
    if (!(capacity >= 1) || Math.floor(capacity) !== capacity) {
      throw new Error("FrameRing capacity: must be an integer >= 1");
    }
    this.capacity = capacity;
    for (let i = 0; i < capacity; i++) this.slots.push(createCanFrame());
  }

  size(): number {
    return this.count;
  }

  isFull(): boolean {
    return this.count === this.capacity;
  }

  /** The slot the next frame goes into (see commit), or undefined when the queue is full. */
  freeSlot(): CanFrame | undefined {
    if (this.count === this.capacity) return undefined;
    let tail = this.head + this.count;
    if (tail >= this.capacity) tail -= this.capacity;
    return this.slots[tail];
  }

  /** Make the frame written into freeSlot() the newest entry. */
  commit(): void {
    if (this.count < this.capacity) this.count++;
  }

  /** Copy the oldest frame into `into` and drop it; false when the queue is empty. */
  shift(into: CanFrame): boolean {
    if (this.count === 0) return false;
    copyCanFrame(this.slots[this.head], into);
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
