// SPDX-License-Identifier: MIT
// The LTC681x-1 command set as the emulated chip decodes it, written from the fact sheet
// (../shared/reference/afe-chips.md §1.3–§1.6) independently of the driver's hal/ltc681x files,
// so a misread constant does not hide on both sides of the bus.

export type Variant = "ltc6811" | "ltc6813";

/** Register groups of one device, 6 bytes each (§1.5). */
export type Group = "cfga" | "cfgb" | "cva" | "cvb" | "cvc" | "cvd" | "cve" | "cvf" | "auxa" | "auxb" | "auxc" | "auxd" | "stata" | "statb";

export const cellGroups: Group[] = ["cva", "cvb", "cvc", "cvd", "cve", "cvf"];
export const auxGroups: Group[] = ["auxa", "auxb", "auxc", "auxd"];
export const statGroups: Group[] = ["stata", "statb"];

/** Groups that exist only on the LTC6812/6813 (§1.4). */
const ltc6813Only = new Set<Group>(["cfgb", "cve", "cvf", "auxc", "auxd"]);

export type Op =
  | { kind: "write"; group: Group }
  | { kind: "read"; group: Group }
  | { kind: "clear"; groups: Group[] }
  | { kind: "pladc" }
  | { kind: "mute"; on: boolean }
  | { kind: "adcv"; md: number; dcp: number; ch: number; withSum: boolean }
  | { kind: "adow"; md: number; pup: boolean; dcp: number; ch: number }
  | { kind: "adax"; md: number; chg: number }
  | { kind: "adstat"; md: number; chst: number }
  /** CVST: the cell ADCs convert a fixed pattern instead of the inputs (§1.4). */
  | { kind: "cvst"; md: number; st: number }
  /** A good command this emulator does not model (DIAGN, self tests, COMM …): it feeds the watchdog only. */
  | { kind: "other" };

const writes: Record<number, Group> = { 0x001: "cfga", 0x024: "cfgb" };
const reads: Record<number, Group> = {
  0x002: "cfga",
  0x026: "cfgb",
  0x004: "cva",
  0x006: "cvb",
  0x008: "cvc",
  0x00a: "cvd",
  0x009: "cve",
  0x00b: "cvf",
  0x00c: "auxa",
  0x00e: "auxb",
  0x00d: "auxc",
  0x00f: "auxd",
  0x010: "stata",
  0x012: "statb",
};

/** The group does not exist on this part: its commands do nothing. */
function missing(group: Group, variant: Variant): boolean {
  return variant !== "ltc6813" && ltc6813Only.has(group);
}

/**
 * The self-test result every cell channel holds after CVST (§1.4 table, Linduino
 * LTC681x_st_lookup): 27 kHz and 14 kHz have their own patterns, every other mode the same.
 */
export function selfTestPattern(md: number, adcopt: number, st: number): number {
  if (md === 1 && adcopt === 0) return st === 1 ? 0x9565 : 0x6a9a;
  if (md === 1) return st === 1 ? 0x9553 : 0x6aac;
  return st === 1 ? 0x9555 : 0x6aaa;
}

/** Decode an 11-bit command code (§1.4 table and formulas). */
export function decode(code: number, variant: Variant): Op {
  const md = (code >>> 7) & 0x3;
  const dcp = (code >>> 4) & 0x1;
  const low3 = code & 0x7;
  if (code in writes) return missing(writes[code], variant) ? { kind: "other" } : { kind: "write", group: writes[code] };
  if (code in reads) return missing(reads[code], variant) ? { kind: "other" } : { kind: "read", group: reads[code] };
  if (code === 0x711) return { kind: "clear", groups: cellGroups };
  if (code === 0x712) return { kind: "clear", groups: auxGroups };
  if (code === 0x713) return { kind: "clear", groups: statGroups };
  if (code === 0x714) return { kind: "pladc" };
  if (code === 0x028) return { kind: "mute", on: true };
  if (code === 0x029) return { kind: "mute", on: false };
  // Conversions: fixed bits are everything but MD (0x180), DCP (0x10), PUP (0x40), CH/CHG (0x7).
  if ((code & 0x66f) === 0x467) return { kind: "adcv", md, dcp, ch: 0, withSum: true }; // ADCVSC
  if ((code & 0x668) === 0x260 && low3 <= 6) return { kind: "adcv", md, dcp, ch: low3, withSum: false };
  if ((code & 0x628) === 0x228 && low3 <= 6) return { kind: "adow", md, pup: (code & 0x40) !== 0, dcp, ch: low3 };
  if ((code & 0x678) === 0x460 && low3 <= 6) return { kind: "adax", md, chg: low3 };
  if ((code & 0x678) === 0x468 && low3 <= 4) return { kind: "adstat", md, chst: low3 };
  // CVST = 0x207 + MD·0x80 + ST·0x20, ST 1 or 2.
  const st = (code >>> 5) & 0x3;
  if ((code & 0x61f) === 0x207 && st >= 1 && st <= 2) return { kind: "cvst", md, st };
  return { kind: "other" };
}

