// SPDX-License-Identifier: MIT
// Parameter sets of the simulated cell (cells-and-limits.md §2, §3, §5–§7): one reference cell per
// chemistry, scaled to the pack's capacity.
import type { Chemistry } from "../firmware/types";

export interface RcPair {
  /** Resistance at 25 °C, Ω. */
  ohms: number;
  /** Time constant R·C, s (kept constant over temperature: C scales as 1/R). */
  tauSeconds: number;
}

/** Everything that defines one cell; see `cellParams` for the sets and their sources. */
export interface CellParams {
  chemistry: Chemistry;
  capacityAh: number;
  /** Ohmic resistance at 25 °C and 50 % SoC, Ω. */
  r0Ohms: number;
  /** R0(z) = R0·(1 + k·(z − 0.5)²): k = 0.8 gives ×1.2 at 0 and 100 % (PyBaMM ECM example, §2). */
  r0SocCurvature: number;
  rc: RcPair[];
  /** Arrhenius activation energy of every resistance, J/mol. */
  activationJoulesPerMol: number;
  /** Coulombic efficiency while charging (discharge is 1). */
  chargeEfficiency: number;
  /** Hysteresis amplitude M mid-range (half the charge/discharge gap), V. */
  hysteresisVolts: number;
  /** M tapers linearly to 0 over this SoC width at each end. */
  hysteresisTaperSoc: number;
  /** Plett's γ: h moves by 1 − e^(−γ·ΔSoC) of its way per ΔSoC of throughput. */
  hysteresisGamma: number;
  thermalJoulesPerKelvin: number;
  /** Cell to ambient, K/W. */
  thermalKelvinPerWatt: number;
  /** Self-discharge leakage at 25 °C, A. */
  selfDischargeAmps: number;
  /** Leakage doubles every this many kelvin (§6: ×2 per +10 °C). */
  selfDischargeDoublingKelvin: number;
}

interface ReferenceSet {
  params: Omit<CellParams, "chemistry" | "capacityAh">;
  capacityAh: number;
  /** Resistances scale as (Qref/Q)^this. */
  resistanceExponent: number;
  /** Thermal resistance to ambient scales as (Qref/Q)^this (C_th scales as Q/Qref). */
  thermalExponent: number;
}

/** Self-discharge of §6: 2 % of the capacity per month (30 days), as a current per Ah. */
const selfDischargeAmpsPerAh = 0.02 / (30 * 24);

/**
 * LFP: a 100 Ah prismatic cell.
 * - R0 0.3 mΩ: §2 resistance priors, AC-1 kHz 0.15–0.5 mΩ for 100–280 Ah prismatics.
 * - RC 0.15 mΩ / 10 s and 0.25 mΩ / 300 s (τ1, τ2 from the §1 ranges): 10 s DCIR ≈ 0.40 mΩ, inside
 *   the §2 prior 0.3–1 mΩ; 0.7 mΩ after a long pulse.
 * - Hysteresis M = 10 mV over 10–90 %, tapering to 0 at the ends; γ = 40 so 95 % of the loop is
 *   traversed in 7.5 % SoC of reversed throughput (§5: 5–10 %).
 * - C_th 2 kJ/K: ≈ 2 kg at c_p ≈ 1000 J/kg·K (§3). R_th 1.5 K/W: the §3 280 Ah cell (0.8 K/W at
 *   0.127 m²) scaled by area, (100/280)^(2/3) → 1.6 K/W.
 * - Charge efficiency 0.999 (§1: 0.995–0.999; LFP is at the top of the range).
 * Scaling to other capacities: large prismatics are not parallel copies of a small one (§2 gives
 * 0.15–0.5 mΩ across 100–280 Ah), so R ∝ (Qref/Q)^0.5 (280 Ah → 0.18 mΩ); the surface grows as
 * volume^(2/3), so R_th ∝ (Qref/Q)^(2/3) (280 Ah → 0.76 K/W, §3 says 0.8).
 */
