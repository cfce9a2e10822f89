// SPDX-License-Identifier: MIT
// AUTOSAR E2E profile 1 (P01) for classic CAN frames: a CRC-8/SAE-J1850 over the implicit 16-bit
// data ID and the payload, and a 4-bit alive counter 0..14 (15 is invalid). Facts:
// ../shared/reference/can-link.md §7.2 (profile table, the P01 test vectors, the receiver check
// states OK / REPEATED / WRONGSEQUENCE / ERROR / NONEWDATA).
//
// Layout used on the EMS link (§7.2 "P01, 8-byte frame"): CRC in byte 0, counter in the low nibble
// of byte 1, CRC over bytes 1..length−1 after the data ID. Only the CRC and counter live here;
// what the payload means is firmware/ems/commands.ts.
// The CRC loop is hal/crc8.ts's (bitwise: a 256-entry table costs a JsVar per entry on Espruino).
import { crc8Step } from "../../hal/crc8";
import { divFloor } from "../intmath";

/** SAE J1850 polynomial x^8 + x^4 + x^3 + x^2 + 1 without the x^8 term (§7.2). */
const polynomial = 0x1d;

/** Highest valid alive counter; 15 marks an invalid counter (§7.2, P01 "4 bit, 0..14"). */
export const e2eCounterMax = 14;
/** Counter values in one cycle (0..14): the modulus of the counter difference. */
export const e2eCounterCycle = 15;

/** How the 16-bit data ID enters the CRC (§7.2, P01 modes; ALT and LOW are not used here). */
export const E2eIdMode = {
  /** Low byte, then high byte. The EMS command frames use this. */
  both: 0,
  /** Low byte, then 0x00; the high byte's low nibble travels in the high nibble of byte 1. */
  nibble: 1,
} as const;
export type E2eIdMode = (typeof E2eIdMode)[keyof typeof E2eIdMode];

/** Fold one byte into a running CRC-8/SAE-J1850 (poly 0x1D, MSB first, no reflection). */
export function crc8J1850Step(crc: number, byte: number): number {
  return crc8Step(crc, byte, polynomial);
}

/** CRC-8/SAE-J1850 of `count` bytes of `data` from `offset`, from `init` (no final XOR). */
export function crc8J1850(data: number[], offset: number, count: number, init: number): number {
  let c = init & 0xff;
  for (let i = 0; i < count; i++) c = crc8J1850Step(c, data[offset + i]);
  return c;
}

/**
 * The P01 CRC of a frame: effective start value 0x00, no final XOR (§7.2), over the data ID
 * (low byte, then the high byte in mode BOTH or 0x00 in mode NIBBLE), then data[1..length−1].
 * `data` holds plain bytes 0..255 (the caller checks that first).
 */
export function e2eP01Crc(dataId: number, mode: E2eIdMode, data: number[], length: number): number {
  let c = crc8J1850Step(0, dataId & 0xff);
  c = crc8J1850Step(c, mode === E2eIdMode.nibble ? 0 : (dataId >>> 8) & 0xff);
  for (let i = 1; i < length; i++) c = crc8J1850Step(c, data[i]);
  return c;
}

/**
 * Sender side: writes the counter (0..14, wrapped) into the low nibble of byte 1 (and the data ID
 * nibble into its high nibble in mode NIBBLE), then the CRC into byte 0. The payload bytes
 * 2..length−1 must already be in place; the high nibble of byte 1 is overwritten.
 */
export function e2eP01Protect(dataId: number, mode: E2eIdMode, data: number[], length: number, counter: number): void {
  let ctr = counter >= 0 && counter < 1e9 ? Math.floor(counter) : 0;
  ctr -= divFloor(ctr, e2eCounterCycle) * e2eCounterCycle;
  const high = mode === E2eIdMode.nibble ? ((dataId >>> 8) & 0x0f) << 4 : 0;
  data[1] = high | ctr;
  data[0] = e2eP01Crc(dataId, mode, data, length);
}

/** The counter after `counter` in the 0..14 cycle (14 → 0). */
export function e2eNextCounter(counter: number): number {
  return counter >= e2eCounterMax ? 0 : counter + 1;
}

/**
 * Receiver side: how far `received` is ahead of `last` in the 0..14 cycle (0 = repeated, 1 = the
 * next one, 2 = one lost, …, 14). Both must be 0..14.
 */
export function e2eCounterDelta(received: number, last: number): number {
  const d = received - last;
  return d < 0 ? d + e2eCounterCycle : d;
}