/**
 * PEC15 in the bitwise form of §1.3 (the driver uses the table form): seed 0x10, per data bit
 * MSB first `din = bit ^ rem[14]`, shift, XOR 0x4599 when din; result `rem << 1`.
 */
export function pec15Bitwise(data: number[], offset: number, count: number): number {
  let rem = 0x10;
  for (let i = 0; i < count; i++) {
    for (let b = 7; b >= 0; b--) {
      const din = ((data[offset + i] >>> b) & 1) ^ ((rem >>> 14) & 1);
      rem = (rem << 1) & 0x7fff;
      if (din === 1) rem ^= 0x4599;
    }
  }
  return rem << 1;
}

/** Conversion times at MD=2, ADCOPT=0 (7 kHz), µs. Other modes scale by `modeFactor`. */
export interface ConversionTimesUs {
  /** ADCV, all cells. */
  cellsAll: number;
  /** ADCV with CH ≠ 0 (2 or 3 cells). */
  cellsSubset: number;
  /** ADCVSC: all cells and the sum of cells. */
  cellsAndSum: number;
  /** ADOW, all cells. */
  openWire: number;
  /** ADAX, all GPIOs and the 2nd reference. */
  gpioAll: number;
  /** ADAX, one input. */
  gpioOne: number;
  /** ADSTAT, all four. */
  statusAll: number;
  /** ADSTAT, one. */
  statusOne: number;
  /** Added when REFON = 0 (reference power-up, §1.6 note) [unverified]. */
  refUp: number;
}

/**
 * §1.6 table (foxBMS figures for LTC6804/6811). LTC6813 all-cell times ×1.5 as the sheet
 * estimates; ADAX on the LTC6813 converts 9 GPIOs + REF instead of 5 + REF (×10/6). Values the
 * sheet lacks (ADCVSC, ADSTAT) are estimates. All of it is configurable.
 */
export function defaultConversionTimes(variant: Variant): ConversionTimesUs {
  if (variant === "ltc6813") {
    return { cellsAll: 3450, cellsSubset: 620, cellsAndSum: 3650, openWire: 3450, gpioAll: 6500, gpioOne: 790, statusAll: 1600, statusOne: 410, refUp: 250 };
  }
  return { cellsAll: 2300, cellsSubset: 410, cellsAndSum: 2500, openWire: 2300, gpioAll: 3900, gpioOne: 790, statusAll: 1600, statusOne: 410, refUp: 250 };
}

/** Time relative to the 7 kHz mode, [ADCOPT][MD], from the §1.6 ADCV row (12.8, 1.1, 2.3, 201 ms …). */
const modeFactors = [
  [12.8 / 2.3, 1.1 / 2.3, 1, 201 / 2.3],
  [7.1 / 2.3, 1.3 / 2.3, 3.0 / 2.3, 4.4 / 2.3],
];

export function modeFactor(md: number, adcopt: number): number {
  return modeFactors[adcopt & 1][md & 3];
}

/** DCTO code → minutes (§1.5 table). */
export const dischargeTimeoutMinutes = [0, 0.5, 1, 2, 3, 4, 5, 10, 15, 20, 30, 40, 60, 75, 90, 120];

/** Sum-of-cells scale (§1.5 STATA). */
export function sumScale(variant: Variant): number {
  return variant === "ltc6813" ? 30 : 20;
}

/** Cell channels per device (§1.5). */
export function channelCount(variant: Variant): number {
  return variant === "ltc6813" ? 18 : 12;
}

/** GPIO inputs per device (§1.5: G1..G5 on the 6811, G1..G9 on the 6813). */
export function gpioCount(variant: Variant): number {
  return variant === "ltc6813" ? 9 : 5;
}
