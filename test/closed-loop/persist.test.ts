// SPDX-License-Identifier: MIT
// Closed loop: the unchanged firmware on the simulated board saves its state to the board's
// flash (SimStorage) and a new Rig on the same flash, as after a reset of the MCU, continues from
// it: the SoC counter instead of an OCV guess, the event log in order. A simulated day of use
// stays inside the documented write bound (firmware/persist.ts).
import { describe, expect, it } from "vitest";
import { findBoard } from "../../boards/index";
import type { BoardDefinition } from "../../boards/types";
import { eventSlot } from "../../firmware/events";
import { PersistStatus, routineSaveMs, saveGapMs } from "../../firmware/persist";
import { EventKind, SocAnchor } from "../../firmware/types";
import { Rig } from "../../sim/rig";
import type { SimStorage } from "../../sim/hal/platform";

const ambient = 25;

function rigFor(board: BoardDefinition, initialSocPct: number, storage?: SimStorage): Rig {
  return new Rig({ board, seed: 7, initialSocPct, spread: {}, ambientCelsius: ambient, storage });
}

/** Runs `ms` at a demanded current (mA, + charge), gated by the FETs and the published limits. */
function run(rig: Rig, demandMa: number, ms: number): void {
  const tickMs = rig.board.tickMs;
  const out = rig.shell.state.out;
  for (let t = 0; t < ms; t += tickMs) {
    const limited = demandMa > 0 ? Math.min(demandMa, out.chargeCurrentLimitMa) : Math.max(demandMa, -out.dischargeCurrentLimitMa);
    rig.advance(limited, tickMs, ambient);
    rig.shell.tick();
  }
}

function events(rig: Rig) {
  const log = rig.shell.state.events;
  const list: { seq: number; timeMs: number; kind: number; value: number; cause: number }[] = [];
  for (let k = 0; k < log.count; k++) {
    const s = eventSlot(log, k);
    list.push({ seq: log.total - log.count + k, timeMs: log.timeMs[s], kind: log.kind[s], value: log.value[s], cause: log.cause[s] });
  }
  return list;
}

const minute = 60_000;
const hour = 60 * minute;

describe("persisted state on the simulated wifi-ltc6813-16s (16S LFP 100 Ah)", () => {
  const board = findBoard("wifi-ltc6813-16s");

  it("continues the SoC and the event log across a reset after an hour of discharge", () => {
    const first = rigFor(board, 70);
    run(first, 0, 2000);
    run(first, -30_000, hour);
    run(first, 0, 11 * minute); // the routine save after the last movement
    const soc = first.shell.state.soc.socCentiPct;
    expect(soc).toBeLessThan(4500);
    const before = events(first);

    const second = rigFor(board, first.pack.trueSocPct(), first.platform.storage);
    expect(second.shell.persistStatus).toBe(PersistStatus.restored);
    // The same pack started without its flash: what an OCV guess gives here.
    const fresh = rigFor(board, first.pack.trueSocPct());
    run(second, 0, 2000);
    run(fresh, 0, 2000);
    expect(Math.abs(second.shell.state.soc.socCentiPct - soc)).toBeLessThanOrEqual(10);
    // The check above can tell the two apart: the OCV guess lies further off than 0.1 %.
    expect(Math.abs(fresh.shell.state.soc.socCentiPct - soc)).toBeGreaterThan(10);
    const after = events(second);
    const boot = second.shell.state.events.bootSequence;
    expect(boot).toBe(before.at(-1)!.seq + 1);
    // The restored events are the newest of the old run, in order, with the old clock's stamps.
    const restored = after.filter((e) => e.seq < boot);
    expect(restored.length).toBeGreaterThan(0);
    expect(restored).toEqual(before.slice(-restored.length));
    // No OCV boot anchor in the new run: the counter went on.
    expect(after.some((e) => e.seq >= boot && e.kind === EventKind.socCorrected && e.cause === SocAnchor.ocvBoot)).toBe(false);
  });

  it("keeps the SoC within the 1 % save step when the reset comes in the middle of a discharge", () => {
    const first = rigFor(board, 70);
    run(first, 0, 2000);
    run(first, -30_000, 37 * minute);
    const soc = first.shell.state.soc.socCentiPct;
    const second = rigFor(board, first.pack.trueSocPct(), first.platform.storage);
    run(second, 0, 2000);
    expect(Math.abs(second.shell.state.soc.socCentiPct - soc)).toBeLessThanOrEqual(100);
  });

  it("stays under the documented write bound over a simulated day of cycling", () => {
    // One-second ticks keep a day of simulation short; the policy depends on time, not ticks.
    const slow: BoardDefinition = { ...board, tickMs: 1000 };
    const rig = rigFor(slow, 50);
    run(rig, 0, 10_000);
    let movedCentiPct = 0;
    let last = rig.shell.state.soc.socCentiPct;
    const track = (demandMa: number, ms: number) => {
      for (let t = 0; t < ms; t += 10 * minute) {
        run(rig, demandMa, 10 * minute);
        movedCentiPct += Math.abs(rig.shell.state.soc.socCentiPct - last);
        last = rig.shell.state.soc.socCentiPct;
      }
    };
    for (let cycle = 0; cycle < 8; cycle++) {
      track(-30_000, hour);
      track(0, 30 * minute);
      track(30_000, hour);
      track(0, 30 * minute);
    }
    const writes = rig.shell.persist.writes;
    expect(rig.shell.persist.failedWrites).toBe(0);
    expect(writes).toBeGreaterThan(0);
    // The hard bound: one save per saveGapMs at most (no latching fault in this day).
    expect(writes).toBeLessThanOrEqual((24 * hour) / saveGapMs);
    // The ordinary bound: one per 1 % moved plus the routine saves.
    expect(writes).toBeLessThanOrEqual(Math.ceil(movedCentiPct / 100) + (24 * hour) / routineSaveMs);
  });
});
