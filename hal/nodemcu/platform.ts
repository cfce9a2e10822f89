// SPDX-License-Identifier: MIT
// The HAL on NodeMCU (ESP32, Lua 5.3 firmware), for the typescript-to-lua build: spi/i2c buses
// (./buses.ts), gpio pins, adc inputs, uart ports, node.uptime as the clock, the file module as
// storage, and a watchdog the control loop (./loop.ts) enforces. Pins are named "GPIO<n>".
import type { AnalogIn, Clock, DigitalIn, DigitalOut, I2cBus, I2cOptions, Platform, SerialOptions, SerialPort, SpiDevice, SpiOptions, Storage, Watchdog } from "../hal";
import { divFloor } from "../../firmware/intmath";
import { ByteStrings, byteBuffer, copyBytes, requireGpio } from "./bytes";
import { NodeMcuI2cBus, NodeMcuSpi } from "./buses";

/** node.uptime() counts µs; on a 32-bit integer build it wraps at 2^31 µs (35.8 min). */
const uptimeWrapUs = 2147483648;
/** ESP32 ADC1 channel of each GPIO (ESP32 datasheet, ADC pin table); −1: not on ADC1. */
const adc1Channel = [36, 0, 37, 1, 38, 2, 39, 3, 32, 4, 33, 5, 34, 6, 35, 7];
/** Bytes a received UART chunk may hold before it is cut. */
const serialChunk = 64;
/** Largest file read in one call. */
const fileChunk = 256;

export class NodeMcuClock implements Clock {
  private ms = 0;
  private restUs = 0;
  private lastUs: number;

  constructor() {
    this.lastUs = node.uptime();
  }

  /** Whole ms since start, built from µs deltas so neither the wrap nor a product exceeds 2^31. */
  nowMs(): number {
    const us = node.uptime();
    let delta = us - this.lastUs;
    if (delta < 0) delta += uptimeWrapUs;
    this.lastUs = us;
    this.restUs += delta;
    const whole = divFloor(this.restUs, 1000);
    this.ms += whole;
    this.restUs -= whole * 1000;
    return this.ms;
  }
}

class Pin implements DigitalOut, DigitalIn {
  constructor(private readonly gpioPin: number) {}
  write(value: number): void {
    gpio.write(this.gpioPin, value);
  }
  read(): number {
    return gpio.read(this.gpioPin);
  }
}

class Analog implements AnalogIn {
  readonly resolution = 12;
  constructor(private readonly channel: number) {}
  read(): number {
    return adc.read(adc.ADC1, this.channel);
  }
}

class Serial implements SerialPort {
  private readonly rx = byteBuffer(serialChunk);
  private callback: ((data: number[], count: number) => void) | undefined = undefined;
  constructor(
    private readonly id: number,
    private readonly bytes: ByteStrings,
  ) {}
  write(data: number[], count: number): void {
    if (count > 0) uart.write(this.id, this.bytes.join(data, count));
  }
  onReadable(callback: (data: number[], count: number) => void): void {
    this.callback = callback;
  }
  /** uart.on's data callback: the chunk as bytes to the listener. */
  received(data: string): void {
    const cb = this.callback;
    if (cb === undefined) return;
    cb(this.rx, copyBytes(data, this.rx, serialChunk));
  }
}

class FileStorage implements Storage {
  constructor(private readonly bytes: ByteStrings) {}
  read(name: string): number[] | undefined {
    const f = file.open(name, "r");
    if (f === undefined) return undefined;
    const out: number[] = [];
    let chunk = f.read(fileChunk);
    while (chunk !== undefined) {
      for (let i = 0; i < chunk.length; i++) out.push(chunk.charCodeAt(i));
      chunk = f.read(fileChunk);
    }
    f.close();
    return out;
  }
  write(name: string, data: number[]): boolean {
    const f = file.open(name, "w");
    if (f === undefined) return false;
    const ok = data.length === 0 || f.write(this.bytes.join(data, data.length)) === true;
    f.close();
    return ok;
  }
}

/** Kicked by the shell after each good AFE read; the control loop restarts the MCU when it starves. */
export class NodeMcuWatchdog implements Watchdog {
  private lastKickMs: number;
  constructor(
    private readonly clock: Clock,
    readonly timeoutMs: number,
  ) {
    this.lastKickMs = clock.nowMs();
  }
  kick(): void {
    this.lastKickMs = this.clock.nowMs();
  }
  expired(nowMs: number): boolean {
    return nowMs - this.lastKickMs > this.timeoutMs;
  }
}

