// SPDX-License-Identifier: MIT
// A bus-level emulator of a TI BQ76952 (../shared/reference/afe-chips.md §2): direct commands with
// auto-increment (bq76952-direct.ts), the subcommand transfer buffer with checksum/length and data
// memory gated by CONFIG_UPDATE (bq76952-subcommand.ts, bq76952-memory.ts), CRC framing, FET
// control, CB_ACTIVE_CELLS balancing and the chip's own protections (bq76952-protect.ts),
// evaluated on every bus access and on update().
//
// Modelling choices: subcommands answer at once (no FF FF busy phase, the sim clock does not move
// during a driver call); the ADC loop is taken as continuous, so readings and protections follow
// the port at each evaluation (the sim cannot resolve a loop of milliseconds), while the Alarm
// Status FULLSCAN/ADSCAN bits (§2.2, §2.5 item 5) latch once per completed loop of
// `scanPeriodMs`; frozen() stops the loop: readings hold, protections stop, FULLSCAN stays clear
// once cleared. FETs are off in CONFIG_UPDATE [unverified]; POR clears on EXIT_CFGUPDATE
// [unverified]. Every valid host transaction (ACKed; in CRC mode with good CRCs) feeds the host
// watchdog (bq76952-protect.ts); a detached chip hears none, so its watchdog runs out.
import { I2cStatus } from "../../hal/hal";
import type { Clock } from "../../hal/hal";
import type { I2cPeripheral } from "../hal/i2c";
import { Alarm, DataMemory, FetStatus, tsConfigFunctionMask } from "../../hal/bq76952/registers";
import { Rng } from "../rng";
import { bqCrc8 } from "./bq769xx-crc";
import { type AlarmRegisters, directByte, type DirectSources, fetStatus, type Scan, writeDirectByte } from "./bq76952-direct";
import { DataMemoryStore } from "./bq76952-memory";
import { type Bq76952EmulatorOptions, type Bq76952Port, parseOptions } from "./bq76952-options";
import { ProtectionEngine } from "./bq76952-protect";
import { ChipModes, SubcommandEngine } from "./bq76952-subcommand";

export type { Bq76952EmulatorOptions, Bq76952Port } from "./bq76952-options";

/**
 * Period of one full measurement loop. The fact sheet gives no loop time (§2 names the FULLSCAN
 * bit only): a modelling choice [unverified], well below a driver's 100 ms tick and any stale
 * limit it would apply.
 */
export const scanPeriodMs = 25;

export class Bq76952Emulator implements I2cPeripheral {
  /** Writes NACKed for a bad CRC. */
  rejectedWrites = 0;
  readonly memory = new DataMemoryStore();
  private readonly port: Bq76952Port;
  private readonly clock: Clock;
  private readonly crc: boolean;
  private readonly address: number;
  private readonly noiseMv: number;
  private readonly rng: Rng;
  private readonly modes = new ChipModes();
  private readonly protection = new ProtectionEngine();
  private readonly scanned: Scan = { inputMv: new Array<number>(16).fill(0), currentMa: 0, tsCelsius: [25, 25, 25] };
  private readonly alarm: AlarmRegisters = { latched: 0, enable: 0 };
  private readonly sources: DirectSources;
  private readonly subcommands: SubcommandEngine;
  private pointer = 0;
  private pointerRegister: number | undefined;
  private isFrozen = false;
  private crcErrorsToInject = 0;
  /** When the measurement loop next completes (sets FULLSCAN). */
  private nextScanMs: number;

  constructor(options: Bq76952EmulatorOptions) {
    const o = parseOptions(options);
    this.port = options.port;
    this.clock = options.clock;
    this.crc = o.crc;
    this.address = o.address;
    this.noiseMv = o.noiseMv;
    this.rng = new Rng(o.seed);
    this.sources = {
      memory: this.memory,
      protection: this.protection,
      modes: this.modes,
      scan: this.scanned,
      alarm: this.alarm,
      channelOfCell: o.cellChannels,
      thermistors: o.thermistors,
      shuntMicroOhm: o.shuntMicroOhm,
      internalCelsius: o.internalCelsius,
    };
    this.subcommands = new SubcommandEngine(this.memory, this.modes, {
      reset: () => this.reset(),
      setBalancing: (mask) => this.setBalancing(mask),
    });
    this.nextScanMs = this.clock.nowMs() + scanPeriodMs;
    // The host watchdog counts from power-up [unverified]; it is off until enabled anyway.
    this.protection.hostCommunication(this.clock.nowMs() * 1000);
    this.scan();
  }

