// Conformance, part 1: the voltage and temperature protections decide the same on every board,
// whatever AFE reads the cells: the same path opens, on the same fault, within the same delay
// after the firmware's own reading crossed the level, and the FETs or pins follow the decision.
import { describe, expect, it } from "vitest";
import { chipOvMarginMv, chipUvMarginMv } from "../../firmware/afe-limits";
import { boards, CellExtremes, Crossing, eventTime, faultsSet, PathWatch, runScenario, scenario, scenarioFile, tickSlackMs } from "./helpers";

/** A broken charger pushes 0.5C into a nearly full pack. */
const overcharge = scenario({
  name: "conformance-overcharge",
  durationS: 600,
  seed: 3,
  pack: { initialSocPct: 95, spread: { initialSocPct: 1 } },
  profile: [{ atS: 0, mode: "charger", c: 0.5, followLimits: false }],
});

/** A 0.5C load on a nearly empty pack until the firmware stops it. */
const overDischarge = scenario({
  name: "conformance-over-discharge",
  durationS: 450,
  seed: 4,
  pack: { initialSocPct: 12 },
  profile: [{ atS: 0, mode: "current", c: -0.5 }],
});

const overTemperature = scenarioFile("over-temperature-charge");
const coldCharge = scenarioFile("cold-charge");

