// SPDX-License-Identifier: MIT
// firmware/alloc.ts as an Espruino build links it (scripts/build.ts puts this module in its place):
// the same functions, returning typed arrays. A plain array costs 1 + 2 JsVars per element, a
// Float64Array(16) 14 and a Uint8Array(16) 5 (../../../shared/reference/espruino.md §6: "16
// integers in a plain Array: 33", "Uint16Array(16): 6"). Float64 keeps every number a plain array
// holds exactly (§4: one number type, doubles), so the firmware computes the same on both; the
// callers only index, assign and read `length` (the contract of firmware/alloc.ts).
// The range constants are firmware/alloc.ts's own, re-exported (the build links the original for
// this module's import only).
export { smallIntMax, smallIntMin, tinyIntMax, tinyIntMin } from "../../firmware/alloc";

/** A number array of `length` elements, all `value`. */
export function numberArray(length: number, value: number): number[] {
  return new Float64Array(length).fill(value) as unknown as number[];
}

/**
 * A flag array of `length` elements, all `value`: one byte each. A flag reads back as 1 or 0, not
 * true or false, which a condition takes alike; the firmware only reads flags as conditions and
 * never compares one with true or false (lint: no-unnecessary-boolean-literal-compare,
 * scripts/lint-target-rules.js). The equivalence run compares this build's outputs and frames
 * with the TypeScript firmware's, tick by tick, through balancing and faults.
 */
export function booleanArray(length: number, value: boolean): boolean[] {
  return new Uint8Array(length).fill(value ? 1 : 0) as unknown as boolean[];
}

/** `values` copied into a booleanArray: for constant flag tables. */
export function flagsOf(values: boolean[]): boolean[] {
  const a = booleanArray(values.length, false);
  for (let i = 0; i < values.length; i++) a[i] = values[i];
  return a;
}

/** `length` integers in smallIntMin..smallIntMax, all `value`: 2 bytes each. */
export function smallIntArray(length: number, value: number): number[] {
  return new Int16Array(length).fill(value) as unknown as number[];
}

/** `length` integers in tinyIntMin..tinyIntMax, all `value`: 1 byte each. */
export function tinyIntArray(length: number, value: number): number[] {
  return new Int8Array(length).fill(value) as unknown as number[];
}

/** `length` integers within ±2^31, all `value`: 4 bytes each. */
export function intArray(length: number, value: number): number[] {
  return new Int32Array(length).fill(value) as unknown as number[];
}

/** `length` bytes (0..255), all `value`: 1 byte each. */
export function byteArray(length: number, value: number): number[] {
  return new Uint8Array(length).fill(value) as unknown as number[];
}

/** `values` copied into a smallIntArray (each in smallIntMin..smallIntMax): for constant tables. */
export function smallIntsOf(values: number[]): number[] {
  const a = smallIntArray(values.length, 0);
  for (let i = 0; i < values.length; i++) a[i] = values[i];
  return a;
}
