// SPDX-License-Identifier: MIT
// The AFE's own protection flags in the fault table (evaluateFaults' chip array): a flag trips
// its row's fault tier at once, even with the row's measurement missing, with the chip as cause;
// its warning tier follows; a latched row still waits for a clear once the flag is gone; and the
// mapping of the contract's flags onto rows.
import { describe, expect, it } from "vitest";
import { createChipFaults, mapChipFaults } from "../../firmware/chip-faults";
import { createEventLog, eventSlot } from "../../firmware/events";
import { FaultId, faultCount } from "../../firmware/fault-ids";
import { compileFaultTable, createFaultState, evaluateFaults } from "../../firmware/faults";
import { EventKind, FaultCause } from "../../firmware/types";
import { benchConfig } from "./core-bench";

const dtMs = 100;

function table() {
  const conf = benchConfig("NMC");
  const t = compileFaultTable(conf);
  const f = createFaultState();
  const log = createEventLog(64);
  const chip = new Array<boolean>(faultCount).fill(false);
  // Every row measured and good: the level rows at a value far inside, the conditions at 0.
  for (let id = 0; id < faultCount; id++) {
    t.available[id] = true;
    t.value[id] = 0;
  }
  t.value[FaultId.cellOv] = 3700;
  t.value[FaultId.cellUv] = 3700;
  t.value[FaultId.chargeOt] = 250;
  t.value[FaultId.dischargeOt] = 250;
  t.value[FaultId.chargeUt] = 250;
  t.value[FaultId.dischargeUt] = 250;
  let now = 0;
  const evaluate = (clear = false) => {
    now += dtMs;
    return evaluateFaults(t, f, log, chip, clear, dtMs, now);
  };
  const events = () => {
    const list: { kind: number; value: number; cause: number }[] = [];
    for (let k = 0; k < log.count; k++) {
      const s = eventSlot(log, k);
      list.push({ kind: log.kind[s], value: log.value[s], cause: log.cause[s] });
    }
    return list;
  };
  return { conf, t, f, chip, evaluate, events };
}

