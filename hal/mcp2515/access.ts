// SPDX-License-Identifier: MIT
// The MCP2515 instructions as SPI frames: one chip-select frame per instruction, CS low for all of
// it (../shared/reference/can-link.md §6, §6.1). Buffers are made once; nothing here allocates.
import { byteArray } from "../../firmware/alloc";
import type { CanFrame } from "../can";
import type { SpiDevice } from "../hal";
import { packHeader, unpackHeader } from "./frames";
import { dataBytesMax, headerBytes, Instruction, loadTxStep, readRxStep } from "./registers";

/** The longest frame: READ RX BUFFER or LOAD TX BUFFER with 5 header and 8 data bytes. */
const frameBytesMax = 1 + headerBytes + dataBytesMax;

export class Mcp2515Access {
  /** Bytes clocked in by the last read (index 0 is the instruction's own slot). */
  readonly rx: number[];
  private readonly tx: number[];
  private readonly spi: SpiDevice;

  constructor(spi: SpiDevice) {
    this.spi = spi;
    this.tx = byteArray(frameBytesMax + 1, 0);
    this.rx = byteArray(frameBytesMax + 1, 0);
  }

  /** RESET `C0`: every register to its reset value, Configuration mode (§6.1). */
  reset(): void {
    this.tx[0] = Instruction.reset;
    this.spi.transfer(this.tx, this.rx, 1);
  }

  /** READ `03 addr` and `count` data bytes, landing in rx[2..2+count-1] (§6.1). */
  read(address: number, count: number): void {
    this.tx[0] = Instruction.read;
    this.tx[1] = address;
    for (let i = 0; i < count; i++) this.tx[2 + i] = 0;
    this.spi.transfer(this.tx, this.rx, 2 + count);
  }

  /** READ of one register. */
  readRegister(address: number): number {
    this.read(address, 1);
    return this.rx[2];
  }

  /** WRITE `02 addr` and `count` bytes from values[from..] (auto-increment, §6.1). */
  write(address: number, values: number[], from: number, count: number): void {
    this.tx[0] = Instruction.write;
    this.tx[1] = address;
    for (let i = 0; i < count; i++) this.tx[2 + i] = values[from + i] & 0xff;
    this.spi.transfer(this.tx, this.rx, 2 + count);
  }

  /** WRITE of one register. */
  writeRegister(address: number, value: number): void {
    this.tx[0] = Instruction.write;
    this.tx[1] = address;
    this.tx[2] = value & 0xff;
    this.spi.transfer(this.tx, this.rx, 3);
  }

  /** BIT MODIFY `05 addr mask data`: only the bits set in `mask` change (§6.1). */
  bitModify(address: number, mask: number, value: number): void {
    this.tx[0] = Instruction.bitModify;
    this.tx[1] = address;
    this.tx[2] = mask & 0xff;
    this.tx[3] = value & 0xff;
    this.spi.transfer(this.tx, this.rx, 4);
  }

  /** READ STATUS `A0` → RXnIF, TXREQ and TXnIF of every buffer (§6.1). */
  readStatus(): number {
    this.tx[0] = Instruction.readStatus;
    this.tx[1] = 0;
    this.spi.transfer(this.tx, this.rx, 2);
    return this.rx[1];
  }

  /** LOAD TX BUFFER `40`/`42`/`44` with the header and, for a data frame, DLC bytes (§6.1). */
  loadTx(buffer: number, frame: CanFrame): void {
    this.tx[0] = Instruction.loadTxBuffer + loadTxStep * buffer;
    packHeader(frame, this.tx, 1);
    let count = 1 + headerBytes;
    if (!frame.remote) {
      for (let i = 0; i < frame.dlc; i++) this.tx[count + i] = frame.data[i] & 0xff;
      count += frame.dlc;
    }
    this.spi.transfer(this.tx, this.rx, count);
  }

  /** RTS `81`/`82`/`84`: TXREQ of one buffer (§6.1). */
  requestToSend(buffer: number): void {
    this.tx[0] = Instruction.rts | (1 << buffer);
    this.spi.transfer(this.tx, this.rx, 1);
  }

  /**
   * READ RX BUFFER `90`/`94` of the whole buffer into `into`; the chip clears that buffer's
   * RXnIF when CS rises (§6.1, §6.4 item 6). Data bytes past the DLC are left as they were.
   */
  readRxBuffer(buffer: number, into: CanFrame): void {
    this.tx[0] = Instruction.readRxBuffer + readRxStep * buffer;
    for (let i = 1; i < frameBytesMax; i++) this.tx[i] = 0;
    this.spi.transfer(this.tx, this.rx, frameBytesMax);
    unpackHeader(this.rx, 1, into);
    if (into.remote) return;
    for (let i = 0; i < into.dlc; i++) into.data[i] = this.rx[1 + headerBytes + i];
  }
}
