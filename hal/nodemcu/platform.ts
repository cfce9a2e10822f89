// SPDX-License-Identifier: MIT
// The HAL on NodeMCU (ESP32, Lua 5.3 firmware), for the typescript-to-lua build: spi/i2c buses
// (./buses.ts), gpio pins, adc inputs, uart ports, node.uptime as the clock, the standard Lua io
// module as storage, and a watchdog the control loop (./loop.ts) enforces. Pins are named
// "GPIO<n>". Each API use cites the NodeMCU dev-esp32 doc it was checked against (docs/modules/*.md).
import type { AnalogIn, Clock, DigitalIn, DigitalOut, I2cBus, I2cOptions, Platform, SerialOptions, SerialPort, SpiDevice, SpiOptions, Storage, Watchdog } from "../hal";
import { divFloor } from "../../firmware/intmath";
import { ByteStrings, byteBuffer, copyBytes, requireGpio } from "./bytes";
import { NodeMcuI2cBus, NodeMcuSpi } from "./buses";

/**
 * node.uptime() counts µs (NodeMCU dev-esp32 docs/modules/node.md "node.uptime()"): an integer-only
 * build wraps its first result at 2^31 µs (35.8 min); a build with floats does not wrap.
 */
const uptimeWrapUs = 2147483648;
/**
 * ESP32 ADC1 channel of each GPIO, as pairs (GPIO, channel): NodeMCU dev-esp32 docs/modules/adc.md
 * "adc.setup()": "0: GPIO36, 1: GPIO37, 2: GPIO38, 3: GPIO39, 4: GPIO32, 5: GPIO33, 6: GPIO34, 7: GPIO35".
 */
const adc1Channel = [36, 0, 37, 1, 38, 2, 39, 3, 32, 4, 33, 5, 34, 6, 35, 7];
/** Bytes handed to a serial listener per call; a longer UART chunk is passed on in pieces. */
const serialChunk = 64;
/** Largest file read in one call. */
const fileChunk = 256;

export class NodeMcuClock implements Clock {
  private ms = 0;
  private restUs = 0;
  private lastUs: number;

  constructor() {
    this.lastUs = node.uptime()[0];
  }

  /**
   * Whole ms since start, built from µs deltas so neither the uptime's wrap nor a product exceeds
   * 2^31. The count itself is a float: NodeMCU's integers are 32 bits (components/lua/Kconfig,
   * "Use 64bit integers" off by default), so an integer count would turn negative after 2^31 ms,
   * 24.8 days, and the firmware reads a negative time as "never" (a frame schedule, the first
   * tick). `/` gives a float in Lua 5.3, and a double (checked at start, ./numbers.ts) holds
   * whole ms exactly for 285,000 years.
   */
  nowMs(): number {
    const us = node.uptime()[0];
    let delta = us - this.lastUs;
    if (delta < 0) delta += uptimeWrapUs;
    this.lastUs = us;
    this.restUs += delta;
    const whole = divFloor(this.restUs, 1000);
    this.ms += whole / 1;
    this.restUs -= whole * 1000;
    return this.ms;
  }
}

class Pin implements DigitalOut, DigitalIn {
  constructor(private readonly gpioPin: number) {}
  /** NodeMCU dev-esp32 docs/modules/gpio.md "gpio.write()": `gpio.write(pin, level)`, 1 or 0. */
  write(value: number): void {
    gpio.write(this.gpioPin, value);
  }
  /** NodeMCU dev-esp32 docs/modules/gpio.md "gpio.read()": "0 = low, 1 = high". */
  read(): number {
    return gpio.read(this.gpioPin);
  }
}

