// SPDX-License-Identifier: MIT
// The Espruino globals the adapter uses, and nothing else, as types. They are reached through the
// global object handed in at start (Espruino's `global`), not declared as ambient globals: the host
// program (Node types) already declares `require` and `global` differently, and an injected object
// lets the Node stand-in offer exactly these. Signatures: ../../../shared/reference/espruino.md §7.

/** A pin object (`B3`, `D14`): Espruino names pins by globals, not strings. */
export interface EspruinoPin {
  readonly __espruinoPin?: true;
}

/** What send/readFrom return: a Uint8Array on the device (kept abstract: Lua has no typed arrays). */
export interface EspruinoBytes {
  readonly length: number;
  readonly [index: number]: number;
}

/** What send/writeTo/write take: an array of bytes or a Uint8Array (§7). */
export type EspruinoData = number[] | Uint8Array;

export interface EspruinoSpiSetup {
  sck: EspruinoPin;
  miso: EspruinoPin;
  mosi: EspruinoPin;
  baud: number;
  mode: number;
}

/** SPI1.. (§7 SPI): `send(data, nss)` holds CS low for the whole frame and returns what came back. */
export interface EspruinoSpi {
  setup(options: EspruinoSpiSetup): void;
  send(data: EspruinoData, nss: EspruinoPin): EspruinoBytes;
}

export interface EspruinoI2cSetup {
  scl: EspruinoPin;
  sda: EspruinoPin;
  bitrate: number;
}

/** `{address, stop: false}`: a write followed by a repeated start (§7 I2C). */
export interface EspruinoI2cTarget {
  address: number;
  stop: boolean;
}

/** I2C1.. (§7 I2C): synchronous; a bus error or NACK throws (§5). */
export interface EspruinoI2c {
  setup(options: EspruinoI2cSetup): void;
  writeTo(address: number | EspruinoI2cTarget, data: EspruinoData): void;
  readFrom(address: number, quantity: number): EspruinoBytes;
}

export interface EspruinoSerialSetup {
  rx: EspruinoPin;
  tx: EspruinoPin;
}

/** Serial1.. (§7 Serial): received data arrives as a string of character codes 0..255. */
export interface EspruinoSerial {
  setup(baud: number, options: EspruinoSerialSetup): void;
  write(data: EspruinoData): void;
  on(event: string, callback: (data: string) => void): void;
}

/** require("Storage") (§7 Storage): bytes as a string. */
export interface EspruinoStorage {
  read(name: string): string | undefined;
  write(name: string, data: string): boolean;
}

/** The E object (§7 Watchdog). */
export interface EspruinoE {
  enableWatchdog(timeoutSeconds: number, isAuto: boolean): void;
  kickWatchdog(): void;
}

/** The global object: functions, peripherals (SPI1, I2C1, Serial1) and pins by name. */
export interface EspruinoGlobal {
  digitalWrite(pin: EspruinoPin, value: number): void;
  digitalRead(pin: EspruinoPin): number;
  /** 0..1, a fraction of the reference (§7 analogRead). */
  analogRead(pin: EspruinoPin): number;
  /** Seconds, a float (§7 Timers). */
  getTime(): number;
  setInterval(callback: () => void, ms: number): number;
  require(name: string): EspruinoStorage;
  E: EspruinoE;
  /** Prints to the console (USB, Bluetooth or the serial the REPL is on). */
  console: { log(text: string): void };
  readonly [name: string]: unknown;
}
