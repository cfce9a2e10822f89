// SPDX-License-Identifier: MIT
// The CRC-8 of the emulated TI I2C front-ends, the BQ76952 (afe-chips.md §2.1) and the bq769x0
// (§3): polynomial 0x07, initial 0, no reflection, no final XOR. Written out independently of the
// drivers' hal/crc8.ts, so a mistake in one cannot hide in both.
export function bqCrc8(bytes: readonly number[]): number {
  let crc = 0;
  for (const b of bytes) {
    crc ^= b & 0xff;
    for (let k = 0; k < 8; k++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}