  /** Subcommand writes ignored for a wrong checksum or length. */
  get rejectedTransfers(): number {
    return this.subcommands.rejectedTransfers;
  }

  /** Data-memory writes ignored outside CONFIG_UPDATE. */
  get rejectedDataMemoryWrites(): number {
    return this.subcommands.rejectedDataMemoryWrites;
  }

  // ---- fault hooks and views for the rig and tests ----

  /** Power-on reset: data memory back to defaults, POR set, FET control back to test mode. */
  reset(): void {
    this.memory.restoreDefaults();
    this.protection.reset();
    this.modes.reset();
    this.setBalancing(0);
    this.alarm.latched = 0;
    this.subcommands.clear();
    this.nextScanMs = this.clock.nowMs() + scanPeriodMs;
  }

  /** A hung measurement loop: readings hold their last values, the protections and FULLSCAN stop. */
  frozen(on: boolean): void {
    // Loops completed up to now still count; a resumed loop completes one period after it resumes.
    if (on && !this.isFrozen) this.update();
    if (this.isFrozen && !on) this.nextScanMs = this.clock.nowMs() + scanPeriodMs;
    this.isFrozen = on;
  }

  /** Corrupt the CRC of the next `n` reads (CRC mode only). */
  setCrcErrors(n: number): void {
    if (!Number.isInteger(n) || n < 0) throw new Error(`Bq76952Emulator setCrcErrors n: must be an integer ≥ 0, got ${n}`);
    this.crcErrorsToInject = n;
  }

  fetState(): { charge: boolean; discharge: boolean } {
    this.update();
    const f = fetStatus(this.sources);
    return { charge: (f & FetStatus.chg) !== 0, discharge: (f & FetStatus.dsg) !== 0 };
  }

  /** Safety Status A, B, C as the chip holds them now. */
  safetyStatus(): number[] {
    this.update();
    return [...this.protection.status];
  }

  balancingMask(): number {
    return this.modes.cbMask;
  }

  inConfigUpdate(): boolean {
    return this.modes.cfgUpdate;
  }

  /** Bring the measurement loop and the protections up to the sim clock. */
  update(): void {
    if (this.isFrozen) return;
    this.scan();
    const input = this.scanned.inputMv;
    const vcell = this.memory.u16(DataMemory.vcellMode);
    const used = input.filter((_, c) => vcell === 0 || (vcell & (1 << c)) !== 0);
    const cellTs = this.scanned.tsCelsius.filter((_, k) => (this.memory.u8(DataMemory.ts1Config + k) & tsConfigFunctionMask) === tsConfigFunctionMask);
    const now = this.clock.nowMs();
    // Protections are suspended in CONFIG_UPDATE [unverified].
    if (!this.modes.cfgUpdate) {
      this.protection.evaluate(
        { cellMv: used, currentMa: this.scanned.currentMa, cellCelsius: cellTs, internalCelsius: this.sources.internalCelsius },
        this.memory,
        this.sources.shuntMicroOhm,
        now * 1000,
      );
    }
    if (now >= this.nextScanMs) {
      // At least one loop completed since the last: FULLSCAN and ADSCAN latch (§2.2).
      this.alarm.latched |= Alarm.fullScan | Alarm.adScan;
      this.nextScanMs += (Math.floor((now - this.nextScanMs) / scanPeriodMs) + 1) * scanPeriodMs;
    }
    if (this.protection.status[0] !== 0) this.alarm.latched |= Alarm.safetyStatusA;
    if (this.protection.status[1] !== 0 || this.protection.status[2] !== 0) this.alarm.latched |= Alarm.safetyStatusBc;
  }