export class NodeMcuPlatform implements Platform {
  readonly clock = new NodeMcuClock();
  readonly watchdogs: NodeMcuWatchdog[] = [];
  private readonly bytes = new ByteStrings();
  readonly storage = new FileStorage(this.bytes);
  private readonly spiNames: string[] = [];
  private readonly spiMasters: NodeMcuSpiMaster[] = [];

  /** The SPI bus master of a host, made at its first device (HSPI or VSPI). */
  private master(options: SpiOptions): NodeMcuSpiMaster {
    for (let i = 0; i < this.spiNames.length; i++) if (this.spiNames[i] === options.bus) return this.spiMasters[i];
    throw new Error("nodemcu spi: bus " + options.bus + " is not open; call openSpi first");
  }

  /** Open an SPI host on its pins before its devices (the board's spi entries). */
  openSpi(bus: string, clock: string, input: string, output: string): void {
    let host = spi.HSPI;
    if (bus === "VSPI") host = spi.VSPI;
    else if (bus !== "HSPI") throw new Error("nodemcu spi: bus " + bus + " is not HSPI or VSPI");
    this.spiNames.push(bus);
    this.spiMasters.push(spi.master(host, { sclk: requireGpio(clock, "spi clock"), mosi: requireGpio(output, "spi output"), miso: requireGpio(input, "spi input") }));
  }

  spi(options: SpiOptions): SpiDevice {
    const device = this.master(options).device({ cs: requireGpio(options.select, "spi select"), mode: options.mode, freq: options.hz });
    return new NodeMcuSpi(device, this.bytes);
  }

  i2c(options: I2cOptions): I2cBus {
    const id = options.bus === "I2C1" ? i2c.HW1 : i2c.HW0;
    i2c.setup(id, requireGpio(options.data, "i2c data"), requireGpio(options.clock, "i2c clock"), options.hz);
    return new NodeMcuI2cBus(id, this.bytes);
  }

  digitalOut(options: { pin: string; value: number }): DigitalOut {
    const n = requireGpio(options.pin, "digitalOut");
    gpio.config({ gpio: n, dir: gpio.OUT });
    gpio.write(n, options.value);
    return new Pin(n);
  }

  digitalIn(options: { pin: string }): DigitalIn {
    const n = requireGpio(options.pin, "digitalIn");
    gpio.config({ gpio: n, dir: gpio.IN });
    return new Pin(n);
  }

  analogIn(options: { pin: string }): AnalogIn {
    const n = requireGpio(options.pin, "analogIn");
    let channel = -1;
    for (let i = 0; i < adc1Channel.length; i += 2) if (adc1Channel[i] === n) channel = adc1Channel[i + 1];
    if (channel < 0) throw new Error("nodemcu adc: " + options.pin + " is not an ADC1 input");
    adc.setwidth(adc.ADC1, 12);
    // 11 dB: the full 0..≈3.1 V range of the amplifier output.
    adc.setup(adc.ADC1, channel, adc.ATTEN_11db);
    return new Analog(channel);
  }

  serial(options: SerialOptions): SerialPort {
    const id = requireGpio("GPIO" + options.port.substring(options.port.length - 1), "serial port");
    uart.setup(id, options.baud, 8, uart.PARITY_NONE, uart.STOPBITS_1, { tx: requireGpio(options.transmit, "serial transmit"), rx: requireGpio(options.receive, "serial receive") });
    const port = new Serial(id, this.bytes);
    uart.on(id, "data", 0, (data: string) => port.received(data));
    uart.start(id);
    return port;
  }

  watchdog(options: { timeoutMs: number }): Watchdog {
    const w = new NodeMcuWatchdog(this.clock, options.timeoutMs);
    this.watchdogs.push(w);
    return w;
  }

  /** Any watchdog starved past its timeout. */
  watchdogExpired(): boolean {
    const now = this.clock.nowMs();
    for (let i = 0; i < this.watchdogs.length; i++) if (this.watchdogs[i].expired(now)) return true;
    return false;
  }
}
