// SPDX-License-Identifier: MIT
// The Espruino SPI and I2C adapters (hal/espruino/buses.ts) hand a driver's byte buffer to
// send/writeTo as a view of exactly the frame's length, sharing its memory (no copy loop, which
// Espruino would run token by token), and take the answer with the typed array's own set.
import { describe, expect, it } from "vitest";
import { I2cStatus } from "../../hal/hal";
import { ByteViews, EspruinoI2cBus, EspruinoSerialPort, EspruinoSpiDevice, FramePool } from "../../hal/espruino/buses";
import type { EspruinoBytes, EspruinoData, EspruinoI2c, EspruinoPin, EspruinoSerial, EspruinoSpi, EspruinoSpiSetup } from "../../hal/espruino/globals";

const pin: EspruinoPin = {};
const setup: EspruinoSpiSetup = { sck: pin, miso: pin, mosi: pin, baud: 1000000, mode: 3 };

/** An SPI peripheral that records what it was given and answers each byte + 1. */
class EchoSpi implements EspruinoSpi {
  readonly sent: EspruinoData[] = [];
  setup(): void {}
  send(data: EspruinoData): EspruinoBytes {
    this.sent.push(data);
    const answer = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) answer[i] = (data[i] + 1) & 0xff;
    return answer;
  }
}

describe("frames handed to Espruino's SPI and I2C", () => {
  it("sends the first count bytes of a driver's Uint8Array as a view of the same memory, one view per length", () => {
    const spi = new EchoSpi();
    const device = new EspruinoSpiDevice({ spi, active: undefined }, setup, pin, new FramePool());
    const tx = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    const rx = new Uint8Array(8);
    device.transfer(tx as unknown as number[], rx as unknown as number[], 4);
    device.transfer(tx as unknown as number[], rx as unknown as number[], 4);
    const [first, second] = spi.sent as Uint8Array[];
    expect(first).toBeInstanceOf(Uint8Array);
    expect(first.buffer).toBe(tx.buffer);
    expect([...first]).toEqual([1, 2, 3, 4]);
    // The same view again: nothing made per frame.
    expect(second).toBe(first);
    expect([...rx]).toEqual([2, 3, 4, 5, 0, 0, 0, 0]);
    // What the driver writes next is what goes out: the view is its buffer.
    tx[0] = 0x40;
    device.transfer(tx as unknown as number[], rx as unknown as number[], 4);
    expect(spi.sent[2][0]).toBe(0x40);
  });

  it("copies a plain array, or another buffer at a length already seen, into a frame of its own", () => {
    const views = new ByteViews(new FramePool());
    const a = new Uint8Array(6);
    const b = new Uint8Array([9, 8, 7, 6, 5, 4]);
    expect(views.of(a as unknown as number[], 3).buffer).toBe(a.buffer);
    const other = views.of(b as unknown as number[], 3);
    expect(other.buffer).not.toBe(b.buffer);
    expect([...other]).toEqual([9, 8, 7]);
    expect([...views.of([1, 2, 3], 3)]).toEqual([1, 2, 3]);
    expect(views.of(a as unknown as number[], 7)).toHaveLength(7);
    expect(views.of(a as unknown as number[], 7).buffer).not.toBe(a.buffer);
    const spi = new EchoSpi();
    const device = new EspruinoSpiDevice({ spi, active: undefined }, setup, pin, new FramePool());
    const rx: number[] = [0, 0, 0];
    device.transfer([0x10, 0x20, 0x30, 0x99], rx, 3);
    expect([...(spi.sent[0] as Uint8Array)]).toEqual([0x10, 0x20, 0x30]);
    expect(rx).toEqual([0x11, 0x21, 0x31]);
  });

  it("pads with 0xFF where an answer is shorter than the frame", () => {
    const short: EspruinoSpi = { setup: () => undefined, send: () => new Uint8Array([7]) };
    const device = new EspruinoSpiDevice({ spi: short, active: undefined }, setup, pin, new FramePool());
    const rx = new Uint8Array(3);
    device.transfer(new Uint8Array(3) as unknown as number[], rx as unknown as number[], 3);
    expect([...rx]).toEqual([7, 0xff, 0xff]);
  });

  it("writes an I2C register pointer from a view of the driver's buffer and sets the answer into its receive buffer", () => {
    const written: EspruinoData[] = [];
    const i2c: EspruinoI2c = {
      setup: () => undefined,
      writeTo: (_a, data) => void written.push(data),
      readFrom: (_a, n) => new Uint8Array(n).fill(0x5a),
    };
    const bus = new EspruinoI2cBus(i2c, new FramePool());
    const tx = new Uint8Array([0x14, 0, 0]);
    const into = new Uint8Array(4);
    expect(bus.writeRead(8, tx as unknown as number[], 1, into as unknown as number[], 4)).toBe(I2cStatus.ok);
    expect((written[0] as Uint8Array).buffer).toBe(tx.buffer);
    expect([...(written[0] as Uint8Array)]).toEqual([0x14]);
    expect([...into]).toEqual([0x5a, 0x5a, 0x5a, 0x5a]);
  });

  it("writes the first count bytes of a byte buffer to a serial port as a view, and a plain array as a copy", () => {
    const written: unknown[] = [];
    const serial = { setup: () => undefined, write: (d: unknown) => void written.push(d), on: () => undefined } as unknown as EspruinoSerial;
    const port = new EspruinoSerialPort(serial, new FramePool());
    const line = new Uint8Array([0x74, 0x33, 0x35, 0x31, 0x0d, 0, 0]);
    port.write(line as unknown as number[], 5);
    port.write([0x07, 0x08], 1);
    expect((written[0] as Uint8Array).buffer).toBe(line.buffer);
    expect([...(written[0] as Uint8Array)]).toEqual([0x74, 0x33, 0x35, 0x31, 0x0d]);
    expect([...(written[1] as Uint8Array)]).toEqual([0x07]);
  });
});
