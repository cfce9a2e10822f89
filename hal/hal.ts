// SPDX-License-Identifier: MIT
// The hardware abstraction every driver and the firmware shell are written against.
//
// All calls are synchronous, as Espruino's SPI/I2C and NodeMCU's spi/i2c modules are. Buffers are
// plain number arrays of bytes (0..255) owned by the caller and reused every tick: nothing here
// allocates per call. Plain arrays rather than Uint8Array because typescript-to-lua has no typed
// arrays (../shared/reference/lua.md §4); an Espruino adapter may copy into a typed array inside.
//
// Option words follow ECMA-419 (select, hz, address, baud, resolution): whole words, one options
// object per constructor, validated before touching hardware.

/** One SPI peripheral with its chip-select line bound: every `transfer` is one CS-low frame. */
export interface SpiDevice {
  /**
   * Clock `count` bytes out of `transmit` while clocking the same number into `receive`,
   * with chip select held low for the whole frame (LTC681x and MCP2515 need that).
   * `receive` may be the same array as `transmit`.
   */
  transfer(transmit: number[], receive: number[], count: number): void;
}

export interface SpiOptions {
  /** Bus name on the board ("SPI1", "HSPI", "sim"). */
  bus: string;
  /** Chip-select pin name. */
  select: string;
  /** Clock in Hz (LTC681x: at most 1 MHz). */
  hz: number;
  /** SPI mode 0..3 (LTC681x: mode 3). */
  mode: number;
}

/** Result of an I2C transaction. A NACK is a value, not an exception, so no allocation. */
export const I2cStatus = {
  ok: 0,
  /** Nobody acknowledged the address byte. */
  nackAddress: 1,
  /** A data byte was not acknowledged. */
  nackData: 2,
  /** Arbitration lost, timeout, or any other bus error reported by the adapter. */
  busError: 3,
} as const;
export type I2cStatus = (typeof I2cStatus)[keyof typeof I2cStatus];

/** Names for the I2C status codes, for messages and logs. */
export const i2cStatusName = ["ok", "nack-address", "nack-data", "bus-error"];

export interface I2cBus {
  /** Write `count` bytes at a 7-bit `address`, with a stop condition. */
  write(address: number, data: number[], count: number): I2cStatus;
  /** Read `count` bytes from `address` into `into`. */
  read(address: number, into: number[], count: number): I2cStatus;
  /** Write `writeCount` bytes, repeated start, read `readCount` bytes into `into`. */
  writeRead(address: number, data: number[], writeCount: number, into: number[], readCount: number): I2cStatus;
}

export interface I2cOptions {
  bus: string;
  data: string;
  clock: string;
  hz: number;
}

export interface DigitalOut {
  write(value: number): void;
}

export interface DigitalIn {
  read(): number;
}

export interface AnalogIn {
  /** Raw reading 0 .. 2^resolution − 1. */
  read(): number;
  /** Bits of the converter. */
  readonly resolution: number;
}

export interface SerialPort {
  write(data: number[], count: number): void;
  /** Called with received bytes; `data` is only valid during the call. */
  onReadable(callback: (data: number[], count: number) => void): void;
}

export interface SerialOptions {
  port: string;
  baud: number;
  receive: string;
  transmit: string;
}

export interface Clock {
  /** Monotonic milliseconds since start, an integer. */
  nowMs(): number;
}

export interface Storage {
  /** The stored bytes under `name`, or undefined when absent. */
  read(name: string): number[] | undefined;
  /** Replace the blob under `name`; returns false if the medium refused. */
  write(name: string, data: number[]): boolean;
}

export interface Watchdog {
  kick(): void;
}

/** What a platform (Espruino, NodeMCU, the simulator) offers to open peripherals by name. */
export interface Platform {
  spi(options: SpiOptions): SpiDevice;
  i2c(options: I2cOptions): I2cBus;
  digitalOut(options: { pin: string; value: number }): DigitalOut;
  digitalIn(options: { pin: string }): DigitalIn;
  analogIn(options: { pin: string }): AnalogIn;
  serial(options: SerialOptions): SerialPort;
  clock: Clock;
  storage: Storage;
  watchdog(options: { timeoutMs: number }): Watchdog;
}
