// SPDX-License-Identifier: MIT
// An Espruino stand-in: a node:vm context offering only Espruino's globals (pins, SPIx, I2Cx,
// SerialN, digitalWrite/digitalRead/analogRead, setInterval driven by the test, getTime, E,
// require("Storage"), console), with the built-ins Espruino lacks removed (restrict.ts), backed by
// the simulator's pack model and bus-level chip emulators. It stands on the same simulated hardware
// as sim/rig.ts (sim/hardware.ts: same construction order and seeds), so a run can be compared with
// the TypeScript firmware on the Rig.
import vm from "node:vm";
import type { BoardDefinition } from "../../boards/types";
import type { EspruinoApp } from "../../hal/espruino/boot";
import { I2cStatus, i2cStatusName } from "../../hal/hal";
import { VirtualCanBus } from "../can-bus";
import { SimEms, canTransport, slcanTransport, type EmsAction } from "../ems-node";
import { Mcp2515Emulator } from "../emulators/mcp2515";
import type { SimSpiDevice } from "../hal/bus";
import { SimPlatform } from "../hal/platform";
import { SimSerialLink } from "../hal/serial";
import { SimHardware, type PackSetup } from "../hardware";
import { espruinoContext } from "./restrict";
import { sourceView, type StandInBundle } from "./source-view";

export type { StandInBundle } from "./source-view";

/** An Espruino pin object: the stand-in knows it by name. */
export class Pin {
  constructor(readonly name: string) {}
}

function pinOf(p: unknown, what: string): Pin {
  if (!(p instanceof Pin)) throw new TypeError(`${what}: expected a pin object, got ${String(p)}`);
  return p;
}

function bytesOf(data: unknown, what: string): number[] {
  if (Array.isArray(data)) return data.map((b) => Number(b) & 0xff);
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) return Array.prototype.map.call(data, (b: number) => b & 0xff) as number[];
  if (typeof data === "number") return [data & 0xff];
  if (typeof data === "string") return [...data].map((c) => c.charCodeAt(0) & 0xff);
  throw new TypeError(`${what}: unsupported data ${String(data)}`);
}

/** The pack the stand-in simulates: as for the Rig (sim/hardware.ts). */
export interface StandInOptions extends PackSetup {
  /** The simulated EMS on the board's EMS link, as RigOptions.ems (default: one that only listens). */
  ems?: { periodMs: number; actions: EmsAction[]; log: boolean };
  /** Storage files the board starts with (an earlier stand-in's `storage`: a reset of the MCU); default none. */
  storage?: ReadonlyMap<string, string>;
}

/** SPI wire time of `bytes` at `baud`, µs: 8 clocks a byte (a missing baud is Espruino's default, 100000: espruino.md §7). */
export function spiMicros(bytes: number, baud: number): number {
  return (bytes * 8 * 1e6) / (baud > 0 ? baud : 100000);
}

/** A start (or repeated start) and a stop condition: one bit time each, at least (I2C-bus specification UM10204 §3.1.4). */
const i2cStartBits = 1;
const i2cStopBits = 1;

/**
 * I2C wire time of one transfer of `bytes` data bytes at `bitrate`, µs: a start, the address byte
 * and each data byte with its acknowledge bit (9 clocks each), a stop (UM10204 §3.1.5–3.1.6).
 */
export function i2cMicros(bytes: number, bitrate: number): number {
  return ((i2cStartBits + 9 * (1 + bytes) + i2cStopBits) * 1e6) / bitrate;
}

export class EspruinoStandIn extends SimHardware {
  readonly canBus: VirtualCanBus | undefined;
  readonly ems: SimEms | undefined;
  readonly levels = new Map<string, number>();
  readonly printed: string[] = [];
  /** Exceptions that escaped an interval callback (Espruino would print "Uncaught …"). */
  uncaught = 0;
  readonly watchdog = { timeoutS: 0, auto: true, kicks: 0, lastKickMs: -1, enabled: false };
  /** SPI frames clocked with a mode other than the one the chip behind that CS needs. */
  spiModeErrors = 0;
  /**
   * Wire time of every SPI and I2C transfer so far at the clocks the bundle set up, µs: Espruino's
   * SPI.send and I2C writeTo/readFrom return when the last bit is clocked, so this is time the
   * interpreter waits (a floor: the per-byte handling in the port's C code comes on top). UART
   * output is not in it: Serial.write queues into a buffer that an interrupt drains.
   */
  busMicros = 0;
  readonly storage = new Map<string, string>();
  private readonly intervals: { fn: () => void; ms: number; nextMs: number }[] = [];
  /** Functions the bundle handed to Espruino to call later (Serial.on), besides its intervals. */
  private readonly handlers: unknown[] = [];
  /** The vm context the bundle runs in (for a budget walk of its objects). */
  readonly context: vm.Context;

