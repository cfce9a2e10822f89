// SPDX-License-Identifier: MIT
// Temperature laws shared by the cell model: the Arrhenius factor of the resistances and the exact
// update of a lumped thermal mass (cells-and-limits.md §1, §3).

/** Gas constant, J/(mol·K). */
export const gasConstant = 8.314462618;
/** 0 °C in kelvin. */
export const zeroCelsiusKelvin = 273.15;

/**
 * R(T)/R(25 °C) = exp(Ea/R·(1/T − 1/298.15)) (cells-and-limits.md §1; Ea ≈ 20 kJ/mol in the PyBaMM
 * ECM example gives ×2.1 at 0 °C and ×0.68 at 40 °C).
 */
export function arrheniusFactor(celsius: number, activationJoulesPerMol: number): number {
  return Math.exp((activationJoulesPerMol / gasConstant) * (1 / (celsius + zeroCelsiusKelvin) - 1 / (25 + zeroCelsiusKelvin)));
}

/**
 * Temperature after `dt` seconds of C·dT/dt = P − G·(T − T∞) with P, G and T∞ held over the step:
 * T∞ + P/G + (T − T∞ − P/G)·exp(−G·dt/C). Exact for constant inputs, so any step length is stable
 * (an Euler step diverges once dt > 2C/G). `decay` = exp(−G·dt/C), passed in so a caller that
 * keeps G, C and dt constant can reuse it.
 */
export function relaxTemperature(celsius: number, sinkCelsius: number, watts: number, conductanceWattsPerKelvin: number, decay: number): number {
  const target = sinkCelsius + watts / conductanceWattsPerKelvin;
  return target + (celsius - target) * decay;
}
