// Every board definition is sound; a broken one is rejected with messages naming the field.
import { describe, expect, it } from "vitest";
import { boards, findBoard } from "../../boards/index";
import { validateBoard } from "../../boards/validate";
import { isLtc681x } from "../../boards/types";
import type { BoardDefinition, Ltc681xAfeDefinition } from "../../boards/types";

const copy = (b: BoardDefinition): BoardDefinition => structuredClone(b);
const ltc = (b: BoardDefinition): Ltc681xAfeDefinition => {
  if (!isLtc681x(b.afe)) throw new Error(`${b.name} has no LTC681x`);
  return b.afe;
};

describe("board definitions", () => {
  it.each(boards.map((b) => b.name))("%s validates clean", (name) => {
    expect(validateBoard(findBoard(name))).toEqual([]);
  });

  // An Espruino build carries its board as JSON text that start-up parses (scripts/build.ts): the
  // definition must survive the round trip unchanged, with integers only (Espruino parses some
  // decimal fractions 1 ulp off, espruino.md §4).
  it.each(boards.map((b) => b.name))("%s survives JSON text unchanged and holds only integers", (name) => {
    const b = findBoard(name);
    expect(JSON.parse(JSON.stringify(b))).toStrictEqual(b);
    const fractions: string[] = [];
    const walk = (v: unknown, path: string): void => {
      if (typeof v === "number" && !Number.isInteger(v)) fractions.push(`${path} = ${v}`);
      else if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
    };
    walk(b, name);
    expect(fractions).toEqual([]);
  });

  it("names the known boards when asked for an unknown one", () => {
    expect(() => findBoard("nope")).toThrow(/known boards: wifi-ltc6813-16s/);
  });

  it("rejects a pin used twice", () => {
    const b = copy(boards[0]);
    const s = b.switches!;
    s.dischargePin = s.chargePin;
    expect(validateBoard(b)).toContain(`switches.dischargePin: pin "${s.chargePin}" is already used by switches.chargePin`);
  });

  it("rejects a pin the MCU does not have", () => {
    const b = copy(boards[0]);
    ltc(b).select = "Z9";
    expect(validateBoard(b).join("\n")).toMatch(/afe\.select: pin "Z9" does not exist/);
  });

  it("rejects more cells than the AFE has channels, and a series count the wiring does not read", () => {
    const b = copy(findBoard("pico-ltc6811-12s"));
    ltc(b).cellsPerDevice = [13];
    const problems = validateBoard(b).join("\n");
    expect(problems).toMatch(/afe\.cellsPerDevice\[0\]: 13 cells do not fit an ltc6811/);
    expect(problems).toMatch(/pack\.seriesCount: 12 cells but the AFE wiring reads 13/);
  });

  it("rejects an AFE on a bus the board does not have", () => {
    const b = copy(boards[0]);
    ltc(b).spiBus = "SPI3";
    expect(validateBoard(b)).toContain('afe.spiBus: no SPI bus "SPI3" on this board');
  });

  it("has a board for each AFE family", () => {
    const types = new Set(boards.map((b) => b.afe.type));
    for (const t of ["ltc6811", "ltc6813", "bq76952", "bq76940"]) expect(types).toContain(t);
  });

  it("rejects an LTC681x board without a current sensor or switch pins: that chip has neither", () => {
    const b = copy(findBoard("pico-ltc6811-12s"));
    delete b.currentSensor;
    delete b.switches;
    const problems = validateBoard(b).join("\n");
    expect(problems).toMatch(/currentSensor: required, an ltc6811 measures no current/);
    expect(problems).toMatch(/switches: required, an ltc6811 drives no FETs/);
  });

  it("rejects a bq76940 board with more cells than the chip reads, an I2C bus it lacks, or adjacent bleeding allowed", () => {
    const b = copy(findBoard("wifi-bq76940-15s"));
    b.pack.seriesCount = 16;
    b.i2c = [];
    b.pack.balancing.noAdjacent = false;
    const problems = validateBoard(b).join("\n");
    expect(problems).toMatch(/pack\.seriesCount: 16 cells do not fit a bq76940 \(9\.\.15\)/);
    expect(problems).toMatch(/afe\.i2cBus: no I2C bus "I2C1"/);
    expect(problems).toMatch(/pack\.balancing\.noAdjacent: must be true on a bq76940/);
  });

  it("rejects a bq76952 board bleeding more cells than its balancing limit, or an I2C clock above 400 kHz", () => {
    const b = copy(findBoard("mdbt42q-bq76952-16s"));
    b.pack.balancing.maxCells = 8;
    b.i2c[0].hz = 1000000;
    const problems = validateBoard(b).join("\n");
    expect(problems).toMatch(/pack\.balancing\.maxCells: 8 is above the AFE's balancingMaxCells 4/);
    expect(problems).toMatch(/i2c\.I2C1\.hz: 1000000 is outside 1\.\.400000/);
  });

  it("passes the pack configuration problems through with their field", () => {
    const b = copy(boards[0]);
    b.pack.protection.cellOvMv.warnLevel = b.pack.protection.cellOvMv.faultLevel + 10;
    expect(validateBoard(b).join("\n")).toMatch(/pack\.protection\.cellOvMv/);
  });
});
