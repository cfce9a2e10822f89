// SPDX-License-Identifier: MIT
// SPI, I2C and UART of the HAL on Espruino's built-in peripherals (../../../shared/reference/
// espruino.md §7). Espruino takes whole arrays, so a frame of `count` bytes goes out as an array of
// exactly that length: one per length seen, made on first use and reused (no per-tick allocation
// on our side; Espruino's own answer buffer is its business).
import { I2cStatus } from "../hal";
import type { I2cBus, SerialPort, SpiDevice } from "../hal";
import type { EspruinoBytes, EspruinoGlobal, EspruinoI2c, EspruinoI2cTarget, EspruinoPin, EspruinoSerial, EspruinoSpi, EspruinoSpiSetup } from "./globals";

/**
 * Byte arrays of an exact length, one per length, reused. Uint8Array: 1 byte an element instead of
 * 2 JsVars (§6), and what send/writeTo take as they are (§7).
 */
export class FramePool {
  /** byLength[n]: the frame of exactly n bytes, once one was asked for. */
  private readonly byLength: (Uint8Array | undefined)[] = [];

  /** The frame of exactly `count` bytes, made the first time that length is asked for. */
  frame(count: number): Uint8Array {
    let frame = this.byLength[count];
    if (frame === undefined) {
      frame = new Uint8Array(count);
      this.byLength[count] = frame;
    }
    return frame;
  }

  /** The first `count` bytes of `data` in an array of exactly that length. */
  copy(data: number[], count: number): Uint8Array {
    const frame = this.frame(count);
    for (let i = 0; i < count; i++) frame[i] = data[i] & 0xff;
    return frame;
  }
}

/**
 * The first `count` bytes of a driver's buffer as a Uint8Array of exactly that length, sharing its
 * memory: what send and writeTo take, with no copy. The drivers' buffers are byteArrays, Uint8Arrays
 * on Espruino (hal/espruino/alloc.ts), and each driver passes the same buffer every time, so one
 * view per length, made the first time, serves every later frame. A copy loop would run about 12
 * tokens a byte, and Espruino's time goes by the token (scripts/espruino-time.ts): on an LTC681x
 * board, most of a tick. Anything else (a plain array, another buffer at a length already seen)
 * is copied into the pool's frame of that length.
 */
export class ByteViews {
  private readonly byLength: (Uint8Array | undefined)[] = [];

  constructor(private readonly pool: FramePool) {}

  of(data: number[], count: number): Uint8Array {
    const bytes = data as unknown as Uint8Array;
    if (!(bytes instanceof Uint8Array) || count > bytes.length) return this.pool.copy(data, count);
    const view = this.byLength[count];
    if (view === undefined) {
      const made = new Uint8Array(bytes.buffer, bytes.byteOffset, count);
      this.byLength[count] = made;
      return made;
    }
    return view.buffer === bytes.buffer && view.byteOffset === bytes.byteOffset ? view : this.pool.copy(data, count);
  }
}

/**
 * `answer` into `into`: with the typed array's own set when `into` is a Uint8Array (native, one
 * call) and the answer has the length asked for, else byte by byte, 0xFF past its end.
 */
function receiveInto(answer: EspruinoBytes, into: number[], count: number): void {
  const bytes = into as unknown as Uint8Array;
  if (bytes instanceof Uint8Array && answer.length === count && count <= bytes.length) {
    bytes.set(answer as unknown as Uint8Array);
    return;
  }
  for (let i = 0; i < count; i++) into[i] = i < answer.length ? answer[i] & 0xff : 0xff;
}

/** Which device last set a shared SPI bus up: devices with another mode or clock set it again. */
export interface SpiBusState {
  spi: EspruinoSpi;
  active: EspruinoSpiSetup | undefined;
}

export class EspruinoSpiDevice implements SpiDevice {
  private readonly frames: ByteViews;

  constructor(
    private readonly bus: SpiBusState,
    private readonly setup: EspruinoSpiSetup,
    private readonly select: EspruinoPin,
    pool: FramePool,
  ) {
    this.frames = new ByteViews(pool);
  }

  transfer(transmit: number[], receive: number[], count: number): void {
    // LTC681x (mode 3) and MCP2515 (mode 0) may share SPI1: the bus follows the device in use.
    if (this.bus.active !== this.setup) {
      this.bus.spi.setup(this.setup);
      this.bus.active = this.setup;
    }
    // One send per frame keeps CS low for the whole frame (§7 SPI).
    receiveInto(this.bus.spi.send(this.frames.of(transmit, count), this.select), receive, count);
  }
}