describe("chip protection flags in the fault table", () => {
  it("a flag trips its row's fault tier on the first sample, with the chip as cause, though the value is good", () => {
    const x = table();
    expect(x.evaluate()).toBe(-1);
    x.chip[FaultId.chargeOc] = true;
    expect(x.evaluate()).toBe(FaultId.chargeOc);
    expect(x.f.faultActive[FaultId.chargeOc]).toBe(true);
    expect(x.f.byChip[FaultId.chargeOc]).toBe(true);
    expect(x.events().filter((e) => e.kind === EventKind.faultSet)).toEqual([
      { kind: EventKind.faultSet, value: FaultId.chargeOc, cause: FaultCause.warning },
      { kind: EventKind.faultSet, value: FaultId.chargeOc, cause: FaultCause.chip },
    ]);
  });

  it("a flag trips its row even while the row's measurement is unavailable (after a cut the reading may be gone)", () => {
    const x = table();
    x.t.available[FaultId.shortCircuit] = false;
    x.evaluate();
    x.chip[FaultId.shortCircuit] = true;
    expect(x.evaluate()).toBe(FaultId.shortCircuit);
    expect(x.f.faultActive[FaultId.shortCircuit]).toBe(true);
  });

  it("names the chip as cause when chip and firmware see the fault on the same sample", () => {
    const x = table();
    x.t.value[FaultId.cellOv] = x.conf.protection.cellOvMv.faultLevel;
    x.chip[FaultId.cellOv] = true;
    x.evaluate();
    const sets = x.events().filter((e) => e.kind === EventKind.faultSet && e.cause !== FaultCause.warning);
    expect(sets).toEqual([{ kind: EventKind.faultSet, value: FaultId.cellOv, cause: FaultCause.chip }]);
  });

  it("a firmware trip is not marked as the chip's", () => {
    const x = table();
    x.t.value[FaultId.shortCircuit] = x.conf.protection.shortCircuitMa.faultLevel;
    x.evaluate();
    expect(x.f.faultActive[FaultId.shortCircuit]).toBe(true);
    expect(x.f.byChip[FaultId.shortCircuit]).toBe(false);
  });

  it("a latched row tripped by the chip ignores a clear while the flag is up and needs one after it is gone", () => {
    const x = table();
    expect(x.conf.protection.shortCircuitMa.latch).toBe(true);
    x.chip[FaultId.shortCircuit] = true;
    x.evaluate();
    x.evaluate(true);
    expect(x.f.faultActive[FaultId.shortCircuit]).toBe(true);
    x.chip[FaultId.shortCircuit] = false;
    for (let k = 0; k < 50; k++) x.evaluate();
    expect(x.f.faultActive[FaultId.shortCircuit]).toBe(true);
    x.evaluate(true);
    expect(x.f.faultActive[FaultId.shortCircuit]).toBe(false);
    expect(x.f.byChip[FaultId.shortCircuit]).toBe(false);
  });

  it("an unlatched row tripped by the chip releases only after its delay has run down once the flag is gone", () => {
    const x = table();
    const delay = x.conf.protection.cellOvMv.delayMs;
    expect(x.conf.protection.cellOvMv.latch).toBe(false);
    x.chip[FaultId.cellOv] = true;
    for (let k = 0; k < 20; k++) x.evaluate();
    x.chip[FaultId.cellOv] = false;
    let released = -1;
    for (let k = 1; k <= 3 * (delay / dtMs) && released < 0; k++) {
      x.evaluate();
      if (!x.f.faultActive[FaultId.cellOv]) released = k;
    }
    expect(released * dtMs).toBe(delay);
  });

  it("the warning tier follows the flag: set with it, held while it is up, released after the flag and the delay", () => {
    const x = table();
    const delay = x.conf.protection.dischargeOtDeciC.delayMs;
    x.chip[FaultId.dischargeOt] = true;
    x.evaluate();
    expect(x.f.warnActive[FaultId.dischargeOt]).toBe(true);
    for (let k = 0; k < 20; k++) x.evaluate();
    expect(x.f.warnActive[FaultId.dischargeOt]).toBe(true);
    x.chip[FaultId.dischargeOt] = false;
    for (let k = 0; k < delay / dtMs - 1; k++) x.evaluate();
    expect(x.f.warnActive[FaultId.dischargeOt]).toBe(true);
    for (let k = 0; k < 2; k++) x.evaluate();
    expect(x.f.warnActive[FaultId.dischargeOt]).toBe(false);
  });
});

describe("mapping the contract's chip flags onto fault rows", () => {
  it("maps each flag to its row, over-temperature to discharge OT, under-temperature to charge UT, deviceError to none", () => {
    const rows = new Array<boolean>(faultCount).fill(true);
    const chip = createChipFaults();
    mapChipFaults(chip, rows);
    expect(rows.every((r) => !r)).toBe(true);
    const single: [keyof typeof chip, number][] = [
      ["cellOv", FaultId.cellOv],
      ["cellUv", FaultId.cellUv],
      ["chargeOc", FaultId.chargeOc],
      ["dischargeOc", FaultId.dischargeOc],
      ["shortCircuit", FaultId.shortCircuit],
      ["overTemperature", FaultId.dischargeOt],
      ["underTemperature", FaultId.chargeUt],
    ];
    for (const [flag, id] of single) {
      const c = createChipFaults();
      c[flag] = true;
      mapChipFaults(c, rows);
      expect(rows.map((r, k) => (r ? k : -1)).filter((k) => k >= 0)).toEqual([id]);
    }
    const c = createChipFaults();
    c.deviceError = true;
    c.chargeOn = true;
    c.dischargeOn = true;
    mapChipFaults(c, rows);
    expect(rows.every((r) => !r)).toBe(true);
  });
});