  constructor(
    board: BoardDefinition,
    private readonly bundle: StandInBundle,
    o: StandInOptions,
  ) {
    super(new SimPlatform(), board, o);
    const expectedMode = new Map<string, number>();
    if (board.afe.type === "ltc6811" || board.afe.type === "ltc6813") expectedMode.set(board.afe.select, 3);
    let serial: SimSerialLink | undefined;
    const link = board.ems;
    if (link !== undefined) {
      const t = link.transport;
      if (t.kind === "mcp2515") {
        this.canBus = new VirtualCanBus({ bitrate: t.bitrate });
        this.platform.attachSpi(t.spiBus, t.select, new Mcp2515Emulator({ crystalHz: t.crystalHz, bus: this.canBus, name: "bms" }));
        expectedMode.set(t.select, 0);
      } else {
        serial = new SimSerialLink();
        this.platform.attachSerial(t.serial, serial.device);
      }
    }
    for (const [name, data] of o.storage ?? []) this.storage.set(name, data);
    this.context = espruinoContext();
    Object.assign(this.context, this.globals(expectedMode));
    vm.runInContext(bundle.code, this.context, { filename: `${board.name}.js` });
    let transport = this.canBus === undefined ? undefined : canTransport(this.canBus);
    if (serial !== undefined) transport = slcanTransport(serial);
    const e = o.ems ?? { periodMs: 0, actions: [], log: false };
    this.ems = transport === undefined ? undefined : new SimEms({ transport, clock: this.platform.clock, ...e });
  }

  /** What the bundle's start-up returned (`tsbms.app`). */
  get app(): EspruinoApp {
    return sourceView((this.context.tsbms as { app: EspruinoApp }).app, this.bundle.propertyNames ?? {});
  }

  /** Every function the bundle left for Espruino to call: its intervals and event handlers. */
  callbacks(): unknown[] {
    return [...this.intervals.map((t) => t.fn), ...this.handlers];
  }

  /** Names the context offers, for a test that checks nothing else leaks in. */
  globalNames(): string[] {
    return vm.runInContext("Object.getOwnPropertyNames(global)", this.context) as string[];
  }

