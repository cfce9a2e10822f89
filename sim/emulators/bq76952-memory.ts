// SPDX-License-Identifier: MIT
// The BQ76952 data memory (0x9180..0x93FF) with the defaults of ../shared/reference/afe-chips.md
// §2.4. Values are stored as bytes, little-endian, as the chip keeps them; unknown defaults are 0.
import { DataMemory, dataMemoryFirst, dataMemoryLast, SafetyA } from "../../hal/bq76952/registers";

/** TRM default of CC Gain [unverified: not in the fact sheet]. */
export const defaultCcGain = 7.4768;

type Width = 1 | 2 | -1 | -2;

/** (address, value, width) defaults; negative width = signed. All §2.4 unless marked. */
const defaults: [number, number, Width][] = [
  [DataMemory.powerConfig, 0x2982, 2],
  [DataMemory.i2cAddress, 0x10, 1],
  [DataMemory.daConfiguration, 0x05, 1],
  [DataMemory.vcellMode, 0x0000, 2],
  [DataMemory.enabledProtectionsA, SafetyA.scd + SafetyA.cov, 1],
  [DataMemory.chgFetProtectionsA, SafetyA.scd + SafetyA.occ + SafetyA.cov, 1],
  [DataMemory.dsgFetProtectionsA, SafetyA.scd + SafetyA.ocd2 + SafetyA.ocd1 + SafetyA.cuv, 1],
  [DataMemory.defaultAlarmMask, 0xf800, 2],
  [DataMemory.cuvThreshold, 50, 1],
  [DataMemory.cuvDelay, 74, 2],
  [DataMemory.cuvRecoveryHysteresis, 2, 1],
  [DataMemory.covThreshold, 86, 1],
  [DataMemory.covDelay, 74, 2],
  [DataMemory.covRecoveryHysteresis, 2, 1],
  [DataMemory.occThreshold, 2, 1],
  [DataMemory.occDelay, 4, 1],
  [DataMemory.ocd1Threshold, 4, 1],
  [DataMemory.ocd1Delay, 1, 1],
  [DataMemory.ocd2Threshold, 3, 1],
  [DataMemory.ocd2Delay, 7, 1],
  [DataMemory.scdThreshold, 0, 1],
  [DataMemory.scdDelay, 2, 1],
  [DataMemory.otcThreshold, 55, -1],
  [DataMemory.otcDelay, 2, 1],
  [DataMemory.otcRecovery, 50, -1],
  [DataMemory.otdThreshold, 60, -1],
  [DataMemory.otdDelay, 2, 1],
  [DataMemory.otdRecovery, 55, -1],
  [DataMemory.otfThreshold, 80, -1],
  [DataMemory.otfThreshold + 1, 2, 1],
  [DataMemory.otfThreshold + 2, 65, -1],
  [DataMemory.otintThreshold, 85, -1],
  [DataMemory.otintThreshold + 1, 2, 1],
  [DataMemory.otintThreshold + 2, 80, -1],
  [DataMemory.utcThreshold, 0, -1],
  [DataMemory.utcDelay, 2, 1],
  [DataMemory.utcRecovery, 5, -1],
  [DataMemory.utdThreshold, 0, -1],
  [DataMemory.utdThreshold + 1, 2, 1],
  [DataMemory.utdThreshold + 2, 5, -1],
  [DataMemory.utintThreshold, -20, -1],
  [DataMemory.utintThreshold + 1, 2, 1],
  [DataMemory.utintThreshold + 2, -15, -1],
  [DataMemory.protectionsRecoveryTime, 3, 1],
  [DataMemory.balancingConfiguration, 0, 1],
  [DataMemory.cbMaxCells, 1, 1],
];

export class DataMemoryStore {
  private readonly bytes = new Uint8Array(dataMemoryLast - dataMemoryFirst + 1);

  constructor() {
    this.restoreDefaults();
  }

  static contains(address: number, count = 1): boolean {
    return address >= dataMemoryFirst && address + count - 1 <= dataMemoryLast;
  }

  restoreDefaults(): void {
    this.bytes.fill(0);
    for (const [address, value, width] of defaults) this.set(address, value, Math.abs(width));
    this.setFloat(DataMemory.ccGain, defaultCcGain);
  }

  private index(address: number, count: number): number {
    if (!DataMemoryStore.contains(address, count)) {
      throw new Error(`bq76952 data memory: 0x${address.toString(16)} (+${count}) is outside 0x9180..0x93FF`);
    }
    return address - dataMemoryFirst;
  }

  set(address: number, value: number, width: number): void {
    const at = this.index(address, width);
    for (let i = 0; i < width; i++) this.bytes[at + i] = (value >>> (8 * i)) & 0xff;
  }

  setBytes(address: number, data: number[]): void {
    const at = this.index(address, data.length);
    data.forEach((b, i) => (this.bytes[at + i] = b & 0xff));
  }

  /** Up to `count` bytes from `address`, cut at the end of data memory (a block read, §2.3). */
  block(address: number, count: number): number[] {
    const at = this.index(address, 1);
    return Array.from(this.bytes.subarray(at, Math.min(at + count, this.bytes.length)));
  }

  u8(address: number): number {
    return this.bytes[this.index(address, 1)];
  }

  i8(address: number): number {
    const v = this.u8(address);
    return v >= 0x80 ? v - 0x100 : v;
  }

  u16(address: number): number {
    const at = this.index(address, 2);
    return this.bytes[at] + 256 * this.bytes[at + 1];
  }

  float(address: number): number {
    const at = this.index(address, 4);
    return new DataView(this.bytes.buffer, at, 4).getFloat32(0, true);
  }

  setFloat(address: number, value: number): void {
    const at = this.index(address, 4);
    new DataView(this.bytes.buffer, at, 4).setFloat32(0, value, true);
  }
}
