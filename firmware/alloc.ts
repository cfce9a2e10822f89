// SPDX-License-Identifier: MIT
// Arrays are made here, once, at start. typescript-to-lua cannot construct `new Array(n)` and has
// no typed arrays (../shared/reference/lua.md §4, §5), so the portable form is a push loop. An
// Espruino build may swap this module for one returning typed arrays (6 JsVars for 16 values
// instead of 33, espruino.md §6); callers only index and assign, so both fit.

/** A number array of `length` elements, all `value`. */
export function numberArray(length: number, value: number): number[] {
  const a: number[] = [];
  for (let i = 0; i < length; i++) a.push(value);
  return a;
}

/** A boolean array of `length` elements, all `value`. */
export function booleanArray(length: number, value: boolean): boolean[] {
  const a: boolean[] = [];
  for (let i = 0; i < length; i++) a.push(value);
  return a;
}

/** The range smallIntArray holds (an Int16Array on Espruino). */
export const smallIntMin = -32768;
export const smallIntMax = 32767;

/**
 * An array of `length` integers in smallIntMin..smallIntMax, all `value`. The caller keeps every
 * value in range: an Espruino build stores them in an Int16Array, which would wrap one outside.
 */
export function smallIntArray(length: number, value: number): number[] {
  return numberArray(length, value);
}

/** The range tinyIntArray holds (an Int8Array on Espruino). */
export const tinyIntMin = -128;
export const tinyIntMax = 127;

/**
 * An array of `length` integers in tinyIntMin..tinyIntMax, all `value`. The caller keeps every
 * value in range: an Espruino build stores them in an Int8Array, which would wrap one outside.
 */
export function tinyIntArray(length: number, value: number): number[] {
  return numberArray(length, value);
}

/**
 * An array of `length` integers within ±2^31, all `value`: levels, delays, counters, codes and
 * identifiers. An Espruino build stores them in an Int32Array (4 bytes a value instead of a
 * Float64Array's 8), which would wrap a larger value and truncate a fraction: never a time in ms
 * since start (it passes 2^31 after 24.8 days), a growing sum, or a value that may be NaN.
 */
export function intArray(length: number, value: number): number[] {
  return numberArray(length, value);
}

/**
 * An array of `length` bytes (integers 0..255), all `value`. The caller stores only bytes: an
 * Espruino build holds them in a Uint8Array, which would wrap anything else.
 */
export function byteArray(length: number, value: number): number[] {
  return numberArray(length, value);
}

/** `values` copied into a booleanArray: for constant flag tables (one byte each on Espruino). */
export function flagsOf(values: boolean[]): boolean[] {
  const a = booleanArray(values.length, false);
  for (let i = 0; i < values.length; i++) a[i] = values[i];
  return a;
}

/** `values` copied into a smallIntArray (each in smallIntMin..smallIntMax): for constant tables. */
export function smallIntsOf(values: number[]): number[] {
  const a = smallIntArray(values.length, 0);
  for (let i = 0; i < values.length; i++) a[i] = values[i];
  return a;
}
