// SPDX-License-Identifier: MIT
// Simulated buses: drivers run unchanged against emulated chips through these. The SPI side works
// on whole chip-select frames, which is what every SpiDevice.transfer is.
import type { SpiDevice } from "../../hal/hal";

/** A chip on a simulated SPI bus: sees each CS-low frame as the master clocked it. */
export interface SpiPeripheral {
  /**
   * One frame: `mosi` holds the `count` bytes the master sent; write the bytes the chip drives on
   * MISO into `miso` (the simulator pre-fills it with 0xFF, a released line).
   */
  frame(mosi: number[], miso: number[], count: number): void;
}

/** Bus traffic counters, for figures and tests. */
export interface BusCounters {
  transactions: number;
  bytes: number;
}

/** A SpiDevice whose frames go to an emulated peripheral, counting traffic. */
export class SimSpiDevice implements SpiDevice {
  readonly counters: BusCounters = { transactions: 0, bytes: 0 };
  private readonly mosi: number[] = [];
  private readonly miso: number[] = [];

  constructor(private readonly peripheral: SpiPeripheral) {}

  transfer(transmit: number[], receive: number[], count: number): void {
    this.counters.transactions++;
    this.counters.bytes += count;
    // Copy first: receive may alias transmit, and the chip must see what was sent.
    for (let i = 0; i < count; i++) {
      this.mosi[i] = transmit[i] & 0xff;
      this.miso[i] = 0xff;
    }
    this.peripheral.frame(this.mosi, this.miso, count);
    for (let i = 0; i < count; i++) receive[i] = this.miso[i] & 0xff;
  }
}
