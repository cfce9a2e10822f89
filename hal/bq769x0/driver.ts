// SPDX-License-Identifier: MIT
// TI bq769x0 (bq76920 / bq76930 / bq76940) driver: the policy. Register access with CRC is in
// interface.ts, facts in registers.ts, limits in protect.ts, the cell-to-input rule in options.ts,
// conversions in calibration.ts and thermistor.ts. Facts: afe-chips.md §3.
//
// One measure() (no CC result pending / with one):
//   read SYS_STAT..SYS_CTRL1 → read VC1_HI.. (cells) → read BAT_HI.. (stack, TS, and CC when
//   CC_READY) → [write SYS_STAT = CC_READY to clear it]
// On the bq76940 the cell and tail blocks are contiguous (0x0C..0x33) and read as one transfer.
// SYS_CTRL1 rides along in the first read (0x00..0x04): a chip that reset has ADC_EN = 0 and
// cell registers of 0, so that tick is invalid and counts as a failure, and readChipFaults says
// deviceError until start() has run again (§3 boot).
// Current comes from the coulomb counter, a new value every 250 ms (CC_READY). Between results
// the last value is kept and currentValid stays true while it is at most ccStaleMs old. All is
// allocated in the constructor; measure() allocates nothing and never throws.
import { AfeStatus } from "../afe";
import type { Afe, AfeChipFaults, AfeDiagnostics, AfeLimits, AfeReading } from "../afe";
import { intArray } from "../../firmware/alloc";
import { divRound } from "../../firmware/intmath";
import { Bq769x0Interface, Transfer } from "./interface";
import { type Bq769x0Options, cellBalBytes, groupsOf, mapCells, validateOptions } from "./options";
import { batToMv, codeToMv, gainFromTrims, offsetFromTrim } from "./calibration";
import { protectRegisterCount, quantiseLimits } from "./protect";
import { ccCfgValue, ccNanoVoltsPerLsb, ccPeriodMs, inputsPerGroup, Reg, SysCtrl1, SysCtrl2, SysStat, sysStatFaultMask } from "./registers";
import { tsDeciC } from "./thermistor";

export type { Bq769x0Options, Bq769x0Variant } from "./options";

/** A coulomb-counter value older than 4 periods (1 s) no longer counts as the present current. */
export const ccStaleMs = 4 * ccPeriodMs;

export class Bq769x0 implements Afe {
  readonly cellCount: number;
  readonly temperatureCount: number;
  readonly diagnostics: AfeDiagnostics;
  /** The coulomb counter across the shunt (CC_HI/LO). */
  readonly measuresCurrent = true;
  /** CHG and DSG FET drivers (SYS_CTRL2). */
  readonly controlsSwitches = true;
  /** SYS_STAT as last read by measure() or readChipFaults(), for logs. */
  lastSysStat = 0;
  /** The last measure() found SYS_CTRL1.ADC_EN clear: the chip reset (or was never started). */
  adcDisabled = false;
  /** Factory calibration read by start(): µV per LSB and mV offset (§3). */
  gainUvPerLsb = 0;
  offsetMv = 0;
  private readonly iface: Bq769x0Interface;
  private readonly groups: number;
  private readonly inputOf: number[];
  private readonly groupOf: number[];
  private readonly shuntMicroOhm: number;
  private readonly pecErrorLimit: number;
  private readonly balancingMaxCells: number;
  private readonly tempSel: boolean;
  /** CELLBAL1..3 as last accepted by setBalancing. */
  private readonly cellBal: number[];
  /** PROTECT1..3, OV_TRIP, UV_TRIP as last configured; rewritten by start(). */
  private readonly protectBytes: number[];
  private readonly scratch: number[];
  private configured = false;
  private calibrated = false;
  /** Staging: readings reach the caller only when every transfer was good. */
  private readonly cellCode: number[];
  private readonly tsCode: number[];
  private batCode = 0;
  private currentMa = 0;
  private haveCurrent = false;
  /** No reading is valid before this time: the first ADC conversion after start(). */
  private firstConversionMs = 0;
  private lastCurrentMs = 0;

