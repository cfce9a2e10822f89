// SPDX-License-Identifier: MIT
// BQ76952 configuration in CONFIG_UPDATE mode (../shared/reference/afe-chips.md §2.3, §2.4):
// power mode (no SLEEP), cell inputs, units, CC Gain, thermistor pins, protection enables and FET
// actions, the host watchdog, and the protection limits. Limits are kept as codes so start() can
// write them again after a reset.
import type { AfeLimits } from "../afe";
import { intArray } from "../../firmware/alloc";
import { Bq76952Interface, Transfer } from "./interface";
import {
  cellThresholdCode,
  cellThresholdMv,
  currentCode,
  currentCodeMa,
  delayCode,
  delayMs,
  putFloat32,
  scdCode,
  scdCodeMa,
  scdDelayCode,
  scdDelayUs,
  temperatureCode,
} from "./encode";
import {
  BatteryStatus,
  ccGainTimesMicroOhm,
  cellDelayCodeMax,
  covCodeMax,
  covCodeMin,
  cuvCodeMax,
  cuvCodeMin,
  currentDelayCodeMax,
  DataMemory,
  daConfigMilliAmpsCentiVolts,
  deviceNumberBq76952,
  Direct,
  ocdCodeMax,
  ocdCodeMin,
  occCodeMax,
  occCodeMin,
  powerConfigNoSleep,
  SafetyA,
  SafetyB,
  SafetyC,
  Subcommand,
  tsConfigCellThermistor,
} from "./registers";

/** Protections the chip enforces by itself (§2.2 bit layouts). */
const enabledA = SafetyA.scd + SafetyA.ocd1 + SafetyA.occ + SafetyA.cov + SafetyA.cuv;
const enabledBWithThermistors = SafetyB.otint + SafetyB.otd + SafetyB.otc + SafetyB.utc;
const enabledBWithout = SafetyB.otint;
/** FET actions: the §2.4 defaults for A; B [unverified]: charge FET on OTC/UTC/OTINT, discharge on OTD/OTINT. */
const chgFetA = SafetyA.scd + SafetyA.occ + SafetyA.cov;
const dsgFetA = SafetyA.scd + SafetyA.ocd2 + SafetyA.ocd1 + SafetyA.cuv;
const chgFetB = SafetyB.otint + SafetyB.otc + SafetyB.utc;
const dsgFetB = SafetyB.otint + SafetyB.otd;
/**
 * Host watchdog (Safety Status C HWDF, §2.2): Enabled Protections C (0x9263, §2.4) enables it and
 * its FET action is the HWDF bit of CHG/DSG FET Protections C (0x9267 / 0x926B, §2.4), set here so
 * both FETs open whatever the chip's defaults are [unverified: that the C masks gate the HWDF FET
 * action is from the same family's TRMs (BQ769142 SLUUCF2C, BQ76922 SLUUCG7 "Host Watchdog"), not
 * from the fact sheet]. Only HWDF is used of the C protections, so the masks hold nothing else.
 */
const fetC = SafetyC.hwdf;
/** Temperature recovery hysteresis, °C: the §2.4 defaults recover 5 °C inside the threshold. */
const temperatureRecoveryC = 5;

/** Limit codes in write order, as indices into `codes`. */
const Code = {
  cuv: 0,
  cuvDelay: 1,
  cov: 2,
  covDelay: 3,
  occ: 4,
  occDelay: 5,
  ocd1: 6,
  ocd1Delay: 7,
  scd: 8,
  scdDelay: 9,
  otc: 10,
  otd: 11,
  utc: 12,
} as const;
const codeCount = 13;

export class Bq76952Setup {
  private readonly io: Bq76952Interface;
  private readonly channels: number[];
  private readonly thermistors: number;
  private readonly shuntMicroOhm: number;
  /** Protections:HWD:Delay, s; 0 = host watchdog off. */
  private readonly hostWatchdogS: number;
  private readonly codes: number[];
  private limitsSet = false;

  constructor(io: Bq76952Interface, channels: number[], thermistors: number, shuntMicroOhm: number, hostWatchdogS: number) {
    this.io = io;
    this.channels = channels;
    this.thermistors = thermistors;
    this.shuntMicroOhm = shuntMicroOhm;
    this.hostWatchdogS = hostWatchdogS;
    this.codes = intArray(codeCount, 0);
  }

