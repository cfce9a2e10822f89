// SPDX-License-Identifier: MIT
// A simulated I2C bus: drivers run unchanged against emulated chips at their 7-bit addresses.
// Nobody at an address is a NACK of the address byte, as on a real bus.
import { I2cStatus, type I2cBus } from "../../hal/hal";
import type { BusCounters } from "./bus";

/** A chip on a simulated I2C bus. */
export interface I2cPeripheral {
  /**
   * The master wrote `count` bytes of `data` (the register pointer first). `stop` false means a
   * repeated start and a read follow (the register-pointer read). Return the chip's answer:
   * I2cStatus.ok, or nackData where it refuses a byte.
   */
  write(data: number[], count: number, stop: boolean): I2cStatus;
  /** The master reads `count` bytes into `into` (after a write with stop false, or on its own). */
  read(into: number[], count: number): I2cStatus;
}

export class SimI2cBus implements I2cBus {
  readonly counters: BusCounters = { transactions: 0, bytes: 0 };
  private readonly devices = new Map<number, I2cPeripheral>();

  attach(address: number, device: I2cPeripheral): void {
    if (!Number.isInteger(address) || address < 0 || address > 0x7f) throw new Error(`sim i2c: address ${address} is not a 7-bit address`);
    if (this.devices.has(address)) throw new Error(`sim i2c: address 0x${address.toString(16)} is taken`);
    this.devices.set(address, device);
  }

  detach(address: number): void {
    this.devices.delete(address);
  }

  write(address: number, data: number[], count: number): I2cStatus {
    this.count(1 + count);
    const d = this.devices.get(address);
    if (d === undefined) return I2cStatus.nackAddress;
    return d.write(data, count, true);
  }

  read(address: number, into: number[], count: number): I2cStatus {
    this.count(1 + count);
    const d = this.devices.get(address);
    if (d === undefined) return I2cStatus.nackAddress;
    return d.read(into, count);
  }

  writeRead(address: number, data: number[], writeCount: number, into: number[], readCount: number): I2cStatus {
    this.count(2 + writeCount + readCount);
    const d = this.devices.get(address);
    if (d === undefined) return I2cStatus.nackAddress;
    const w = d.write(data, writeCount, false);
    if (w !== I2cStatus.ok) return w;
    return d.read(into, readCount);
  }

  private count(bytes: number): void {
    this.counters.transactions++;
    this.counters.bytes += bytes;
  }
}
