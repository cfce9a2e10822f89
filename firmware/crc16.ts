// SPDX-License-Identifier: MIT
// CRC-16/CCITT-FALSE over the persisted record (firmware/persist-record.ts): polynomial 0x1021
// (x^16 + x^12 + x^5 + 1), initial value 0xFFFF, no reflection, no final XOR; the catalogue's
// check value is CRC("123456789") = 0x29B1. A record of ~200 bytes is folded once per save and
// once at start, so the bitwise form is used: a 256-entry table would cost 256 JsVars on Espruino
// (as in hal/crc8.ts). Every intermediate stays within 17 bits, so 32-bit Lua integers suffice.

/** CRC polynomial without the x^16 term. */
const polynomial = 0x1021;

/** Initial register value of CRC-16/CCITT-FALSE. */
export const crc16Init = 0xffff;

/** Fold one byte (0..255) into a running CRC-16. */
export function crc16Step(crc: number, byte: number): number {
  let c = (crc ^ ((byte & 0xff) << 8)) & 0xffff;
  for (let bit = 0; bit < 8; bit++) {
    if ((c & 0x8000) !== 0) c = ((c << 1) ^ polynomial) & 0xffff;
    else c = (c << 1) & 0xffff;
  }
  return c;
}

/** CRC-16/CCITT-FALSE of `count` bytes of `data` from `offset`. */
export function crc16(data: number[], offset: number, count: number): number {
  let c = crc16Init;
  for (let i = 0; i < count; i++) c = crc16Step(c, data[offset + i]);
  return c;
}
