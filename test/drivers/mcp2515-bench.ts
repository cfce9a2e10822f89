// SPDX-License-Identifier: MIT
// A bench for the MCP2515 tests: drivers on simulated SPI, each with a recorder in front of its
// emulated chip, the chips and plain TypeScript nodes on one virtual CAN bus, and a candump log.
import type { CanFrame } from "../../hal/can";
import { CanStatus, createCanFrame } from "../../hal/can";
import { Mcp2515, type Mcp2515Options } from "../../hal/mcp2515/driver";
import { VirtualCanBus, type VirtualCanBusOptions } from "../../sim/can-bus";
import { CandumpLogger } from "../../sim/can-bus-log";
import { SimCanNode } from "../../sim/can-bus-node";
import { Mcp2515Emulator, type Mcp2515EmulatorOptions } from "../../sim/emulators/mcp2515";
import { SimSpiDevice, type SpiPeripheral } from "../../sim/hal/bus";
import { SimClock } from "../../sim/hal/clock";

export interface Frame {
  mosi: number[];
  miso: number[];
}

/** Passes SPI frames on and keeps a copy of each. */
export class Recorder implements SpiPeripheral {
  frames: Frame[] = [];
  constructor(private readonly inner: SpiPeripheral) {}

  frame(mosi: number[], miso: number[], count: number): void {
    this.inner.frame(mosi, miso, count);
    this.frames.push({ mosi: mosi.slice(0, count), miso: miso.slice(0, count) });
  }

  /** Frames as hex strings of MOSI ("02 28 01 91 00 23"). */
  sent(): string[] {
    return this.frames.map((f) => toHex(f.mosi));
  }

  clear(): void {
    this.frames = [];
  }
}

export const toHex = (bytes: number[]): string => bytes.map((b) => b.toString(16).toUpperCase().padStart(2, "0")).join(" ");
export const fromHex = (s: string): number[] => s.split(" ").map((b) => parseInt(b, 16));

export interface Station {
  chip: Mcp2515Emulator;
  recorder: Recorder;
  spi: SimSpiDevice;
  driver: Mcp2515;
}

export interface StationOptions {
  name: string;
  /** The crystal on the board (what the chip runs from). */
  chipCrystalHz: number;
  /** Driver options beyond spi; crystalHz defaults to the chip's, bitrate to the bus's. */
  driver?: Partial<Omit<Mcp2515Options, "spi">>;
  chip?: Partial<Omit<Mcp2515EmulatorOptions, "bus" | "crystalHz" | "name">>;
}

export class CanBench {
  readonly clock = new SimClock();
  readonly bus: VirtualCanBus;
  readonly log: CandumpLogger;

  constructor(options: Omit<VirtualCanBusOptions, "clock"> & { timed?: boolean } = {}) {
    const { timed = true, ...busOptions } = options;
    this.bus = new VirtualCanBus({ ...busOptions, clock: this.clock, timing: timed });
    this.log = new CandumpLogger(this.bus);
  }

  station(o: StationOptions): Station {
    const chip = new Mcp2515Emulator({ crystalHz: o.chipCrystalHz, bus: this.bus, name: o.name, ...o.chip });
    const recorder = new Recorder(chip);
    const spi = new SimSpiDevice(recorder);
    const driver = new Mcp2515({ crystalHz: o.chipCrystalHz, bitrate: this.bus.bitrate, ...o.driver, spi });
    return { chip, recorder, spi, driver };
  }

  node(name: string, bitrate?: number): SimCanNode {
    return new SimCanNode(this.bus, { name, bitrate });
  }

  advance(ms: number): void {
    this.clock.advance(ms);
    this.bus.update();
  }
}

/** Every frame the driver has now, in order (receive() until empty). */
export function drain(driver: Mcp2515, limit = 64): CanFrame[] {
  const out: CanFrame[] = [];
  for (let i = 0; i < limit; i++) {
    const f = createCanFrame();
    if (driver.receive(f) !== CanStatus.ok) break;
    out.push(f);
  }
  return out;
}

/** A frame's identity and payload, for comparisons. */
export const show = (f: CanFrame): string =>
  `${f.extended ? "x" : ""}${f.id.toString(16)}${f.remote ? `#R${f.dlc}` : `#${toHex(f.data.slice(0, f.dlc))}`}`;
