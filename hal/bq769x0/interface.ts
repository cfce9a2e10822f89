// SPDX-License-Identifier: MIT
// bq769x0 register access over I2C with the CRC on every transfer
// (../shared/reference/afe-chips.md §3):
//   write one register:  S addrW [reg] [data] [crc(addrW, reg, data)] P
//   read n registers:    S addrW [reg] Sr addrR → [d0][crc(addrR, d0)] [d1][crc(d1)] … P
// The register pointer auto-increments, so a block of registers is one transaction. Unlike the
// bq769x2 (§2.1) the first read CRC covers only the read address and d0, not the register.
// Buffers are allocated once; nothing here allocates per call, nothing throws.
import { I2cStatus, type I2cBus } from "../hal";
import { byteArray } from "../../firmware/alloc";
import { crc8TableTi as crcTi } from "../crc8";

/** Longest block read: VC1_HI (0x0C) … CC_LO (0x33) = 40 registers (§3 table). */
export const maxBlockRegisters = 40;

/** Outcome of one register transfer. */
export const Transfer = {
  ok: 0,
  /** Address or data byte not acknowledged, or another bus error. */
  nack: 1,
  /** A CRC received from the chip did not match its data. */
  crc: 2,
} as const;
export type Transfer = (typeof Transfer)[keyof typeof Transfer];

export class Bq769x0Interface {
  /** Register values of the last good block read, from index 0. */
  readonly data: number[];
  /** Reads rejected for a bad CRC since construction. */
  crcErrors = 0;
  /** Transfers the bus refused (NACK, bus error) since construction. */
  busErrors = 0;
  private readonly bus: I2cBus;
  private readonly address: number;
  private readonly tx: number[];
  private readonly rx: number[];

  constructor(bus: I2cBus, address: number) {
    this.bus = bus;
    this.address = address;
    this.data = byteArray(maxBlockRegisters, 0);
    this.tx = byteArray(3, 0);
    this.rx = byteArray(2 * maxBlockRegisters, 0);
  }

  /** Write one register with its CRC over (addrW, reg, data). */
  write(register: number, value: number): Transfer {
    const v = value & 0xff;
    this.tx[0] = register;
    this.tx[1] = v;
    this.tx[2] = crcTi[crcTi[crcTi[(this.address << 1) & 0xfe] ^ (register & 0xff)] ^ v];
    if (this.bus.write(this.address, this.tx, 3) !== I2cStatus.ok) {
      this.busErrors++;
      return Transfer.nack;
    }
    return Transfer.ok;
  }

  /**
   * Read `count` consecutive registers from `register` into data[0..count−1]. On any error
   * `data` may hold a partial result and must not be used.
   */
  read(register: number, count: number): Transfer {
    this.tx[0] = register;
    if (this.bus.writeRead(this.address, this.tx, 1, this.rx, 2 * count) !== I2cStatus.ok) {
      this.busErrors++;
      return Transfer.nack;
    }
    // First pair: CRC over the read address and d0; every later pair: CRC over its byte alone.
    let crc = crcTi[((this.address << 1) & 0xfe) + 1];
    for (let i = 0; i < count; i++) {
      const d = this.rx[2 * i] & 0xff;
      crc = crcTi[crc ^ d];
      if (crc !== this.rx[2 * i + 1]) {
        this.crcErrors++;
        return Transfer.crc;
      }
      this.data[i] = d;
      crc = 0;
    }
    return Transfer.ok;
  }
}
