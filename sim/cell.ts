// SPDX-License-Identifier: MIT
// One simulated cell: the equivalent-circuit model of cells-and-limits.md §1 in SI units and
// floating point. State: SoC z, two RC voltages, the one-state hysteresis h of Plett's ESC model, the
// temperature T. Terminal voltage V = OCV(z, T) + M(z)·h − R0(z, T)·i − v1 − v2.
//
// Sign: the public API takes current positive INTO the cell (charging), like the rest of the
// project; inside the equations `i` is positive for DISCHARGE, as in the fact sheet, so the formulas
// can be checked against it line by line.
//
// Every update is exact for inputs held constant over the step (exponential, not Euler), so a step
// of a second, a minute or an hour stays stable and accurate to the piecewise-constant input.
import { ocvCurve, ocvVolts } from "./ocv";
import type { OcvCurve } from "./ocv";
import { arrheniusFactor, relaxTemperature, zeroCelsiusKelvin } from "./thermal";
import type { CellParams } from "./cell-params";

export { cellParams } from "./cell-params";
export type { CellParams, RcPair } from "./cell-params";

/** Limits of the internal SoC: far enough past 0..1 that the abuse voltages are reached. */
const socRawMin = -0.1;
const socRawMax = 1.1;

export interface CellInit {
  /** Initial SoC, 0..1. */
  soc: number;
  celsius: number;
  /** Initial hysteresis state in [−1, 1]; 0 (default) sits on the table. */
  hysteresis?: number;
}

export class CellModel {
  readonly params: CellParams;
  readonly curve: OcvCurve;
  /** SoC; leaves 0..1 (to socRawMin..socRawMax) only under abuse. */
  private z: number;
  private h: number;
  private tempC: number;
  /** RC voltages, V (positive = drop during discharge). */
  private readonly v: number[];
  private readonly rcOhms: number[];
  private readonly rcTau: number[];
  private readonly rcDecay: number[];
  private decayDt = -1;
  private thermalDecay = 0;
  private thermalDecayDt = -1;
  private thermalDecayG = -1;
  /** Conductance across the terminals from the bleed resistor, S. */
  private bleedSiemens = 0;
  /** Conductance of an internal soft short, S. */
  private shortSiemens = 0;
  /** Pack current of the last step, discharge-positive, A. */
  private lastPackAmps = 0;
  /** EMF behind R0 (OCV + M·h − Σv), R0 and the leakage, all for the present state. */
  private emf = 0;
  private r0Now = 0;
  private leakNow = 0;
  /** Arrhenius factor of the resistances at the present temperature. */
  private arrNow = 1;
  /** Energy burnt in the bleed resistor so far, J. */
  bleedJoules = 0;

  constructor(params: CellParams, init: CellInit) {
    this.params = params;
    this.curve = ocvCurve(params.chemistry);
    if (!(init.soc >= 0 && init.soc <= 1)) throw new Error(`CellModel init.soc: must be in 0..1, got ${init.soc}`);
    if (!Number.isFinite(init.celsius)) throw new Error(`CellModel init.celsius: must be a number, got ${init.celsius}`);
    const h0 = init.hysteresis ?? 0;
    if (!(h0 >= -1 && h0 <= 1)) throw new Error(`CellModel init.hysteresis: must be in −1..1, got ${h0}`);
    this.z = init.soc;
    this.h = h0;
    this.tempC = init.celsius;
    this.v = params.rc.map(() => 0);
    this.rcOhms = params.rc.map((k) => k.ohms);
    this.rcTau = params.rc.map((k) => k.tauSeconds);
    this.rcDecay = params.rc.map(() => 0);
    this.refresh();
  }

  /** Hysteresis amplitude at SoC z (clamped 0..1), V. */
  private hysteresisAmplitude(z: number): number {
    const p = this.params;
    const edge = Math.min(z, 1 - z);
    if (edge >= p.hysteresisTaperSoc) return p.hysteresisVolts;
    return edge <= 0 ? 0 : (p.hysteresisVolts * edge) / p.hysteresisTaperSoc;
  }

  /** Recomputes the state-only quantities (EMF, R0, leakage) after the state changed. */
  private refresh(): void {
    const p = this.params;
    const zc = this.z < 0 ? 0 : this.z > 1 ? 1 : this.z;
    const arr = arrheniusFactor(this.tempC, p.activationJoulesPerMol);
    this.arrNow = arr;
    const dz = zc - 0.5;
    this.r0Now = p.r0Ohms * arr * (1 + p.r0SocCurvature * dz * dz);
    let e = ocvVolts(this.curve, this.z, this.tempC) + this.hysteresisAmplitude(zc) * this.h;
    for (let k = 0; k < this.v.length; k++) e -= this.v[k];
    this.emf = e;
    this.leakNow = p.selfDischargeAmps * Math.exp((Math.LN2 * (this.tempC - 25)) / p.selfDischargeDoublingKelvin);
  }

  /** Terminal voltage for a discharge-positive pack current, with bleed and short loading it. */
  private terminal(packAmps: number): number {
    // V = E − R0·(i_pack + i_leak + V·G)  ⇒  V = (E − R0·(i_pack + i_leak)) / (1 + R0·G)
    const r0 = this.r0Now;
    return (this.emf - r0 * (packAmps + this.leakNow)) / (1 + r0 * (this.bleedSiemens + this.shortSiemens));
  }

