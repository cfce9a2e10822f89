// SPDX-License-Identifier: MIT
// SPI and I2C on NodeMCU's ESP32 modules. SPI: spi.master() once per host, one device per chip
// select; device:transfer() is one full-duplex, CS-low frame, as SpiDevice.transfer promises
// (NodeMCU dev-esp32 docs/modules/spi.md). I2C: a hardware interface (i2c.HW0/HW1) queues
// start/address/write/read/stop and i2c.transfer() runs them synchronously, so a register-pointer
// read is one transaction with a repeated start (NodeMCU dev-esp32 docs/modules/i2c.md).
import { I2cStatus } from "../hal";
import type { I2cBus, SpiDevice } from "../hal";
import { ByteStrings, copyBytes } from "./bytes";

/**
 * Bound on one synchronous i2c.transfer(), in ms (0 would wait forever: i2c.md "i2c.transfer()").
 * components/modules/i2c_hw_master.c divides it by the FreeRTOS tick, 10 ms by default
 * (tmr.md note), so two ticks; a few-byte transaction at 100 kHz takes well under 5 ms.
 */
const i2cTransferMs = 20;

export class NodeMcuSpi implements SpiDevice {
  constructor(
    private readonly device: NodeMcuSpiDevice,
    private readonly bytes: ByteStrings,
  ) {}

  transfer(transmit: number[], receive: number[], count: number): void {
    // NodeMCU dev-esp32 docs/modules/spi.md "spi.master:device:transfer()": device:transfer(txdata)
    // returns a string of #txdata bytes read while sending.
    const answer = this.device.transfer(this.bytes.join(transmit, count));
    const got = copyBytes(answer, 0, receive, count);
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
   * A timeout is raised as a Lua error by the module (i2c_hw_master.c), which BmsShell.tick catches.
   */
  private status(ack: boolean): I2cStatus {
    return ack ? I2cStatus.ok : I2cStatus.nackAddress;
  }

  // NodeMCU dev-esp32 docs/modules/i2c.md "i2c.start()", "i2c.address()", "i2c.write()": on HWx
  // these only enqueue; ack_check_en true stops the queue at a NACK.
  private queueWrite(address: number, data: number[], count: number): void {
    i2c.start(this.id);
    i2c.address(this.id, address, i2c.TRANSMITTER, true);
    if (count > 0) i2c.write(this.id, this.bytes.join(data, count), true);
  }

  // NodeMCU dev-esp32 docs/modules/i2c.md "i2c.read()": one read per queue, its bytes come from
  // i2c.transfer().
  private queueRead(address: number, count: number): void {
    i2c.start(this.id);
    i2c.address(this.id, address, i2c.RECEIVER, true);
    i2c.read(this.id, count);
    i2c.stop(this.id);
  }

  private finishRead(into: number[], count: number): I2cStatus {
    // NodeMCU dev-esp32 docs/modules/i2c.md "i2c.transfer()": `data` is nil "if no read or NACK",
    // so with a read queued, nil means a NACK. Only the first result is taken: no table is built.
    const data = i2c.transfer(this.id, i2cTransferMs)[0];
    if (data === undefined) return this.status(false);
    if (copyBytes(data, 0, into, count) < count) return I2cStatus.busError;
    return I2cStatus.ok;
  }

  write(address: number, data: number[], count: number): I2cStatus {
    this.queueWrite(address, data, count);
    i2c.stop(this.id);
    // NodeMCU dev-esp32 docs/modules/i2c.md "i2c.transfer()": the second result is the ACK flag.
    return this.status(i2c.transfer(this.id, i2cTransferMs)[1]);
  }

  read(address: number, into: number[], count: number): I2cStatus {
    this.queueRead(address, count);
    return this.finishRead(into, count);
  }

  writeRead(address: number, data: number[], writeCount: number, into: number[], readCount: number): I2cStatus {
    // No stop between the two: the second start is the repeated start the TI AFEs expect, as in
    // the hardware-interface example of NodeMCU dev-esp32 docs/modules/i2c.md.
    this.queueWrite(address, data, writeCount);
    this.queueRead(address, readCount);
    return this.finishRead(into, readCount);
  }
}
