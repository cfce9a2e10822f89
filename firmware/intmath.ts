// SPDX-License-Identifier: MIT
// Integer helpers with one meaning on every target. Math.round differs on Espruino for negative
// ties (−2.5 → −3, V8 −2; ../shared/reference/espruino.md §4) and `%` is floored in Lua (lua.md §4),
// so the core rounds and divides only through these.

/** x limited to [low, high]. */
export function clamp(x: number, low: number, high: number): number {
  if (x < low) return low;
  if (x > high) return high;
  return x;
}

/** a / b rounded toward −∞ (b > 0). */
export function divFloor(a: number, b: number): number {
  return Math.floor(a / b);
}

/** a / b rounded half away from zero (b > 0), the same on V8, Espruino and Lua. */
export function divRound(a: number, b: number): number {
  if (a >= 0) return Math.floor((a + b / 2) / b);
  return -Math.floor((-a + b / 2) / b);
}

/** Nearest integer, halves away from zero. */
export function roundInt(x: number): number {
  if (x >= 0) return Math.floor(x + 0.5);
  return -Math.floor(-x + 0.5);
}

/**
 * Linear interpolation in a table: `xs` ascending, `ys` the values at those points. Outside the
 * table the end values hold. Returns an integer (rounded half away from zero).
 */
export function interpolate(xs: number[], ys: number[], x: number): number {
  const n = xs.length;
  if (x <= xs[0]) return ys[0];
  if (x >= xs[n - 1]) return ys[n - 1];
  let i = 1;
  while (xs[i] < x) i++;
  const x0 = xs[i - 1];
  const x1 = xs[i];
  const y0 = ys[i - 1];
  const y1 = ys[i];
  return y0 + divRound((y1 - y0) * (x - x0), x1 - x0);
}
