// SPDX-License-Identifier: MIT
// Options of the LTC681x driver and their checks. Construction happens once at start, so a bad
// option throws an Error naming it (string building is fine here, never per tick).
import type { SpiDevice } from "../hal";
import {
  channelsLtc6811,
  channelsLtc6813,
  dischargeTimeoutMax,
  thermistorInputsMax,
  thresholdMax,
} from "./registers";
import { overVoltageCode, underVoltageCode } from "./config";

export type Ltc681xVariant = "ltc6811" | "ltc6813";

export interface Ltc681xOptions {
  /** The chain's SPI device (mode 3, ≤ 1 MHz; afe-chips.md §1.1). */
  spi: SpiDevice;
  variant: Ltc681xVariant;
  /** Daisy-chain length. */
  devices: number;
  /** Cells used on each device, bottom device first; they occupy channels 1..n. */
  cellsPerDevice: number[];
  /** NTCs on GPIO1..k of each device, bottom device first (0..5). */
  thermistorsPerDevice: number[];
  /** Consecutive failed measurements before diagnostics.commLost. */
  pecErrorLimit: number;
  /** Open-wire check period; 0 = never. */
  openWireIntervalMs: number;
  /** Written to VUV (§1.5); the chip's own comparators flag below it. */
  underVoltageMv: number;
  /** Written to VOV (§1.5). */
  overVoltageMv: number;
  /** DCTO nibble (§1.5): the bleed switches open by themselves if the controller stops. */
  dischargeTimeoutCode: number;
}

/** Cell inputs of one device of this variant. */
export function channelsOf(variant: Ltc681xVariant): number {
  if (variant === "ltc6813") return channelsLtc6813;
  return channelsLtc6811;
}

function isWhole(x: number): boolean {
  return typeof x === "number" && Math.floor(x) === x && x >= 0;
}

function fail(option: string, value: number, rule: string): void {
  throw new Error("ltc681x: option " + option + " = " + String(value) + " " + rule);
}

function checkPerDevice(name: string, list: number[], devices: number, low: number, high: number): void {
  if (list === undefined || list.length !== devices) {
    throw new Error("ltc681x: option " + name + " must list one entry per device (" + String(devices) + ")");
  }
  for (let d = 0; d < devices; d++) {
    if (!isWhole(list[d]) || list[d] < low || list[d] > high) {
      fail(name + "[" + String(d) + "]", list[d], "is outside " + String(low) + ".." + String(high));
    }
  }
}

/** Throws an Error naming the first bad option. */
export function validateOptions(o: Ltc681xOptions): void {
  if (o.spi === undefined) throw new Error("ltc681x: option spi is missing");
  if (o.variant !== "ltc6811" && o.variant !== "ltc6813") {
    throw new Error("ltc681x: option variant = " + String(o.variant) + " is not ltc6811 or ltc6813");
  }
  if (!isWhole(o.devices) || o.devices < 1) fail("devices", o.devices, "must be a whole number >= 1");
  checkPerDevice("cellsPerDevice", o.cellsPerDevice, o.devices, 1, channelsOf(o.variant));
  checkPerDevice("thermistorsPerDevice", o.thermistorsPerDevice, o.devices, 0, thermistorInputsMax);
  if (!isWhole(o.pecErrorLimit) || o.pecErrorLimit < 1) fail("pecErrorLimit", o.pecErrorLimit, "must be a whole number >= 1");
  if (!isWhole(o.openWireIntervalMs)) fail("openWireIntervalMs", o.openWireIntervalMs, "must be a whole number >= 0");
  if (!isWhole(o.dischargeTimeoutCode) || o.dischargeTimeoutCode > dischargeTimeoutMax) {
    fail("dischargeTimeoutCode", o.dischargeTimeoutCode, "is outside 0..15");
  }
  // UV threshold = (VUV + 1) · 1.6 mV, OV = VOV · 1.6 mV, both 12-bit fields (§1.5).
  if (!isWhole(o.underVoltageMv) || underVoltageCode(o.underVoltageMv) < 0 || underVoltageCode(o.underVoltageMv) > thresholdMax) {
    fail("underVoltageMv", o.underVoltageMv, "is outside 1..6553 mV");
  }
  if (!isWhole(o.overVoltageMv) || overVoltageCode(o.overVoltageMv) > thresholdMax) {
    fail("overVoltageMv", o.overVoltageMv, "is outside 0..6552 mV");
  }
  if (o.overVoltageMv <= o.underVoltageMv) fail("overVoltageMv", o.overVoltageMv, "must be above underVoltageMv");
}
