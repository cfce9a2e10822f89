// SPDX-License-Identifier: MIT
// BQ76952 I2C framing (../shared/reference/afe-chips.md §2.1, §2.3):
//   direct write:  S addrW [reg] [d0] (crc(addrW, reg, d0)) [d1] (crc(d1)) … P
//   direct read:   S addrW [reg] Sr addrR → [d0] (crc(addrW, reg, addrR, d0)) [d1] (crc(d1)) … P
//   (the CRC bytes only in CRC mode; the register pointer auto-increments, values little-endian)
//   subcommand:    write [0x3E] LSB MSB (executes at once, or fills the transfer buffer)
//   read subcmd:   poll 0x3E/0x3F for the echo, read 0x40.., read 0x60 checksum + 0x61 length
//   write subcmd:  write [0x3E] LSB MSB d0…, then [0x60] checksum length (the length executes it)
//                  checksum = ~(LSB + MSB + Σdata) & 0xFF, length = data bytes + 4.
// Data memory is written as a subcommand whose code is the address (§2.3).
// Buffers are allocated once; nothing here allocates per call, nothing throws.
import { I2cStatus, type I2cBus } from "../hal";
import { byteArray } from "../../firmware/alloc";
import { crc8TableTi as crcTi } from "../crc8";
import { Direct, measureBlockBytes, transferBufferBytes } from "./registers";

/** Outcome of one transfer. */
export const Transfer = {
  ok: 0,
  /** Address or data byte not acknowledged, or another bus error. */
  nack: 1,
  /** A CRC from the chip did not match, or the subcommand checksum/length/echo was wrong. */
  crc: 2,
} as const;
export type Transfer = (typeof Transfer)[keyof typeof Transfer];

/** Echo polls before a subcommand counts as unanswered (§2.3: the chip answers FF FF while busy). */
const maxEchoPolls = 8;
/** Longest write payload: subcommand (2) + f32 data memory value (4), with headroom. */
const maxWriteBytes = 8;
/** Longest read: the measurement block (§2.2). */
const maxReadBytes = measureBlockBytes;

/** ~(sum) & 0xFF, the transfer checksum (§2.3). */
export function transferChecksum(sum: number): number {
  return (~sum) & 0xff;
}

export class Bq76952Interface {
  /** Data bytes of the last good read, from index 0. */
  readonly data: number[];
  /** Data bytes for the next subcommand or data-memory write, from index 0. */
  readonly payload: number[];
  /** Reads rejected for a bad CRC or a bad subcommand checksum since construction. */
  crcErrors = 0;
  /** Transfers the bus refused (NACK, bus error) since construction. */
  busErrors = 0;
  private readonly bus: I2cBus;
  private readonly address: number;
  private readonly crc: boolean;
  private readonly staged: number[];
  private readonly tx: number[];
  private readonly rx: number[];

  constructor(bus: I2cBus, address: number, crc: boolean) {
    this.bus = bus;
    this.address = address;
    this.crc = crc;
    this.data = byteArray(maxReadBytes, 0);
    this.payload = byteArray(maxWriteBytes, 0);
    this.staged = byteArray(maxWriteBytes + 2, 0);
    this.tx = byteArray(2 * (maxWriteBytes + 2) + 1, 0);
    this.rx = byteArray(2 * maxReadBytes, 0);
  }

  private nack(): Transfer {
    this.busErrors++;
    return Transfer.nack;
  }

  private bad(): Transfer {
    this.crcErrors++;
    return Transfer.crc;
  }

  /** Write `count` bytes of `source` at `register` (CRC after every byte in CRC mode). */
  private writeFrom(register: number, source: number[], count: number): Transfer {
    const addressWrite = (this.address * 2) & 0xfe;
    this.tx[0] = register;
    let n = 1;
    for (let i = 0; i < count; i++) {
      const d = source[i] & 0xff;
      this.tx[n] = d;
      n++;
      if (this.crc) {
        // Only the first CRC covers the address and the register (§2.1).
        if (i === 0) this.tx[n] = crcTi[crcTi[crcTi[addressWrite] ^ (register & 0xff)] ^ d];
        else this.tx[n] = crcTi[d];
        n++;
      }
    }
    if (this.bus.write(this.address, this.tx, n) !== I2cStatus.ok) return this.nack();
    return Transfer.ok;
  }

  /** Write `count` bytes of payload[] at a direct-command register. */
  writeRegister(register: number, count: number): Transfer {
    return this.writeFrom(register, this.payload, count);
  }

