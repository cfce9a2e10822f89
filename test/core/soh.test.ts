// SPDX-License-Identifier: MIT
// State of health: capacity measured between reliable anchors (full, rested OCV), blended into the
// capacity the counter uses; boot anchors and short spans never measure.
import { describe, expect, it } from "vitest";
import { createSocState, socInit, socStep } from "../../firmware/soc";
import { capacityEstimateMas, sohAnchor, sohCount } from "../../firmware/soh";
import { ocvFromSocMv } from "../../firmware/ocv";
import { SocAnchor } from "../../firmware/types";
import type { Chemistry, Measurements, PackConfig, SocState } from "../../firmware/types";
import { measurements, packConfig, setCells } from "./fixtures";

/**
 * A test pack whose true capacity may differ from the rating: its true charge follows the same
 * current the estimator counts, and its cells show the rest voltage of the true SoC.
 */
class TruePack {
  chargeMaMs: number;
  constructor(
    readonly conf: PackConfig,
    readonly capacityMas: number,
    socCentiPct: number,
  ) {
    this.chargeMaMs = Math.round((capacityMas * socCentiPct) / 10000) * 1000;
  }
  socCentiPct(): number {
    return Math.round((this.chargeMaMs / 1000 / this.capacityMas) * 10000);
  }
  restMv(): number {
    return ocvFromSocMv(this.conf.chemistry, this.socCentiPct());
  }
}

interface Rig {
  conf: PackConfig;
  pack: TruePack;
  soc: SocState;
  m: Measurements;
  anchors: SocAnchor[];
}

function rig(chemistry: Chemistry, truePermille: number, startSocCentiPct: number): Rig {
  const conf = packConfig(chemistry, 16, 100000);
  const pack = new TruePack(conf, (conf.capacityMah * 3600 * truePermille) / 1000, startSocCentiPct);
  const m = measurements(conf, pack.restMv(), 0);
  const soc = createSocState();
  socInit(conf, soc, m);
  return { conf, pack, soc, m, anchors: [] };
}

/** One tick: the true pack and the estimator see the same current. */
function tick(r: Rig, currentMa: number, dtMs: number, cellMv: number): void {
  r.m.currentMa = currentMa;
  setCells(r.m, cellMv);
  r.pack.chargeMaMs = Math.min(Math.max(r.pack.chargeMaMs + currentMa * dtMs, 0), r.pack.capacityMas * 1000);
  const a = socStep(r.conf, r.soc, r.m, dtMs);
  if (a !== SocAnchor.none) r.anchors.push(a);
}

/** Charges to true full, then holds the tail current at fullCellMv until the full anchor. */
function chargeToFull(r: Rig): void {
  const c = r.conf.soc;
  while (r.pack.socCentiPct() < 10000) tick(r, r.conf.capacityMah / 2, 1000, r.pack.restMv() - 1);
  for (let t = 0; t < c.fullHoldMs; t += 1000) tick(r, c.fullTailCurrentMa - 1, 1000, c.fullCellMv);
}

/** Discharges at C/2 until the true SoC is at most `socCentiPct`. */
function dischargeTo(r: Rig, socCentiPct: number): void {
  while (r.pack.socCentiPct() > socCentiPct) tick(r, -r.conf.capacityMah / 2, 1000, r.pack.restMv() - 30);
}

/** Rests long enough for the OCV correction. */
function rest(r: Rig): void {
  for (let t = 0; t <= r.conf.soc.restMs; t += 1000) tick(r, 0, 1000, r.pack.restMv());
}

