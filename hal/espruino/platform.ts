// SPDX-License-Identifier: MIT
// The HAL Platform on Espruino's globals (../../../shared/reference/espruino.md §7). Pins are
// named by strings in the board definitions and are globals on Espruino (B3, D14): each is looked
// up on the global object once, when its peripheral is opened, never per tick.
import type { AnalogIn, Clock, DigitalIn, DigitalOut, I2cBus, I2cOptions, Platform, SerialOptions, SerialPort, SpiDevice, SpiOptions, Storage, Watchdog } from "../hal";
import { roundInt } from "../../firmware/intmath";
import { EspruinoI2cBus, EspruinoSerialPort, EspruinoSpiDevice, FramePool, peripheral } from "./buses";
import type { SpiBusState } from "./buses";
import type { EspruinoE, EspruinoGlobal, EspruinoI2c, EspruinoPin, EspruinoSerial, EspruinoSpi } from "./globals";

/** The pins of one SPI bus, as boards/types.ts SpiBusDefinition names them. */
export interface EspruinoSpiPins {
  name: string;
  clock: string;
  input: string;
  output: string;
}

export interface EspruinoPlatformOptions {
  /** The board's SPI buses: Espruino's setup needs their pins, the HAL's options name only the bus. */
  spi: EspruinoSpiPins[];
  /** Counts the HAL reports for a 0..1 analogRead: 2^bits − 1 at full scale. */
  analogBits: number;
}

class PinOut implements DigitalOut {
  constructor(
    private readonly g: EspruinoGlobal,
    private readonly pin: EspruinoPin,
  ) {}
  write(value: number): void {
    this.g.digitalWrite(this.pin, value);
  }
}

class PinIn implements DigitalIn {
  constructor(
    private readonly g: EspruinoGlobal,
    private readonly pin: EspruinoPin,
  ) {}
  read(): number {
    return this.g.digitalRead(this.pin);
  }
}

class PinAnalog implements AnalogIn {
  readonly resolution: number;
  private readonly fullScale: number;
  constructor(
    private readonly g: EspruinoGlobal,
    private readonly pin: EspruinoPin,
    bits: number,
  ) {
    this.resolution = bits;
    this.fullScale = Math.pow(2, bits) - 1;
  }
  read(): number {
    return roundInt(this.g.analogRead(this.pin) * this.fullScale);
  }
}

/** getTime() seconds → integer ms since the platform was made (small integers, §4). */
class SecondsClock implements Clock {
  private readonly startS: number;
  constructor(private readonly g: EspruinoGlobal) {
    this.startS = g.getTime();
  }
  nowMs(): number {
    return roundInt((this.g.getTime() - this.startS) * 1000);
  }
}

/** require("Storage"): bytes kept as a string of character codes 0..255. */
class FlashStorage implements Storage {
  constructor(private readonly g: EspruinoGlobal) {}
  read(name: string): number[] | undefined {
    const text = this.g.require("Storage").read(name);
    if (text === undefined) return undefined;
    const bytes: number[] = [];
    for (let i = 0; i < text.length; i++) bytes.push(text.charCodeAt(i) & 0xff);
    return bytes;
  }
  write(name: string, data: number[]): boolean {
    let text = "";
    for (let i = 0; i < data.length; i++) text += String.fromCharCode(data[i] & 0xff);
    return this.g.require("Storage").write(name, text);
  }
}

/**
 * The hardware watchdog, not automatic: only the control loop kicks it, after a good AFE read
 * (§7 Watchdog). It starts only when arm() is called, after the configuration was accepted, so
 * a rejected configuration does not turn into a reset loop.
 */
export class EspruinoWatchdog implements Watchdog {
  private armed = false;
  constructor(
    private readonly e: EspruinoE,
    private readonly timeoutMs: number,
  ) {}
  arm(): void {
    if (this.armed) return;
    // Whole seconds: ESP32 rounds to them anyway (§7); at least one.
    this.e.enableWatchdog(Math.max(1, Math.ceil(this.timeoutMs / 1000)), false);
    this.armed = true;
  }
  kick(): void {
    if (this.armed) this.e.kickWatchdog();
  }
}

export class EspruinoPlatform implements Platform {
  readonly clock: Clock;
  readonly storage: Storage;
  readonly watchdogs: EspruinoWatchdog[] = [];
  private readonly buses: SpiBusState[] = [];
  private readonly busNames: string[] = [];
  private readonly pool = new FramePool();

  constructor(
    private readonly g: EspruinoGlobal,
    private readonly options: EspruinoPlatformOptions,
  ) {
    this.clock = new SecondsClock(g);
    this.storage = new FlashStorage(g);
  }

  /** The pin global named `name`; throws naming it when the board has no such pin. */
  pin(name: string): EspruinoPin {
    const p = this.g[name];
    if (p === undefined) throw new Error("espruino: no pin " + name + " on this board");
    return p as EspruinoPin;
  }

  private spiBus(name: string): SpiBusState {
    for (let i = 0; i < this.busNames.length; i++) if (this.busNames[i] === name) return this.buses[i];
    const state: SpiBusState = { spi: peripheral(this.g, name) as EspruinoSpi, active: undefined };
    this.buses.push(state);
    this.busNames.push(name);
    return state;
  }

  spi(options: SpiOptions): SpiDevice {
    let pins: EspruinoSpiPins | undefined = undefined;
    for (let i = 0; i < this.options.spi.length; i++) if (this.options.spi[i].name === options.bus) pins = this.options.spi[i];
    if (pins === undefined) throw new Error("espruino: SPI bus " + options.bus + " is not in the board's spi list");
    const select = this.pin(options.select);
    // Deselected until the first frame (Espruino drives CS itself during send).
    this.g.digitalWrite(select, 1);
    const setup = { sck: this.pin(pins.clock), miso: this.pin(pins.input), mosi: this.pin(pins.output), baud: options.hz, mode: options.mode };
    return new EspruinoSpiDevice(this.spiBus(options.bus), setup, select, this.pool);
  }

  i2c(options: I2cOptions): I2cBus {
    const i2c = peripheral(this.g, options.bus) as EspruinoI2c;
    i2c.setup({ scl: this.pin(options.clock), sda: this.pin(options.data), bitrate: options.hz });
    return new EspruinoI2cBus(i2c, this.pool);
  }

  digitalOut(options: { pin: string; value: number }): DigitalOut {
    const out = new PinOut(this.g, this.pin(options.pin));
    out.write(options.value);
    return out;
  }

  digitalIn(options: { pin: string }): DigitalIn {
    return new PinIn(this.g, this.pin(options.pin));
  }

  analogIn(options: { pin: string }): AnalogIn {
    return new PinAnalog(this.g, this.pin(options.pin), this.options.analogBits);
  }

  serial(options: SerialOptions): SerialPort {
    const serial = peripheral(this.g, options.port) as EspruinoSerial;
    serial.setup(options.baud, { rx: this.pin(options.receive), tx: this.pin(options.transmit) });
    return new EspruinoSerialPort(serial, this.pool);
  }

  watchdog(options: { timeoutMs: number }): Watchdog {
    const w = new EspruinoWatchdog(this.g.E, options.timeoutMs);
    this.watchdogs.push(w);
    return w;
  }

  /** Start the watchdogs handed out so far (after the configuration was accepted). */
  armWatchdogs(): void {
    for (let i = 0; i < this.watchdogs.length; i++) this.watchdogs[i].arm();
  }
}
