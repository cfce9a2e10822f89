// Conformance, part 3: a full charge of an imbalanced pack on every board. The charger obeys
// the BMS limits; the firmware must bring the pack to its end-of-charge detection without a
// cell-ov fault, bleed only as many cells as the board allows (never two neighbours where the
// AFE forbids it), and shrink the cell spread measurably.
//
// Passive balancing is slow, and how slow depends on the board: a bleed resistor removes
// V/R from one cell (≈ 52 mA from a 280 Ah cell on the 36S board, ≈ 112 mA from a 5 Ah cell on
// the 12S board, cells-and-limits.md §10). So each board gets the charge plus the time one of
// its bleed resistors needs to remove 1 % of a cell's capacity, and every board must then have
// cut the spread by at least a tenth. The charge is simulated with 1 s ticks (the firmware's
// delays and counters are in ms, not ticks), which keeps the 36S board's 55 h affordable.
import { describe, expect, it } from "vitest";
import { boards, runScenario, scenario } from "./helpers";

/** Time for the charge itself, from 60 % at 0.5C to the end-of-charge detection, with margin. */
const chargeS = 1.5 * 3600;
/** The spread must end at most this fraction of where it started. */
const spreadKept = 0.9;

describe.each(boards)("conformance of $name: balancing", (board) => {
  const bal = board.pack.balancing;
  // The least a bleed resistor draws: at the lowest cell voltage that may bleed.
  const bleedMa = bal.minCellMv / board.afe.bleedOhms;
  const windowS = Math.ceil(((board.pack.capacityMah / 100) * 3600) / bleedMa);
  const charge = scenario({
    name: "conformance-imbalanced-charge",
    durationS: chargeS + windowS,
    tickMs: 1000,
    seed: 11,
    sampleS: 3600,
    // σ 1.5 % SoC: 7 points between the lowest and the highest cell. Equal capacities, so only
    // balancing (and self-discharge, far smaller) moves the spread.
    pack: { initialSocPct: 60, spread: { initialSocPct: 1.5, capacityPct: 0 } },
    profile: [{ atS: 0, mode: "charger", c: 0.5, followLimits: true }],
  });

  it(`a full charge of an imbalanced pack ends without a cell-ov fault, within the board's bleed limits, and cuts the spread by a tenth (${Math.round(charge.durationS / 3600)} h)`, () => {
    let fullAtMs = -1;
    let highestMv = 0;
    let mostBleeding = 0;
    let neighboursBleeding = 0;
    const r = runScenario(charge, board, {
      onTick: (rig, _out, t) => {
        if (fullAtMs < 0 && rig.shell.state.soc.fullAnchored) fullAtMs = t;
        let bleeding = 0;
        for (let i = 0; i < rig.pack.cellCount; i++) {
          highestMv = Math.max(highestMv, rig.pack.cellVolts(i) * 1000);
          if (!rig.pack.bleeding(i)) continue;
          bleeding++;
          if (i > 0 && rig.pack.bleeding(i - 1)) neighboursBleeding++;
        }
        mostBleeding = Math.max(mostBleeding, bleeding);
      },
    });
    // The charge ran to the firmware's end-of-charge detection (highest cell full, tail current).
    expect(fullAtMs).toBeGreaterThan(0);
    expect(fullAtMs).toBeLessThanOrEqual(chargeS * 1000);
    expect(r.events.filter((e) => e.kind === "fault-set" && e.detail.startsWith("cell-ov fault"))).toEqual([]);
    expect(highestMv).toBeLessThan(board.pack.protection.cellOvMv.faultLevel);
    expect(r.rig.shell.state.out.faultCount).toBe(0);
    // The bleed pattern the chip really switched stays inside the board's limits.
    expect(mostBleeding).toBeGreaterThan(0);
    expect(mostBleeding).toBeLessThanOrEqual(bal.maxCells);
    expect(bal.noAdjacent ? neighboursBleeding : 0).toBe(0);
    expect(r.summary.balancingWh).toBeGreaterThan(0);
    // Measurably more even.
    expect(r.summary.spreadStartSocPct).toBeGreaterThan(5);
    expect(r.summary.spreadEndSocPct).toBeLessThanOrEqual(spreadKept * r.summary.spreadStartSocPct);
    expect(r.summary.internalErrors).toBe(0);
  });
});