  constructor(options: Bq769x0Options) {
    validateOptions(options);
    this.iface = new Bq769x0Interface(options.bus, options.address);
    this.groups = groupsOf(options.variant);
    this.cellCount = options.cells;
    this.temperatureCount = options.thermistors;
    this.inputOf = intArray(options.cells, 0);
    this.groupOf = intArray(options.cells, 0);
    mapCells(options.cells, this.groups, this.inputOf, this.groupOf);
    this.shuntMicroOhm = options.shuntMicroOhm;
    this.pecErrorLimit = options.pecErrorLimit;
    this.balancingMaxCells = options.balancingMaxCells;
    this.tempSel = options.thermistors > 0;
    this.diagnostics = { pecErrors: 0, consecutiveFailures: 0, commLost: false };
    this.cellBal = intArray(3, 0);
    this.protectBytes = intArray(protectRegisterCount, 0);
    this.scratch = intArray(protectRegisterCount, 0);
    this.cellCode = intArray(options.cells, 0);
    this.tsCode = intArray(options.thermistors, 0);
  }

  private sync(ok: boolean): boolean {
    this.diagnostics.pecErrors = this.iface.crcErrors;
    return ok;
  }

  private status(ok: boolean): AfeStatus {
    return this.sync(ok) ? AfeStatus.ok : AfeStatus.commError;
  }

  private put(register: number, value: number): boolean {
    return this.iface.write(register, value) === Transfer.ok;
  }

  /** Write CELLBAL1..n from the accepted mask. */
  private writeBalancing(): boolean {
    for (let g = 0; g < this.groups; g++) {
      if (!this.put(Reg.cellBal1 + g, this.cellBal[g])) return false;
    }
    return true;
  }

  /** Write the protection registers and read them back (one 5-register block). */
  private writeProtection(): boolean {
    for (let i = 0; i < protectRegisterCount; i++) {
      if (!this.put(Reg.protect1 + i, this.protectBytes[i])) return false;
    }
    if (this.iface.read(Reg.protect1, protectRegisterCount) !== Transfer.ok) return false;
    for (let i = 0; i < protectRegisterCount; i++) {
      if (this.iface.data[i] !== this.protectBytes[i]) return false;
    }
    return true;
  }

  /**
   * CC_CFG = 0x19 and read it back (the device answers, with this address and CRC), ADC_EN and
   * TEMP_SEL, the factory gain/offset, CC continuous with both FETs off, SYS_STAT cleared, then
   * balancing and (after a chip reset) the protection registers written again (§3 boot).
   */
  start(nowMs: number): boolean {
    this.haveCurrent = false;
    // The ADC converts every 250 ms once ADC_EN is set; until then the registers hold 0 (§3).
    this.firstConversionMs = nowMs + ccPeriodMs;
    if (!this.put(Reg.ccCfg, ccCfgValue)) return this.sync(false);
    if (this.iface.read(Reg.ccCfg, 1) !== Transfer.ok || this.iface.data[0] !== ccCfgValue) return this.sync(false);
    let ctrl1 = SysCtrl1.adcEn;
    if (this.tempSel) ctrl1 += SysCtrl1.tempSel;
    if (!this.put(Reg.sysCtrl1, ctrl1)) return this.sync(false);
    // ADCGAIN1 (0x50) and ADCOFFSET (0x51) in one block, ADCGAIN2 (0x59) alone.
    if (this.iface.read(Reg.adcGain1, 2) !== Transfer.ok) return this.sync(false);
    const gain1 = this.iface.data[0];
    const offset = this.iface.data[1];
    if (this.iface.read(Reg.adcGain2, 1) !== Transfer.ok) return this.sync(false);
    this.gainUvPerLsb = gainFromTrims(gain1, this.iface.data[0]);
    this.offsetMv = offsetFromTrim(offset);
    this.calibrated = true;
    // Both FETs off: after a (re)start the firmware decides when they close.
    if (!this.put(Reg.sysCtrl2, SysCtrl2.ccEn)) return this.sync(false);
    if (!this.put(Reg.sysStat, 0xff)) return this.sync(false);
    if (!this.writeBalancing()) return this.sync(false);
    if (this.configured && !this.writeProtection()) return this.sync(false);
    return this.sync(true);
  }

