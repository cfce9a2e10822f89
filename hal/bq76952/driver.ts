// SPDX-License-Identifier: MIT
// TI BQ76952 driver (3–16 cells, I2C): the policy. Framing is in interface.ts, quantisation in
// encode.ts, the facts in ../shared/reference/afe-chips.md §2.
//
// One measure() is, in order: a 1-byte read of Alarm Status (0x62) for FULLSCAN, the write that
// clears FULLSCAN (W1C, 2 bytes) when it was set, the block Cell 1 … CC2 (0x14..0x3B, 40 bytes: 16
// cells, stack, PACK, LD, CC2) and, with thermistors, TS1..TSn (0x70.., 2 bytes each). The chip
// converts on its own; FULLSCAN (§2.2 Alarm Status b7) is its proof that the measurement loop still
// completes: when it has not been seen for more than fullScanStaleMs the readings are stale, the
// block reads are skipped and the tick counts as a failure. Units (DA Configuration 0x05, written
// by start()): cells mV, stack 10 mV, current mA. CC2 is positive while charging, the contract's
// sign, so it is used as read (LibreSolar's bq769x2 driver applies no sign flip either, §2 sources).
//
// The chip protects by itself (COV/CUV/OCC/OCD1/SCD, OTC/OTD/UTC): configure() writes those
// thresholds in CONFIG_UPDATE mode and start() writes them again after a reset. A reset shows as
// Battery Status POR in readChipFaults (deviceError) until start() has configured the chip again.
//
// start() also arms the chip's host watchdog (option hostWatchdogS, setup.ts): when the MCU hangs
// or the link dies the chip opens both FETs by itself after that many seconds without valid host
// communication (Safety Status C HWDF, read as deviceError while it holds). The chip recovers as
// soon as the host talks to it again [unverified, see the emulator]: the FETs then follow the
// host's last FET commands again, so after a lost link the caller commands them anew at once.
import { AfeStatus } from "../afe";
import type { Afe, AfeChipFaults, AfeDiagnostics, AfeLimits, AfeReading } from "../afe";
import { intArray } from "../../firmware/alloc";
import { Bq76952Interface, Transfer } from "./interface";
import { type Bq76952Options, defaultFullScanStaleMs, defaultHostWatchdogS, validateOptions } from "./options";
import { Bq76952Setup } from "./setup";
import {
  Alarm,
  BatteryStatus,
  Direct,
  FetStatus,
  measureBlockBytes,
  MfgStatus,
  SafetyA,
  SafetyB,
  SafetyC,
  Subcommand,
  zeroCelsiusDeciK,
} from "./registers";

export type { Bq76952Options } from "./options";

/** Offsets in the measurement block (§2.2). */
const stackOffset = Direct.stack - Direct.cell1;
const currentOffset = Direct.cc2 - Direct.cell1;
/** Stack voltage unit with USER_VOLTS_CV set: 10 mV (§2.4). */
const stackUnitMv = 10;

/** Alarm Status written back by readChipFaults: every latched bit but FULLSCAN, which measure() owns. */
const alarmClearMask = 0xffff - Alarm.fullScan;

export class Bq76952 implements Afe {
  readonly cellCount: number;
  readonly temperatureCount: number;
  readonly diagnostics: AfeDiagnostics;
  readonly measuresCurrent = true;
  readonly controlsSwitches = true;
  /** The last measure() found the chip's measurement loop stalled (no FULLSCAN for too long). */
  measurementStalled = false;
  private readonly io: Bq76952Interface;
  private readonly setup: Bq76952Setup;
  /** Input (1..16) of each cell, bottom first. */
  private readonly channels: number[];
  private readonly pecErrorLimit: number;
  private readonly balancingMaxCells: number;
  private readonly fullScanStaleMs: number;
  /** When measure() last saw FULLSCAN set (start() counts as a sighting). */
  private lastFullScanMs = 0;
  /** What the host last forced off (ALL_FETS_OFF / CHG_PCHG_OFF / DSG_PDSG_OFF); unknown = off. */
  private hostChargeOff = true;
  private hostDischargeOff = true;

  constructor(options: Bq76952Options) {
    validateOptions(options);
    this.io = new Bq76952Interface(options.bus, options.address, options.crc);
    this.cellCount = options.cells;
    this.temperatureCount = options.thermistors;
    this.channels = intArray(options.cells, 0);
    for (let i = 0; i < options.cells; i++) {
      if (options.cellChannels !== undefined) this.channels[i] = options.cellChannels[i];
      else this.channels[i] = i + 1;
    }
    let hostWatchdogS = defaultHostWatchdogS;
    if (options.hostWatchdogS !== undefined) hostWatchdogS = options.hostWatchdogS;
    this.setup = new Bq76952Setup(this.io, this.channels, options.thermistors, options.shuntMicroOhm, hostWatchdogS);
    this.pecErrorLimit = options.pecErrorLimit;
    this.balancingMaxCells = options.balancingMaxCells;
    this.fullScanStaleMs = defaultFullScanStaleMs;
    if (options.fullScanStaleMs !== undefined) this.fullScanStaleMs = options.fullScanStaleMs;
    this.diagnostics = { pecErrors: 0, consecutiveFailures: 0, commLost: false };
  }

