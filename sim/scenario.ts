// SPDX-License-Identifier: MIT
// Scenario files: what happens to the pack during a simulated run. JSON, validated with zod; every
// error names the field ("profile[2].amps: …"). Currents are positive into the pack (charging);
// `c` gives a current as a C-rate so one scenario suits every board.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { spreadSchema } from "./pack";

const time = z.number().min(0);

const currentOrRate = {
  /** Current, A, positive = charging. */
  amps: z.number().optional(),
  /** Current as a multiple of the pack capacity, positive = charging. */
  c: z.number().optional(),
};

const segment = z.discriminatedUnion("mode", [
  z.strictObject({ atS: time, mode: z.literal("rest") }),
  z.strictObject({ atS: time, mode: z.literal("current"), ...currentOrRate }),
  z.strictObject({
    atS: time,
    mode: z.literal("power"),
    /** Power, W, positive = charging; the current follows the pack voltage. */
    watts: z.number(),
  }),
  z.strictObject({
    atS: time,
    mode: z.literal("charger"),
    ...currentOrRate,
    /**
     * A charger that obeys the BMS: never above its charge current limit, constant voltage at its
     * charge voltage limit. false: a broken charger that pushes its current whatever happens.
     */
    followLimits: z.boolean().default(true),
  }),
]);

const fault = z.discriminatedUnion("type", [
  z.strictObject({ atS: time, type: z.literal("cellInternalShort"), cell: z.number().int().min(0), ohms: z.number().positive() }),
  z.strictObject({ atS: time, untilS: time.optional(), type: z.literal("thermistorOpen"), sensor: z.number().int().min(0) }),
  z.strictObject({ atS: time, untilS: time.optional(), type: z.literal("afeSilence") }),
  z.strictObject({ atS: time, untilS: time.optional(), type: z.literal("currentSensorStuck") }),
  z.strictObject({ atS: time, untilS: time.optional(), type: z.literal("openWire"), wire: z.number().int().min(0) }),
  z.strictObject({ atS: time, type: z.literal("pecErrors"), count: z.number().int().positive() }),
  z.strictObject({ atS: time, type: z.literal("droppedAnswers"), count: z.number().int().positive() }),
  // I2C AFEs: corrupt the CRC of the next `count` answers.
  z.strictObject({ atS: time, type: z.literal("crcErrors"), count: z.number().int().positive() }),
  // A power-on reset of the AFE: its configuration is lost and must be written again.
  z.strictObject({ atS: time, type: z.literal("chipReset") }),
  // The AFE's measurement hangs: it keeps answering with the same values.
  z.strictObject({ atS: time, untilS: time.optional(), type: z.literal("measurementFrozen") }),
]);

const command = z.discriminatedUnion("type", [
  z.strictObject({ atS: time, type: z.literal("clearFaults") }),
  z.strictObject({ atS: time, type: z.literal("mode"), mode: z.enum(["run", "standby"]) }),
]);

const amps = z.number().min(0).max(10000).nullable().optional();
const emsAction = z.discriminatedUnion("type", [
  z.strictObject({ atS: time, type: z.literal("mode"), mode: z.enum(["standby", "charge", "discharge", "idle"]) }),
  z.strictObject({ atS: time, type: z.literal("limits"), chargeA: amps, dischargeA: amps }),
  z.strictObject({ atS: time, type: z.literal("silence"), untilS: time }),
  z.strictObject({ atS: time, type: z.literal("faultClear") }),
  z.strictObject({
    atS: time,
    type: z.literal("raw"),
    id: z.number().int().min(0).max(0x7ff),
    data: z.array(z.number().int().min(0).max(255)).max(8),
  }),
]);

/** The simulated EMS on the board's EMS link: commands every periodS, and scheduled actions. */
const ems = z.strictObject({
  periodS: z.number().positive().max(60).default(1),
  actions: z.array(emsAction).default([]),
});

const ambientPoint = z.strictObject({ atS: time, celsius: z.number().min(-50).max(90) });

