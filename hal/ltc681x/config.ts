// SPDX-License-Identifier: MIT
// Configuration register bytes (../shared/reference/afe-chips.md §1.5): group A on every part,
// group B on the LTC6813. Pure byte packing, no bus access.
import { divRound } from "../../firmware/intmath";
import type { Ltc681xFrames } from "./frames";
import {
  cfgbr0GpioOff,
  cfgbr1ReadBackMask,
  cfgr0GpioOff,
  cfgr0ReadBackMask,
  cfgr0Refon,
  groupBytes,
  thresholdStepCodes,
} from "./registers";

/** VUV = V_uv / 1.6 mV − 1 (§1.5), e.g. 3000 mV → 1874 = 0x752. */
export function underVoltageCode(mv: number): number {
  return divRound(mv * 10, thresholdStepCodes) - 1;
}

/** VOV = V_ov / 1.6 mV (§1.5), e.g. 4099 mV → 2562 = 0xA02 (the 4.0992 V example). */
export function overVoltageCode(mv: number): number {
  return divRound(mv * 10, thresholdStepCodes);
}

/** Bit `bit` (0..7) as a byte value when `on`. */
function bitIf(on: boolean, bit: number): number {
  if (on) return 1 << bit;
  return 0;
}

/** DCC of channel `channel` (1-based) of a device whose `cells` cells start at `firstCell`. */
function dccOf(dcc: boolean[], firstCell: number, cells: number, channel: number): boolean {
  if (channel > cells) return false;
  return dcc[firstCell + channel - 1];
}

/**
 * CFGR0..5 of one device into `out` at `offset`: GPIO pull-downs off and REFON=1 (the reference
 * stays up between conversions, so no REFUP wait), ADCOPT=0 (MD=2 is then 7 kHz), VUV, VOV,
 * DCC1..12, DCTO.
 */
export function putConfigA(
  out: number[],
  offset: number,
  vuv: number,
  vov: number,
  dischargeTimeoutCode: number,
  dcc: boolean[],
  firstCell: number,
  cells: number,
): void {
  out[offset] = cfgr0GpioOff | cfgr0Refon;
  out[offset + 1] = vuv & 0xff;
  out[offset + 2] = ((vuv >>> 8) & 0x0f) | ((vov & 0x0f) << 4);
  out[offset + 3] = (vov >>> 4) & 0xff;
  // dccOf and bitIf written out in the loops: this runs for every device on every tick, and a call
  // costs far more than the bit on Espruino (scripts/espruino-time.ts).
  let low = 0;
  for (let ch = 1; ch <= 8; ch++) if (ch <= cells && dcc[firstCell + ch - 1]) low = low | (1 << (ch - 1));
  let high = (dischargeTimeoutCode & 0x0f) << 4;
  for (let ch = 9; ch <= 12; ch++) if (ch <= cells && dcc[firstCell + ch - 1]) high = high | (1 << (ch - 9));
  out[offset + 4] = low;
  out[offset + 5] = high;
}

/**
 * CFGBR0..5 of one LTC6813 into `out` at `offset`: DCC13..16 in CFGBR0 b7..4 with GPIO6..9
 * pull-downs off in b3..0; DCC17, DCC18 in CFGBR1 b0, b1 (DCC0, DTMEN, PS, FDRF stay 0).
 */
export function putConfigB(out: number[], offset: number, dcc: boolean[], firstCell: number, cells: number): void {
  let b0 = cfgbr0GpioOff;
  for (let ch = 13; ch <= 16; ch++) b0 = b0 | bitIf(dccOf(dcc, firstCell, cells, ch), ch - 9);
  out[offset] = b0;
  out[offset + 1] = bitIf(dccOf(dcc, firstCell, cells, 17), 0) | bitIf(dccOf(dcc, firstCell, cells, 18), 1);
  for (let i = 2; i < groupBytes; i++) out[offset + i] = 0;
}

/**
 * Does device `device`'s group in the last read equal what was written at `offset`? GPIO bits read
 * the pin level and DTEN is read-only (§1.5), so those are left out; group B compares only its
 * defined bytes.
 */
export function configMatches(written: number[], offset: number, frames: Ltc681xFrames, device: number, groupB: boolean): boolean {
  if (groupB) {
    if ((written[offset] & 0xf0) !== (frames.byte(device, 0) & 0xf0)) return false;
    return (written[offset + 1] & cfgbr1ReadBackMask) === (frames.byte(device, 1) & cfgbr1ReadBackMask);
  }
  if ((written[offset] & cfgr0ReadBackMask) !== (frames.byte(device, 0) & cfgr0ReadBackMask)) return false;
  for (let i = 1; i < groupBytes; i++) {
    if (written[offset + i] !== frames.byte(device, i)) return false;
  }
  return true;
}
