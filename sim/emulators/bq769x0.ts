// SPDX-License-Identifier: MIT
// A bus-level emulator of a TI bq769x0 (bq76920 / bq76930 / bq76940) on the simulated I2C bus
// (../shared/reference/afe-chips.md §3). Every write carries a CRC over (addrW, reg, data) and is
// NACKed and ignored when it is wrong; every read answers [d0][crc(addrR, d0)][d1][crc(d1)]….
//
// Time: update() brings the chip to the sim clock (each bus access calls it too). With ADC_EN the
// cells, stack and TS pins convert every 250 ms; with CC_EN the coulomb counter averages the
// port current over each 250 ms window and sets CC_READY. frozen() stops both. The port's current is taken as held
// since the previous update, the only knowledge a millisecond clock gives.
//
// Protections run on their own from the registers: OV / UV compare each conversion with
// OV_TRIP / UV_TRIP and latch after OV_DELAY / UV_DELAY (OV clears CHG_ON, UV clears DSG_ON);
// OCD / SCD compare the discharge current across the shunt with PROTECT2 / PROTECT1 and latch
// after their delays (both clear DSG_ON). A FET cannot be switched on while its fault is latched.
import type { z } from "zod";
import { I2cStatus } from "../../hal/hal";
import type { Clock } from "../../hal/hal";
import { Reg, SysCtrl1, SysCtrl2, SysStat } from "../../hal/bq769x0/registers";
import type { I2cPeripheral } from "../hal/i2c";
import { Rng } from "../rng";
import { batCode, type Bq769x0Port, type Bq769x0Variant, ccCode, cellCode, cellOnInput, dieCode, groupCount, tsCode } from "./bq769x0-analog";
import { bqCrc8 } from "./bq769xx-crc";
import { type Bq769x0EmulatorOptions, optionsSchema } from "./bq769x0-options";
import { latch, Protection } from "./bq769x0-protection";

export type { Bq769x0Port, Bq769x0Variant } from "./bq769x0-analog";
export type { Bq769x0EmulatorOptions } from "./bq769x0-options";

const periodMs = 250;
/** Writable bits per register (reserved and read-only bits stay as they are) [datasheet]. */
const writable: Record<number, number> = {
  [Reg.cellBal1]: 0x1f,
  [Reg.cellBal2]: 0x1f,
  [Reg.cellBal3]: 0x1f,
  [Reg.sysCtrl1]: 0x1b,
  [Reg.sysCtrl2]: 0xe3,
  [Reg.protect1]: 0x9f,
  [Reg.protect2]: 0x7f,
  [Reg.protect3]: 0xf0,
  [Reg.ovTrip]: 0xff,
  [Reg.uvTrip]: 0xff,
  [Reg.ccCfg]: 0x3f,
};

export class Bq769x0Emulator implements I2cPeripheral {
  readonly variant: Bq769x0Variant;
  readonly cells: number;
  readonly gainUvPerLsb: number;
  readonly offsetMv: number;
  /** Writes NACKed for a bad or missing CRC. */
  rejectedWrites = 0;
  /** CELLBAL writes that asked for two adjacent cells of a group. */
  adjacentBalanceWrites = 0;
  /** Conversions done (cells, stack, TS), for tests of frozen(). */
  conversions = 0;
  private readonly o: z.infer<typeof optionsSchema>;
  private readonly port: Bq769x0Port;
  private readonly clock: Clock;
  private readonly rng: Rng;
  private readonly inputs: number[];
  private readonly regs = new Array<number>(0x60).fill(0);
  private readonly bleeding: boolean[];
  private pointer = 0;
  private lastMs: number;
  private adcNextMs: number;
  private ccNextMs: number;
  private ccWindowMaMs = 0;
  private readonly protection: Protection;
  private crcErrorsToInject = 0;
  private xreadyOn = false;
  private isFrozen = false;

  constructor(options: Bq769x0EmulatorOptions) {
    const r = optionsSchema.safeParse(options);
    if (!r.success) throw new Error(r.error.issues.map((i) => `Bq769x0Emulator options.${i.path.join(".")}: ${i.message}`).join("\n"));
    const o = r.data;
    const groups = groupCount(o.variant);
    if (o.cells < 3 * groups || o.cells > 5 * groups) {
      throw new Error(`Bq769x0Emulator options.cells: ${o.cells} is outside ${3 * groups}..${5 * groups} for the ${o.variant}`);
    }
    this.o = o;
    this.variant = o.variant;
    this.cells = o.cells;
    this.port = options.port;
    this.clock = options.clock;
    this.rng = new Rng(o.seed);
    this.gainUvPerLsb = o.gainUvPerLsb ?? 365 + Math.floor(this.rng.uniformBetween(0, 32));
    this.offsetMv = o.offsetMv ?? Math.round(this.rng.uniformBetween(-40, 40));
    this.inputs = cellOnInput(o.variant, o.cells);
    this.bleeding = new Array<boolean>(o.cells).fill(false);
    this.protection = new Protection(this.regs, o.shuntMicroOhm);
    this.lastMs = this.clock.nowMs();
    this.adcNextMs = this.lastMs + periodMs;
    this.ccNextMs = this.lastMs + periodMs;
    this.reset();
  }

