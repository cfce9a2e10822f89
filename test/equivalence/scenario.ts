// SPDX-License-Identifier: MIT
// The equivalence scenario (test/equivalence/three-runtimes.test.ts explains it): more than two
// simulated hours of charge into balancing and an over-voltage trip, a rest, a discharge, an open
// thermistor latched and cleared, more discharge; every runtime gets the same profile, and each
// tick's record is compared with the reference runtime's.
import { findBoard } from "../../boards/index";
import type { BoardDefinition } from "../../boards/types";
import { firstDifference } from "./runtimes";
import type { Runtime, TickRecord } from "./runtimes";

export const tickMs = 2000;
export const tickS = tickMs / 1000;
export const durationS = 7200;
const withTick = (name: string): BoardDefinition => ({ ...findBoard(name), tickMs });
export const pico = withTick("pico-ltc6811-12s");
export const nodemcu = withTick("nodemcu-esp32-ltc6811-12s");
/** Started high with a spread of cell SoC and capacity, so the top cells reach their limit first. */
export const setup = { seed: 11, initialSocPct: 85, spread: { initialSocPct: 3, capacityPct: 3 }, ambientCelsius: 25 };

/** The scenario, by simulated second: a fixed profile that never looks at the BMS's limits. */
export const chargeUntilS = 2400;
export const dischargeFromS = 3000;
export const thermistorOpen = { sensor: 0, fromS: 4800, untilS: 5400 };
export const clearFaultsAtS = 6000;
/** 0.3 C in, then 0.5 C out (mA, positive into the pack); every runtime's own FETs gate it. */
export const demandMa = (tS: number): number => (tS <= chargeUntilS ? 1500 : tS <= dischargeFromS ? 0 : -2500);

export interface Run {
  reference: Runtime;
  records: TickRecord[];
  currents: number[];
  /** Per other runtime: the first tick and field where it differs from the reference, if any. */
  differences: { runtime: string; tick: number; field: string; reference: unknown; other: unknown }[];
  events: Map<string, string[]>;
  internalErrors: Map<string, number>;
}

/** Runs the scenario through `reference` and `others`; a runtime is stopped at its first difference. */
export function runScenario(reference: Runtime, others: Runtime[]): Run {
  const all = [reference, ...others];
  const run: Run = { reference, records: [], currents: [], differences: [], events: new Map(), internalErrors: new Map() };
  const pending = new Set(others);
  for (let k = 1; k * tickMs <= durationS * 1000; k++) {
    const tS = (k * tickMs) / 1000;
    for (const r of all) {
      if (tS === thermistorOpen.fromS) r.setThermistorOpen(thermistorOpen.sensor, true);
      if (tS === thermistorOpen.untilS) r.setThermistorOpen(thermistorOpen.sensor, false);
      if (tS === clearFaultsAtS) r.clearFaults();
    }
    const want = reference.step(demandMa(tS), tickMs);
    run.records.push(want);
    run.currents.push(reference.currentMa());
    for (const r of others) {
      // A runtime that diverged is stopped: from then on its sim side differs as well.
      if (!pending.has(r)) continue;
      const d = firstDifference(want, r.step(demandMa(tS), tickMs));
      if (d !== undefined) {
        run.differences.push({ runtime: r.name, tick: k, field: d.field, reference: d.a, other: d.b });
        pending.delete(r);
      }
    }
  }
  for (const r of all) {
    run.events.set(r.name, r.events());
    run.internalErrors.set(r.name, r.internalErrors());
  }
  return run;
}
