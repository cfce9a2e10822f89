// SPDX-License-Identifier: MIT
// Options of the BQ76952 emulator, how it reaches the pack, and their zod schema: every error
// names the field that is wrong.
import { z } from "zod";
import type { Clock } from "../../hal/hal";
import { defaultAddress } from "../../hal/bq76952/registers";

/** How the emulated chip reaches the pack. */
export interface Bq76952Port {
  cellVolts(i: number): number;
  setBleed(i: number, on: boolean): void;
  thermistorCelsius(k: number): number;
  /** + = charging. */
  packCurrentMa(): number;
}

export interface Bq76952EmulatorOptions {
  port: Bq76952Port;
  cells: number;
  crc: boolean;
  clock: Clock;
  seed?: number;
  /** σ of the white noise on every cell reading, mV. */
  noiseMv?: number;
  /** 7-bit address the chip sits at (the CRC covers it). */
  address?: number;
  /** Input (1..16) each cell is wired to, bottom first; default 1..cells. Unwired inputs read 0. */
  cellChannels?: number[];
  /** Thermistors wired to TS1..TSn. */
  thermistors?: number;
  /** Sense resistor, µΩ: OCx/SCD compare the shunt voltage; CC2 is exact with CC Gain 7568.4/R. */
  shuntMicroOhm?: number;
  internalCelsius?: number;
}

const fn = z.custom<(...args: never[]) => unknown>((f) => typeof f === "function", "must be a function");

const optionsSchema = z
  .strictObject({
    port: z.object({ cellVolts: fn, setBleed: fn, thermistorCelsius: fn, packCurrentMa: fn }),
    cells: z.number().int().min(3).max(16),
    crc: z.boolean(),
    clock: z.object({ nowMs: fn }),
    seed: z.number().int().default(1),
    noiseMv: z.number().min(0).default(0),
    address: z.number().int().min(0).max(0x7f).default(defaultAddress),
    cellChannels: z.array(z.number().int().min(1).max(16)).optional(),
    thermistors: z.number().int().min(0).max(3).default(3),
    shuntMicroOhm: z.number().positive().default(1000),
    internalCelsius: z.number().default(25),
  })
  .superRefine((o, ctx) => {
    const ch = o.cellChannels;
    if (ch === undefined) return;
    if (ch.length !== o.cells) ctx.addIssue({ code: "custom", path: ["cellChannels"], message: `${ch.length} entries for ${o.cells} cells` });
    ch.forEach((c, i) => {
      if (i > 0 && c <= ch[i - 1]) ctx.addIssue({ code: "custom", path: ["cellChannels", i], message: "must be above the previous input" });
    });
  });

/** The options with their defaults filled in; cellChannels defaults to 1..cells. */
export type Bq76952Settings = Omit<z.infer<typeof optionsSchema>, "cellChannels"> & { cellChannels: number[] };

/** Check the options; throws an Error naming every bad field. */
export function parseOptions(options: Bq76952EmulatorOptions): Bq76952Settings {
  const r = optionsSchema.safeParse(options);
  if (!r.success) {
    throw new Error(r.error.issues.map((i) => `Bq76952Emulator options.${i.path.join(".")}: ${i.message}`).join("\n"));
  }
  const o = r.data;
  return { ...o, cellChannels: o.cellChannels ?? Array.from({ length: o.cells }, (_, i) => i + 1) };
}