const lfpReference: ReferenceSet = {
  capacityAh: 100,
  resistanceExponent: 0.5,
  thermalExponent: 2 / 3,
  params: {
    r0Ohms: 0.3e-3,
    r0SocCurvature: 0.8,
    rc: [
      { ohms: 0.15e-3, tauSeconds: 10 },
      { ohms: 0.25e-3, tauSeconds: 300 },
    ],
    activationJoulesPerMol: 20000,
    chargeEfficiency: 0.999,
    hysteresisVolts: 0.01,
    hysteresisTaperSoc: 0.1,
    hysteresisGamma: 40,
    thermalJoulesPerKelvin: 2000,
    thermalKelvinPerWatt: 1.5,
    selfDischargeAmps: 100 * selfDischargeAmpsPerAh,
    selfDischargeDoublingKelvin: 10,
  },
};

/**
 * NMC: a 5 Ah 21700 (LG M50T class, whose OCV the table is).
 * - R0 20 mΩ: §2 priors, AC-1 kHz ≤ 18 mΩ (Samsung 25R) to 30 mΩ for 18650/21700.
 * - RC 10 mΩ / 10 s and 10 mΩ / 300 s: 10 s DCIR ≈ 27 mΩ, inside the §2 prior 20–60 mΩ.
 * - Hysteresis M = 1 mV (§5: 0–3 mV for NMC), same taper and γ as LFP.
 * - C_th 65 J/K, R_th 19 K/W: the §3 21700 row (68 g, natural convection).
 * - Charge efficiency 0.998 (§1).
 * Scaling: a bigger NMC cell is taken as cells in parallel, so R ∝ Qref/Q, R_th ∝ Qref/Q (each cell
 * keeps its surface), C_th ∝ Q.
 */
const nmcReference: ReferenceSet = {
  capacityAh: 5,
  resistanceExponent: 1,
  thermalExponent: 1,
  params: {
    r0Ohms: 20e-3,
    r0SocCurvature: 0.8,
    rc: [
      { ohms: 10e-3, tauSeconds: 10 },
      { ohms: 10e-3, tauSeconds: 300 },
    ],
    activationJoulesPerMol: 20000,
    chargeEfficiency: 0.998,
    hysteresisVolts: 0.001,
    hysteresisTaperSoc: 0.1,
    hysteresisGamma: 40,
    thermalJoulesPerKelvin: 65,
    thermalKelvinPerWatt: 19,
    selfDischargeAmps: 5 * selfDischargeAmpsPerAh,
    selfDischargeDoublingKelvin: 10,
  },
};

/**
 * LTO: no parameter set in the fact sheet, so the NMC 21700 set is reused for resistance, RC and
 * thermal behaviour, with the LTO OCV table, a 0.5 mV hysteresis (LTO shows almost none) and a
 * charge efficiency of 0.999 (no SEI growth on the titanate anode). An approximation: real LTO
 * cells have lower resistance per Ah.
 */
const ltoReference: ReferenceSet = {
  ...nmcReference,
  params: { ...nmcReference.params, hysteresisVolts: 0.0005, chargeEfficiency: 0.999 },
};

const references: Record<Chemistry, ReferenceSet> = { LFP: lfpReference, NMC: nmcReference, LTO: ltoReference };

/** The nominal parameters of a `capacityAh` cell of `chemistry`, scaled from the reference cell. */
export function cellParams(chemistry: Chemistry, capacityAh: number): CellParams {
  if (!(capacityAh > 0) || !Number.isFinite(capacityAh)) throw new Error(`cellParams capacityAh: must be a positive number, got ${capacityAh}`);
  const ref = references[chemistry];
  if (ref === undefined) throw new Error(`cellParams chemistry: unknown chemistry ${String(chemistry)}`);
  const ratio = ref.capacityAh / capacityAh;
  const rScale = Math.pow(ratio, ref.resistanceExponent);
  const p = ref.params;
  return {
    ...p,
    chemistry,
    capacityAh,
    r0Ohms: p.r0Ohms * rScale,
    rc: p.rc.map((k) => ({ ohms: k.ohms * rScale, tauSeconds: k.tauSeconds })),
    thermalJoulesPerKelvin: p.thermalJoulesPerKelvin / ratio,
    thermalKelvinPerWatt: p.thermalKelvinPerWatt * Math.pow(ratio, ref.thermalExponent),
    selfDischargeAmps: p.selfDischargeAmps / ratio,
  };
}
