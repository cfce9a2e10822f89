// SPDX-License-Identifier: MIT
// A bench for the bq769x0 driver tests: the driver on a simulated I2C bus with a recorder in
// front of the emulated chip and a pack stand-in behind it.
import type { AfeLimits, AfeReading } from "../../hal/afe";
import { I2cStatus } from "../../hal/hal";
import { SimClock } from "../../sim/hal/clock";
import { type I2cPeripheral, SimI2cBus } from "../../sim/hal/i2c";
import { Bq769x0, type Bq769x0Options } from "../../hal/bq769x0/driver";
import { Bq769x0Emulator, type Bq769x0EmulatorOptions, type Bq769x0Port, type Bq769x0Variant } from "../../sim/emulators/bq769x0";

export interface Transaction {
  /** Bytes the master wrote (register pointer first). */
  written: number[];
  /** Bytes the chip answered (data and CRC interleaved), empty for a plain write. */
  read: number[];
  status: I2cStatus;
}

/** Passes transfers on to the chip and keeps a copy of each, a write and its read as one. */
export class Recorder implements I2cPeripheral {
  log: Transaction[] = [];
  constructor(private readonly inner: I2cPeripheral) {}

  write(data: number[], count: number, stop: boolean): I2cStatus {
    const status = this.inner.write(data, count, stop);
    this.log.push({ written: data.slice(0, count), read: [], status });
    return status;
  }

  read(into: number[], count: number): I2cStatus {
    const status = this.inner.read(into, count);
    const last = this.log.at(-1);
    if (last !== undefined && last.read.length === 0) last.read = into.slice(0, count);
    else this.log.push({ written: [], read: into.slice(0, count), status });
    return status;
  }
}

export class FakePack {
  readonly volts: number[];
  readonly celsius: number[];
  readonly bleed: boolean[];
  currentMa = 0;

  constructor(cells: number, thermistors: number) {
    // All different, so any mix-up of cells or inputs shows.
    this.volts = Array.from({ length: cells }, (_, i) => 3.3 + 0.023 * i + 0.0007 * (i % 4));
    this.celsius = Array.from({ length: Math.max(thermistors, 3) }, (_, k) => 18 + 7 * k);
    this.bleed = new Array<boolean>(cells).fill(false);
  }

  port(): Bq769x0Port {
    return {
      cellVolts: (i) => this.volts[i],
      setBleed: (i, on) => {
        this.bleed[i] = on;
      },
      thermistorCelsius: (k) => this.celsius[k],
      packCurrentMa: () => this.currentMa,
    };
  }
}



/** Limits of a 1 mΩ-shunt NMC pack; every field set so tests can change one. */
export function nmcLimits(): AfeLimits {
  return {
    cellOvMv: 4250,
    cellOvDelayMs: 2000,
    cellUvMv: 2800,
    cellUvDelayMs: 4000,
    chargeOcMa: 20000,
    chargeOcDelayMs: 100,
    dischargeOcMa: 40000,
    dischargeOcDelayMs: 320,
    shortCircuitMa: 89000,
    shortCircuitDelayUs: 200,
    chargeOtDeciC: 450,
    dischargeOtDeciC: 600,
    chargeUtDeciC: 0,
  };
}

export interface BenchOptions {
  variant: Bq769x0Variant;
  cells: number;
  thermistors: number;
  driver?: Partial<Omit<Bq769x0Options, "bus">>;
  chip?: Partial<Omit<Bq769x0EmulatorOptions, "port" | "clock">>;
}

export const address = 0x08;
export const shuntMicroOhm = 1000;

export class Bench {
  readonly clock = new SimClock(0);
  readonly pack: FakePack;
  readonly chip: Bq769x0Emulator;
  readonly recorder: Recorder;
  readonly bus = new SimI2cBus();
  readonly afe: Bq769x0;
  readonly reading: AfeReading;

  constructor(o: BenchOptions) {
    this.pack = new FakePack(o.cells, o.thermistors);
    this.chip = new Bq769x0Emulator({
      variant: o.variant,
      cells: o.cells,
      address,
      shuntMicroOhm,
      port: this.pack.port(),
      clock: this.clock,
      gainUvPerLsb: 377,
      offsetMv: 23,
      ...o.chip,
    });
    this.recorder = new Recorder(this.chip);
    this.bus.attach(address, this.recorder);
    this.afe = new Bq769x0({
      bus: this.bus,
      address,
      variant: o.variant,
      cells: o.cells,
      thermistors: o.thermistors,
      shuntMicroOhm,
      pecErrorLimit: 3,
      balancingMaxCells: 4,
      ...o.driver,
    });
    this.reading = newReading(o.cells, o.thermistors);
  }

  /** Advance the sim clock by `ms`, then take one measurement. */
  tick(ms = 100): AfeReading {
    this.clock.advance(ms);
    this.afe.measure(this.reading, this.clock.nowMs());
    return this.reading;
  }

  /** Advance the sim clock with the host silent: only the chip runs. */
  idle(ms: number, stepMs = 10): void {
    for (let t = 0; t < ms; t += stepMs) {
      this.clock.advance(Math.min(stepMs, ms - t));
      this.chip.update();
    }
  }
}

export { newFaults, newReading, zeroLimits } from "./afe-fixtures";
import { newReading } from "./afe-fixtures";