class Analog implements AnalogIn {
  readonly resolution = 12;
  constructor(private readonly channel: number) {}
  /** NodeMCU dev-esp32 docs/modules/adc.md "adc.read()": `adc.read(adc_number, channel)`. */
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
  /** NodeMCU dev-esp32 docs/modules/uart.md "uart.write()": `uart.write(id, data1 [, ...])`. */
  write(data: number[], count: number): void {
    if (count > 0) uart.write(this.id, this.bytes.join(data, count));
  }
  onReadable(callback: (data: number[], count: number) => void): void {
    this.callback = callback;
  }
  /**
   * uart.on's data callback: the chunk as bytes to the listener. With n=0 the module hands over
   * "every char in buffer" (NodeMCU dev-esp32 docs/modules/uart.md "uart.on()"), of any length,
   * so it goes on in serialChunk pieces rather than being cut.
   */
  received(data: string): void {
    const cb = this.callback;
    if (cb === undefined) return;
    let start = 0;
    while (start < data.length) {
      const n = copyBytes(data, start, this.rx, serialChunk);
      cb(this.rx, n);
      start += n;
    }
  }
}

/**
 * Blobs in files. NodeMCU dev-esp32 docs/modules/file.md: "file content manipulation is handled
 * via the standard Lua `io` module" (file.open/read/write are no longer in the file module), so
 * io.open and the handle's read/write/close (Lua 5.3 manual §6.8). Binary modes: the blobs hold
 * any byte. A bare name is a file at the root of SPIFFS: the firmware's start-up mounts SPIFFS with
 * an empty base path (components/base_nodemcu/user_main.c, nodemcu_init), which makes it the
 * default VFS for any path (ESP-IDF vfs.c, get_vfs_for_path), and boots `init.lua` by its bare
 * name the same way (components/lua/Kconfig, LUA_INIT_STRING "@init.lua").
 */
class FileStorage implements Storage {
  constructor(private readonly bytes: ByteStrings) {}
  read(name: string): number[] | undefined {
    const f = io.open(name, "rb");
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
    const f = io.open(name, "wb");
    if (f === undefined) return false;
    // file:write returns the handle on success, nil on failure; close flushes the buffer and
    // returns true, or nil when that last write failed.
    let ok = data.length === 0 || f.write(this.bytes.join(data, data.length)) !== undefined;
    if (f.close() !== true) ok = false;
    return ok;
  }
}

/**
 * Kicked by the shell after each good AFE read; the control loop restarts the MCU when it starves.
 * A software watchdog: the NodeMCU dev-esp32 docs give Lua no hardware or task watchdog to arm;
 * their only watchdog call, tmr.wdclr() (tmr.md), just yields to the IDLE task.
 */
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

/** The UART number a port name ends in ("Serial2" → 2); −1 when it does not end in a digit. */
function uartNumber(port: string): number {
  if (port.length === 0) return -1;
  const digit = port.charCodeAt(port.length - 1) - 48;
  return digit >= 0 && digit <= 9 ? digit : -1;
}

export class NodeMcuPlatform implements Platform {
  readonly clock = new NodeMcuClock();
  readonly watchdogs: NodeMcuWatchdog[] = [];
  private readonly bytes = new ByteStrings();
  readonly storage = new FileStorage(this.bytes);
  private readonly spiNames: string[] = [];
  private readonly spiMasters: NodeMcuSpiMaster[] = [];
  /** The hardware I2C interfaces set up so far and their "data/clock" pins (set up only once). */
  private readonly i2cIds: number[] = [];
  private readonly i2cPins: string[] = [];

  /** The SPI bus master of a host, made at its first device (HSPI or VSPI). */
  private master(options: SpiOptions): NodeMcuSpiMaster {
    for (let i = 0; i < this.spiNames.length; i++) if (this.spiNames[i] === options.bus) return this.spiMasters[i];
    throw new Error("nodemcu spi: bus " + options.bus + " is not open; call openSpi first");
  }

  /**
   * Open an SPI host on its pins before its devices (the board's spi entries). NodeMCU dev-esp32
   * docs/modules/spi.md "spi.master()": `spi.master(host[, config[, dma]])`, host spi.HSPI or
   * spi.VSPI, config {sclk, mosi, miso}; DMA left at its default (channel 1).
   */
  openSpi(bus: string, clock: string, input: string, output: string): void {
    let host = spi.HSPI;
    if (bus === "VSPI") host = spi.VSPI;
    else if (bus !== "HSPI") throw new Error("nodemcu spi: bus " + bus + " is not HSPI or VSPI");
    this.spiNames.push(bus);
    this.spiMasters.push(spi.master(host, { sclk: requireGpio(clock, "spi clock"), mosi: requireGpio(output, "spi output"), miso: requireGpio(input, "spi input") }));
  }

