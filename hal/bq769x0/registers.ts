// SPDX-License-Identifier: MIT
// TI bq769x0 (bq76920 / bq76930 / bq76940) register map, bits and step tables. Constants only.
// Facts: ../shared/reference/afe-chips.md §3 (LibreSolar bq769x0_registers.h, NuttX bq769x0.h).
// Entries marked [datasheet] are not in the fact sheet and come from the TI datasheet
// (SLUSBK2): re-check them against the document before relying on them in the field.
import { smallIntsOf } from "../../firmware/alloc";

/** Register addresses (§3 table). */
export const Reg = {
  sysStat: 0x00,
  cellBal1: 0x01,
  cellBal2: 0x02,
  cellBal3: 0x03,
  sysCtrl1: 0x04,
  sysCtrl2: 0x05,
  protect1: 0x06,
  protect2: 0x07,
  protect3: 0x08,
  ovTrip: 0x09,
  uvTrip: 0x0a,
  ccCfg: 0x0b,
  /** VC1_HI; VCn_HI = vc1Hi + 2·(n − 1), big-endian 14-bit. */
  vc1Hi: 0x0c,
  batHi: 0x2a,
  /** TS1_HI; TSk_HI = ts1Hi + 2·(k − 1). */
  ts1Hi: 0x2c,
  ccHi: 0x32,
  adcGain1: 0x50,
  adcOffset: 0x51,
  adcGain2: 0x59,
} as const;

/** SYS_STAT bits; writing 1 clears a bit (§3). */
export const SysStat = {
  ccReady: 0x80,
  deviceXReady: 0x20,
  ovrdAlert: 0x10,
  uv: 0x08,
  ov: 0x04,
  scd: 0x02,
  ocd: 0x01,
} as const;
/** Every fault bit (all but CC_READY): what readChipFaults clears. */
export const sysStatFaultMask = 0x3f;

/** SYS_CTRL1 bits (§3). */
export const SysCtrl1 = {
  loadPresent: 0x80,
  adcEn: 0x10,
  tempSel: 0x08,
  shutA: 0x02,
  shutB: 0x01,
} as const;

/** SYS_CTRL2 bits (§3). */
export const SysCtrl2 = {
  delayDis: 0x80,
  ccEn: 0x40,
  ccOneshot: 0x20,
  dsgOn: 0x02,
  chgOn: 0x01,
} as const;

/** PROTECT1: RSNS b7, SCD_DELAY b4:3, SCD_THRESH b2:0 (§3). */
export const rsnsBit = 0x80;
export const scdDelayShift = 3;
/** PROTECT2: OCD_DELAY b6:4, OCD_THRESH b3:0 (§3). */
export const ocdDelayShift = 4;
/** PROTECT3: UV_DELAY b7:6, OV_DELAY b5:4 (§3). */
export const uvDelayShift = 6;
export const ovDelayShift = 4;

/** SCD thresholds, mV across the shunt, by SCD_THRESH code (§3). */
export const scdThreshMvRsns1: number[] = smallIntsOf([44, 67, 89, 111, 133, 155, 178, 200]);
export const scdThreshMvRsns0: number[] = smallIntsOf([22, 33, 44, 56, 67, 78, 89, 100]);
/** SCD delays, µs, by SCD_DELAY code (§3). */
export const scdDelayUs: number[] = smallIntsOf([70, 100, 200, 400]);
/**
 * OCD thresholds, mV, by OCD_THRESH code. The fact sheet gives the ends (17…100 and 8…50 mV in
 * 16 steps, §3); the steps between are [datasheet] PROTECT2 table.
 */
export const ocdThreshMvRsns1: number[] = smallIntsOf([17, 22, 28, 33, 39, 44, 50, 56, 61, 67, 72, 78, 83, 89, 94, 100]);
export const ocdThreshMvRsns0: number[] = smallIntsOf([8, 11, 14, 17, 19, 22, 25, 28, 31, 33, 36, 39, 42, 44, 47, 50]);
/** OCD delays, ms, by OCD_DELAY code (§3). */
export const ocdDelayMs: number[] = smallIntsOf([8, 20, 40, 80, 160, 320, 640, 1280]);
/** OV and UV delays, ms, by code (§3, cells-and-limits.md §9). */
export const ovDelayMs: number[] = smallIntsOf([1000, 2000, 4000, 8000]);
export const uvDelayMs: number[] = smallIntsOf([1000, 4000, 8000, 16000]);

/**
 * OV_TRIP / UV_TRIP hold bits 11:4 of a 14-bit ADC code; the chip fills the rest:
 * OV code = 10·OV_TRIP·1000b, UV code = 01·UV_TRIP·0000b (§3).
 */
export const ovTripBaseCode = 0x2008;
export const uvTripBaseCode = 0x1000;
export const tripStepCodes = 16;

/** CC_CFG must be written with this value at start-up (§3). */
export const ccCfgValue = 0x19;

/** ADC gain = 365 + 5-bit trim, µV/LSB (§3). */
export const gainBaseUvPerLsb = 365;
/** Cell, TS and CC ADC ranges: 14-bit codes, signed 16-bit CC (§3). */
export const adcMaxCode = 0x3fff;
/** Stack reading: 4 · GAIN per LSB of the 16-bit BAT code (§3). */
export const batGainFactor = 4;
/** Coulomb counter: 8.44 µV/LSB across the shunt (§3), here in nV. */
export const ccNanoVoltsPerLsb = 8440;
/** Coulomb-counter result period with CC_EN = 1 (§3, §9). */
export const ccPeriodMs = 250;
/** TS input with TEMP_SEL = 1: 382 µV/LSB; divider from 3.3 V through the internal 10 kΩ (§3). */
export const tsUvPerLsb = 382;
export const tsSupplyMv = 3300;

/** Inputs per cell group; groups per variant: bq76920 1, bq76930 2, bq76940 3 (§3). */
export const inputsPerGroup = 5;
/** Fewest cells a group may carry [datasheet cell-configuration table]. */
export const minCellsPerGroup = 3;

/** 7-bit addresses the part numbers come with (§3 detection). */
export const addressA = 0x08;
export const addressB = 0x18;