  private sync(t: Transfer): AfeStatus {
    this.diagnostics.pecErrors = this.io.crcErrors;
    if (t === Transfer.ok) return AfeStatus.ok;
    return AfeStatus.commError;
  }

  /**
   * Check the part, write the configuration (and the limits, if configured before), hand the
   * FETs to the host with both forced off, and enable FET control (§2.3 "FET control").
   */
  start(nowMs: number): boolean {
    // A fresh start: the loop gets fullScanStaleMs to show its first FULLSCAN.
    this.lastFullScanMs = nowMs;
    const ok = this.setup.writeAll();
    this.diagnostics.pecErrors = this.io.crcErrors;
    if (!ok) return false;
    if (this.io.command(Subcommand.allFetsOff) !== Transfer.ok) return false;
    this.hostChargeOff = true;
    this.hostDischargeOff = true;
    if (this.io.subcommandRead(Subcommand.manufacturingStatus, 2) !== Transfer.ok) return false;
    if ((this.io.u16(0) & MfgStatus.fetEnabled) === 0) {
      // FET_ENABLE toggles FET_EN (§2.3): send it only when the bit is clear, then confirm.
      if (this.io.command(Subcommand.fetEnable) !== Transfer.ok) return false;
      if (this.io.subcommandRead(Subcommand.manufacturingStatus, 2) !== Transfer.ok) return false;
      if ((this.io.u16(0) & MfgStatus.fetEnabled) === 0) return false;
    }
    this.diagnostics.pecErrors = this.io.crcErrors;
    return true;
  }

  configure(limits: AfeLimits, applied: AfeLimits): AfeStatus {
    if (!this.setup.quantise(limits, applied)) return AfeStatus.invalid;
    const ok = this.setup.writeLimitsInConfigUpdate();
    this.diagnostics.pecErrors = this.io.crcErrors;
    return ok ? AfeStatus.ok : AfeStatus.commError;
  }

  /**
   * Alarm Status b7 FULLSCAN (one byte at 0x62, §2.2): the chip sets it at every completed full
   * measurement loop; when set it is noted and cleared (write 1 to clear) so the next sighting
   * proves a newer loop. True while the last sighting is at most fullScanStaleMs old; false on a
   * bus error too (measurementStalled tells the two apart).
   */
  private loopRunning(nowMs: number): boolean {
    this.measurementStalled = false;
    if (this.io.read(Direct.alarmStatus, 1) !== Transfer.ok) return false;
    if ((this.io.data[0] & Alarm.fullScan) !== 0) {
      this.lastFullScanMs = nowMs;
      this.io.payload[0] = Alarm.fullScan;
      this.io.payload[1] = 0;
      if (this.io.writeRegister(Direct.alarmStatus, 2) !== Transfer.ok) return false;
    }
    this.measurementStalled = nowMs - this.lastFullScanMs > this.fullScanStaleMs;
    return !this.measurementStalled;
  }

  measure(into: AfeReading, nowMs: number): void {
    into.cellsValid = false;
    into.temperaturesValid = false;
    into.currentValid = false;
    let ok = this.loopRunning(nowMs);
    if (ok) ok = this.io.read(Direct.cell1, measureBlockBytes) === Transfer.ok;
    if (ok) {
      // io.i16 written out for the cells: one call per cell per tick costs far more than the sum on
      // Espruino (scripts/espruino-time.ts). Little-endian i16 mV (§2.2).
      const d = this.io.data;
      for (let i = 0; i < this.cellCount; i++) {
        const at = 2 * (this.channels[i] - 1);
        const v = d[at] + 256 * d[at + 1];
        into.cellMv[i] = v >= 0x8000 ? v - 0x10000 : v;
      }
      into.stackMv = this.io.i16(stackOffset) * stackUnitMv;
      into.currentMa = this.io.i16(currentOffset);
      into.cellsValid = true;
      into.currentValid = true;
      if (this.temperatureCount > 0) {
        ok = this.io.read(Direct.ts1Temperature, 2 * this.temperatureCount) === Transfer.ok;
        if (ok) {
          for (let k = 0; k < this.temperatureCount; k++) into.temperatureDeciC[k] = this.io.i16(2 * k) - zeroCelsiusDeciK;
        }
      }
      into.temperaturesValid = ok;
    }
    this.diagnostics.pecErrors = this.io.crcErrors;
    if (ok) {
      this.diagnostics.consecutiveFailures = 0;
      this.diagnostics.commLost = false;
    } else {
      this.diagnostics.consecutiveFailures++;
      if (this.diagnostics.consecutiveFailures >= this.pecErrorLimit) this.diagnostics.commLost = true;
    }
  }

