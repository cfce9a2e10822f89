// SPDX-License-Identifier: MIT
// The fault rows as the specification states them, written independently of firmware/faults.ts
// so the tests check the table instead of repeating it: which quantity each row watches, which
// way is bad, which paths its fault tier opens, and where its levels come from.
import { FaultId } from "../../firmware/fault-ids";
import type { Chemistry, FaultLimit, PackConfig } from "../../firmware/types";
import { benchConfig, nominalCellMv } from "./core-bench";
import type { Bench } from "./core-bench";

export interface Levels {
  warn: number;
  fault: number;
  hysteresis: number;
  delayMs: number;
}

export interface FaultCase {
  id: FaultId;
  name: string;
  /** Paths the fault tier opens. */
  opensCharge: boolean;
  opensDischarge: boolean;
  /** Bad at or above the level (true) or at or below it. */
  above: boolean;
  /** A yes/no condition: set(b, 1) makes it bad, set(b, 0) good; levels are 1/1/0. */
  condition: boolean;
  /** Which current limit a warning derates (level rows only). */
  derates?: "charge" | "discharge";
  /** The measurement the row's quantity comes from; while it is invalid the row holds. */
  source?: "cells" | "temperatures" | "current";
  config(chemistry: Chemistry, latch: boolean): PackConfig;
  levels(c: PackConfig): Levels;
  /** Puts the row's quantity at `v` (level rows) or the condition bad (1) / good (0). */
  set(b: Bench, v: number): void;
}

function fromLimit(l: FaultLimit): Levels {
  return { warn: l.warnLevel, fault: l.faultLevel, hysteresis: l.hysteresis, delayMs: l.delayMs };
}

function levelRow(
  id: FaultId,
  name: string,
  paths: [boolean, boolean],
  above: boolean,
  derates: "charge" | "discharge",
  source: "cells" | "temperatures" | "current",
  pick: (c: PackConfig) => FaultLimit,
  set: (b: Bench, v: number) => void,
  tune: (c: PackConfig) => void = () => {},
): FaultCase {
  return {
    id,
    name,
    opensCharge: paths[0],
    opensDischarge: paths[1],
    above,
    condition: false,
    derates,
    source,
    config: (chemistry, latch) => {
      const c = benchConfig(chemistry);
      tune(c);
      pick(c).latch = latch;
      return c;
    },
    levels: (c) => fromLimit(pick(c)),
    set,
  };
}

function conditionRow(id: FaultId, name: string, delay: (c: PackConfig) => number, set: (b: Bench, v: number) => void, source?: "cells"): FaultCase {
  return {
    id,
    name,
    opensCharge: true,
    opensDischarge: true,
    above: true,
    condition: true,
    source,
    config: (chemistry, latch) => {
      const c = benchConfig(chemistry);
      c.sensors.latch = latch;
      return c;
    },
    levels: (c) => ({ warn: 1, fault: 1, hysteresis: 0, delayMs: delay(c) }),
    set,
  };
}

const setTemperature = (b: Bench, v: number) => {
  b.m.temperatureDeciC[0] = v;
};

/** Moves the temperature rows apart so that the row under test trips alone. */
function separateHot(c: PackConfig, first: "charge" | "discharge"): void {
  const low = { warnLevel: 400, faultLevel: 450 };
  const high = { warnLevel: 550, faultLevel: 600 };
  Object.assign(first === "charge" ? c.protection.chargeOtDeciC : c.protection.dischargeOtDeciC, low);
  Object.assign(first === "charge" ? c.protection.dischargeOtDeciC : c.protection.chargeOtDeciC, high);
}

function separateCold(c: PackConfig, first: "charge" | "discharge"): void {
  const cut = c.protection.chargeUtDeciC;
  const dut = c.protection.dischargeUtDeciC;
  if (first === "charge") Object.assign(dut, { warnLevel: cut.faultLevel - 50, faultLevel: cut.faultLevel - 100 });
  else Object.assign(dut, { warnLevel: cut.faultLevel + 150, faultLevel: cut.faultLevel + 100 });
}

