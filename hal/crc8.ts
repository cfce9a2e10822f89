// SPDX-License-Identifier: MIT
// CRC-8, MSB first, no reflection, for any polynomial: the EMS link's AUTOSAR E2E CRC
// (SAE J1850, 0x1D, firmware/ems/e2e.ts) uses the same loop. And the CRC-8 both TI I2C front-ends
// put on their bytes (../shared/reference/afe-chips.md §2.1 for
// the bq769x2 / BQ76952, §3 for the bq769x0): polynomial 0x07 (x^8 + x^2 + x + 1), initial value
// 0, no reflection, no final XOR; CRC8("123456789") = 0xF4. The algorithm is the same for both
// chips; only the bytes the first CRC of a transfer covers differ, and each driver's
// interface.ts says which.
// The drivers fold their bytes through a 256-entry table made once at start (crc8TableTi): a
// lookup per byte instead of a call, which on Espruino costs far more than the lookup
// (scripts/espruino-time.ts); an Espruino build holds the table in a Uint8Array (24 JsVars,
// ../shared/reference/espruino.md §6).
import { byteArray } from "../firmware/alloc";

/** The TI front-ends' CRC polynomial without the x^8 term (§2.1, §3). */
export const crc8PolynomialTi = 0x07;

/** Fold one byte into a running CRC-8 of `polynomial` (without its x^8 term). */
export function crc8Step(crc: number, byte: number, polynomial: number): number {
  let c = (crc ^ byte) & 0xff;
  for (let bit = 0; bit < 8; bit++) {
    if ((c & 0x80) !== 0) c = ((c << 1) ^ polynomial) & 0xff;
    else c = (c << 1) & 0xff;
  }
  return c;
}

/** table[crc ^ byte] = crc8Step(crc, byte, polynomial): the step depends only on crc ^ byte. */
export function crc8Table(polynomial: number): number[] {
  const table = byteArray(256, 0);
  for (let i = 0; i < 256; i++) table[i] = crc8Step(0, i, polynomial);
  return table;
}

/** The TI front-ends' table (§2.1, §3): `crc = crc8TableTi[crc ^ byte]` folds one byte in. */
export const crc8TableTi: number[] = crc8Table(crc8PolynomialTi);

/** The TI CRC-8 of `count` bytes of `data` from `offset`, starting from 0. */
export function crc8(data: number[], offset: number, count: number): number {
  let c = 0;
  for (let i = 0; i < count; i++) c = crc8Step(c, data[offset + i], crc8PolynomialTi);
  return c;
}