  /** CB_ACTIVE_CELLS (0x0083) with the input mask, bit 0 = VC1 (§2.3); missing entries are off. */
  setBalancing(mask: boolean[]): AfeStatus {
    let bits = 0;
    let count = 0;
    for (let i = 0; i < this.cellCount; i++) {
      if (i < mask.length && mask[i]) {
        bits += Math.pow(2, this.channels[i] - 1);
        count++;
      }
    }
    if (count > this.balancingMaxCells) return AfeStatus.invalid;
    this.io.payload[0] = bits & 0xff;
    this.io.payload[1] = (bits >>> 8) & 0xff;
    return this.sync(this.io.subcommandWrite(Subcommand.cbActiveCells, 2));
  }

  /**
   * ALL_FETS_ON / ALL_FETS_OFF, or one OFF command (§2.3). The OFF commands hold until
   * ALL_FETS_ON, so turning one FET on while the host holds it off takes OFF(other), ALL_FETS_ON,
   * OFF(other): the other FET only stays on as long as it already was, never newly on.
   */
  setSwitches(charge: boolean, discharge: boolean): AfeStatus {
    let t: Transfer;
    if (charge && discharge) t = this.io.command(Subcommand.allFetsOn);
    else if (!charge && !discharge) t = this.io.command(Subcommand.allFetsOff);
    else {
      const offCode = charge ? Subcommand.dsgPdsgOff : Subcommand.chgPchgOff;
      const onBlocked = charge ? this.hostChargeOff : this.hostDischargeOff;
      t = this.io.command(offCode);
      if (t === Transfer.ok && onBlocked) {
        t = this.io.command(Subcommand.allFetsOn);
        if (t === Transfer.ok) t = this.io.command(offCode);
      }
    }
    if (t === Transfer.ok) {
      this.hostChargeOff = !charge;
      this.hostDischargeOff = !discharge;
    }
    return this.sync(t);
  }

  /**
   * Safety Status A/B/C (0x03..0x07), Battery Status (POR) and FET Status, then clear the latched
   * Alarm Status (W1C, §2.2) except FULLSCAN, which measure() watches. The safety bits themselves
   * clear when the chip recovers. POR (a reset: data memory back to its defaults) reads as
   * deviceError until start() has written the configuration again and left CONFIG_UPDATE; the
   * caller then runs start() and configure().
   */
  readChipFaults(into: AfeChipFaults): AfeStatus {
    let t = this.io.read(Direct.safetyStatusA, 5);
    if (t !== Transfer.ok) return this.sync(t);
    const a = this.io.data[0];
    const b = this.io.data[2];
    const c = this.io.data[4];
    t = this.io.read(Direct.batteryStatus, 2);
    if (t !== Transfer.ok) return this.sync(t);
    const battery = this.io.u16(0);
    t = this.io.read(Direct.fetStatus, 1);
    if (t !== Transfer.ok) return this.sync(t);
    const fets = this.io.data[0];
    into.cellOv = (a & SafetyA.cov) !== 0 || (c & SafetyC.covl) !== 0;
    into.cellUv = (a & SafetyA.cuv) !== 0;
    into.chargeOc = (a & SafetyA.occ) !== 0;
    into.dischargeOc = (a & (SafetyA.ocd1 + SafetyA.ocd2)) !== 0 || (c & (SafetyC.ocd3 + SafetyC.ocdl)) !== 0;
    into.shortCircuit = (a & SafetyA.scd) !== 0 || (c & SafetyC.scdl) !== 0;
    into.overTemperature = (b & (SafetyB.otc + SafetyB.otd + SafetyB.otf + SafetyB.otint)) !== 0;
    into.underTemperature = (b & (SafetyB.utc + SafetyB.utd + SafetyB.utint)) !== 0;
    into.deviceError = (battery & (BatteryStatus.por + BatteryStatus.permanentFail)) !== 0 || (c & SafetyC.hwdf) !== 0;
    into.chargeOn = (fets & FetStatus.chg) !== 0;
    into.dischargeOn = (fets & FetStatus.dsg) !== 0;
    this.io.payload[0] = alarmClearMask & 0xff;
    this.io.payload[1] = alarmClearMask >>> 8;
    return this.sync(this.io.writeRegister(Direct.alarmStatus, 2));
  }

  /** The fact sheet (§2) names no built-in self-test. */
  selfTest(): AfeStatus {
    return AfeStatus.notSupported;
  }
}