/** nRF5 SDK sdk_errors.h: NRF_ERROR_PERIPH_DRIVERS_ERR_BASE 0x8200 + 1 (address NACK), + 2 (data NACK). */
const nrfTwiAddressNack = "33281";
const nrfTwiDataNack = "33282";
/**
 * The STM32F4 port (Pico, WiFi; Espruino targets/stm32/jshardware.c) has no NACK text: an
 * unacknowledged address leaves the transmitter/receiver-mode event unset, and its WAIT_UNTIL
 * gives up with "Timeout on I2C Write Transmit Mode 2" or "Timeout on I2C Read Receive Mode"
 * (targets/stm32/jshardware.h) after WAIT_UNTIL_N_CYCLES polls (2,000,000 on the F401/F411), so a
 * silent chip also holds the tick that long. A byte not acknowledged and a start bit that never
 * came both read "I2C device not responding": that text stays a bus error.
 */
const stmAddressNack = ["transmit mode 2", "receive mode"];

/**
 * What an I2C exception says went wrong. Espruino throws on a bus error (§5) and only its text
 * tells the kinds apart: the nRF5x port (MDBT42Q) throws "I2C Write Error <code>" or "I2C Read
 * Error <code>" with the Nordic driver's code (Espruino targets/nrf5x/jshardware.c), the STM32
 * port a timeout naming the bus state it waited for (above), other ports a text naming the NACK.
 * String(e) because a native InternalError need not be an Error instance.
 */
export function i2cErrorStatus(e: unknown): I2cStatus {
  const text = String(e).toLowerCase();
  if (text.indexOf(nrfTwiAddressNack) >= 0) return I2cStatus.nackAddress;
  if (text.indexOf(nrfTwiDataNack) >= 0) return I2cStatus.nackData;
  if (text.indexOf("nack") >= 0 || text.indexOf("no ack") >= 0 || text.indexOf("acknowledge") >= 0) return I2cStatus.nackAddress;
  for (let i = 0; i < stmAddressNack.length; i++) if (text.indexOf(stmAddressNack[i]) >= 0) return I2cStatus.nackAddress;
  return I2cStatus.busError;
}

export class EspruinoI2cBus implements I2cBus {
  /** One repeated-start target, its address set per call. */
  private readonly target: EspruinoI2cTarget = { address: 0, stop: false };
  private readonly frames: ByteViews;

  constructor(
    private readonly i2c: EspruinoI2c,
    pool: FramePool,
  ) {
    this.frames = new ByteViews(pool);
  }

  write(address: number, data: number[], count: number): I2cStatus {
    const frame = this.frames.of(data, count);
    try {
      this.i2c.writeTo(address, frame);
    } catch (e) {
      return i2cErrorStatus(e);
    }
    return I2cStatus.ok;
  }

  read(address: number, into: number[], count: number): I2cStatus {
    try {
      receiveInto(this.i2c.readFrom(address, count), into, count);
    } catch (e) {
      return i2cErrorStatus(e);
    }
    return I2cStatus.ok;
  }

  writeRead(address: number, data: number[], writeCount: number, into: number[], readCount: number): I2cStatus {
    this.target.address = address;
    const frame = this.frames.of(data, writeCount);
    try {
      // The register-pointer read: write without stop, then read after a repeated start (§7 I2C).
      this.i2c.writeTo(this.target, frame);
      receiveInto(this.i2c.readFrom(address, readCount), into, readCount);
    } catch (e) {
      return i2cErrorStatus(e);
    }
    return I2cStatus.ok;
  }
}

/** The received characters as bytes, into a buffer that grows to the longest chunk and is reused. */
class SerialReceiver {
  private readonly bytes: number[] = [];
  constructor(private readonly callback: (data: number[], count: number) => void) {}
  deliver(data: string): void {
    const n = data.length;
    while (this.bytes.length < n) this.bytes.push(0);
    for (let i = 0; i < n; i++) this.bytes[i] = data.charCodeAt(i) & 0xff;
    this.callback(this.bytes, n);
  }
}

export class EspruinoSerialPort implements SerialPort {
  private readonly frames: ByteViews;

  constructor(
    private readonly serial: EspruinoSerial,
    pool: FramePool,
  ) {
    this.frames = new ByteViews(pool);
  }

  write(data: number[], count: number): void {
    this.serial.write(this.frames.of(data, count));
  }

  onReadable(callback: (data: number[], count: number) => void): void {
    const receiver = new SerialReceiver(callback);
    this.serial.on("data", function (data: string): void {
      receiver.deliver(data);
    });
  }
}

/** A peripheral global (SPI1, I2C1, Serial1) by name; throws naming it when the board has none. */
export function peripheral(g: EspruinoGlobal, name: string): unknown {
  const p = g[name];
  if (p === undefined) throw new Error("espruino: no peripheral " + name + " on this board");
  return p;
}
