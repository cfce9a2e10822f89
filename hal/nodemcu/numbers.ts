// SPDX-License-Identifier: MIT
// Whether this NodeMCU firmware's numbers can hold what the BMS computes, checked once at start.
//
// NodeMCU dev-esp32 builds Lua 5.3 with 32-bit integers and, unless LUA_NUMBER_DOUBLE is set,
// single-precision floats: components/lua/Kconfig, "Use double precision floating point",
// default "n", "over the default single precision floating point". The firmware's integers go
// through floats in two places: `/` always gives a float in Lua 5.3 (lua.md §4), so every
// Math.floor(a / b), the integer division of firmware/intmath.ts, divides floats; and the signal
// packer's Math.pow(2, n) is a float (firmware/ems/pack.ts). A single-precision float holds the
// integers only up to 2^24: past that, a coulomb-count remainder (mA × ms) or a 32-bit CAN field
// would round, and the BMS would go on with wrong numbers. So it does not start at all.

/** 2^24 + 1: the first integer a single-precision float cannot hold (IEEE 754 binary32, 24-bit significand). */
const pastSinglePrecision = 16777217;

/**
 * Why this Lua's numbers cannot run the BMS, or undefined when they can. `toFloat` is the
 * conversion the firmware's arithmetic makes, `n / 1` on the device (a test passes another).
 */
export function numberProblem(toFloat: (n: number) => number): string | undefined {
  if (toFloat(pastSinglePrecision) !== pastSinglePrecision) {
    return "this firmware's floats are single precision; build NodeMCU with LUA_NUMBER_DOUBLE (Lua configuration: Use double precision floating point)";
  }
  return undefined;
}

/** Throws, naming the board and the reason, when this Lua's numbers cannot run the BMS. */
export function checkNumbers(boardName: string): void {
  const problem = numberProblem((n: number): number => n / 1);
  if (problem !== undefined) throw new Error("tsbms " + boardName + ": not started: " + problem);
}
