// SPDX-License-Identifier: MIT
// MCP2515 bit timing: CNF1..CNF3 from the crystal and the bit rate, and the checks that reject a
// setting the chip cannot make. Facts: ../shared/reference/can-link.md §6.2 (CNF fields) and §6.3
// (formula, constraints, reference rows).
//
// bitrate = Fosc / (2·(BRP+1) · (1 + Prop + PS1 + PS2)), 8..25 TQ per bit, PS2 ≥ 2 TQ, PS2 ≥ SJW,
// Prop + PS1 ≥ PS2 (§6.3). The search takes every BRP that gives a whole number of 8..25 TQ and
// keeps the one whose sample point is nearest 87.5 % (CiA), more TQ on a tie. Segments: PS2 is
// an eighth of the bit (at least 2 TQ); the rest after the sync TQ is split Prop = ⌊rest/2⌋,
// PS1 = rest − Prop. That reproduces the §6.3 rows computed by can-calc-bit-timing:
//   8 MHz,  500 k → 00 91 01 (8 TQ, 75 %);   16 MHz, 500 k → 00 B5 01 (16 TQ, 87.5 %);
//   16 MHz, 250 k → 01 B5 01 (16 TQ, 87.5 %).
// Only integer arithmetic with small products: Fosc is divided first, never multiplied.
import { divFloor, divRound } from "../../firmware/intmath";

/** The three configuration bytes and what they mean; `ok` false says why in `error`. */
export interface BitTiming {
  ok: boolean;
  /** Names the setting that cannot be made; "" when ok. */
  error: string;
  cnf1: number;
  cnf2: number;
  cnf3: number;
  /** Time quanta per bit (8..25). */
  tqPerBit: number;
  /** Sample point in 0.1 % (875 = 87.5 %). */
  samplePointPermille: number;
}

/** §6.3 limits and §6.2 field widths. */
const tqMin = 8;
const tqMax = 25;
const brpMax = 63;
const segmentMax = 8;
const ps2Min = 2;
/** SJW = 1 TQ, encoded as SJW − 1 = 0 in CNF1 b7:6 (§6.2). */
const sjw = 1;
/** CiA's recommended sample point, in 0.1 %. */
const targetPermille = 875;
/** CNF2 b7 BTLMODE: PS2 comes from CNF3 (§6.2). */
const btlmode = 0x80;
/** Largest CAN 2.0 bit rate. */
const bitrateMax = 1000000;

function isWhole(x: number): boolean {
  return typeof x === "number" && Math.floor(x) === x;
}

function result(ok: boolean, error: string): BitTiming {
  return { ok: ok, error: error, cnf1: 0, cnf2: 0, cnf3: 0, tqPerBit: 0, samplePointPermille: 0 };
}

/** PS2 for `tq` quanta: an eighth of the bit, 2..8, and no more than 16 TQ left for Prop + PS1. */
function phase2Of(tq: number): number {
  let ps2 = divRound(tq, 8);
  if (ps2 < ps2Min) ps2 = ps2Min;
  if (tq - 1 - ps2 > 2 * segmentMax) ps2 = tq - 1 - 2 * segmentMax;
  return ps2;
}

/**
 * Check CNF1..CNF3 against §6.3: "" when the chip can run them, else a message naming the field.
 * Only BTLMODE = 1 (PS2 from CNF3) is accepted: it is what bitTiming writes.
 */
export function cnfError(cnf1: number, cnf2: number, cnf3: number): string {
  const sjwTq = ((cnf1 >>> 6) & 0x03) + 1;
  const prop = (cnf2 & 0x07) + 1;
  const ps1 = ((cnf2 >>> 3) & 0x07) + 1;
  const ps2 = (cnf3 & 0x07) + 1;
  const tq = 1 + prop + ps1 + ps2;
  if ((cnf2 & btlmode) === 0) return "CNF2 BTLMODE = 0: PS2 would not come from CNF3";
  if (ps2 < ps2Min) return "CNF3 PHSEG2 gives PS2 = " + String(ps2) + " TQ, below 2 TQ";
  if (ps2 < sjwTq) return "CNF3 PHSEG2 gives PS2 = " + String(ps2) + " TQ, below SJW = " + String(sjwTq) + " TQ";
  if (prop + ps1 < ps2) return "CNF2 gives Prop + PS1 = " + String(prop + ps1) + " TQ, below PS2 = " + String(ps2) + " TQ";
  if (tq < tqMin || tq > tqMax) return "CNF2/CNF3 give " + String(tq) + " TQ per bit, outside 8..25";
  return "";
}

/** The bit rate CNF1..CNF3 make from `crystalHz`, rounded to whole bit/s (§6.3 formula). */
export function cnfBitrate(crystalHz: number, cnf1: number, cnf2: number, cnf3: number): number {
  const brp = cnf1 & 0x3f;
  const tq = 1 + (cnf2 & 0x07) + 1 + ((cnf2 >>> 3) & 0x07) + 1 + (cnf3 & 0x07) + 1;
  return divRound(crystalHz, 2 * (brp + 1) * tq);
}

/** CNF1..CNF3 for `bitrate` bit/s from a `crystalHz` oscillator, or why that cannot be made. */
export function bitTiming(crystalHz: number, bitrate: number): BitTiming {
  if (!isWhole(crystalHz) || crystalHz <= 0) {
    return result(false, "crystalHz = " + String(crystalHz) + " is not a positive whole number of Hz");
  }
  if (!isWhole(bitrate) || bitrate <= 0 || bitrate > bitrateMax) {
    return result(false, "bitrate = " + String(bitrate) + " is not a whole number of bit/s in 1..1000000");
  }
  let bestBrp = -1;
  let bestTq = 0;
  let bestDistance = 0;
  for (let brp = 0; brp <= brpMax; brp++) {
    const divider = 2 * (brp + 1);
    // Fosc / (2·(BRP+1)) must be a whole number of TQ per second, and a whole number of TQ per bit.
    // divFloor keeps the quotients integers on Lua 5.3, where `/` always gives a float.
    const tqHz = divFloor(crystalHz, divider);
    if (crystalHz % divider === 0 && tqHz % bitrate === 0) {
      const tq = divFloor(tqHz, bitrate);
      if (tq >= tqMin && tq <= tqMax) {
        const permille = divRound((tq - phase2Of(tq)) * 1000, tq);
        let distance = permille - targetPermille;
        if (distance < 0) distance = -distance;
        if (bestBrp < 0 || distance < bestDistance) {
          bestBrp = brp;
          bestTq = tq;
          bestDistance = distance;
        }
      }
    }
  }
  if (bestBrp < 0) {
    return result(
      false,
      "crystalHz = " + String(crystalHz) + " cannot make bitrate = " + String(bitrate) +
        ": no BRP 0..63 gives a whole number of 8..25 time quanta per bit",
    );
  }
  const ps2 = phase2Of(bestTq);
  const rest = bestTq - 1 - ps2;
  const prop = divFloor(rest, 2);
  const ps1 = rest - prop;
  const t = result(true, "");
  t.cnf1 = ((sjw - 1) << 6) | bestBrp;
  t.cnf2 = btlmode | ((ps1 - 1) << 3) | (prop - 1);
  t.cnf3 = ps2 - 1;
  t.tqPerBit = bestTq;
  t.samplePointPermille = divRound((bestTq - ps2) * 1000, bestTq);
  const check = cnfError(t.cnf1, t.cnf2, t.cnf3);
  if (check !== "") return result(false, check);
  return t;
}
