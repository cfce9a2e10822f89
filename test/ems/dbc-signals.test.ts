// SPDX-License-Identifier: MIT
// The firmware's signal table (firmware/ems/signals*.ts) and the DBC agree signal by signal: same
// frame, start bit, length, sign, factor, offset and multiplexor value, and no signal on one side
// only. The comparison is shown to fail on a copy of the table with one field changed.
import { describe, expect, it } from "vitest";
import { addRow, alarmsSig, pylonFlagsSig, findRow, limitsSig, rowName, signalDbc, signalTable, cellVoltagesSig, temperaturesSig, balancingSig, faultsSig, muxNone } from "../../firmware/ems/signals";
import { FrameId } from "../../firmware/ems/ids";
import { compareTableWithDbc, copyDbc, copyTable, expandTable, loadDbc, renamedRow } from "./dbc-helpers";

const db = loadDbc();

describe("the firmware's signal table against the DBC", () => {
  it("matches the DBC in every field of every signal, both ways", () => {
    expect(compareTableWithDbc(signalTable, db.data)).toEqual([]);
  });

  it("covers every signal of the DBC: 177 in all, 48 cell voltages, 12 temperatures, 2 balance masks", () => {
    const all = expandTable(signalTable);
    const dbcCount = [...db.data.messages.values()].reduce((n, m) => n + m.signals.size, 0);
    expect(all.length).toBe(dbcCount);
    expect(dbcCount).toBe(177);
    expect(signalTable.count[cellVoltagesSig.cellVoltage]).toBe(48);
    expect(signalTable.count[temperaturesSig.temperature]).toBe(12);
    expect(signalTable.count[balancingSig.balanceMask]).toBe(2);
  });

  it("lays out the 0x359 warnings as the protections, item for item, 7 rows and 16 bits further (encodePylonFlags relies on it)", () => {
    const offset = pylonFlagsSig.warningCellHighVoltage - pylonFlagsSig.protectionCellOverVoltage;
    expect(offset).toBe(7);
    const protections = Object.keys(pylonFlagsSig).filter((k) => k.startsWith("protection")) as (keyof typeof pylonFlagsSig)[];
    const warnings = Object.keys(pylonFlagsSig).filter((k) => k.startsWith("warning")) as (keyof typeof pylonFlagsSig)[];
    expect(protections).toHaveLength(7);
    expect(warnings).toHaveLength(7);
    protections.forEach((k, i) => {
      const row = pylonFlagsSig[k];
      expect(pylonFlagsSig[warnings[i]], warnings[i]).toBe(row + offset);
      expect(signalTable.start[row + offset], warnings[i]).toBe(signalTable.start[row] + 16);
      expect(signalTable.length[row + offset]).toBe(signalTable.length[row]);
    });
  });

  it("lays out the 0x35A warnings as the alarms, item for item, one tier of rows further (encodeAlarms relies on it)", () => {
    const offset = alarmsSig.warningGeneral - alarmsSig.alarmGeneral;
    const alarms = Object.keys(alarmsSig).filter((k) => k.startsWith("alarm"));
    expect(alarms).toHaveLength(13);
    for (const k of alarms) {
      const warning = `warning${k.slice("alarm".length)}` as keyof typeof alarmsSig;
      expect(alarmsSig[warning], warning).toBe(alarmsSig[k as keyof typeof alarmsSig] + offset);
      expect(rowName(signalDbc, alarmsSig[warning])).toBe(`Warning${rowName(signalDbc, alarmsSig[k as keyof typeof alarmsSig]).slice("Alarm".length)}`);
    }
  });

  it("finds rows by frame and name, and not a name of another frame", () => {
    expect(findRow(signalTable, signalDbc, FrameId.limits, "ChargeCurrentLimit")).toBe(limitsSig.chargeCurrentLimit);
    expect(findRow(signalTable, signalDbc, FrameId.limitRequest, "ChargeCurrentLimit")).not.toBe(limitsSig.chargeCurrentLimit);
    expect(findRow(signalTable, signalDbc, FrameId.socSoh, "ChargeCurrentLimit")).toBe(-1);
  });

  it("reports a wrong start bit, naming the frame, the signal and both values", () => {
    const t = copyTable(signalTable);
    t.start[limitsSig.chargeCurrentLimit] = 17;
    expect(compareTableWithDbc(t, db.data)).toEqual(["0x351 ChargeCurrentLimit: start bit 17 in the table, 16 in the DBC"]);
  });

  it("reports a wrong sign, length, factor and offset", () => {
    const t = copyTable(signalTable);
    const d = copyDbc(signalDbc);
    t.signed[limitsSig.chargeVoltageLimit] = 1;
    t.length[faultsSig.firstFault] = 7;
    d.factorDen[limitsSig.dischargeVoltageLimit] = 100;
    d.offset[limitsSig.dischargeCurrentLimit] = -40;
    expect(compareTableWithDbc(t, db.data, d)).toEqual([
      "0x351 ChargeVoltageLimit: signed true in the table, false in the DBC",
      "0x351 DischargeCurrentLimit: offset -40 in the table, 0 in the DBC",
      "0x351 DischargeVoltageLimit: factor 1/100 in the table, 0.1 in the DBC",
      "0x4a4 FirstFault: length 7 in the table, 8 in the DBC",
    ]);
  });

  it("reports a family laid out differently: every instance whose multiplexor value or position moved", () => {
    const t = copyTable(signalTable);
    t.perMux[temperaturesSig.temperature] = 4;
    const problems = compareTableWithDbc(t, db.data);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.startsWith("0x4a2 Temperature"))).toBe(true);
    expect(problems).toContain("0x4a2 Temperature3: multiplexor 0 in the table, 1 in the DBC");
  });

  it("reports a signal the table lacks and one the DBC lacks", () => {
    const names = renamedRow(faultsSig.chipFaultCount, "ChipFaults");
    expect(compareTableWithDbc(signalTable, db.data, names)).toEqual([
      "0x4a4 ChipFaults: not in the DBC message Faults",
      "0x4a4 ChipFaultCount: in the DBC message Faults, not in the table",
    ]);
  });

  it("reports a multiplexed signal made plain", () => {
    const t = copyTable(signalTable);
    t.mux[balancingSig.balanceGroup] = muxNone;
    expect(compareTableWithDbc(t, db.data)).toEqual(["0x4a3 BalanceGroup: multiplexor -1 in the table, -2 in the DBC"]);
  });

  it("refuses a row whose values do not fit the table's 16-bit and 8-bit columns, adding nothing", () => {
    const rows = signalTable.rows;
    const names = signalDbc.text;
    expect(() => addRow(0x7ff, "TooFar", 0, 8, false, 40000, 1, 1, muxNone, 1, 0)).toThrow(/signal TooFar: value 40000 is not an integer in -32768..32767/);
    expect(() => addRow(0x7ff, "TooWide", 0, 200, false, 1, 1, 1, muxNone, 1, 0)).toThrow(/signal TooWide: value 200 is not an integer in -128..127/);
    expect(() => addRow(0x7ff, "Half", 0.5, 8, false, 1, 1, 1, muxNone, 1, 0)).toThrow(/signal Half: value 0.5/);
    expect(() => addRow(0x7ff, "A,B", 0, 8, false, 1, 1, 1, muxNone, 1, 0)).toThrow(/signal A,B: a name holds no ','/);
    expect(signalTable.rows).toBe(rows);
    expect(signalDbc.text).toBe(names);
    expect(rowName(signalDbc, limitsSig.chargeCurrentLimit)).toBe("ChargeCurrentLimit");
  });
});
