// SPDX-License-Identifier: MIT
// A simulated UART: the firmware's end is a HAL SerialPort, the other end belongs to whatever the
// simulation puts there (a simulated EMS speaking SLCAN, a pseudo-terminal to real tools).
// Bytes are delivered at once, in order; the line never loses or corrupts anything by itself.
import type { SerialPort } from "../../hal/hal";

export class SimSerialLink {
  /** Bytes the firmware wrote since start, and bytes it was given. */
  readonly counters = { toHost: 0, toDevice: 0 };
  private deviceReader: ((data: number[], count: number) => void) | undefined;
  private hostReader: ((data: number[], count: number) => void) | undefined;

  /** The firmware's end. */
  readonly device: SerialPort = {
    write: (data, count) => {
      this.counters.toHost += count;
      this.hostReader?.(data, count);
    },
    onReadable: (callback) => {
      this.deviceReader = callback;
    },
  };

  /** The other end: what it writes reaches the firmware's callback. */
  hostWrite(data: number[]): void {
    this.counters.toDevice += data.length;
    this.deviceReader?.(data, data.length);
  }

  onHostReadable(callback: (data: number[], count: number) => void): void {
    this.hostReader = callback;
  }
}