  /** Codes for `limits`, and their dequantised values into `applied`; false if out of range. */
  quantise(limits: AfeLimits, applied: AfeLimits): boolean {
    if (!(limits.cellUvMv > 0 && limits.cellOvMv > limits.cellUvMv)) return false;
    if (!(limits.chargeOcMa > 0 && limits.dischargeOcMa > 0 && limits.shortCircuitMa > 0)) return false;
    if (!(limits.chargeUtDeciC < limits.chargeOtDeciC)) return false;
    const c = this.codes;
    const r = this.shuntMicroOhm;
    c[Code.cuv] = cellThresholdCode(limits.cellUvMv, cuvCodeMin, cuvCodeMax);
    c[Code.cuvDelay] = delayCode(limits.cellUvDelayMs, cellDelayCodeMax);
    c[Code.cov] = cellThresholdCode(limits.cellOvMv, covCodeMin, covCodeMax);
    c[Code.covDelay] = delayCode(limits.cellOvDelayMs, cellDelayCodeMax);
    c[Code.occ] = currentCode(limits.chargeOcMa, r, occCodeMin, occCodeMax);
    c[Code.occDelay] = delayCode(limits.chargeOcDelayMs, currentDelayCodeMax);
    c[Code.ocd1] = currentCode(limits.dischargeOcMa, r, ocdCodeMin, ocdCodeMax);
    c[Code.ocd1Delay] = delayCode(limits.dischargeOcDelayMs, currentDelayCodeMax);
    c[Code.scd] = scdCode(limits.shortCircuitMa, r);
    c[Code.scdDelay] = scdDelayCode(limits.shortCircuitDelayUs);
    c[Code.otc] = temperatureCode(limits.chargeOtDeciC);
    c[Code.otd] = temperatureCode(limits.dischargeOtDeciC);
    c[Code.utc] = temperatureCode(limits.chargeUtDeciC);
    applied.cellUvMv = cellThresholdMv(c[Code.cuv]);
    applied.cellUvDelayMs = delayMs(c[Code.cuvDelay]);
    applied.cellOvMv = cellThresholdMv(c[Code.cov]);
    applied.cellOvDelayMs = delayMs(c[Code.covDelay]);
    applied.chargeOcMa = currentCodeMa(c[Code.occ], r);
    applied.chargeOcDelayMs = delayMs(c[Code.occDelay]);
    applied.dischargeOcMa = currentCodeMa(c[Code.ocd1], r);
    applied.dischargeOcDelayMs = delayMs(c[Code.ocd1Delay]);
    applied.shortCircuitMa = scdCodeMa(c[Code.scd], r);
    applied.shortCircuitDelayUs = scdDelayUs(c[Code.scdDelay]);
    // Without thermistors the chip has no cell temperature to act on.
    const t = this.thermistors > 0 ? 10 : 0;
    applied.chargeOtDeciC = t * c[Code.otc];
    applied.dischargeOtDeciC = t * c[Code.otd];
    applied.chargeUtDeciC = t * c[Code.utc];
    this.limitsSet = true;
    return true;
  }

  private write(address: number, value: number, bytes: number): boolean {
    return this.io.writeDataMemory(address, value, bytes) === Transfer.ok;
  }

  /** A subcommand, then Battery Status: true when CFGUPDATE reads `expected`. */
  private switchMode(code: number, expected: boolean): boolean {
    if (this.io.command(code) !== Transfer.ok) return false;
    if (this.io.read(Direct.batteryStatus, 2) !== Transfer.ok) return false;
    return ((this.io.u16(0) & BatteryStatus.cfgUpdate) !== 0) === expected;
  }

  private writeLimits(): boolean {
    const c = this.codes;
    let ok = this.write(DataMemory.cuvThreshold, c[Code.cuv], 1);
    if (ok) ok = this.write(DataMemory.cuvDelay, c[Code.cuvDelay], 2);
    if (ok) ok = this.write(DataMemory.covThreshold, c[Code.cov], 1);
    if (ok) ok = this.write(DataMemory.covDelay, c[Code.covDelay], 2);
    if (ok) ok = this.write(DataMemory.occThreshold, c[Code.occ], 1);
    if (ok) ok = this.write(DataMemory.occDelay, c[Code.occDelay], 1);
    if (ok) ok = this.write(DataMemory.ocd1Threshold, c[Code.ocd1], 1);
    if (ok) ok = this.write(DataMemory.ocd1Delay, c[Code.ocd1Delay], 1);
    if (ok) ok = this.write(DataMemory.scdThreshold, c[Code.scd], 1);
    if (ok) ok = this.write(DataMemory.scdDelay, c[Code.scdDelay], 1);
    // Signed °C bytes; recovery 5 °C inside each threshold as in the defaults (§2.4).
    if (ok) ok = this.write(DataMemory.otcThreshold, c[Code.otc] & 0xff, 1);
    if (ok) ok = this.write(DataMemory.otcRecovery, (c[Code.otc] - temperatureRecoveryC) & 0xff, 1);
    if (ok) ok = this.write(DataMemory.otdThreshold, c[Code.otd] & 0xff, 1);
    if (ok) ok = this.write(DataMemory.otdRecovery, (c[Code.otd] - temperatureRecoveryC) & 0xff, 1);
    if (ok) ok = this.write(DataMemory.utcThreshold, c[Code.utc] & 0xff, 1);
    if (ok) ok = this.write(DataMemory.utcRecovery, (c[Code.utc] + temperatureRecoveryC) & 0xff, 1);
    return ok;
  }

