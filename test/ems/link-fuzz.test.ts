// SPDX-License-Identifier: MIT
// Garbage on the bus: thousands of random frames (seeded, so a failure replays) never make the
// supervisor throw, never get a frame with a bad CRC or an invalid counter accepted, and never
// raise a limit above the BMS's own.
import { describe, expect, it } from "vitest";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { createCanFrame } from "../../hal/can";
import type { CanFrame } from "../../hal/can";
import { CommandResult, commandResultCount } from "../../firmware/ems/commands";
import { notACommand } from "../../firmware/ems/link";
import { LinkAction } from "../../firmware/ems/link-config";
import { EmsBench } from "./link-bench";

/** CRC-8/SAE-J1850 built independently of the firmware: a 256-entry table from the polynomial. */
const table = (() => {
  const t: number[] = [];
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 0x80 ? ((c << 1) ^ 0x1d) & 0xff : (c << 1) & 0xff;
    t.push(c);
  }
  return t;
})();

function oracleCrc(id: number, data: number[]): number {
  let c = 0;
  for (const b of [id & 0xff, (id >>> 8) & 0xff, ...data.slice(1, 8)]) c = table[c ^ b];
  return c;
}

/** A payload that passes the range check most of the time (reserved bytes 0, a sound value). */
function plausible(f: CanFrame, draw: (lo: number, hi: number) => number): void {
  f.dlc = 8;
  f.remote = false;
  for (let i = 2; i < 8; i++) f.data[i] = 0;
  if (f.id === 0x4b0) f.data[2] = draw(0, 4);
  else if (f.id === 0x4b1) {
    for (let i = 2; i < 6; i++) f.data[i] = draw(0, 3) === 0 ? 0xff : draw(0, 4);
  } else if (f.id === 0x4b2) f.data[2] = draw(0, 5) === 0 ? 0x55 : 0xaa;
}

const garbage = [Number.NaN, 256, -1, 1.5, Infinity, 1e9];

describe("random frames", () => {
  for (const seed of [1, 2, 3]) {
    it(`never throw, never pass a bad CRC, never raise a limit (seed ${seed}, 4000 frames)`, () => {
      const rng = xoroshiro128plus(seed);
      const draw = (lo: number, hi: number) => uniformInt(rng, lo, hi);
      const b = new EmsBench({ onTimeout: draw(0, 2) as LinkAction, lostUntilFirst: draw(0, 1) === 1, keepAliveCounts: draw(0, 1) === 1 });
      const reply = b.ems.reply;
      const f: CanFrame = createCanFrame();
      let commands = 0;
      for (let n = 0; n < 4000; n++) {
        const kind = draw(0, 9);
        f.extended = kind === 9;
        f.id = kind <= 5 ? 0x4b0 + draw(0, 8) : kind === 6 ? 0x305 : kind === 7 ? draw(0, 0x7ff) : kind === 8 ? [Number.NaN, 0x4b0 + 0.5, -0x4b0][draw(0, 2)] : draw(0, 0x1fffffff);
        f.remote = draw(0, 19) === 0;
        f.dlc = draw(0, 1) === 0 ? 8 : [draw(0, 8), 9, -1, Number.NaN][draw(0, 3)];
        for (let i = 0; i < 8; i++) f.data[i] = draw(0, 2) === 0 ? draw(0, 255) : draw(0, 3) === 0 ? 0xff : 0;
        if (draw(0, 49) === 0) f.data[draw(0, 7)] = garbage[draw(0, garbage.length - 1)];
        // Half of the command-looking frames carry a correct CRC, so the later checks run too.
        const sealable = f.data.every((x) => Number.isInteger(x) && x >= 0 && x <= 255) && Number.isInteger(f.id);
        if (draw(0, 1) === 0 && sealable) {
          if (draw(0, 1) === 0) plausible(f, draw);
          f.data[1] = draw(0, 3) === 0 ? draw(0, 255) : draw(0, 15);
          f.data[0] = oracleCrc(f.id, f.data);
        }
        if (draw(0, 29) === 0) {
          b.bmsChargeMa = draw(0, 120000);
          b.bmsDischargeMa = draw(0, 120000);
        }
        const isCommand = !f.extended && f.id >= 0x4b0 && f.id <= 0x4b7 && Number.isInteger(f.id);
        const before = b.ems.resultCount[CommandResult.accepted];
        const result = b.handle(f);
        if (isCommand) commands++;
        expect(result === notACommand).toBe(!isCommand);
        expect(result).toBeGreaterThanOrEqual(notACommand);
        expect(result).toBeLessThan(commandResultCount);
        if (result === CommandResult.accepted) {
          expect(b.ems.resultCount[CommandResult.accepted]).toBe(before + 1);
          expect([f.remote, f.dlc]).toEqual([false, 8]);
          expect(f.data[0]).toBe(oracleCrc(f.id, f.data));
          expect(f.data[1]).toBeLessThanOrEqual(14);
          expect(f.id).toBeLessThanOrEqual(0x4b2);
        }
        if (draw(0, 3) === 0) b.advance(draw(0, 10) === 0 ? Number.NaN : draw(-200, 3000));
        const [charge, discharge] = b.publish();
        expect(charge).toBeLessThanOrEqual(b.bmsChargeMa);
        expect(discharge).toBeLessThanOrEqual(b.bmsDischargeMa);
        expect(charge).toBeGreaterThanOrEqual(0);
        expect(discharge).toBeGreaterThanOrEqual(0);
        if (Number.isNaN(b.now)) b.now = 0;
      }
      const counted = b.ems.resultCount.reduce((a, x) => a + x, 0);
      expect(counted).toBe(commands);
      expect(b.ems.refusedTotal).toBe(commands - b.ems.resultCount[CommandResult.accepted]);
      expect(b.ems.reply).toBe(reply);
      expect(b.ems.resultCount.length).toBe(commandResultCount);
      // The run exercised the accepting path as well as the refusals.
      expect(b.ems.resultCount[CommandResult.accepted]).toBeGreaterThan(0);
      expect(b.ems.resultCount[CommandResult.badCrc]).toBeGreaterThan(0);
    });
  }
});