export const faultCases: FaultCase[] = [
  levelRow(FaultId.cellOv, "cell over-voltage", [true, false], true, "charge", "cells", (c) => c.protection.cellOvMv, (b, v) => {
    b.m.cellMv[3] = v;
  }),
  levelRow(FaultId.cellUv, "cell under-voltage", [false, true], false, "discharge", "cells", (c) => c.protection.cellUvMv, (b, v) => {
    b.m.cellMv[2] = v;
  }),
  levelRow(FaultId.chargeOc, "charge over-current", [true, false], true, "charge", "current", (c) => c.protection.chargeOcMa, (b, v) => {
    b.currentMa = v;
  }),
  levelRow(FaultId.dischargeOc, "discharge over-current", [false, true], true, "discharge", "current", (c) => c.protection.dischargeOcMa, (b, v) => {
    b.currentMa = -v;
  }),
  levelRow(FaultId.shortCircuit, "short circuit", [true, true], true, "discharge", "current", (c) => c.protection.shortCircuitMa, (b, v) => {
    b.currentMa = -v;
  }),
  levelRow(FaultId.chargeOt, "charge over-temperature", [true, false], true, "charge", "temperatures", (c) => c.protection.chargeOtDeciC, setTemperature, (c) => separateHot(c, "charge")),
  levelRow(FaultId.chargeUt, "charge under-temperature", [true, false], false, "charge", "temperatures", (c) => c.protection.chargeUtDeciC, setTemperature, (c) => separateCold(c, "charge")),
  levelRow(FaultId.dischargeOt, "discharge over-temperature", [true, true], true, "discharge", "temperatures", (c) => c.protection.dischargeOtDeciC, setTemperature, (c) => separateHot(c, "discharge")),
  levelRow(FaultId.dischargeUt, "discharge under-temperature", [false, true], false, "discharge", "temperatures", (c) => c.protection.dischargeUtDeciC, setTemperature, (c) => separateCold(c, "discharge")),
  conditionRow(FaultId.cellSensor, "cell sensor (open wire)", (c) => c.sensors.sensorDelayMs, (b, v) => {
    b.m.openWire[5] = v === 1;
  }, "cells"),
  conditionRow(FaultId.temperatureSensor, "temperature sensor (open thermistor)", (c) => c.sensors.sensorDelayMs, (b, v) => {
    b.m.temperatureDeciC[1] = v === 1 ? -1500 : 250;
  }),
  conditionRow(FaultId.currentSensor, "current sensor (no reading)", (c) => c.sensors.sensorDelayMs, (b, v) => {
    b.m.currentValid = v !== 1;
  }),
  conditionRow(FaultId.stackMismatch, "stack mismatch", (c) => c.sensors.sensorDelayMs, (b, v) => {
    b.stackOffsetMv = v === 1 ? b.conf.sensors.stackToleranceMv + 1 : 0;
  }, "cells"),
  conditionRow(FaultId.afeComm, "AFE communication", (c) => c.sensors.afeLossDelayMs, (b, v) => {
    b.m.cellsValid = v !== 1;
  }),
];

/** The row's quantity back at its everyday value. */
export function setGood(fc: FaultCase, b: Bench): void {
  if (fc.condition) fc.set(b, 0);
  else if (fc.source === "cells") b.setAllCells(nominalCellMv[b.conf.chemistry]);
  else if (fc.source === "current") fc.set(b, 0);
  else fc.set(b, 250);
}

/** A value `offset` past the level toward the good side (negative: beyond it). */
export function inside(fc: FaultCase, level: number, offset: number): number {
  return fc.above ? level - offset : level + offset;
}

/** Makes the row's source measurement invalid (true) or valid again. */
export function invalidate(fc: FaultCase, b: Bench, invalid: boolean): void {
  if (fc.source === "cells") b.m.cellsValid = !invalid;
  else if (fc.source === "temperatures") b.m.temperaturesValid = !invalid;
  else if (fc.source === "current") b.m.currentValid = !invalid;
}
