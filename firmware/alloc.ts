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
