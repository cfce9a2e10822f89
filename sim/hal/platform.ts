// SPDX-License-Identifier: MIT
// The simulator's Platform: the same calls the Espruino and NodeMCU adapters answer, backed by
// emulated chips and models attached to pins before the firmware is wired up.
import type {
  AnalogIn,
  Clock,
  DigitalIn,
  DigitalOut,
  I2cBus,
  I2cOptions,
  Platform,
  SerialOptions,
  SerialPort,
  SpiDevice,
  SpiOptions,
  Storage,
  Watchdog,
} from "../../hal/hal";
import { SimSpiDevice, type SpiPeripheral } from "./bus";
import { SimClock } from "./clock";
import { SimI2cBus } from "./i2c";

export class SimDigitalOut implements DigitalOut {
  value: number;
  writes = 0;
  constructor(initial: number) {
    this.value = initial;
  }
  write(value: number): void {
    this.value = value;
    this.writes++;
  }
}

export class SimStorage implements Storage {
  readonly blobs = new Map<string, number[]>();
  read(name: string): number[] | undefined {
    const b = this.blobs.get(name);
    return b === undefined ? undefined : b.slice();
  }
  write(name: string, data: number[]): boolean {
    this.blobs.set(name, data.slice());
    return true;
  }
}

export class SimWatchdog implements Watchdog {
  kicks = 0;
  lastKickMs = -1;
  constructor(
    private readonly clock: Clock,
    readonly timeoutMs: number,
  ) {}
  kick(): void {
    this.kicks++;
    this.lastKickMs = this.clock.nowMs();
  }
  /** Would a hardware watchdog have reset the MCU by now? */
  expired(): boolean {
    return this.lastKickMs >= 0 && this.clock.nowMs() - this.lastKickMs > this.timeoutMs;
  }
}

export class SimPlatform implements Platform {
  readonly clock: SimClock;
  /** The MCU's flash: pass the previous platform's to simulate a reset of the same board. */
  readonly storage: SimStorage;
  readonly spiDevices = new Map<string, SimSpiDevice>();
  readonly outputs = new Map<string, SimDigitalOut>();
  readonly watchdogs: SimWatchdog[] = [];
  readonly i2cBuses = new Map<string, SimI2cBus>();
  private readonly spiPeripherals = new Map<string, SpiPeripheral>();
  private readonly analogSources = new Map<string, { read: () => number; resolution: number }>();
  private readonly serialPorts = new Map<string, SerialPort>();

  constructor(clock?: SimClock, storage?: SimStorage) {
    this.clock = clock ?? new SimClock();
    this.storage = storage ?? new SimStorage();
  }

  /** Put an emulated chip on `bus` behind chip select `select`. */
  attachSpi(bus: string, select: string, peripheral: SpiPeripheral): void {
    this.spiPeripherals.set(`${bus}/${select}`, peripheral);
  }

  /** Feed an analog pin from a model returning raw counts. */
  attachAnalog(pin: string, resolution: number, read: () => number): void {
    this.analogSources.set(pin, { read, resolution });
  }

  spi(options: SpiOptions): SpiDevice {
    const key = `${options.bus}/${options.select}`;
    const peripheral = this.spiPeripherals.get(key);
    if (peripheral === undefined) throw new Error(`sim: nothing attached to SPI ${key}`);
    const device = new SimSpiDevice(peripheral);
    this.spiDevices.set(key, device);
    return device;
  }

  /** The simulated I2C bus of that name, made on first use; attach emulated chips to it. */
  i2cBus(name: string): SimI2cBus {
    let bus = this.i2cBuses.get(name);
    if (bus === undefined) {
      bus = new SimI2cBus();
      this.i2cBuses.set(name, bus);
    }
    return bus;
  }

  i2c(options: I2cOptions): I2cBus {
    return this.i2cBus(options.bus);
  }

  digitalOut(options: { pin: string; value: number }): DigitalOut {
    if (this.outputs.has(options.pin)) throw new Error(`sim: pin ${options.pin} is already open`);
    const out = new SimDigitalOut(options.value);
    this.outputs.set(options.pin, out);
    return out;
  }

  digitalIn(options: { pin: string }): DigitalIn {
    throw new Error(`sim: nothing attached to digital input ${options.pin}`);
  }

  analogIn(options: { pin: string }): AnalogIn {
    const source = this.analogSources.get(options.pin);
    if (source === undefined) throw new Error(`sim: nothing attached to analog pin ${options.pin}`);
    return { read: source.read, resolution: source.resolution };
  }

  /** Put a serial port (a SimSerialLink's device end, a pseudo-terminal) behind UART `port`. */
  attachSerial(port: string, serial: SerialPort): void {
    this.serialPorts.set(port, serial);
  }

  serial(options: SerialOptions): SerialPort {
    const port = this.serialPorts.get(options.port);
    if (port === undefined) throw new Error(`sim: nothing attached to serial ${options.port}`);
    return port;
  }

  watchdog(options: { timeoutMs: number }): Watchdog {
    const w = new SimWatchdog(this.clock, options.timeoutMs);
    this.watchdogs.push(w);
    return w;
  }

  /** Level last written to an output pin (undefined if never opened). */
  pinLevel(pin: string): number | undefined {
    return this.outputs.get(pin)?.value;
  }
}
