// SPDX-License-Identifier: MIT
// SoC estimation: exact integer coulomb counting, OCV start, rest correction (LFP only off the
// plateau), end-of-charge reset, cycle counting.
import { describe, expect, it } from "vitest";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { createSocState, socInit, socStep } from "../../firmware/soc";
import { ocvFromSocMv, socFromOcvCentiPct } from "../../firmware/ocv";
import { SocAnchor } from "../../firmware/types";
import type { Chemistry, Measurements, PackConfig, SocState } from "../../firmware/types";
import { measurements, packConfig, setCells, setCellsAtSoc } from "./fixtures";

/** A pack booted from rested cells at `socCentiPct`. */
function bootAt(conf: PackConfig, socCentiPct: number): { soc: SocState; m: Measurements } {
  const m = measurements(conf, ocvFromSocMv(conf.chemistry, socCentiPct), 0);
  const soc = createSocState();
  socInit(conf, soc, m);
  return { soc, m };
}

/** Steps `ticks` times of `dtMs`, returning the anchors that were not `none`. */
function run(conf: PackConfig, soc: SocState, m: Measurements, ticks: number, dtMs: number): SocAnchor[] {
  const anchors: SocAnchor[] = [];
  for (let k = 0; k < ticks; k++) {
    const a = socStep(conf, soc, m, dtMs);
    if (a !== SocAnchor.none) anchors.push(a);
  }
  return anchors;
}

/** Charge held by the counter in mA·ms, remainder included. */
function heldMaMs(soc: SocState): number {
  return soc.remainingMas * 1000 + soc.remainderMaMs;
}

describe("coulomb counting", () => {
  it("one hour at +12,345 mA in 100 ms ticks, then odd currents and odd tick lengths, counts exactly the integral", () => {
    const conf = packConfig("NMC", 16, 100000);
    const { soc, m } = bootAt(conf, 5000);
    // Anchors need valid cells; this test is about the counter alone.
    m.cellsValid = false;
    const startMaMs = heldMaMs(soc);
    let integralMaMs = 0;

    m.currentMa = 12345;
    for (let k = 0; k < 36000; k++) {
      socStep(conf, soc, m, 100);
      integralMaMs += 12345 * 100;
    }
    expect(soc.remainingMas * 1000 + soc.remainderMaMs - startMaMs).toBe(12345 * 3600 * 1000);

    const rng = xoroshiro128plus(42);
    for (let k = 0; k < 20000; k++) {
      const currentMa = uniformInt(rng, -40000, 40000);
      const dtMs = uniformInt(rng, 1, 2500);
      m.currentMa = currentMa;
      socStep(conf, soc, m, dtMs);
      integralMaMs += currentMa * dtMs;
    }
    // Ticks of odd lengths around the split into whole seconds, and one long tick.
    const odd: Array<[number, number]> = [[-1, 1], [-7, 3], [999, 1], [1001, 999], [-3, 1001], [-1001, 3600000], [7, 7]];
    for (const [currentMa, dtMs] of odd) {
      m.currentMa = currentMa;
      socStep(conf, soc, m, dtMs);
      integralMaMs += currentMa * dtMs;
    }
    expect(soc.remainingMas).toBeGreaterThan(0);
    expect(soc.remainingMas).toBeLessThan(soc.capacityMas);
    expect(heldMaMs(soc) - startMaMs).toBe(integralMaMs);
    expect(soc.remainderMaMs).toBeGreaterThanOrEqual(0);
    expect(soc.remainderMaMs).toBeLessThan(1000);
  });

  it("negative currents floor: −1 mA for 1 ms takes a whole mAs and leaves 999 mA·ms, a thousand such ticks take exactly 1 mAs", () => {
    const conf = packConfig("NMC", 4, 3000);
    const { soc, m } = bootAt(conf, 5000);
    m.cellsValid = false;
    const start = soc.remainingMas;
    m.currentMa = -1;
    socStep(conf, soc, m, 1);
    expect(soc.remainingMas).toBe(start - 1);
    expect(soc.remainderMaMs).toBe(999);
    run(conf, soc, m, 999, 1);
    expect(soc.remainingMas).toBe(start - 1);
    expect(soc.remainderMaMs).toBe(0);
    m.currentMa = -2500;
    socStep(conf, soc, m, 3);
    expect(soc.remainingMas).toBe(start - 9);
    expect(soc.remainderMaMs).toBe(500);
  });

  it("holds the count while the current reading is not valid", () => {
    const conf = packConfig("NMC", 4, 3000);
    const { soc, m } = bootAt(conf, 5000);
    const before = heldMaMs(soc);
    m.currentMa = -5000;
    m.currentValid = false;
    run(conf, soc, m, 100, 1000);
    expect(heldMaMs(soc)).toBe(before);
  });

  it("clamps the counter at 0 % and at 100 %", () => {
    const conf = packConfig("NMC", 4, 3000);
    const { soc, m } = bootAt(conf, 1000);
    m.cellsValid = false;
    m.currentMa = -3000;
    run(conf, soc, m, 3600, 1000);
    expect(soc.remainingMas).toBe(0);
    expect(soc.socCentiPct).toBe(0);
    m.currentMa = 3000;
    run(conf, soc, m, 2 * 3600, 1000);
    expect(soc.remainingMas).toBe(soc.capacityMas);
    expect(soc.socCentiPct).toBe(10000);
  });

  it("counts discharged charge into equivalent full cycles × 100, charge not included", () => {
    const conf = packConfig("NMC", 4, 3000);
    const { soc, m } = bootAt(conf, 5000);
    m.cellsValid = false;
    const rng = xoroshiro128plus(7);
    let dischargedMas = 0;
    for (let k = 0; k < 5000; k++) {
      const currentMa = uniformInt(rng, -6000, 3000);
      m.currentMa = currentMa;
      socStep(conf, soc, m, 1000);
      if (currentMa < 0) dischargedMas += -currentMa;
    }
    const centiCycleMas = (conf.capacityMah * 3600) / 100;
    expect(soc.cycleCentiCount).toBe(Math.floor(dischargedMas / centiCycleMas));
    expect(soc.cycleCentiCount * centiCycleMas + soc.dischargedMas).toBe(dischargedMas);
    expect(soc.dischargedMas).toBeLessThan(centiCycleMas);
  });
});

