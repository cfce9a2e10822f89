// SPDX-License-Identifier: MIT
// A bench for the BQ76952 driver tests: the driver on a simulated I2C bus, a recorder in front of
// the emulated chip and a pack stand-in behind it.
import type { AfeLimits, AfeReading } from "../../hal/afe";
import { I2cStatus } from "../../hal/hal";
import { SimI2cBus, type I2cPeripheral } from "../../sim/hal/i2c";
import { SimClock } from "../../sim/hal/clock";
import { Bq76952, type Bq76952Options } from "../../hal/bq76952/driver";
import { Bq76952Emulator, type Bq76952EmulatorOptions, type Bq76952Port } from "../../sim/emulators/bq76952";

export interface Transaction {
  kind: "write" | "read";
  bytes: number[];
  status: I2cStatus;
}

/** Passes transactions on to the chip and keeps a copy of each one. */
export class Recorder implements I2cPeripheral {
  log: Transaction[] = [];

  constructor(private readonly inner: I2cPeripheral) {}

  write(data: number[], count: number, stop: boolean): I2cStatus {
    const status = this.inner.write(data, count, stop);
    this.log.push({ kind: "write", bytes: data.slice(0, count), status });
    return status;
  }

  read(into: number[], count: number): I2cStatus {
    const status = this.inner.read(into, count);
    this.log.push({ kind: "read", bytes: into.slice(0, count), status });
    return status;
  }

  writes(): number[][] {
    return this.log.filter((t) => t.kind === "write").map((t) => t.bytes);
  }
}

/** The pack side of the emulator: settable cell volts, temperatures and current. */
export class FakePack {
  readonly volts: number[];
  readonly celsius: number[];
  readonly bleed: boolean[];
  currentMa = 0;

  constructor(cells: number, thermistors: number) {
    // Whole millivolts, all different, so any mix-up of cells shows.
    this.volts = Array.from({ length: cells }, (_, i) => (3300 + 13 * i) / 1000);
    this.celsius = Array.from({ length: thermistors }, (_, k) => 21.3 + 4 * k);
    this.bleed = new Array<boolean>(cells).fill(false);
  }

  port(): Bq76952Port {
    return {
      cellVolts: (i) => this.volts[i],
      setBleed: (i, on) => (this.bleed[i] = on),
      thermistorCelsius: (k) => this.celsius[k],
      packCurrentMa: () => this.currentMa,
    };
  }
}




export { newFaults, newReading, zeroLimits } from "./afe-fixtures";
import { newReading } from "./afe-fixtures";

/** Limits of a typical 100 A NMC pack on a 200 µΩ shunt. */
export function nmcLimits(): AfeLimits {
  return {
    cellOvMv: 4250,
    cellOvDelayMs: 1000,
    cellUvMv: 2800,
    cellUvDelayMs: 2000,
    chargeOcMa: 50000,
    chargeOcDelayMs: 100,
    dischargeOcMa: 120000,
    dischargeOcDelayMs: 320,
    shortCircuitMa: 400000,
    shortCircuitDelayUs: 200,
    chargeOtDeciC: 450,
    dischargeOtDeciC: 600,
    chargeUtDeciC: 0,
  };
}

export interface BenchOptions {
  cells: number;
  thermistors: number;
  crc: boolean;
  driver?: Partial<Omit<Bq76952Options, "bus">>;
  chip?: Partial<Bq76952EmulatorOptions>;
}

export class Bench {
  readonly clock = new SimClock(0);
  readonly pack: FakePack;
  readonly chip: Bq76952Emulator;
  readonly recorder: Recorder;
  readonly bus = new SimI2cBus();
  readonly afe: Bq76952;
  readonly reading: AfeReading;

  constructor(o: BenchOptions) {
    this.pack = new FakePack(o.cells, o.thermistors);
    this.chip = new Bq76952Emulator({
      port: this.pack.port(),
      cells: o.cells,
      crc: o.crc,
      clock: this.clock,
      thermistors: o.thermistors,
      shuntMicroOhm: 200,
      ...o.chip,
    });
    this.recorder = new Recorder(this.chip);
    this.bus.attach(0x08, this.recorder);
    this.afe = new Bq76952({
      bus: this.bus,
      address: 0x08,
      crc: o.crc,
      cells: o.cells,
      thermistors: o.thermistors,
      shuntMicroOhm: 200,
      pecErrorLimit: 3,
      balancingMaxCells: 2,
      ...o.driver,
    });
    this.reading = newReading(o.cells, o.thermistors);
  }

  /** Advance the sim clock by `ms`, then take one measurement. */
  tick(ms = 100): AfeReading {
    this.clock.advance(ms);
    this.chip.update();
    this.afe.measure(this.reading, this.clock.nowMs());
    return this.reading;
  }
}