  /** Quantise, write PROTECT1..3 / OV_TRIP / UV_TRIP and read them back (protect.ts). */
  configure(limits: AfeLimits, applied: AfeLimits): AfeStatus {
    // The trip codes depend on the factory calibration that start() reads.
    if (!this.calibrated) return AfeStatus.commError;
    const status = quantiseLimits(limits, this.gainUvPerLsb, this.offsetMv, this.shuntMicroOhm, this.scratch, applied);
    if (status !== AfeStatus.ok) return status;
    for (let i = 0; i < protectRegisterCount; i++) this.protectBytes[i] = this.scratch[i];
    this.configured = true;
    return this.status(this.writeProtection());
  }

  /** Read cells, then BAT.. up to the last register needed, into the staging arrays. */
  private readAll(ccReady: boolean): boolean {
    const cellRegisters = 2 * inputsPerGroup * this.groups;
    let tailRegisters = 2;
    if (ccReady) tailRegisters = Reg.ccHi + 2 - Reg.batHi;
    else if (this.temperatureCount > 0) tailRegisters = Reg.ts1Hi + 2 * this.temperatureCount - Reg.batHi;
    let tail = 0;
    // bq76940: VC15_LO (0x29) is followed by BAT_HI (0x2A): one transfer.
    if (Reg.vc1Hi + cellRegisters === Reg.batHi) {
      if (this.iface.read(Reg.vc1Hi, cellRegisters + tailRegisters) !== Transfer.ok) return false;
      tail = cellRegisters;
    }
    if (tail === 0 && this.iface.read(Reg.vc1Hi, cellRegisters) !== Transfer.ok) return false;
    const d = this.iface.data;
    for (let i = 0; i < this.cellCount; i++) {
      const at = 2 * this.inputOf[i];
      this.cellCode[i] = (d[at] & 0x3f) * 256 + d[at + 1];
    }
    if (tail === 0 && this.iface.read(Reg.batHi, tailRegisters) !== Transfer.ok) return false;
    this.batCode = d[tail] * 256 + d[tail + 1];
    for (let k = 0; k < this.temperatureCount; k++) {
      const at = tail + Reg.ts1Hi - Reg.batHi + 2 * k;
      this.tsCode[k] = (d[at] & 0x3f) * 256 + d[at + 1];
    }
    if (ccReady) {
      const at = tail + Reg.ccHi - Reg.batHi;
      let cc = d[at] * 256 + d[at + 1];
      if (cc >= 32768) cc -= 65536;
      // nV / µΩ = mA; |cc| · 8440 ≤ 2.8·10^8. The CC is positive for current into the pack
      // (LibreSolar reads it with that sign, §3 conversion), the firmware's convention.
      this.currentMa = divRound(cc * ccNanoVoltsPerLsb, this.shuntMicroOhm);
    }
    return true;
  }

  measure(into: AfeReading, nowMs: number): void {
    into.cellsValid = false;
    into.temperaturesValid = false;
    // SYS_STAT..SYS_CTRL1 (0x00..0x04) in one read: CC_READY and ADC_EN.
    let ok = this.iface.read(Reg.sysStat, Reg.sysCtrl1 + 1) === Transfer.ok;
    let ccReady = false;
    if (ok) {
      this.lastSysStat = this.iface.data[0];
      ccReady = (this.lastSysStat & SysStat.ccReady) !== 0;
      // ADC_EN = 0 after a power-on reset: the cell registers hold 0, not voltages (§3 boot).
      this.adcDisabled = (this.iface.data[Reg.sysCtrl1] & SysCtrl1.adcEn) === 0;
      ok = !this.adcDisabled;
    }
    if (ok) ok = this.readAll(ccReady);
    if (ok) {
      const gain = this.gainUvPerLsb;
      for (let i = 0; i < this.cellCount; i++) into.cellMv[i] = codeToMv(this.cellCode[i], gain, this.offsetMv);
      into.stackMv = batToMv(this.batCode, this.cellCount, gain, this.offsetMv);
      for (let k = 0; k < this.temperatureCount; k++) into.temperatureDeciC[k] = tsDeciC(this.tsCode[k]);
      // Before the first conversion after start the registers are zeros, not readings: the bus
      // worked (no failure counted) but nothing is valid yet.
      const converted = nowMs >= this.firstConversionMs;
      into.cellsValid = converted;
      into.temperaturesValid = converted;
      if (ccReady) {
        this.haveCurrent = true;
        this.lastCurrentMs = nowMs;
        // Write 1 to clear CC_READY only (§3); the fault bits stay for readChipFaults.
        ok = this.put(Reg.sysStat, SysStat.ccReady);
      }
    }
    into.currentMa = this.currentMa;
    into.currentValid = this.haveCurrent && nowMs - this.lastCurrentMs <= ccStaleMs;
    if (ok) {
      this.diagnostics.consecutiveFailures = 0;
      this.diagnostics.commLost = false;
    } else {
      this.diagnostics.consecutiveFailures++;
      if (this.diagnostics.consecutiveFailures >= this.pecErrorLimit) this.diagnostics.commLost = true;
    }
    this.sync(ok);
  }

