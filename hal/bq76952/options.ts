// SPDX-License-Identifier: MIT
// Options of the BQ76952 driver and their checks. Construction happens once at start, so a bad
// option throws an Error naming it (string building is fine here, never per tick).
import type { I2cBus } from "../hal";
import { cellChannels, hwdDelayMaxS, thermistorInputs } from "./registers";

export interface Bq76952Options {
  bus: I2cBus;
  /** 7-bit address; an unprogrammed part answers at 0x08 (registers.ts defaultAddress, §2.1). */
  address: number;
  /** CRC mode of the part (part-number / Comm-Type dependent, §2.1). */
  crc: boolean;
  /** Cells in series, 3..16. */
  cells: number;
  /**
   * Cell input (1..16) of each cell, bottom cell first, ascending. Default: 1..cells. (TI
   * recommends the top cell on VC16 with fewer than 16 cells; pass that wiring here.)
   */
  cellChannels?: number[];
  /** Thermistors on TS1..TSn, 0..3. */
  thermistors: number;
  /** Sense resistor, µΩ (50..10000): CC Gain and the OCx/SCD thresholds are derived from it. */
  shuntMicroOhm: number;
  /** Consecutive failed measurements before diagnostics.commLost. */
  pecErrorLimit: number;
  /** Cells that may bleed at once (setBalancing answers invalid above). */
  balancingMaxCells: number;
  /**
   * Longest time without a completed measurement loop (Alarm Status FULLSCAN, §2.2) before
   * measure() calls the readings stale, ms; default defaultFullScanStaleMs. Must be longer than
   * the chip's loop, which start() keeps out of SLEEP mode (setup.ts).
   */
  fullScanStaleMs?: number;
  /**
   * The chip's host watchdog (Protections:HWD:Delay, registers.ts DataMemory.hwdDelay), whole
   * seconds 0..65535, 0 = off; default defaultHostWatchdogS. With no valid host communication for
   * this long the chip sets Safety Status C HWDF and opens both FETs by itself, so a hung MCU or a
   * dead I2C link does not leave them as last commanded.
   */
  hostWatchdogS?: number;
}

/**
 * Default stale limit: a policy value, not a chip figure. The fact sheet gives no loop time (§2);
 * a second is many loops of a chip measuring continuously and ten 100 ms ticks of the firmware.
 */
export const defaultFullScanStaleMs = 1000;

/**
 * Default host watchdog: a policy value, not a chip figure. 2 s opens the FETs soon after the MCU
 * stops talking, yet is twenty 100 ms ticks (every tick reads the chip), so a slow tick or a few
 * failed transfers never trip it. The delay has 1-s steps (registers.ts DataMemory.hwdDelay).
 */
export const defaultHostWatchdogS = 2;

function isWhole(x: number): boolean {
  return typeof x === "number" && Math.floor(x) === x;
}

function fail(option: string, value: number, rule: string): void {
  throw new Error("bq76952: option " + option + " = " + String(value) + " " + rule);
}

/** Throws an Error naming the first bad option. */
export function validateOptions(o: Bq76952Options): void {
  if (o.bus === undefined) throw new Error("bq76952: option bus is missing");
  if (!isWhole(o.address) || o.address < 0 || o.address > 0x7f) fail("address", o.address, "is not a 7-bit address");
  // Options may come from parsed text: the type says boolean, the value may be anything.
  if (typeof o.crc !== "boolean") throw new Error("bq76952: option crc must be true or false");
  if (!isWhole(o.cells) || o.cells < 3 || o.cells > cellChannels) fail("cells", o.cells, "is outside 3..16");
  if (o.cellChannels !== undefined) {
    if (o.cellChannels.length !== o.cells) fail("cellChannels.length", o.cellChannels.length, "must equal cells");
    let last = 0;
    for (let i = 0; i < o.cellChannels.length; i++) {
      const c = o.cellChannels[i];
      if (!isWhole(c) || c <= last || c > cellChannels) {
        fail("cellChannels[" + String(i) + "]", c, "must be an input 1..16 above the previous one");
      }
      last = c;
    }
  }
  if (!isWhole(o.thermistors) || o.thermistors < 0 || o.thermistors > thermistorInputs) fail("thermistors", o.thermistors, "is outside 0..3");
  if (!isWhole(o.shuntMicroOhm) || o.shuntMicroOhm < 50 || o.shuntMicroOhm > 10000) fail("shuntMicroOhm", o.shuntMicroOhm, "is outside 50..10000");
  if (!isWhole(o.pecErrorLimit) || o.pecErrorLimit < 1) fail("pecErrorLimit", o.pecErrorLimit, "must be a whole number >= 1");
  if (o.fullScanStaleMs !== undefined && (!isWhole(o.fullScanStaleMs) || o.fullScanStaleMs < 1)) {
    fail("fullScanStaleMs", o.fullScanStaleMs, "must be a whole number >= 1");
  }
  if (o.hostWatchdogS !== undefined && (!isWhole(o.hostWatchdogS) || o.hostWatchdogS < 0 || o.hostWatchdogS > hwdDelayMaxS)) {
    fail("hostWatchdogS", o.hostWatchdogS, "must be whole seconds 0..65535 (0 = off)");
  }
  if (!isWhole(o.balancingMaxCells) || o.balancingMaxCells < 0 || o.balancingMaxCells > o.cells) {
    fail("balancingMaxCells", o.balancingMaxCells, "is outside 0..cells");
  }
}
