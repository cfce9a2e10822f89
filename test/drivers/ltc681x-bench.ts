// SPDX-License-Identifier: MIT
// A bench for the LTC681x driver tests: the driver on a simulated SPI bus with a recorder in
// front of the emulated chain and a pack stand-in behind it.
import type { AfeReading } from "../../hal/afe";
import type { SpiPeripheral } from "../../sim/hal/bus";
import { SimSpiDevice } from "../../sim/hal/bus";
import { SimClock } from "../../sim/hal/clock";
import { Ltc681x, type Ltc681xOptions } from "../../hal/ltc681x/driver";
import { Ltc681xChain, type Ltc681xChainOptions } from "../../sim/emulators/ltc681x";
import { newReading } from "./afe-fixtures";

export interface Frame {
  mosi: number[];
  miso: number[];
}

/** Passes frames on to a peripheral and keeps a copy of every one, with an optional tamper hook. */
export class Recorder implements SpiPeripheral {
  frames: Frame[] = [];
  /** Change the bytes the chain sees (return false to drop the frame). */
  tamper: ((mosi: number[], count: number) => boolean) | undefined;

  constructor(private readonly inner: SpiPeripheral) {}

  frame(mosi: number[], miso: number[], count: number): void {
    const sent = mosi.slice(0, count);
    const deliver = this.tamper === undefined ? true : this.tamper(sent, count);
    if (deliver) this.inner.frame(sent, miso, count);
    this.frames.push({ mosi: sent.slice(), miso: miso.slice(0, count) });
  }

  /** Command code of each frame, or -1 for the one-byte wake frames. */
  codes(): number[] {
    return this.frames.map((f) => (f.mosi.length >= 4 ? f.mosi[0] * 256 + f.mosi[1] : -1));
  }
}

/** The pack side of the emulator: settable cell volts and temperatures, observed bleed switches. */
export class FakePack {
  readonly volts: number[];
  readonly celsius: number[];
  readonly bleed: boolean[];
  bleedChanges = 0;

  constructor(cells: number, thermistors: number) {
    // Whole millivolts, all different, so any mix-up of cells shows.
    this.volts = Array.from({ length: cells }, (_, i) => (3000 + 17 * i + (i % 7)) / 1000);
    this.celsius = Array.from({ length: thermistors }, (_, k) => 20 + 3 * k);
    this.bleed = new Array<boolean>(cells).fill(false);
  }

  port(): Ltc681xChainOptions["port"] {
    return {
      cellVolts: (i) => this.volts[i],
      setBleed: (i, on) => {
        this.bleed[i] = on;
        this.bleedChanges++;
      },
      thermistorCelsius: (k) => this.celsius[k],
    };
  }
}

export interface BenchOptions {
  variant: "ltc6811" | "ltc6813";
  cellsPerDevice: number[];
  thermistorsPerDevice: number[];
  driver?: Partial<Omit<Ltc681xOptions, "spi">>;
  chain?: Partial<Ltc681xChainOptions>;
}

export class Bench {
  readonly clock = new SimClock(0);
  readonly pack: FakePack;
  readonly chain: Ltc681xChain;
  readonly recorder: Recorder;
  readonly spi: SimSpiDevice;
  readonly afe: Ltc681x;
  readonly reading: AfeReading;

  constructor(o: BenchOptions) {
    const devices = o.cellsPerDevice.length;
    const cells = o.cellsPerDevice.reduce((a, b) => a + b, 0);
    const thermistors = o.thermistorsPerDevice.reduce((a, b) => a + b, 0);
    this.pack = new FakePack(cells, thermistors);
    this.chain = new Ltc681xChain({
      variant: o.variant,
      devices,
      port: this.pack.port(),
      cellsPerDevice: o.cellsPerDevice,
      thermistorsPerDevice: o.thermistorsPerDevice,
      clock: this.clock,
      hz: 1_000_000,
      ...o.chain,
    });
    this.recorder = new Recorder(this.chain);
    this.spi = new SimSpiDevice(this.recorder);
    this.afe = new Ltc681x({
      spi: this.spi,
      variant: o.variant,
      devices,
      cellsPerDevice: o.cellsPerDevice,
      thermistorsPerDevice: o.thermistorsPerDevice,
      pecErrorLimit: 3,
      openWireIntervalMs: 0,
      underVoltageMv: 2500,
      overVoltageMv: 4200,
      dischargeTimeoutCode: 0,
      ...o.driver,
    });
    this.reading = newReading(cells, thermistors);
  }

  /** Advance the sim clock by `ms`, then take one measurement. */
  tick(ms = 100): AfeReading {
    this.clock.advance(ms);
    this.afe.measure(this.reading, this.clock.nowMs());
    return this.reading;
  }
}