describe.each(boards)("conformance of $name: voltage and temperature protection", (board) => {
  const p = board.pack.protection;
  const tick = board.tickMs;
  const slack = tickSlackMs(tick);

  it("an overcharge opens the charge path on cell-ov within its delay, keeps discharge usable, and no cell passes the fault level + 50 mV", () => {
    const ov = p.cellOvMv;
    const crossing = new Crossing((mv) => mv >= ov.faultLevel);
    const charge = new PathWatch(true);
    const discharge = new PathWatch(false);
    const cells = new CellExtremes();
    let sinceAtTrip = -1;
    const r = runScenario(overcharge, board, {
      onTick: (rig, out, t) => {
        cells.see(rig);
        crossing.see(out.maxCellMv, t);
        charge.see(rig, out, t);
        discharge.see(rig, out, t);
        if (charge.openedMs === t) sinceAtTrip = crossing.sinceMs;
      },
    });
    const trip = eventTime(r, "fault-set", "cell-ov fault");
    expect(trip).toBeGreaterThan(0);
    expect(charge.openedMs).toBe(trip);
    expect(eventTime(r, "mode", "fault (cell-ov)")).toBe(trip);
    // Not before the delay after the first reading at the level, and at most a tick or two after
    // the delay of the reading's last unbroken run above it.
    expect(trip - crossing.firstMs).toBeGreaterThanOrEqual(ov.delayMs - tick);
    expect(sinceAtTrip).toBeGreaterThan(0);
    expect(trip - sinceAtTrip).toBeLessThanOrEqual(ov.delayMs + slack);
    expect(cells.highestMv).toBeLessThan(ov.faultLevel + chipOvMarginMv);
    // Only cell-ov ever tripped (it may set again after releasing), the discharge path never
    // opened, and the switches followed the firmware on every tick.
    expect(new Set(faultsSet(r))).toEqual(new Set(["cell-ov fault"]));
    expect(discharge.closedMs).toBeGreaterThan(0);
    expect(discharge.openedMs).toBe(-1);
    expect(charge.disagreements + discharge.disagreements).toBe(0);
  });

  it("an over-discharge opens the discharge path on cell-uv within its delay and leaves charging allowed", () => {
    const uv = p.cellUvMv;
    const crossing = new Crossing((mv) => mv <= uv.faultLevel);
    const charge = new PathWatch(true);
    const discharge = new PathWatch(false);
    const cells = new CellExtremes();
    let sinceAtTrip = -1;
    const r = runScenario(overDischarge, board, {
      onTick: (rig, out, t) => {
        cells.see(rig);
        crossing.see(out.minCellMv, t);
        charge.see(rig, out, t);
        discharge.see(rig, out, t);
        if (discharge.openedMs === t) sinceAtTrip = crossing.sinceMs;
      },
    });
    const trip = eventTime(r, "fault-set", "cell-uv fault");
    expect(trip).toBeGreaterThan(0);
    expect(discharge.openedMs).toBe(trip);
    expect(eventTime(r, "mode", "fault (cell-uv)")).toBe(trip);
    expect(trip - crossing.firstMs).toBeGreaterThanOrEqual(uv.delayMs - tick);
    expect(sinceAtTrip).toBeGreaterThan(0);
    expect(trip - sinceAtTrip).toBeLessThanOrEqual(uv.delayMs + slack);
    // The firmware acted before any cell reached the level the chip's own protection holds.
    expect(cells.lowestMv).toBeGreaterThan(uv.faultLevel - chipUvMarginMv);
    expect(faultsSet(r)).toEqual(["cell-uv fault"]);
    expect(charge.closedMs).toBeGreaterThan(0);
    expect(charge.openedMs).toBe(-1);
    expect(r.summary.chargeEnable).toBe(true);
    expect(r.summary.dischargeEnable).toBe(false);
    expect(charge.disagreements + discharge.disagreements).toBe(0);
  });

  it("heat while charging opens the charge path on charge-ot within its delay after the hottest thermistor crossed the charge maximum", () => {
    const ot = p.chargeOtDeciC;
    const crossing = new Crossing((deciC) => deciC >= ot.faultLevel);
    const charge = new PathWatch(true);
    const discharge = new PathWatch(false);
    let sinceAtTrip = -1;
    let dischargeAtTrip: boolean | undefined;
    const r = runScenario(overTemperature, board, {
      onTick: (rig, out, t) => {
        // The firmware's own hottest reading: it leaves out implausible and stale ones.
        crossing.see(out.maxTemperatureDeciC, t);
        charge.see(rig, out, t);
        discharge.see(rig, out, t);
        if (charge.openedMs === t) {
          sinceAtTrip = crossing.sinceMs;
          dischargeAtTrip = rig.dischargeOn();
        }
      },
    });
    const trip = eventTime(r, "fault-set", "charge-ot fault");
    expect(trip).toBeGreaterThan(0);
    expect(charge.openedMs).toBe(trip);
    expect(eventTime(r, "mode", "fault (charge-ot)")).toBe(trip);
    expect(trip - crossing.firstMs).toBeGreaterThanOrEqual(ot.delayMs - tick);
    expect(sinceAtTrip).toBeGreaterThan(0);
    expect(trip - sinceAtTrip).toBeLessThanOrEqual(ot.delayMs + slack);
    // Discharge goes with it only where the discharge maximum is not above the charge maximum
    // (LFP: both 45 °C); otherwise it stays usable.
    expect(dischargeAtTrip).toBe(p.dischargeOtDeciC.faultLevel > ot.faultLevel);
    expect(charge.disagreements + discharge.disagreements).toBe(0);
  });

  it("a charger on a pack below the charge minimum never gets the charge path (charge-ut), while a load is still served", () => {
    const charge = new PathWatch(true);
    const discharge = new PathWatch(false);
    let chargedMa = 0;
    let servedMa = 0;
    const loadFromMs = coldCharge.profile[1].atS * 1000;
    const r = runScenario(coldCharge, board, {
      onTick: (rig, out, t) => {
        charge.see(rig, out, t);
        discharge.see(rig, out, t);
        if (rig.trueCurrentMa > chargedMa) chargedMa = rig.trueCurrentMa;
        if (t > loadFromMs && rig.trueCurrentMa < servedMa) servedMa = rig.trueCurrentMa;
      },
    });
    expect(eventTime(r, "fault-set", "charge-ut fault")).toBeGreaterThan(0);
    expect(faultsSet(r)).toEqual(["charge-ut fault"]);
    expect(charge.closedMs).toBe(-1);
    expect(chargedMa).toBe(0);
    expect(discharge.closedMs).toBeGreaterThan(0);
    expect(discharge.openedMs).toBe(-1);
    expect(servedMa).toBeLessThan(0);
    expect(r.summary.dischargeEnable).toBe(true);
    expect(charge.disagreements + discharge.disagreements).toBe(0);
  });
});