  private globals(expectedMode: Map<string, number>): Record<string, unknown> {
    const g: Record<string, unknown> = {};
    for (const name of this.board.mcu.pins) g[name] = new Pin(name);
    const p = this.platform;
    const clock = p.clock;
    const spiNames = new Set(["SPI1", "SPI2", "SPI3", ...this.board.spi.map((b) => b.name)]);
    for (const bus of spiNames) {
      let config: { baud: number; mode: number } | undefined;
      const devices = new Map<string, SimSpiDevice>();
      g[bus] = {
        setup: (o: { sck: unknown; miso: unknown; mosi: unknown; baud: number; mode: number }) => {
          pinOf(o.sck, `${bus}.setup sck`);
          pinOf(o.miso, `${bus}.setup miso`);
          pinOf(o.mosi, `${bus}.setup mosi`);
          config = { baud: o.baud, mode: o.mode };
        },
        send: (data: unknown, nss: unknown) => {
          if (config === undefined) throw new Error(`${bus}.send before ${bus}.setup`);
          const cs = pinOf(nss, `${bus}.send nss`).name;
          const want = expectedMode.get(cs);
          if (want !== undefined && want !== config.mode) this.spiModeErrors++;
          let d = devices.get(cs);
          if (d === undefined) {
            d = p.spi({ bus, select: cs, hz: config.baud, mode: config.mode }) as SimSpiDevice;
            devices.set(cs, d);
          }
          const tx = bytesOf(data, `${bus}.send`);
          this.busMicros += spiMicros(tx.length, config.baud);
          const rx = new Array<number>(tx.length).fill(0);
          d.transfer(tx, rx, tx.length);
          return Uint8Array.from(rx);
        },
      };
    }
    const i2cNames = new Set(["I2C1", "I2C2", "I2C3", ...this.board.i2c.map((b) => b.name)]);
    for (const name of i2cNames) {
      let ready = false;
      let bitrate = 0;
      let pending: { address: number; bytes: number[] } | undefined;
      const fail = (s: I2cStatus, address: number): void => {
        if (s !== I2cStatus.ok) throw new Error(`I2C Error: ${s === I2cStatus.nackAddress ? "NACK" : i2cStatusName[s]} at 0x${address.toString(16)}`);
      };
      g[name] = {
        setup: (o: { scl: unknown; sda: unknown; bitrate: number }) => {
          pinOf(o.scl, `${name}.setup scl`);
          pinOf(o.sda, `${name}.setup sda`);
          // A missing bitrate is Espruino's default, 100 kbit/s (espruino.md §7).
          bitrate = o.bitrate > 0 ? o.bitrate : 100000;
          ready = true;
        },
        writeTo: (a: number | { address: number; stop: boolean }, data: unknown) => {
          if (!ready) throw new Error(`${name}.writeTo before ${name}.setup`);
          const bytes = bytesOf(data, `${name}.writeTo`);
          if (typeof a === "object" && !a.stop) pending = { address: a.address, bytes };
          else {
            const address = typeof a === "object" ? a.address : a;
            this.busMicros += i2cMicros(bytes.length, bitrate);
            fail(p.i2cBus(name).write(address, bytes, bytes.length), address);
          }
        },
        readFrom: (address: number, n: number) => {
          if (!ready) throw new Error(`${name}.readFrom before ${name}.setup`);
          const into = new Array<number>(n).fill(0);
          const w = pending;
          pending = undefined;
          // A write left without a stop and this read make one transaction with a repeated start.
          this.busMicros += (w === undefined ? 0 : i2cMicros(w.bytes.length, bitrate) - i2cStopBits * (1e6 / bitrate)) + i2cMicros(n, bitrate);
          if (w !== undefined && w.address === address) fail(p.i2cBus(name).writeRead(address, w.bytes, w.bytes.length, into, n), address);
          else fail(p.i2cBus(name).read(address, into, n), address);
          return Uint8Array.from(into);
        },
      };
    }
    const serialNames = new Set(["Serial1", "Serial2", "Serial3"]);
    if (this.board.ems?.transport.kind === "slcan") serialNames.add(this.board.ems.transport.serial);
    for (const name of serialNames) {
      let port: ReturnType<SimPlatform["serial"]> | undefined;
      const open = () => (port ??= p.serial({ port: name, baud: 0, receive: "", transmit: "" }));
      g[name] = {
        setup: (baud: number, o: { rx: unknown; tx: unknown }) => {
          pinOf(o.rx, `${name}.setup rx`);
          pinOf(o.tx, `${name}.setup tx`);
          if (!(baud > 0)) throw new Error(`${name}.setup: baud ${baud}`);
        },
        write: (data: unknown) => {
          const bytes = bytesOf(data, `${name}.write`);
          open().write(bytes, bytes.length);
        },
        on: (event: string, cb: (data: string) => void) => {
          if (event !== "data") throw new Error(`${name}.on: event ${event}`);
          this.handlers.push(cb);
          open().onReadable((data, count) => cb(String.fromCharCode(...data.slice(0, count))));
        },
      };
    }
    const analog = new Map<string, { read: () => number; resolution: number }>();
    g.digitalWrite = (pin: unknown, v: number) => this.levels.set(pinOf(pin, "digitalWrite").name, v === 0 || v === (false as unknown) ? 0 : 1);
    g.digitalRead = (pin: unknown) => this.levels.get(pinOf(pin, "digitalRead").name) ?? 0;
    g.analogRead = (pin: unknown) => {
      const name = pinOf(pin, "analogRead").name;
      let a = analog.get(name);
      if (a === undefined) {
        a = p.analogIn({ pin: name });
        analog.set(name, a);
      }
      return a.read() / (2 ** a.resolution - 1);
    };
    g.getTime = () => clock.nowMs() / 1000;
    g.setInterval = (fn: () => void, ms: number) => {
      if (typeof fn !== "function" || !(ms > 0)) throw new Error(`setInterval(${typeof fn}, ${ms})`);
      this.intervals.push({ fn, ms, nextMs: clock.nowMs() + ms });
      return this.intervals.length;
    };
    g.clearInterval = (id: number) => this.intervals.splice(id - 1, 1);
    g.E = {
      enableWatchdog: (s: number, auto: boolean) => Object.assign(this.watchdog, { timeoutS: s, auto: auto !== false, enabled: true, lastKickMs: clock.nowMs() }),
      kickWatchdog: () => {
        this.watchdog.kicks++;
        this.watchdog.lastKickMs = clock.nowMs();
      },
      getErrorFlags: () => [],
    };
    const storage = this.storage;
    g.require = (name: string) => {
      if (name !== "Storage") throw new Error(`Module ${name} not found`);
      return { read: (n: string) => storage.get(n), write: (n: string, d: string) => (storage.set(n, d), true), erase: (n: string) => storage.delete(n) };
    };
    g.console = { log: (...a: unknown[]) => this.printed.push(a.map(String).join(" ")) };
    return g;
  }

  /** Would the watchdog have reset the MCU by now? */
  watchdogExpired(): boolean {
    return this.watchdog.enabled && this.platform.clock.nowMs() - this.watchdog.lastKickMs > this.watchdog.timeoutS * 1000;
  }

  /** Pins are driven by the bundle's digitalWrite calls, which the stand-in records. */
  pinLevel(pin: string): number | undefined {
    return this.levels.get(pin);
  }

  /** One period as sim/run.ts takes it: current through the FETs, pack, clock, chip, then timers. */
  step(demandMa: number, tickMs: number): void {
    this.advance(demandMa, tickMs);
    const now = this.platform.clock.nowMs();
    for (const t of this.intervals) {
      while (t.nextMs <= now) {
        t.nextMs += t.ms;
        try {
          t.fn();
        } catch {
          this.uncaught++;
        }
      }
    }
    this.ems?.update();
  }
}