export const scenarioSchema = z
  .strictObject({
    name: z.string().min(1),
    description: z.string().default(""),
    durationS: z.number().positive().max(30 * 24 * 3600),
    /** Control period; default: the board's. */
    tickMs: z.number().int().min(10).max(1000).optional(),
    /** Seed of every random draw (cell spread, sensor noise). Same seed, same run. */
    seed: z.number().int().default(1),
    /** CSV/plot sample period. */
    sampleS: z.number().positive().default(10),
    pack: z
      .strictObject({
        initialSocPct: z.number().min(0).max(100).default(50),
        spread: spreadSchema.default({}),
      })
      .default({ initialSocPct: 50, spread: {} }),
    /** Ambient temperature, piecewise linear between points; constant before the first/after the last. */
    ambient: z.array(ambientPoint).min(1).default([{ atS: 0, celsius: 25 }]),
    profile: z.array(segment).min(1),
    faults: z.array(fault).default([]),
    commands: z.array(command).default([]),
    ems: ems.optional(),
  })
  .superRefine((s, ctx) => {
    s.profile.forEach((seg, i) => {
      if (seg.mode === "current" || seg.mode === "charger") {
        if ((seg.amps === undefined) === (seg.c === undefined)) {
          ctx.addIssue({ code: "custom", path: ["profile", i], message: "give exactly one of amps or c" });
        }
        if (seg.mode === "charger" && ((seg.amps ?? 0) < 0 || (seg.c ?? 0) < 0)) {
          ctx.addIssue({ code: "custom", path: ["profile", i], message: "a charger current is positive (into the pack)" });
        }
      }
      if (i > 0 && seg.atS < s.profile[i - 1].atS) {
        ctx.addIssue({ code: "custom", path: ["profile", i, "atS"], message: "segments must be in time order" });
      }
    });
    s.ambient.forEach((p, i) => {
      if (i > 0 && p.atS < s.ambient[i - 1].atS) {
        ctx.addIssue({ code: "custom", path: ["ambient", i, "atS"], message: "points must be in time order" });
      }
    });
    s.faults.forEach((f, i) => {
      if ("untilS" in f && f.untilS !== undefined && f.untilS <= f.atS) {
        ctx.addIssue({ code: "custom", path: ["faults", i, "untilS"], message: "must be after atS" });
      }
    });
  });

export type Scenario = z.output<typeof scenarioSchema>;
export type Segment = Scenario["profile"][number];
export type ScenarioFault = Scenario["faults"][number];

/** A path like ["profile", 2, "amps"] as "profile[2].amps". */
function fieldName(path: PropertyKey[]): string {
  let s = "";
  for (const p of path) s += typeof p === "number" ? `[${p}]` : s === "" ? String(p) : `.${String(p)}`;
  return s === "" ? "(scenario)" : s;
}

/** Validate parsed JSON; throws an Error listing every problem with its field. */
export function parseScenario(data: unknown, source = "scenario"): Scenario {
  const r = scenarioSchema.safeParse(data);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `  ${fieldName(i.path)}: ${i.message}`);
  throw new Error(`${source} is invalid:\n${lines.join("\n")}`);
}

export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new Error(`cannot read scenario ${file}: ${(e as Error).message}`, { cause: e });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  return parseScenario(data, file);
}

/** What a scenario needs to know of the board it runs on. */
export interface ScenarioBoardFacts {
  cells: number;
  thermistors: number;
  /** The AFE is on SPI (LTC681x: PEC15, answers can go missing) rather than I2C (CRC-8, NACK). */
  spiAfe: boolean;
  /** The board has a current sensor of its own (not the AFE's). */
  currentSensor: boolean;
}

/** Problems that depend on the board (cell, sensor and wire indices, the AFE's bus). */
export function checkScenarioAgainstBoard(s: Scenario, board: ScenarioBoardFacts): string[] {
  const problems: string[] = [];
  const cells = board.cells;
  const thermistors = board.thermistors;
  s.faults.forEach((f, i) => {
    if ((f.type === "pecErrors" || f.type === "droppedAnswers") && !board.spiAfe) problems.push(`faults[${i}].type: ${f.type} needs an LTC681x (SPI) AFE; this board's AFE is on I2C (use crcErrors or afeSilence)`);
    if (f.type === "crcErrors" && board.spiAfe) problems.push(`faults[${i}].type: crcErrors needs an I2C AFE; this board's LTC681x uses PEC (use pecErrors)`);
    if (f.type === "currentSensorStuck" && !board.currentSensor) problems.push(`faults[${i}].type: currentSensorStuck needs a board with its own current sensor; this one measures in the AFE (use measurementFrozen)`);
    if (f.type === "cellInternalShort" && f.cell >= cells) problems.push(`faults[${i}].cell: ${f.cell} is outside 0..${cells - 1}`);
    if (f.type === "thermistorOpen" && f.sensor >= thermistors) problems.push(`faults[${i}].sensor: ${f.sensor} is outside 0..${thermistors - 1}`);
    if (f.type === "openWire" && f.wire > cells) problems.push(`faults[${i}].wire: ${f.wire} is outside 0..${cells}`);
  });
  return problems;
}