describe("boot from the OCV table", () => {
  const cases: Array<[Chemistry, number]> = [
    ["LFP", 3203],
    ["LFP", 3297],
    ["NMC", 3717],
    ["NMC", 3304],
  ];
  for (const [chemistry, mv] of cases) {
    it(`${chemistry} cells resting at ${mv} mV start at the table SoC with full capacity, SoH 100 % and a boot anchor`, () => {
      const conf = packConfig(chemistry, 8, 50000);
      const m = measurements(conf, mv, 0);
      const soc = createSocState();
      socInit(conf, soc, m);
      expect(soc.initialized).toBe(true);
      expect(soc.socCentiPct).toBe(socFromOcvCentiPct(chemistry, mv));
      expect(soc.capacityMas).toBe(50000 * 3600);
      expect(soc.sohCentiPct).toBe(10000);
      expect(soc.anchorKind).toBe(SocAnchor.ocvBoot);
      expect(soc.remainingMas).toBe(Math.round((soc.capacityMas * soc.socCentiPct) / 10000));
    });
  }

  it("reads LFP 10 % at 3203 mV, 45 % mid-plateau at 3297 mV, NMC 50 % at 3717 mV", () => {
    expect(bootAt(packConfig("LFP", 4, 1000), 1000).soc.socCentiPct).toBe(1000);
    const lfp = packConfig("LFP", 4, 1000);
    const s = createSocState();
    socInit(lfp, s, measurements(lfp, 3297, 0));
    expect(s.socCentiPct).toBe(4500);
    const nmc = packConfig("NMC", 4, 1000);
    const n = createSocState();
    socInit(nmc, n, measurements(nmc, 3717, 0));
    expect(n.socCentiPct).toBe(5000);
  });

  it("uses the average cell, not the lowest: one low cell moves the SoC by its share only", () => {
    const conf = packConfig("NMC", 4, 10000);
    const m = measurements(conf, 3717, 0);
    m.cellMv[2] = 3717 - 4 * 73; // the average drops by 73 mV to 3644 mV = 40 %
    const soc = createSocState();
    socInit(conf, soc, m);
    expect(soc.socCentiPct).toBe(4000);
  });

  it("keeps a SoH restored before boot and sizes the capacity from it", () => {
    const conf = packConfig("NMC", 4, 10000);
    const soc = createSocState();
    soc.sohCentiPct = 8000;
    socInit(conf, soc, measurements(conf, 3717, 0));
    expect(soc.sohCentiPct).toBe(8000);
    expect(soc.capacityMas).toBe(8000 * 3600);
  });

  it("waits for valid cells: socStep initialises on the first valid reading and reports the boot anchor", () => {
    const conf = packConfig("NMC", 4, 10000);
    const m = measurements(conf, 3717, -1000);
    m.cellsValid = false;
    const soc = createSocState();
    socInit(conf, soc, m);
    expect(soc.initialized).toBe(false);
    expect(socStep(conf, soc, m, 1000)).toBe(SocAnchor.none);
    m.cellsValid = true;
    expect(socStep(conf, soc, m, 1000)).toBe(SocAnchor.ocvBoot);
    expect(soc.socCentiPct).toBe(5000);
  });
});

