// SPDX-License-Identifier: MIT
// Passive balancing selection: start/stop hysteresis against the lowest cell, the highest cells
// first up to maxCells, no adjacent pairs, minimum cell voltage, temperature window, permission.
import { describe, expect, it } from "vitest";
import { balanceStep, createBalanceState } from "../../firmware/balancing";
import type { BalanceState, Measurements, PackConfig } from "../../firmware/types";
import { measurements, packConfig } from "./fixtures";

/** 8 NMC cells resting 50 mV above the balancing floor; settings made explicit per test. */
function rig(over: Partial<PackConfig["balancing"]> = {}): { conf: PackConfig; bal: BalanceState; m: Measurements; base: number } {
  const conf = packConfig("NMC", 8, 10000);
  Object.assign(conf.balancing, { enabled: true, maxCells: 8, noAdjacent: false }, over);
  const base = conf.balancing.minCellMv + 50;
  return { conf, bal: createBalanceState(8), m: measurements(conf, base, 0), base };
}

function activeCells(bal: BalanceState): number[] {
  const on: number[] = [];
  bal.active.forEach((a, i) => {
    if (a) on.push(i);
  });
  return on;
}

describe("start and stop hysteresis", () => {
  it("a cell starts bleeding only once it is more than startMv above the lowest cell", () => {
    const { conf, bal, m, base } = rig();
    m.cellMv[4] = base + conf.balancing.startMv;
    balanceStep(conf, bal, m, true);
    expect(activeCells(bal)).toEqual([]);
    m.cellMv[4] = base + conf.balancing.startMv + 1;
    balanceStep(conf, bal, m, true);
    expect(activeCells(bal)).toEqual([4]);
    expect(bal.count).toBe(1);
  });

  it("a bleeding cell goes on until it is no more than stopMv above the lowest, and does not restart below startMv", () => {
    const { conf, bal, m, base } = rig();
    const b = conf.balancing;
    expect(b.stopMv).toBeLessThan(b.startMv);
    m.cellMv[4] = base + b.startMv + 1;
    balanceStep(conf, bal, m, true);
    m.cellMv[4] = base + b.stopMv + 1;
    balanceStep(conf, bal, m, true);
    expect(activeCells(bal)).toEqual([4]);
    m.cellMv[4] = base + b.stopMv;
    balanceStep(conf, bal, m, true);
    expect(activeCells(bal)).toEqual([]);
    m.cellMv[4] = base + b.stopMv + 1;
    balanceStep(conf, bal, m, true);
    expect(activeCells(bal)).toEqual([]);
  });

  it("the reference is the lowest cell: when it rises the bleeding cell stops", () => {
    const { conf, bal, m, base } = rig();
    m.cellMv[2] = base + conf.balancing.startMv + 5;
    balanceStep(conf, bal, m, true);
    expect(activeCells(bal)).toEqual([2]);
    for (let i = 0; i < 8; i++) if (i !== 2) m.cellMv[i] = m.cellMv[2] - conf.balancing.stopMv;
    balanceStep(conf, bal, m, true);
    expect(activeCells(bal)).toEqual([]);
  });
});