  /**
   * Advances the cell by `dt` seconds with `chargeAmps` flowing into it (negative = discharge),
   * ambient `ambientCelsius`. `neighbourWattsPerKelvin` and `neighbourCelsius` (conductance-weighted
   * mean temperature of the neighbours at the start of the step) couple it to other cells.
   */
  step(dt: number, chargeAmps: number, ambientCelsius: number, neighbourWattsPerKelvin = 0, neighbourCelsius = 0): void {
    if (dt <= 0) {
      this.lastPackAmps = -chargeAmps;
      return;
    }
    const p = this.params;
    const packAmps = -chargeAmps;
    const vTerm = this.terminal(packAmps);
    const bleedAmps = vTerm * this.bleedSiemens;
    const shortAmps = vTerm * this.shortSiemens;
    // Discharge-positive current through the cell's impedance.
    const i = packAmps + this.leakNow + bleedAmps + shortAmps;
    const q = 3600 * p.capacityAh;

    // Coulomb counting (§1): dz/dt = −η·i/(3600·Q), η < 1 only while charging.
    const eta = i < 0 ? p.chargeEfficiency : 1;
    let z = this.z - (eta * i * dt) / q;
    if (z < socRawMin) z = socRawMin;
    else if (z > socRawMax) z = socRawMax;

    // Hysteresis (§1, Plett ESC): dh/dt = −|η·i·γ/(3600·Q)|·(h + sgn i); h relaxes towards −sgn i.
    if (i !== 0) {
      const decay = Math.exp(-Math.abs((eta * i * p.hysteresisGamma) / q) * dt);
      const target = i > 0 ? -1 : 1;
      this.h = target + (this.h - target) * decay;
    }

    // RC pairs: v_k → R_k(T)·i with τ_k, exact for constant i. Resistances follow R0's Arrhenius
    // factor; the heat of each is v_k²/R_k at the voltage at the start of the step.
    if (dt !== this.decayDt) {
      for (let k = 0; k < this.rcTau.length; k++) this.rcDecay[k] = Math.exp(-dt / this.rcTau[k]);
      this.decayDt = dt;
    }
    const rScale = this.arrNow;
    let heat = i * i * this.r0Now + bleedAmps * vTerm + shortAmps * vTerm;
    for (let k = 0; k < this.v.length; k++) {
      const r = this.rcOhms[k] * rScale;
      const vk = this.v[k];
      heat += (vk * vk) / r;
      this.v[k] = r * i + (vk - r * i) * this.rcDecay[k];
    }
    // Reversible (entropic) heat, Bernardi: −i·T·dU/dT with i discharge-positive (§1).
    heat -= i * (this.tempC + zeroCelsiusKelvin) * this.curve.entropicVoltsPerKelvin;

    // Lumped thermal mass (§1, §3), exact exponential towards the conductance-weighted sink.
    const gAmb = 1 / p.thermalKelvinPerWatt;
    const g = gAmb + neighbourWattsPerKelvin;
    if (dt !== this.thermalDecayDt || g !== this.thermalDecayG) {
      this.thermalDecay = Math.exp((-g * dt) / p.thermalJoulesPerKelvin);
      this.thermalDecayDt = dt;
      this.thermalDecayG = g;
    }
    const sink = (gAmb * ambientCelsius + neighbourWattsPerKelvin * neighbourCelsius) / g;
    this.tempC = relaxTemperature(this.tempC, sink, heat, g, this.thermalDecay);

    this.bleedJoules += bleedAmps * vTerm * dt;
    this.z = z;
    this.lastPackAmps = packAmps;
    this.refresh();
  }

  /** Terminal voltage now (under the current of the last step), V. */
  volts(): number {
    return this.terminal(this.lastPackAmps);
  }

  /** SoC, clamped to 0..1. */
  soc(): number {
    return this.z < 0 ? 0 : this.z > 1 ? 1 : this.z;
  }

  /** SoC as the model holds it: above 1 after over-charge, below 0 after over-discharge. */
  socRaw(): number {
    return this.z;
  }

  celsius(): number {
    return this.tempC;
  }

  /** Hysteresis state h in [−1, 1]: +1 after charging, −1 after discharging. */
  hysteresis(): number {
    return this.h;
  }

  /** R0 now (temperature and SoC included), Ω. */
  r0Ohms(): number {
    return this.r0Now;
  }

  /** Voltage across RC pair k now, V (positive = a drop while discharging). */
  rcVolts(k: number): number {
    return this.v[k];
  }

  /** Rest voltage without the RC pairs: OCV(z, T) + M(z)·h, V. */
  restVolts(): number {
    const zc = this.soc();
    return ocvVolts(this.curve, this.z, this.tempC) + this.hysteresisAmplitude(zc) * this.h;
  }

  /** Self-discharge leakage now, A. */
  leakAmps(): number {
    return this.leakNow;
  }

  /** Current through the bleed resistor at the present terminal voltage, A (0 when off). */
  bleedAmps(): number {
    return this.volts() * this.bleedSiemens;
  }

  /** Connects (ohms > 0) or disconnects (undefined) a bleed resistor across the cell. */
  setBleedOhms(ohms: number | undefined): void {
    if (ohms !== undefined && !(ohms > 0)) throw new Error(`CellModel bleed ohms: must be > 0, got ${ohms}`);
    this.bleedSiemens = ohms === undefined ? 0 : 1 / ohms;
  }

  /** Adds (ohms > 0) or removes (undefined) a soft internal short. */
  setShortOhms(ohms: number | undefined): void {
    if (ohms !== undefined && !(ohms > 0)) throw new Error(`CellModel short ohms: must be > 0, got ${ohms}`);
    this.shortSiemens = ohms === undefined ? 0 : 1 / ohms;
  }
}
