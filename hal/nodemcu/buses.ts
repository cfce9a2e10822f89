// SPDX-License-Identifier: MIT
// SPI and I2C on NodeMCU's ESP32 modules. SPI: spi.master() once per host, one device per chip
// select; device:transfer() is one full-duplex CS-low frame, as SpiDevice.transfer promises.
// I2C: a hardware interface (i2c.HW0/HW1) queues start/address/write/read/stop and i2c.transfer()
// runs them synchronously, so a register-pointer read is one transaction with a repeated start.
import { I2cStatus } from "../hal";
import type { I2cBus, SpiDevice } from "../hal";
import { ByteStrings, copyBytes } from "./bytes";

export class NodeMcuSpi implements SpiDevice {
  constructor(
    private readonly device: NodeMcuSpiDevice,
    private readonly bytes: ByteStrings,
  ) {}

  transfer(transmit: number[], receive: number[], count: number): void {
    const answer = this.device.transfer(this.bytes.join(transmit, count));
    const got = copyBytes(answer, receive, count);
    // A short answer reads as a released MISO line (0xFF), which fails every PEC/CRC.
    for (let i = got; i < count; i++) receive[i] = 0xff;
  }
}

export class NodeMcuI2cBus implements I2cBus {
  constructor(
    private readonly id: number,
    private readonly bytes: ByteStrings,
  ) {}

  /**
   * The queued transaction's result. NodeMCU reports one acknowledge flag for the whole queue, so
   * a missing ACK is reported as nackAddress (the chip absent or busy is by far the usual cause).
   */
  private status(ack: boolean): I2cStatus {
    return ack ? I2cStatus.ok : I2cStatus.nackAddress;
  }

  private queueWrite(address: number, data: number[], count: number): void {
    i2c.start(this.id);
    i2c.address(this.id, address, i2c.TRANSMITTER, true);
    if (count > 0) i2c.write(this.id, this.bytes.join(data, count), true);
  }

  private queueRead(address: number, count: number): void {
    i2c.start(this.id);
    i2c.address(this.id, address, i2c.RECEIVER, true);
    i2c.read(this.id, count);
    i2c.stop(this.id);
  }

  private finishRead(into: number[], count: number): I2cStatus {
    const result = i2c.transfer(this.id);
    const data = result[0];
    if (!result[1] || data === undefined) return this.status(false);
    if (copyBytes(data, into, count) < count) return I2cStatus.busError;
    return I2cStatus.ok;
  }

  write(address: number, data: number[], count: number): I2cStatus {
    this.queueWrite(address, data, count);
    i2c.stop(this.id);
    return this.status(i2c.transfer(this.id)[1]);
  }

  read(address: number, into: number[], count: number): I2cStatus {
    this.queueRead(address, count);
    return this.finishRead(into, count);
  }

  writeRead(address: number, data: number[], writeCount: number, into: number[], readCount: number): I2cStatus {
    // No stop between the two: the second start is the repeated start the TI AFEs expect.
    this.queueWrite(address, data, writeCount);
    this.queueRead(address, readCount);
    return this.finishRead(into, readCount);
  }
}