describe("selection", () => {
  it("maxCells picks the highest cells", () => {
    const { conf, bal, m, base } = rig({ maxCells: 3 });
    const above = [40, 90, 70, 30, 100, 60, 80, 0];
    for (let i = 0; i < 8; i++) m.cellMv[i] = base + above[i];
    balanceStep(conf, bal, m, true);
    expect(activeCells(bal)).toEqual([1, 4, 6]);
    expect(bal.count).toBe(3);
  });

  it("never bleeds two adjacent cells when noAdjacent is set: the higher one wins", () => {
    const { conf, bal, m, base } = rig({ noAdjacent: true });
    const above = [0, 50, 60, 55, 0, 40, 45, 44];
    for (let i = 0; i < 8; i++) m.cellMv[i] = base + above[i];
    balanceStep(conf, bal, m, true);
    // 2 (60) beats 1 and 3; 6 (45) beats 5 and 7.
    expect(activeCells(bal)).toEqual([2, 6]);
  });

  it("with noAdjacent off, neighbours bleed together", () => {
    const { conf, bal, m, base } = rig({ noAdjacent: false });
    const above = [0, 50, 60, 55, 0, 0, 0, 0];
    for (let i = 0; i < 8; i++) m.cellMv[i] = base + above[i];
    balanceStep(conf, bal, m, true);
    expect(activeCells(bal)).toEqual([1, 2, 3]);
  });

  it("on equal voltages a cell already bleeding keeps its place", () => {
    const { conf, bal, m, base } = rig({ maxCells: 1 });
    m.cellMv[5] = base + 60;
    balanceStep(conf, bal, m, true);
    expect(activeCells(bal)).toEqual([5]);
    m.cellMv[1] = base + 60;
    balanceStep(conf, bal, m, true);
    expect(activeCells(bal)).toEqual([5]);
  });

  it("no cell below minCellMv bleeds, whatever the spread", () => {
    const { conf, bal, m } = rig();
    const min = conf.balancing.minCellMv;
    for (let i = 0; i < 8; i++) m.cellMv[i] = min - 300 + 30 * i;
    balanceStep(conf, bal, m, true);
    expect(activeCells(bal)).toEqual([]);
    m.cellMv[7] = min;
    balanceStep(conf, bal, m, true);
    expect(activeCells(bal)).toEqual([7]);
  });

  it("keeps the same arrays: the state is written in place", () => {
    const { conf, bal, m, base } = rig();
    const active = bal.active;
    const candidate = bal.candidate;
    m.cellMv[3] = base + 100;
    balanceStep(conf, bal, m, true);
    expect(bal.active).toBe(active);
    expect(bal.candidate).toBe(candidate);
  });
});

describe("guards", () => {
  function imbalanced() {
    const r = rig();
    r.m.cellMv[3] = r.base + 100;
    return r;
  }

  it("stops everything when not allowed, when disabled and when the cell readings are stale", () => {
    const { conf, bal, m } = imbalanced();
    balanceStep(conf, bal, m, true);
    expect(bal.count).toBe(1);
    balanceStep(conf, bal, m, false);
    expect(activeCells(bal)).toEqual([]);
    expect(bal.count).toBe(0);

    balanceStep(conf, bal, m, true);
    conf.balancing.enabled = false;
    balanceStep(conf, bal, m, true);
    expect(activeCells(bal)).toEqual([]);
    conf.balancing.enabled = true;

    balanceStep(conf, bal, m, true);
    m.cellsValid = false;
    balanceStep(conf, bal, m, true);
    expect(activeCells(bal)).toEqual([]);
  });

  it("bleeds only with every temperature fresh and inside the window, edges included", () => {
    const { conf, bal, m } = imbalanced();
    const b = conf.balancing;
    const expectAt = (deciC: number, on: boolean) => {
      m.temperatureDeciC[m.temperatureDeciC.length - 1] = deciC;
      balanceStep(conf, bal, m, true);
      expect(bal.count > 0).toBe(on);
    };
    expectAt(b.maxTemperatureDeciC, true);
    expectAt(b.maxTemperatureDeciC + 1, false);
    expectAt(b.minTemperatureDeciC, true);
    expectAt(b.minTemperatureDeciC - 1, false);
    expectAt(250, true);
    m.temperaturesValid = false;
    balanceStep(conf, bal, m, true);
    expect(bal.count).toBe(0);
  });

  it("stops while any sense wire is open", () => {
    const { conf, bal, m } = imbalanced();
    m.openWire[6] = true;
    balanceStep(conf, bal, m, true);
    expect(bal.count).toBe(0);
  });

  it("maxCells 0 bleeds nothing", () => {
    const { conf, bal, m } = imbalanced();
    conf.balancing.maxCells = 0;
    balanceStep(conf, bal, m, true);
    expect(bal.count).toBe(0);
  });
});