describe("capacity from the span between two anchors", () => {
  for (const chemistry of ["LFP", "NMC"] as Chemistry[]) {
    it(`${chemistry}: a pack with 90 % of its rated capacity reads SoH 90 % ± 1 % after full → discharge → rest at 10 % (full blending)`, () => {
      const r = rig(chemistry, 900, 5000);
      r.conf.soc.sohBlendPermille = 1000;
      chargeToFull(r);
      expect(r.anchors).toContain(SocAnchor.full);
      expect(r.soc.sohCentiPct).toBe(10000);
      dischargeTo(r, 1000);
      rest(r);
      expect(r.anchors[r.anchors.length - 1]).toBe(SocAnchor.ocvRest);
      expect(Math.abs(r.soc.sohCentiPct - 9000)).toBeLessThanOrEqual(100);
      expect(Math.abs(r.soc.capacityMas - r.pack.capacityMas)).toBeLessThanOrEqual(r.pack.capacityMas / 100);
      // The SoC counter now runs on the measured capacity: it agrees with the truth.
      expect(Math.abs(r.soc.socCentiPct - r.pack.socCentiPct())).toBeLessThanOrEqual(100);
    });
  }

  it("with partial blending, repeated cycles move the capacity step by step toward the truth", () => {
    const r = rig("NMC", 900, 5000);
    const errors: number[] = [];
    for (let cycle = 0; cycle < 12; cycle++) {
      chargeToFull(r);
      dischargeTo(r, 1000);
      rest(r);
      errors.push(Math.abs(r.soc.sohCentiPct - 9000));
    }
    for (let k = 1; k < errors.length; k++) expect(errors[k]).toBeLessThanOrEqual(errors[k - 1]);
    expect(errors[0]).toBeGreaterThan(100);
    expect(errors[errors.length - 1]).toBeLessThanOrEqual(100);
  });

  it("a span shorter than sohMinSpanCentiPct leaves the capacity alone but moves the anchor", () => {
    const r = rig("NMC", 900, 5000);
    r.conf.soc.sohBlendPermille = 1000;
    chargeToFull(r);
    dischargeTo(r, 10000 - r.conf.soc.sohMinSpanCentiPct + 300);
    const capacity = r.soc.capacityMas;
    rest(r);
    expect(r.anchors[r.anchors.length - 1]).toBe(SocAnchor.ocvRest);
    expect(r.soc.capacityMas).toBe(capacity);
    expect(r.soc.sohCentiPct).toBe(10000);
    expect(r.soc.anchorKind).toBe(SocAnchor.ocvRest);
    expect(r.soc.sinceAnchorMas).toBe(0);
  });

  it("a boot OCV anchor never starts a span: boot at 95 %, discharge to 10 %, rest → no estimate", () => {
    const r = rig("NMC", 900, 9500);
    r.conf.soc.sohBlendPermille = 1000;
    expect(r.soc.anchorKind).toBe(SocAnchor.ocvBoot);
    dischargeTo(r, 1000);
    rest(r);
    expect(r.anchors[r.anchors.length - 1]).toBe(SocAnchor.ocvRest);
    expect(r.soc.sohCentiPct).toBe(10000);
    expect(r.soc.capacityMas).toBe(r.conf.capacityMah * 3600);
  });

  it("a rest anchor can start a span that a full anchor ends: rest at 10 %, charge to full", () => {
    const r = rig("NMC", 900, 5000);
    r.conf.soc.sohBlendPermille = 1000;
    dischargeTo(r, 1000);
    rest(r);
    expect(r.soc.anchorKind).toBe(SocAnchor.ocvRest);
    chargeToFull(r);
    expect(r.anchors[r.anchors.length - 1]).toBe(SocAnchor.full);
    expect(Math.abs(r.soc.sohCentiPct - 9000)).toBeLessThanOrEqual(100);
  });

  it("a pack above its rating keeps the larger capacity for counting but reports SoH 100 %", () => {
    const r = rig("NMC", 1050, 5000);
    r.conf.soc.sohBlendPermille = 1000;
    chargeToFull(r);
    dischargeTo(r, 1000);
    rest(r);
    expect(r.soc.sohCentiPct).toBe(10000);
    expect(Math.abs(r.soc.capacityMas - r.pack.capacityMas)).toBeLessThanOrEqual(r.pack.capacityMas / 100);
  });
});

describe("capacity estimate plausibility", () => {
  const conf = packConfig("NMC", 16, 100000);
  const nominalMas = conf.capacityMah * 3600;

  it("charge / span: 81 % of rated charge over 90 % of SoC is 90 % of rated capacity", () => {
    expect(capacityEstimateMas(conf, -(nominalMas * 81) / 100, -9000)).toBe((nominalMas * 9) / 10);
    expect(capacityEstimateMas(conf, (nominalMas * 81) / 100, 9000)).toBe((nominalMas * 9) / 10);
  });

  it("is refused when the charge flowed against the SoC change, or none flowed", () => {
    expect(capacityEstimateMas(conf, nominalMas / 2, -6000)).toBe(-1);
    expect(capacityEstimateMas(conf, 0, 6000)).toBe(-1);
  });

  it("is refused below the minimum span and outside 30–110 % of rated capacity", () => {
    const span = conf.soc.sohMinSpanCentiPct - 1;
    expect(capacityEstimateMas(conf, Math.round((nominalMas * span) / 10000), span)).toBe(-1);
    expect(capacityEstimateMas(conf, (nominalMas * 6) / 10, 5000)).toBe(-1); // 120 %
    expect(capacityEstimateMas(conf, (nominalMas * 1) / 10, 5000)).toBe(-1); // 20 %
  });

  it("blends a new estimate by sohBlendPermille", () => {
    const c = packConfig("NMC", 16, 100000);
    c.soc.sohBlendPermille = 250;
    const soc = createSocState();
    socInit(c, soc, measurements(c, ocvFromSocMv("NMC", 10000), 0));
    sohAnchor(c, soc, SocAnchor.full, 10000);
    soc.sinceAnchorMas = -(nominalMas * 72) / 100; // 80 % capacity over a 90 % span
    expect(sohAnchor(c, soc, SocAnchor.ocvRest, 1000)).toBe(true);
    expect(soc.capacityMas).toBe(nominalMas - (nominalMas * 20 * 250) / 100 / 1000);
    expect(soc.sohCentiPct).toBe(9500);
  });

  it("a span whose net charge passes 110 % of rated capacity is dropped instead of overflowing", () => {
    const soc = createSocState();
    soc.anchorKind = SocAnchor.full;
    sohCount(conf, soc, -nominalMas);
    expect(soc.anchorKind).toBe(SocAnchor.full);
    sohCount(conf, soc, -(nominalMas * 11) / 100);
    expect(soc.anchorKind).toBe(SocAnchor.none);
    expect(soc.sinceAnchorMas).toBe(0);
  });
});
