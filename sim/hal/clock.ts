// SPDX-License-Identifier: MIT
// The simulated clock: integer milliseconds that only move forward when the simulation says so.
import type { Clock } from "../../hal/hal";

export class SimClock implements Clock {
  private ms = 0;

  constructor(startMs = 0) {
    this.ms = startMs;
  }

  nowMs(): number {
    return this.ms;
  }

  /** Move time forward; refuses to go backwards or by a non-integer step. */
  advance(ms: number): void {
    if (!Number.isInteger(ms) || ms < 0) throw new Error(`clock: cannot advance by ${ms} ms`);
    this.ms += ms;
  }
}