  /** Enter CONFIG_UPDATE, write the limits, leave it (FETs are off meanwhile [unverified]). */
  writeLimitsInConfigUpdate(): boolean {
    if (!this.switchMode(Subcommand.setCfgUpdate, true)) return false;
    const ok = this.writeLimits();
    // Leave CONFIG_UPDATE even after a failed write, so the chip measures and protects again.
    const left = this.switchMode(Subcommand.exitCfgUpdate, false);
    return ok && left;
  }

  /** Mask of the used cell inputs for Vcell Mode, bit 0 = VC1 (§2.4). */
  private vcellMode(): number {
    let bits = 0;
    for (let i = 0; i < this.channels.length; i++) bits += Math.pow(2, this.channels[i] - 1);
    return bits;
  }

  private writeConfiguration(): boolean {
    let ok = this.write(DataMemory.powerConfig, powerConfigNoSleep, 2);
    if (ok) ok = this.write(DataMemory.daConfiguration, daConfigMilliAmpsCentiVolts, 1);
    if (ok) ok = this.write(DataMemory.vcellMode, this.vcellMode(), 2);
    if (ok) {
      // CC Gain = 7568.4 / R[µΩ] (§2.4, LibreSolar) as an f32.
      putFloat32(ccGainTimesMicroOhm / this.shuntMicroOhm, this.io.payload);
      ok = this.io.subcommandWrite(DataMemory.ccGain, 4) === Transfer.ok;
    }
    if (ok) ok = this.write(DataMemory.ts1Config, this.thermistors > 0 ? tsConfigCellThermistor : 0, 1);
    if (ok) ok = this.write(DataMemory.ts2Config, this.thermistors > 1 ? tsConfigCellThermistor : 0, 1);
    if (ok) ok = this.write(DataMemory.ts3Config, this.thermistors > 2 ? tsConfigCellThermistor : 0, 1);
    if (ok) ok = this.write(DataMemory.enabledProtectionsA, enabledA, 1);
    if (ok) ok = this.write(DataMemory.enabledProtectionsB, this.thermistors > 0 ? enabledBWithThermistors : enabledBWithout, 1);
    if (ok) ok = this.write(DataMemory.chgFetProtectionsA, chgFetA, 1);
    if (ok) ok = this.write(DataMemory.dsgFetProtectionsA, dsgFetA, 1);
    if (ok) ok = this.write(DataMemory.chgFetProtectionsB, chgFetB, 1);
    if (ok) ok = this.write(DataMemory.dsgFetProtectionsB, dsgFetB, 1);
    if (ok) ok = this.write(DataMemory.chgFetProtectionsC, fetC, 1);
    if (ok) ok = this.write(DataMemory.dsgFetProtectionsC, fetC, 1);
    // The delay before the enable; 0 s leaves HWDF off (a zero delay is not a timeout).
    if (ok) ok = this.write(DataMemory.hwdDelay, this.hostWatchdogS, 2);
    if (ok) ok = this.write(DataMemory.enabledProtectionsC, this.hostWatchdogS > 0 ? SafetyC.hwdf : 0, 1);
    if (ok && this.limitsSet) ok = this.writeLimits();
    return ok;
  }

  /** The whole start-up configuration in one CONFIG_UPDATE session; false on any bus error. */
  writeAll(): boolean {
    if (this.io.subcommandRead(Subcommand.deviceNumber, 2) !== Transfer.ok) return false;
    if (this.io.u16(0) !== deviceNumberBq76952) return false;
    if (!this.switchMode(Subcommand.setCfgUpdate, true)) return false;
    const ok = this.writeConfiguration();
    const left = this.switchMode(Subcommand.exitCfgUpdate, false);
    return ok && left;
  }
}
