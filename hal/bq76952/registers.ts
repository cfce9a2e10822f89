// SPDX-License-Identifier: MIT
// TI BQ76952 (bq769x2 family) constants: direct commands, bit layouts, subcommand codes and
// data-memory addresses. Every number is from ../shared/reference/afe-chips.md §2; the few taken
// from TI's example code instead are marked [unverified].
import { smallIntsOf } from "../../firmware/alloc";

/** 7-bit I2C address of an unprogrammed part (§2.1: 8-bit 0x10). */
export const defaultAddress = 0x08;

/** Direct commands (§2.2). Multi-byte values are little-endian. */
export const Direct = {
  controlStatus: 0x00,
  safetyAlertA: 0x02,
  safetyStatusA: 0x03,
  safetyAlertB: 0x04,
  safetyStatusB: 0x05,
  safetyAlertC: 0x06,
  safetyStatusC: 0x07,
  batteryStatus: 0x12,
  /** Cell 1 voltage, i16 mV; cell n at 0x14 + 2·(n − 1), up to cell 16 at 0x32. */
  cell1: 0x14,
  /** Stack (VC16/TOS), PACK and LD pins: i16 in user volts (10 mV by default). */
  stack: 0x34,
  pack: 0x36,
  ld: 0x38,
  /** CC2 current, i16 in user amps (mA by default). */
  cc2: 0x3a,
  subcommandLow: 0x3e,
  subcommandHigh: 0x3f,
  /** 32-byte subcommand transfer buffer 0x40..0x5F. */
  transferBuffer: 0x40,
  transferChecksum: 0x60,
  /** Writing the length (data bytes + 4) executes a subcommand write. */
  transferLength: 0x61,
  alarmStatus: 0x62,
  alarmRawStatus: 0x64,
  alarmEnable: 0x66,
  /** Internal and pin temperatures: i16 in 0.1 K. */
  internalTemperature: 0x68,
  ts1Temperature: 0x70,
  ts2Temperature: 0x72,
  ts3Temperature: 0x74,
  fetStatus: 0x7f,
} as const;

/** Bytes from Cell 1 (0x14) up to and including CC2 (0x3A..0x3B): 16 cells, stack, PACK, LD, CC2. */
export const measureBlockBytes = 0x3c - 0x14;
export const cellChannels = 16;
export const thermistorInputs = 3;
/** Size of the subcommand transfer buffer (§2.3). */
export const transferBufferBytes = 32;

/** Safety Alert / Status A (§2.2). */
export const SafetyA = { scd: 0x80, ocd2: 0x40, ocd1: 0x20, occ: 0x10, cov: 0x08, cuv: 0x04 } as const;
/** Safety Alert / Status B (§2.2). */
export const SafetyB = { otf: 0x80, otint: 0x40, otd: 0x20, otc: 0x10, utint: 0x04, utd: 0x02, utc: 0x01 } as const;
/** Safety Alert / Status C (§2.2). */
export const SafetyC = { ocd3: 0x80, scdl: 0x40, ocdl: 0x20, covl: 0x10, pto: 0x04, hwdf: 0x02 } as const;

/** Battery Status (0x12) bits (§2.2). */
export const BatteryStatus = {
  cfgUpdate: 0x0001,
  pchgMode: 0x0002,
  sleepEnabled: 0x0004,
  por: 0x0008,
  watchdog: 0x0010,
  safetyFault: 0x0800,
  permanentFail: 0x1000,
  sleep: 0x8000,
} as const;

/** FET Status (0x7F) bits (§2.2). */
export const FetStatus = { chg: 0x01, pchg: 0x02, dsg: 0x04, pdsg: 0x08, dchgPin: 0x10, ddsgPin: 0x20, alertPin: 0x40 } as const;

/** Alarm Status (0x62) bits used here (§2.2). */
export const Alarm = { fullScan: 0x0080, cb: 0x0004, adScan: 0x0002, safetyStatusA: 0x4000, safetyStatusBc: 0x8000 } as const;

/** Subcommands (§2.3). */
export const Subcommand = {
  deviceNumber: 0x0001,
  fwVersion: 0x0002,
  hwVersion: 0x0003,
  reset: 0x0012,
  fetEnable: 0x0022,
  manufacturingStatus: 0x0057,
  cbActiveCells: 0x0083,
  setCfgUpdate: 0x0090,
  exitCfgUpdate: 0x0092,
  dsgPdsgOff: 0x0093,
  chgPchgOff: 0x0094,
  allFetsOff: 0x0095,
  allFetsOn: 0x0096,
  fetControl: 0x0097,
} as const;

/** DEVICE_NUMBER answer of a BQ76952 (§2.3, [unverified] there). */
export const deviceNumberBq76952 = 0x7695;

/** MANUFACTURING STATUS (0x0057) bits (§2.3). */
export const MfgStatus = { pchgTest: 0x01, chgTest: 0x02, dsgTest: 0x04, fetEnabled: 0x10, pdsgTest: 0x20, pfEnabled: 0x40 } as const;

/** FET_CONTROL payload: 1 = force off (§2.3). */
export const FetControl = { dsgOff: 0x01, pdsgOff: 0x02, chgOff: 0x04, pchgOff: 0x08 } as const;

/** Data memory, writable only in CONFIG_UPDATE mode (§2.3, §2.4). */
export const dataMemoryFirst = 0x9180;
export const dataMemoryLast = 0x93ff;

