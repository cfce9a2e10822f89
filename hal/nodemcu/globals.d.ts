// SPDX-License-Identifier: MIT
// The NodeMCU (ESP32, Lua 5.3) module globals hal/nodemcu/ uses, and nothing more, typed for
// typescript-to-lua: @noSelf namespaces are called with `.` (module functions take no self), the
// object types (SPI device, timer, file) with `:` as their methods take self (lua.md §4, §8).
// API per the NodeMCU dev-esp32 module docs (spi, i2c, uart, gpio, adc, tmr, file, node).
/// <reference types="@typescript-to-lua/language-extensions" />

/** A device on an SPI bus master; transfer() is one full-duplex, CS-low transaction. */
interface NodeMcuSpiDevice {
  transfer(data: string): string;
}

interface NodeMcuSpiMaster {
  device(config: { cs: number; mode: number; freq: number }): NodeMcuSpiDevice;
}

/** @noSelf */
declare namespace spi {
  const HSPI: number;
  const VSPI: number;
  function master(host: number, config: { sclk: number; mosi: number; miso: number }): NodeMcuSpiMaster;
}

/** @noSelf */
declare namespace i2c {
  const HW0: number;
  const HW1: number;
  const TRANSMITTER: number;
  const RECEIVER: number;
  function setup(id: number, sda: number, scl: number, speed: number): number;
  /** The hardware interfaces queue start/address/write/read/stop until transfer() runs them. */
  function start(id: number): void;
  function address(id: number, device: number, direction: number, ackCheck: boolean): void;
  function write(id: number, data: string, ackCheck: boolean): void;
  function read(id: number, count: number): void;
  function stop(id: number): void;
  /** Runs the queued commands synchronously: the bytes read, and whether every byte was acknowledged. */
  function transfer(id: number): LuaMultiReturn<[string | undefined, boolean]>;
}

/** @noSelf */
declare namespace uart {
  const PARITY_NONE: number;
  const STOPBITS_1: number;
  function setup(id: number, baud: number, databits: number, parity: number, stopbits: number, pins: { tx: number; rx: number }): number;
  function start(id: number): boolean;
  function on(id: number, method: "data", count: number, callback: (this: void, data: string) => void): void;
  function write(id: number, data: string): void;
}

/** @noSelf */
declare namespace gpio {
  const IN: number;
  const OUT: number;
  function config(config: { gpio: number; dir: number }): void;
  function write(pin: number, level: number): void;
  function read(pin: number): number;
}

/** @noSelf */
declare namespace adc {
  const ADC1: number;
  const ATTEN_11db: number;
  function setwidth(unit: number, bits: number): void;
  function setup(unit: number, channel: number, attenuation: number): void;
  function read(unit: number, channel: number): number;
}

interface NodeMcuTimer {
  alarm(intervalMs: number, mode: number, callback: (this: void, timer: NodeMcuTimer) => void): boolean;
  unregister(): void;
}

/** @noSelf */
declare namespace tmr {
  const ALARM_AUTO: number;
  function create(): NodeMcuTimer;
}

interface NodeMcuFile {
  /** Up to `count` bytes, or undefined at end of file. */
  read(count: number): string | undefined;
  write(data: string): boolean | undefined;
  close(): void;
}

/** @noSelf */
declare namespace file {
  function open(name: string, mode: string): NodeMcuFile | undefined;
}

/** @noSelf */
declare namespace node {
  /** Microseconds since boot. */
  function uptime(): number;
  function restart(): void;
}

/** Lua's table.concat, to join byte strings into one without a concatenation per byte. */
/** @noSelf */
declare namespace table {
  function concat(list: string[], separator: string, first: number, last: number): string;
}