  /**
   * Bleed these cells; refused (invalid, nothing written) by the rules of options.ts
   * cellBalBytes: no two neighbouring cells of one group, at most balancingMaxCells.
   */
  setBalancing(mask: boolean[]): AfeStatus {
    if (!cellBalBytes(mask, this.cellCount, this.inputOf, this.groupOf, this.balancingMaxCells, this.cellBal)) return AfeStatus.invalid;
    return this.status(this.writeBalancing());
  }

  /**
   * CHG_ON / DSG_ON in SYS_CTRL2, CC_EN kept. The chip ignores an ON while the matching fault is
   * latched in SYS_STAT; readChipFaults shows what it really holds.
   */
  setSwitches(charge: boolean, discharge: boolean): AfeStatus {
    let v = SysCtrl2.ccEn;
    if (discharge) v += SysCtrl2.dsgOn;
    if (charge) v += SysCtrl2.chgOn;
    return this.status(this.put(Reg.sysCtrl2, v));
  }

  /**
   * SYS_STAT..SYS_CTRL2 in one block; every latched fault bit is then cleared by writing it back
   * (write 1 to clear, §3). OVRD_ALERT (the ALERT pin driven from outside, e.g. by a secondary
   * protector) has no field of its own in AfeChipFaults and is reported as deviceError with
   * DEVICE_XREADY; lastSysStat keeps the raw bits. SYS_CTRL1.ADC_EN clear is deviceError too: the
   * chip reset and lost CC_CFG, ADC_EN and its protection registers (start() sets ADC_EN, §3
   * boot), so the caller runs start() and configure() again. No charge over-current or
   * temperature protection exists in this chip: those fields are always false.
   */
  readChipFaults(into: AfeChipFaults): AfeStatus {
    if (this.iface.read(Reg.sysStat, Reg.sysCtrl2 + 1) !== Transfer.ok) return this.status(false);
    const stat = this.iface.data[0];
    const ctrl1 = this.iface.data[Reg.sysCtrl1];
    const ctrl2 = this.iface.data[Reg.sysCtrl2];
    this.lastSysStat = stat;
    into.cellOv = (stat & SysStat.ov) !== 0;
    into.cellUv = (stat & SysStat.uv) !== 0;
    into.chargeOc = false;
    into.dischargeOc = (stat & SysStat.ocd) !== 0;
    into.shortCircuit = (stat & SysStat.scd) !== 0;
    into.overTemperature = false;
    into.underTemperature = false;
    into.deviceError = (stat & (SysStat.deviceXReady + SysStat.ovrdAlert)) !== 0 || (ctrl1 & SysCtrl1.adcEn) === 0;
    into.chargeOn = (ctrl2 & SysCtrl2.chgOn) !== 0;
    into.dischargeOn = (ctrl2 & SysCtrl2.dsgOn) !== 0;
    const faults = stat & sysStatFaultMask;
    return this.status(faults === 0 || this.put(Reg.sysStat, faults));
  }

  /**
   * Not supported: the bq769x0 has no built-in self-test command; the fact sheet (§3) names
   * none, and DEVICE_XREADY (readChipFaults) is its only internal-fault report.
   */
  selfTest(): AfeStatus {
    return AfeStatus.notSupported;
  }
}