  /** Power-on state: every register at its default (zero), the factory trim kept, FETs off. */
  reset(): void {
    this.regs.fill(0);
    // GAIN = 365 + (ADCGAIN1[3:2] << 3 | ADCGAIN2[7:5]) (§3); the other bits are other trims.
    const trim = this.gainUvPerLsb - 365;
    this.regs[Reg.adcGain1] = 0x01 | ((trim >> 3) << 2);
    this.regs[Reg.adcGain2] = 0x05 | ((trim & 0x07) << 5);
    this.regs[Reg.adcOffset] = this.offsetMv & 0xff;
    if (this.xreadyOn) this.regs[Reg.sysStat] |= SysStat.deviceXReady;
    this.protection.reset();
    this.ccWindowMaMs = 0;
    this.lastMs = this.clock.nowMs();
    this.adcNextMs = this.ccNextMs = this.lastMs + periodMs;
    this.applyBleed();
  }

  /** DEVICE_XREADY: an internal fault; while on the bit stays set and both FETs stay off. */
  xready(on: boolean): void {
    this.update();
    this.xreadyOn = on;
    if (on) latch(this.regs, SysStat.deviceXReady, SysCtrl2.chgOn | SysCtrl2.dsgOn);
  }

  /** The next `n` reads answer with a wrong first CRC. */
  setCrcErrors(n: number): void {
    if (!Number.isInteger(n) || n < 0) throw new Error(`Bq769x0Emulator setCrcErrors n: ${n} is not a whole number >= 0`);
    this.crcErrorsToInject = n;
  }

  /**
   * A hung measurement: the voltage/temperature ADC and the coulomb counter stop (or restart).
   * The result registers keep their values and CC_READY is no longer set; the protections that
   * act on conversions (OV/UV) stop with them, the OCD/SCD comparators keep running.
   */
  frozen(on: boolean): void {
    this.update();
    this.isFrozen = on;
  }

  fetState(): { charge: boolean; discharge: boolean } {
    const c = this.regs[Reg.sysCtrl2];
    return { charge: (c & SysCtrl2.chgOn) !== 0, discharge: (c & SysCtrl2.dsgOn) !== 0 };
  }

  /** A register as the chip holds it (no bus traffic). */
  register(address: number): number {
    return this.regs[address];
  }

  /** Bring the chip to the sim clock: conversions, coulomb counter and protections. */
  update(): void {
    const now = this.clock.nowMs();
    if (now < this.lastMs) return;
    const currentMa = this.port.packCurrentMa();
    if (!Number.isFinite(currentMa)) throw new Error(`Bq769x0Emulator port.packCurrentMa: ${currentMa} is not a number`);
    this.protection.checkCurrent(currentMa, this.lastMs, now);
    let t = this.lastMs;
    // Coulomb counter: mean current over each 250 ms window (§3).
    while (this.ccNextMs <= now) {
      this.ccWindowMaMs += currentMa * (this.ccNextMs - t);
      t = this.ccNextMs;
      if ((this.regs[Reg.sysCtrl2] & SysCtrl2.ccEn) !== 0 && !this.isFrozen) {
        const code = ccCode(this.ccWindowMaMs / periodMs, this.o.shuntMicroOhm) & 0xffff;
        this.regs[Reg.ccHi] = code >> 8;
        this.regs[Reg.ccHi + 1] = code & 0xff;
        this.regs[Reg.sysStat] |= SysStat.ccReady;
      }
      this.ccWindowMaMs = 0;
      this.ccNextMs += periodMs;
    }
    this.ccWindowMaMs += currentMa * (now - t);
    while (this.adcNextMs <= now) {
      if ((this.regs[Reg.sysCtrl1] & SysCtrl1.adcEn) !== 0 && !this.isFrozen) this.convert(this.adcNextMs);
      this.adcNextMs += periodMs;
    }
    this.lastMs = now;
  }