describe("rest correction", () => {
  it("NMC corrects to the OCV only once restMs has passed, and only once per rest", () => {
    const conf = packConfig("NMC", 4, 10000);
    const { soc, m } = bootAt(conf, 5000);
    setCellsAtSoc(conf, m, 4000);
    const dt = 1000;
    const early = run(conf, soc, m, conf.soc.restMs / dt - 1, dt);
    expect(early).toEqual([]);
    expect(soc.socCentiPct).toBe(5000);
    expect(socStep(conf, soc, m, dt)).toBe(SocAnchor.ocvRest);
    expect(soc.socCentiPct).toBe(4000);
    // The same rest goes on at another voltage: no second correction.
    setCellsAtSoc(conf, m, 3000);
    expect(run(conf, soc, m, conf.soc.restMs / dt + 10, dt)).toEqual([]);
    expect(soc.socCentiPct).toBe(4000);
    // Activity ends the rest; the next full rest corrects again.
    m.currentMa = -conf.soc.restCurrentMa;
    socStep(conf, soc, m, dt);
    m.currentMa = 0;
    expect(run(conf, soc, m, conf.soc.restMs / dt - 1, dt)).toEqual([]);
    expect(socStep(conf, soc, m, dt)).toBe(SocAnchor.ocvRest);
    expect(soc.socCentiPct).toBe(3000);
  });

  it("a current at or above restCurrentMa restarts the rest timer", () => {
    const conf = packConfig("NMC", 4, 10000);
    const { soc, m } = bootAt(conf, 5000);
    setCellsAtSoc(conf, m, 4000);
    run(conf, soc, m, conf.soc.restMs / 1000 - 1, 1000);
    m.currentMa = conf.soc.restCurrentMa;
    socStep(conf, soc, m, 1000);
    expect(soc.restMs).toBe(0);
    m.currentMa = conf.soc.restCurrentMa - 1;
    expect(run(conf, soc, m, conf.soc.restMs / 1000 - 1, 1000)).toEqual([]);
    expect(socStep(conf, soc, m, 1000)).toBe(SocAnchor.ocvRest);
  });

  it("NMC is corrected mid-range (50 % → 60 %)", () => {
    const conf = packConfig("NMC", 4, 10000);
    const { soc, m } = bootAt(conf, 5000);
    setCellsAtSoc(conf, m, 6000);
    expect(run(conf, soc, m, conf.soc.restMs / 1000, 1000)).toEqual([SocAnchor.ocvRest]);
    expect(soc.socCentiPct).toBe(6000);
  });

  it("LFP refuses the correction on the plateau (30 %, 50 %, 70 %)", () => {
    for (const target of [3000, 5000, 7000]) {
      const conf = packConfig("LFP", 4, 10000);
      const { soc, m } = bootAt(conf, 9000);
      setCellsAtSoc(conf, m, target);
      expect(run(conf, soc, m, conf.soc.restMs / 1000 + 5, 1000)).toEqual([]);
      expect(soc.socCentiPct).toBe(9000);
      expect(soc.restCorrected).toBe(true);
    }
  });

  it("LFP applies the correction at 10 % and at 97 %, off the plateau", () => {
    for (const target of [1000, 9700]) {
      const conf = packConfig("LFP", 4, 10000);
      const { soc, m } = bootAt(conf, 5000);
      setCellsAtSoc(conf, m, target);
      expect(run(conf, soc, m, conf.soc.restMs / 1000, 1000)).toEqual([SocAnchor.ocvRest]);
      expect(Math.abs(soc.socCentiPct - target)).toBeLessThanOrEqual(10);
    }
  });

  it("waits for valid cells before correcting", () => {
    const conf = packConfig("NMC", 4, 10000);
    const { soc, m } = bootAt(conf, 5000);
    setCellsAtSoc(conf, m, 4000);
    m.cellsValid = false;
    expect(run(conf, soc, m, conf.soc.restMs / 1000 + 5, 1000)).toEqual([]);
    m.cellsValid = true;
    expect(socStep(conf, soc, m, 1000)).toBe(SocAnchor.ocvRest);
  });
});

