// Every board definition is sound; a broken one is rejected with messages naming the field.
import { describe, expect, it } from "vitest";
import { boards, findBoard } from "../../boards/index";
import { validateBoard } from "../../boards/validate";
import type { BoardDefinition } from "../../boards/types";

const copy = (b: BoardDefinition): BoardDefinition => structuredClone(b);

describe("board definitions", () => {
  it.each(boards.map((b) => b.name))("%s validates clean", (name) => {
    expect(validateBoard(findBoard(name))).toEqual([]);
  });

  it("names the known boards when asked for an unknown one", () => {
    expect(() => findBoard("nope")).toThrow(/known boards: wifi-ltc6813-16s/);
  });

  it("rejects a pin used twice", () => {
    const b = copy(boards[0]);
    b.switches.dischargePin = b.switches.chargePin;
    expect(validateBoard(b)).toContain(`switches.dischargePin: pin "${b.switches.chargePin}" is already used by switches.chargePin`);
  });

  it("rejects a pin the MCU does not have", () => {
    const b = copy(boards[0]);
    b.afe.select = "Z9";
    expect(validateBoard(b).join("\n")).toMatch(/afe\.select: pin "Z9" does not exist/);
  });

  it("rejects more cells than the AFE has channels, and a series count the wiring does not read", () => {
    const b = copy(findBoard("pico-ltc6811-12s"));
    b.afe.cellsPerDevice = [13];
    const problems = validateBoard(b).join("\n");
    expect(problems).toMatch(/afe\.cellsPerDevice\[0\]: 13 cells do not fit an ltc6811/);
    expect(problems).toMatch(/pack\.seriesCount: 12 cells but the AFE wiring reads 13/);
  });

  it("rejects an AFE on a bus the board does not have", () => {
    const b = copy(boards[0]);
    b.afe.spiBus = "SPI3";
    expect(validateBoard(b)).toContain('afe.spiBus: no SPI bus "SPI3" on this board');
  });

  it("passes the pack configuration problems through with their field", () => {
    const b = copy(boards[0]);
    b.pack.protection.cellOvMv.warnLevel = b.pack.protection.cellOvMv.faultLevel + 10;
    expect(validateBoard(b).join("\n")).toMatch(/pack\.protection\.cellOvMv/);
  });
});