/** Data-memory addresses (§2.4). */
export const DataMemory = {
  /** f32. */
  ccGain: 0x91a8,
  powerConfig: 0x9234,
  i2cAddress: 0x923a,
  enabledProtectionsA: 0x9261,
  enabledProtectionsB: 0x9262,
  enabledProtectionsC: 0x9263,
  chgFetProtectionsA: 0x9265,
  chgFetProtectionsB: 0x9266,
  chgFetProtectionsC: 0x9267,
  dsgFetProtectionsA: 0x9269,
  dsgFetProtectionsB: 0x926a,
  dsgFetProtectionsC: 0x926b,
  defaultAlarmMask: 0x926d,
  cuvThreshold: 0x9275,
  /** u16 (0x9276..0x9277). */
  cuvDelay: 0x9276,
  covThreshold: 0x9278,
  /** u16 (0x9279..0x927A). */
  covDelay: 0x9279,
  cuvRecoveryHysteresis: 0x927b,
  covRecoveryHysteresis: 0x927c,
  occThreshold: 0x9280,
  occDelay: 0x9281,
  ocd1Threshold: 0x9282,
  ocd1Delay: 0x9283,
  ocd2Threshold: 0x9284,
  ocd2Delay: 0x9285,
  scdThreshold: 0x9286,
  scdDelay: 0x9287,
  otcThreshold: 0x929a,
  otcDelay: 0x929b,
  otcRecovery: 0x929c,
  otdThreshold: 0x929d,
  otdDelay: 0x929e,
  otdRecovery: 0x929f,
  otfThreshold: 0x92a0,
  otintThreshold: 0x92a3,
  utcThreshold: 0x92a6,
  utcDelay: 0x92a7,
  utcRecovery: 0x92a8,
  utdThreshold: 0x92a9,
  utintThreshold: 0x92ac,
  protectionsRecoveryTime: 0x92af,
  /**
   * Protections:HWD:Delay, u16 whole seconds: the host watchdog trips after this long without
   * valid host communication [unverified: not in the fact sheet; address from TI's BQ769x2
   * example header (`HWDDelay 0x92B2`), unit and 0..65535 range from the same family's TRMs
   * (BQ769142 SLUUCF2C, BQ76922 SLUUCG7 "Host Watchdog")].
   */
  hwdDelay: 0x92b2,
  /** TS1..TS3 pin configuration [unverified: TI example code, not in the fact sheet]. */
  ts1Config: 0x92fd,
  ts2Config: 0x92fe,
  ts3Config: 0x92ff,
  daConfiguration: 0x9303,
  /** u16 mask of the used cell inputs, bit 0 = VC1 (§2.4). */
  vcellMode: 0x9304,
  balancingConfiguration: 0x9335,
  cbMaxCells: 0x933a,
} as const;

/** Protections:HWD:Delay range, s (u16, 1-s steps; same [unverified] sources as DataMemory.hwdDelay). */
export const hwdDelayMaxS = 65535;

/**
 * Power Config without SLEEP (b8): the default 0x2982 with b8 cleared, as LibreSolar writes it
 * (§2.4). The chip then stays in NORMAL mode and completes its measurement loop (FULLSCAN) at the
 * normal rate, which measure() watches.
 */
export const powerConfigNoSleep = 0x2882;

/** DA Configuration 0x05: USER_AMPS = 1 mA, USER_VOLTS_CV = 10 mV (§2.4 default). */
export const daConfigMilliAmpsCentiVolts = 0x05;
export const DaConfig = { userAmpsMask: 0x03, userVoltsCv: 0x04 } as const;

/** TSx Config: thermistor input measuring a cell temperature [unverified: TI example writes 0x07]. */
export const tsConfigCellThermistor = 0x07;
/** PIN_FXN bits 1:0 = 3: the pin is an ADC/thermistor input [unverified]. */
export const tsConfigFunctionMask = 0x03;

/** COV/CUV thresholds and hysteresis step: 50.6 mV, written as tenths of a mV (§2.4). */
export const cellThresholdStepTenthMv = 506;
export const covCodeMin = 20;
export const covCodeMax = 110;
/** CUV code range [unverified: not in the fact sheet; the COV range is reused]. */
export const cuvCodeMin = 20;
export const cuvCodeMax = 90;
/** Protection delay step 3.3 ms (tenths of a ms); the actual delay is (N + 2) steps (§2.4). */
export const delayStepTenthMs = 33;
export const delayOffsetSteps = 2;
/** COV/CUV delay code range (u16) [unverified]; OCC/OCD1 delay code range (u8) [unverified]. */
export const cellDelayCodeMax = 2047;
export const currentDelayCodeMax = 127;
/** OCC/OCD threshold step: 2 mV across the shunt (§2.4). */
export const currentThresholdStepUv = 2000;
export const occCodeMin = 2;
export const occCodeMax = 62;
export const ocdCodeMin = 2;
export const ocdCodeMax = 100;
/** SCD delay: (N − 1) · 15 µs (§2.4); code range 1..31 [unverified]. */
export const scdDelayStepUs = 15;
export const scdDelayCodeMax = 31;
/** SCD threshold index → mV across the shunt (§2.4). */
export const scdThresholdMv: number[] = smallIntsOf([10, 20, 40, 60, 80, 100, 125, 150, 175, 200, 250, 300, 350, 400, 450, 500]);
/** OTC/OTD/UTC thresholds are whole °C in a signed byte; range [unverified]. */
export const temperatureMinC = -40;
export const temperatureMaxC = 120;
/** CC Gain = 7568.4 / R_shunt[µΩ] (§2.4, LibreSolar). */
export const ccGainTimesMicroOhm = 7568.4;
/** 0 °C in 0.1 K, rounded (273.15 K). */
export const zeroCelsiusDeciK = 2732;