  private scan(): void {
    const s = this.scanned;
    s.inputMv.fill(0);
    this.sources.channelOfCell.forEach((ch, i) => (s.inputMv[ch - 1] = this.port.cellVolts(i) * 1000 + (this.noiseMv > 0 ? this.rng.normal(0, this.noiseMv) : 0)));
    s.currentMa = this.port.packCurrentMa();
    for (let k = 0; k < this.sources.thermistors; k++) s.tsCelsius[k] = this.port.thermistorCelsius(k);
  }

  /** CB_ACTIVE_CELLS: bit k = input VC(k+1) (§2.3); only wired inputs reach the port. */
  private setBalancing(mask: number): void {
    this.modes.cbMask = mask & 0xffff;
    this.sources.channelOfCell.forEach((ch, i) => this.port.setBleed(i, (this.modes.cbMask & (1 << (ch - 1))) !== 0));
    if (this.modes.cbMask !== 0) this.alarm.latched |= Alarm.cb;
  }

  // ---- I2C (§2.1) ----

  write(data: number[], count: number, stop: boolean): I2cStatus {
    this.update();
    if (count < 1) return this.endOfWrite(stop);
    const register = data[0];
    const bytes: number[] = [];
    if (this.crc) {
      // [reg][d0][crc(addrW, reg, d0)][d1][crc(d1)]… (§2.1); a bad CRC NACKs and nothing is stored.
      if ((count - 1) % 2 !== 0) return this.rejectWrite();
      for (let at = 1; at < count; at += 2) {
        const expected = at === 1 ? bqCrc8([this.address * 2, register, data[1]]) : bqCrc8([data[at]]);
        if (data[at + 1] !== expected) return this.rejectWrite();
        bytes.push(data[at]);
      }
    } else {
      for (let at = 1; at < count; at++) bytes.push(data[at] & 0xff);
    }
    this.pointer = register;
    this.pointerRegister = stop ? undefined : register;
    for (const b of bytes) this.writeByte(this.pointer++, b);
    return this.endOfWrite(stop);
  }

  read(into: number[], count: number): I2cStatus {
    this.update();
    const n = this.crc ? Math.floor(count / 2) : count;
    const first = this.pointer;
    const bytes: number[] = [];
    for (let i = 0; i < n; i++) bytes.push(this.readByte(first + i));
    this.pointer = first + n;
    // The transaction ends here (its answer already taken, so the read that finds HWDF set still
    // sees it); the chip cannot tell whether its answer arrives intact, so it counts as valid.
    this.validTransaction();
    if (!this.crc) {
      bytes.forEach((b, i) => (into[i] = b));
      return I2cStatus.ok;
    }
    // [d0][crc(addrW, reg, addrR, d0)][d1][crc(d1)]… (§2.1).
    const head = this.pointerRegister === undefined ? [this.address * 2 + 1] : [this.address * 2, this.pointerRegister, this.address * 2 + 1];
    bytes.forEach((b, i) => {
      into[2 * i] = b;
      into[2 * i + 1] = i === 0 ? bqCrc8([...head, b]) : bqCrc8([b]);
    });
    if (this.crcErrorsToInject > 0 && n > 0) {
      this.crcErrorsToInject--;
      into[1] ^= 0x5a;
    }
    this.pointerRegister = undefined;
    return I2cStatus.ok;
  }

  /** A write that ends with STOP is a whole transaction; a register pointer waits for its read. */
  private endOfWrite(stop: boolean): I2cStatus {
    return stop ? this.validTransaction() : I2cStatus.ok;
  }

  /** An ACKed, CRC-clean transaction: the host is alive (host watchdog, bq76952-protect.ts). */
  private validTransaction(): I2cStatus {
    this.protection.hostCommunication(this.clock.nowMs() * 1000);
    return I2cStatus.ok;
  }

  private rejectWrite(): I2cStatus {
    this.rejectedWrites++;
    return I2cStatus.nackData;
  }

  private readByte(address: number): number {
    const a = address & 0xff;
    if (SubcommandEngine.covers(a)) return this.subcommands.read(a);
    return directByte(this.sources, a);
  }

  private writeByte(address: number, value: number): void {
    const a = address & 0xff;
    if (SubcommandEngine.covers(a)) this.subcommands.write(a, value);
    else writeDirectByte(this.sources, a, value);
  }
}
