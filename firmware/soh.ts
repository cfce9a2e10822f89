// SPDX-License-Identifier: MIT
// State of health as usable capacity: the charge counted between two reliable SoC anchors divided
// by the SoC difference between them. An untracked 5 % capacity fade is a 5 % SoC error at 0 %
// (../shared/reference/cells-and-limits.md §12.1), so the counter's capacity follows this estimate.
//
// Which anchors are reliable enough to measure with:
// * full (end of charge at tail current) and ocvRest (rested, and only where the OCV curve is steep,
//   §12.2) start and end spans;
// * ocvBoot never starts a span: at boot nobody knows how long the cells rested, and for LFP on
//   the plateau 1 mV is 1.5–2.5 % SoC with a 10–25 mV hysteresis gap (§5, §12.2), tens of % wrong;
// * empty (not produced by firmware/soc.ts, see there) would read the lowest cell under load,
//   whose IR drop makes its SoC a few % off: it would be SoC-only and leave the running span alone.
//
// Integer care: on the device Lua 5.3 has 32-bit integers (../shared/reference/lua.md §7) while
// `/` is a double division on every target, so every product that could pass 2^31 is written as
// a division first (mAs × 10000 would overflow for any pack above 60 Ah).
import type { RunConfig, SocState } from "./types";
import { SocAnchor } from "./types";
import { clamp, roundInt } from "./intmath";

/** mAs per mAh. */
export const MAS_PER_MAH = 3600;

/**
 * Estimates outside 30…110 % of nominal are anchor or sensor errors, not the pack: packs retire at
 * 70–80 % (cells-and-limits.md §7), and a fresh cell exceeds its rating by a few % at most (§6).
 * 110 % of nominal must also fit in 32 bits: capacityMah ≤ 540 000 (540 Ah) per pack.
 */
export const SOH_ESTIMATE_MIN_CENTI_PCT = 3000;
export const SOH_ESTIMATE_MAX_CENTI_PCT = 11000;

/** Rated capacity in mAs (540 Ah × 3600 = 1.94e9, inside 2^31). */
export function nominalCapacityMas(conf: RunConfig): number {
  return conf.capacityMah * MAS_PER_MAH;
}

/** `centiPct` of the rated capacity, in mAs; divided first so the product stays small. */
export function capacityAtCentiPct(conf: RunConfig, centiPct: number): number {
  return roundInt((nominalCapacityMas(conf) / 10000) * centiPct);
}

/**
 * SoH reported outward: usable / rated capacity, clamped to 0…100 % because the inverter frames
 * show 0…100 % (SOH of frame 0x355, can-link.md §1.1); the counter itself may use up to 110 % of rated capacity.
 */
export function sohFromCapacity(conf: RunConfig, capacityMas: number): number {
  return clamp(roundInt((capacityMas / nominalCapacityMas(conf)) * 10000), 0, 10000);
}

/** Anchors whose SoC is good enough to start or end a capacity measurement. */
function measuresCapacity(kind: SocAnchor): boolean {
  return kind === SocAnchor.full || kind === SocAnchor.ocvRest;
}

/**
 * Capacity (mAs) implied by `chargeMas` counted over `spanCentiPct` of SoC, or −1 when the pair
 * cannot be a measurement (span too short, or the charge flowed the other way than the SoC moved).
 */
export function capacityEstimateMas(conf: RunConfig, chargeMas: number, spanCentiPct: number): number {
  let minSpan = conf.soc.sohMinSpanCentiPct;
  if (minSpan < 1) minSpan = 1;
  const span = spanCentiPct < 0 ? -spanCentiPct : spanCentiPct;
  if (span < minSpan) return -1;
  if (chargeMas === 0 || chargeMas > 0 !== spanCentiPct > 0) return -1;
  const charge = chargeMas < 0 ? -chargeMas : chargeMas;
  // charge / (span / 10000): double division first, the result (≤ 2^31) is then rounded.
  const estimate = roundInt((charge / span) * 10000);
  if (estimate < capacityAtCentiPct(conf, SOH_ESTIMATE_MIN_CENTI_PCT)) return -1;
  if (estimate > capacityAtCentiPct(conf, SOH_ESTIMATE_MAX_CENTI_PCT)) return -1;
  return estimate;
}

/**
 * Called at every anchor, before the SoC is set to `socCentiPct`. Measures the capacity if the
 * previous anchor and this one are far enough apart, blends it into `capacityMas` by
 * sohBlendPermille, and makes this the new anchor. Returns true when the capacity changed.
 */
export function sohAnchor(conf: RunConfig, soc: SocState, kind: SocAnchor, socCentiPct: number): boolean {
  if (kind === SocAnchor.empty || kind === SocAnchor.none) return false;
  let updated = false;
  if (measuresCapacity(kind) && measuresCapacity(soc.anchorKind)) {
    const estimate = capacityEstimateMas(conf, soc.sinceAnchorMas, socCentiPct - soc.anchorSocCentiPct);
    if (estimate > 0) {
      // (estimate − capacity) × permille could pass 2^31: divide by 1000 first.
      const step = roundInt(((estimate - soc.capacityMas) / 1000) * clamp(conf.soc.sohBlendPermille, 0, 1000));
      soc.capacityMas = soc.capacityMas + step;
      soc.sohCentiPct = sohFromCapacity(conf, soc.capacityMas);
      updated = true;
    }
  }
  soc.anchorKind = kind;
  soc.anchorSocCentiPct = socCentiPct;
  soc.sinceAnchorMas = 0;
  return updated;
}

/**
 * Adds counted charge to the running span. A span whose net charge exceeds the largest capacity
 * the counter accepts cannot end in a valid estimate (counting drift without any anchor), so it is
 * dropped instead of growing past 32 bits.
 */
export function sohCount(conf: RunConfig, soc: SocState, wholeMas: number): void {
  const since = soc.sinceAnchorMas + wholeMas;
  const limit = capacityAtCentiPct(conf, SOH_ESTIMATE_MAX_CENTI_PCT);
  if (since > limit || since < -limit) {
    soc.anchorKind = SocAnchor.none;
    soc.sinceAnchorMas = 0;
    return;
  }
  soc.sinceAnchorMas = since;
}