describe("end of charge", () => {
  function charging(chemistry: Chemistry) {
    const conf = packConfig(chemistry, 4, 10000);
    const { soc, m } = bootAt(conf, 8000);
    setCells(m, conf.soc.fullCellMv);
    m.currentMa = conf.soc.fullTailCurrentMa - 1;
    return { conf, soc, m };
  }

  for (const chemistry of ["LFP", "NMC"] as Chemistry[]) {
    it(`${chemistry}: SoC is reset to 100 % once the tail current has held for fullHoldMs, not before`, () => {
      const { conf, soc, m } = charging(chemistry);
      expect(run(conf, soc, m, conf.soc.fullHoldMs / 1000 - 1, 1000)).toEqual([]);
      expect(soc.socCentiPct).toBeLessThan(10000);
      expect(socStep(conf, soc, m, 1000)).toBe(SocAnchor.full);
      expect(soc.socCentiPct).toBe(10000);
      expect(soc.remainingMas).toBe(soc.capacityMas);
    });
  }

  it("a charging current at or above the tail current does not count as end of charge", () => {
    const { conf, soc, m } = charging("NMC");
    m.currentMa = conf.soc.fullTailCurrentMa;
    expect(run(conf, soc, m, conf.soc.fullHoldMs / 1000 + 5, 1000)).toEqual([]);
  });

  it("a current inside the rest band does not count as end of charge", () => {
    const { conf, soc, m } = charging("NMC");
    m.currentMa = conf.soc.restCurrentMa;
    expect(run(conf, soc, m, conf.soc.fullHoldMs / 1000 + 5, 1000)).toEqual([]);
  });

  it("the highest cell below fullCellMv does not count as end of charge", () => {
    const { conf, soc, m } = charging("NMC");
    setCells(m, conf.soc.fullCellMv - 1);
    expect(run(conf, soc, m, conf.soc.fullHoldMs / 1000 + 5, 1000)).toEqual([]);
    m.cellMv[3] = conf.soc.fullCellMv;
    expect(run(conf, soc, m, conf.soc.fullHoldMs / 1000, 1000)).toEqual([SocAnchor.full]);
  });

  it("the hold restarts when the tail condition breaks", () => {
    const { conf, soc, m } = charging("NMC");
    const hold = conf.soc.fullHoldMs / 1000;
    run(conf, soc, m, hold - 1, 1000);
    m.currentMa = conf.soc.fullTailCurrentMa + 1000;
    socStep(conf, soc, m, 1000);
    m.currentMa = conf.soc.fullTailCurrentMa - 1;
    expect(run(conf, soc, m, hold - 1, 1000)).toEqual([]);
    expect(socStep(conf, soc, m, 1000)).toBe(SocAnchor.full);
  });

  it("anchors once per charge and re-arms after a discharge", () => {
    const { conf, soc, m } = charging("NMC");
    const hold = conf.soc.fullHoldMs / 1000;
    expect(run(conf, soc, m, 3 * hold, 1000)).toEqual([SocAnchor.full]);
    // Charging pauses and resumes without a discharge: still the same charge.
    m.currentMa = 0;
    run(conf, soc, m, 10, 1000);
    m.currentMa = conf.soc.fullTailCurrentMa - 1;
    expect(run(conf, soc, m, 3 * hold, 1000)).toEqual([]);
    m.currentMa = -5000;
    run(conf, soc, m, 60, 1000);
    expect(soc.socCentiPct).toBeLessThan(10000);
    m.currentMa = conf.soc.fullTailCurrentMa - 1;
    expect(run(conf, soc, m, 3 * hold, 1000)).toEqual([SocAnchor.full]);
  });
});