  /** One ADC run at `atMs`: cells, stack, TS, then the OV/UV comparisons. */
  private convert(atMs: number): void {
    this.conversions++;
    const gain = this.gainUvPerLsb;
    const offset = this.offsetMv;
    let stackMv = 0;
    let over = false;
    let under = false;
    const ovCode = 0x2008 | (this.regs[Reg.ovTrip] << 4);
    const uvCode = 0x1000 | (this.regs[Reg.uvTrip] << 4);
    for (let input = 0; input < this.inputs.length; input++) {
      const cell = this.inputs[input];
      let mv = 0;
      if (cell >= 0) {
        mv = this.port.cellVolts(cell) * 1000;
        if (!Number.isFinite(mv)) throw new Error(`Bq769x0Emulator port.cellVolts(${cell}): not a number`);
        stackMv += mv;
        if (this.o.noiseMv > 0) mv += this.rng.normal(0, this.o.noiseMv);
      }
      const code = cellCode(mv, gain, offset);
      this.regs[Reg.vc1Hi + 2 * input] = code >> 8;
      this.regs[Reg.vc1Hi + 2 * input + 1] = code & 0xff;
      // Shorted (unused) inputs take no part in OV/UV [datasheet cell configuration].
      if (cell >= 0 && code > ovCode) over = true;
      if (cell >= 0 && code < uvCode) under = true;
    }
    const bat = batCode(stackMv, this.cells, gain, offset);
    this.regs[Reg.batHi] = bat >> 8;
    this.regs[Reg.batHi + 1] = bat & 0xff;
    const external = (this.regs[Reg.sysCtrl1] & SysCtrl1.tempSel) !== 0;
    for (let k = 0; k < groupCount(this.variant); k++) {
      const code = external ? tsCode(this.port.thermistorCelsius(k)) : dieCode;
      this.regs[Reg.ts1Hi + 2 * k] = code >> 8;
      this.regs[Reg.ts1Hi + 2 * k + 1] = code & 0xff;
    }
    this.protection.checkCells(over, under, atMs);
  }

  /** CELLBAL → the port's bleed switches. */
  private applyBleed(): void {
    for (let input = 0; input < this.inputs.length; input++) {
      const cell = this.inputs[input];
      if (cell < 0) continue;
      const on = (this.regs[Reg.cellBal1 + Math.floor(input / 5)] & (1 << input % 5)) !== 0;
      if (on !== this.bleeding[cell]) {
        this.bleeding[cell] = on;
        this.port.setBleed(cell, on);
      }
    }
  }

  private store(register: number, value: number): void {
    if (register === Reg.sysStat) {
      let clear = value;
      if (this.xreadyOn) clear &= ~SysStat.deviceXReady;
      this.regs[Reg.sysStat] &= ~clear & 0xff;
      return;
    }
    const mask = writable[register];
    if (mask === undefined) return;
    if (register >= Reg.cellBal1 && register <= Reg.cellBal3 && register - Reg.cellBal1 >= groupCount(this.variant)) return;
    let v = (this.regs[register] & ~mask) | (value & mask);
    if (register === Reg.sysCtrl2) {
      // A FET stays off while a fault that opened it is latched [datasheet SYS_CTRL2].
      const s = this.regs[Reg.sysStat];
      if ((s & (SysStat.ov | SysStat.deviceXReady)) !== 0) v &= ~SysCtrl2.chgOn;
      if ((s & (SysStat.uv | SysStat.ocd | SysStat.scd | SysStat.deviceXReady)) !== 0) v &= ~SysCtrl2.dsgOn;
    }
    this.regs[register] = v;
    if (register >= Reg.cellBal1 && register <= Reg.cellBal3) {
      const bits = v & 0x1f;
      if ((bits & (bits << 1)) !== 0) this.adjacentBalanceWrites++;
      this.applyBleed();
    }
  }

  write(data: number[], count: number, _stop: boolean): I2cStatus {
    this.update();
    if (count < 1) return I2cStatus.ok;
    const register = data[0] & 0xff;
    if (count === 1) {
      this.pointer = register;
      return I2cStatus.ok;
    }
    // [reg][d0][crc(addrW, reg, d0)] then [dn][crc(dn)] pairs (§3); anything else is refused.
    if (count % 2 === 0) return this.reject();
    const addrW = (this.o.address << 1) & 0xfe;
    for (let i = 1; i < count; i += 2) {
      const crc = i === 1 ? bqCrc8([addrW, register, data[1]]) : bqCrc8([data[i]]);
      if (crc !== data[i + 1]) return this.reject();
    }
    for (let i = 1; i < count; i += 2) this.store(register + (i - 1) / 2, data[i] & 0xff);
    this.pointer = register;
    return I2cStatus.ok;
  }

  read(into: number[], count: number): I2cStatus {
    this.update();
    const addrR = ((this.o.address << 1) & 0xfe) | 1;
    for (let i = 0; i < count; i++) {
      if (i % 2 === 0) {
        into[i] = this.regs[this.pointer] ?? 0;
        this.pointer = (this.pointer + 1) & 0xff;
      } else into[i] = i === 1 ? bqCrc8([addrR, into[0]]) : bqCrc8([into[i - 1]]);
    }
    if (this.crcErrorsToInject > 0 && count >= 2) {
      this.crcErrorsToInject--;
      into[1] ^= 0xff;
    }
    return I2cStatus.ok;
  }

  private reject(): I2cStatus {
    this.rejectedWrites++;
    return I2cStatus.nackData;
  }
}