  /** Read `count` bytes from `register` into data[]. On an error data[] must not be used. */
  read(register: number, count: number): Transfer {
    this.tx[0] = register;
    const step = this.crc ? 2 : 1;
    if (this.bus.writeRead(this.address, this.tx, 1, this.rx, step * count) !== I2cStatus.ok) return this.nack();
    if (!this.crc) {
      for (let i = 0; i < count; i++) this.data[i] = this.rx[i] & 0xff;
      return Transfer.ok;
    }
    const addressWrite = (this.address * 2) & 0xfe;
    const rx = this.rx;
    const data = this.data;
    // First byte: CRC over addrW, reg, addrR, d0; every later byte: CRC over itself (§2.1), which
    // from a zero CRC is the table entry of the byte. Few tokens a byte: this runs for every cell
    // of every tick, and Espruino's time goes by the token (scripts/espruino-time.ts).
    if (count <= 0) return Transfer.ok;
    const first = rx[0] & 0xff;
    if (crcTi[crcTi[crcTi[crcTi[addressWrite] ^ (register & 0xff)] ^ (addressWrite + 1)] ^ first] !== rx[1]) return this.bad();
    data[0] = first;
    for (let i = 1, at = 2; i < count; i++, at += 2) {
      const d = rx[at] & 0xff;
      if (crcTi[d] !== rx[at + 1]) return this.bad();
      data[i] = d;
    }
    return Transfer.ok;
  }

  /** Little-endian u16 from data[at]. */
  u16(at: number): number {
    return this.data[at] + 256 * this.data[at + 1];
  }

  /** Little-endian i16 from data[at]. Not through u16: it runs for every cell of every tick, and a call costs far more than the sum on Espruino (scripts/espruino-time.ts). */
  i16(at: number): number {
    const v = this.data[at] + 256 * this.data[at + 1];
    if (v >= 0x8000) return v - 0x10000;
    return v;
  }

  /** A command-only subcommand: write [0x3E] LSB MSB; it executes at once (§2.3). */
  command(code: number): Transfer {
    this.staged[0] = code & 0xff;
    this.staged[1] = (code >>> 8) & 0xff;
    return this.writeFrom(Direct.subcommandLow, this.staged, 2);
  }

  /**
   * A subcommand (or data-memory address) with `count` data bytes from payload[]: one write of
   * the code and the data from 0x3E on, then checksum and length at 0x60 (§2.3).
   */
  subcommandWrite(code: number, count: number): Transfer {
    const low = code & 0xff;
    const high = (code >>> 8) & 0xff;
    this.staged[0] = low;
    this.staged[1] = high;
    let sum = low + high;
    for (let i = 0; i < count; i++) {
      this.staged[2 + i] = this.payload[i] & 0xff;
      sum += this.payload[i] & 0xff;
    }
    const t = this.writeFrom(Direct.subcommandLow, this.staged, 2 + count);
    if (t !== Transfer.ok) return t;
    this.staged[0] = transferChecksum(sum);
    this.staged[1] = count + 4;
    return this.writeFrom(Direct.transferChecksum, this.staged, 2);
  }

  /**
   * A read subcommand: send it, wait for the echo, read `count` bytes from 0x40 into data[] and
   * check them against the checksum and length at 0x60/0x61 (§2.3).
   */
  subcommandRead(code: number, count: number): Transfer {
    if (count > transferBufferBytes) return Transfer.crc;
    const low = code & 0xff;
    const high = (code >>> 8) & 0xff;
    const t = this.command(code);
    if (t !== Transfer.ok) return t;
    let echoed = false;
    for (let p = 0; p < maxEchoPolls && !echoed; p++) {
      const e = this.read(Direct.subcommandLow, 2);
      if (e !== Transfer.ok) return e;
      echoed = this.data[0] === low && this.data[1] === high;
    }
    if (!echoed) return this.bad();
    const c = this.read(Direct.transferChecksum, 2);
    if (c !== Transfer.ok) return c;
    const checksum = this.data[0];
    const length = this.data[1];
    if (length < count + 4 || length > transferBufferBytes + 4) return this.bad();
    const d = this.read(Direct.transferBuffer, length - 4);
    if (d !== Transfer.ok) return d;
    let sum = low + high;
    for (let i = 0; i < length - 4; i++) sum += this.data[i];
    if (transferChecksum(sum) !== checksum) return this.bad();
    return Transfer.ok;
  }

  /** Write `bytes` (1, 2) little-endian bytes of `value` to data memory at `address` (§2.3). */
  writeDataMemory(address: number, value: number, bytes: number): Transfer {
    let v = value & 0xffff;
    for (let i = 0; i < bytes; i++) {
      this.payload[i] = v & 0xff;
      v = v >>> 8;
    }
    return this.subcommandWrite(address, bytes);
  }
}