  /** NodeMCU dev-esp32 docs/modules/spi.md "spi.master:device()": {cs, mode 0-3, freq in Hz}. */
  spi(options: SpiOptions): SpiDevice {
    const device = this.master(options).device({ cs: requireGpio(options.select, "spi select"), mode: options.mode, freq: options.hz });
    return new NodeMcuSpi(device, this.bytes);
  }

  /**
   * NodeMCU dev-esp32 docs/modules/i2c.md "i2c.setup()": `i2c.setup(id, pinSDA, pinSCL, speed)`,
   * speed in Hz; "Calling setup on an already configured hardware interface will cause panic", so
   * a second device on the same bus reuses it.
   */
  i2c(options: I2cOptions): I2cBus {
    const id = options.bus === "I2C1" ? i2c.HW1 : i2c.HW0;
    const pins = options.data + "/" + options.clock;
    let known = false;
    for (let i = 0; i < this.i2cIds.length; i++) {
      if (this.i2cIds[i] !== id) continue;
      if (this.i2cPins[i] !== pins) throw new Error("nodemcu i2c: bus " + options.bus + " is already set up on " + this.i2cPins[i] + ", not " + pins);
      known = true;
    }
    if (!known) {
      i2c.setup(id, requireGpio(options.data, "i2c data"), requireGpio(options.clock, "i2c clock"), options.hz);
      this.i2cIds.push(id);
      this.i2cPins.push(pins);
    }
    return new NodeMcuI2cBus(id, this.bytes);
  }

  /** NodeMCU dev-esp32 docs/modules/gpio.md "gpio.config()": {gpio=n, dir=gpio.OUT}. */
  digitalOut(options: { pin: string; value: number }): DigitalOut {
    const n = requireGpio(options.pin, "digitalOut");
    gpio.config({ gpio: n, dir: gpio.OUT });
    gpio.write(n, options.value);
    return new Pin(n);
  }

  /** NodeMCU dev-esp32 docs/modules/gpio.md "gpio.config()": {gpio=n, dir=gpio.IN}. */
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
    // NodeMCU dev-esp32 docs/modules/adc.md: "adc.setwidth()" (9/10/11/12 bits, all of ADC1), to
    // be called before read; "adc.setup()" ATTEN_11db: "reduced to about 1/3.6 (3.9V when
    // VDD_A=3.3V, maximum voltage is limited by VDD_A)", the widest range for the amplifier output.
    adc.setwidth(adc.ADC1, 12);
    adc.setup(adc.ADC1, channel, adc.ATTEN_11db);
    return new Analog(channel);
  }

  /**
   * NodeMCU dev-esp32 docs/modules/uart.md: "uart.setup()" with a pins table {tx, rx} (required for
   * a uart other than the console), 8N1; "uart.on()" with n=0 ("every char in buffer"); then
   * "uart.start()" ("true if uart is started"). UART0 is the console ("The default uart for console
   * is UART0"), which takes an echo flag instead of pins and no start(), so it is refused here.
   */
  serial(options: SerialOptions): SerialPort {
    const id = uartNumber(options.port);
    if (id < 0) throw new Error("nodemcu serial: port " + options.port + " does not end in a UART number");
    if (id === 0) throw new Error("nodemcu serial: port " + options.port + " is UART0, the NodeMCU console");
    uart.setup(id, options.baud, 8, uart.PARITY_NONE, uart.STOPBITS_1, { tx: requireGpio(options.transmit, "serial transmit"), rx: requireGpio(options.receive, "serial receive") });
    const port = new Serial(id, this.bytes);
    uart.on(id, "data", 0, (data: string) => port.received(data));
    if (!uart.start(id)) throw new Error("nodemcu serial: uart.start(" + id + ") failed for port " + options.port);
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
