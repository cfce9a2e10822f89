// SPDX-License-Identifier: MIT
// firmware/ems/tsbms.dbc, the description of the EMS link: it parses cleanly in candied (and in
// canmatrix where installed), it is what scripts/gen-dbc.ts writes, it describes exactly the frames
// of firmware/ems/ids.ts with the senders, DLCs and cycle times of the frame table, its value tables
// match the firmware's enumerations, and it decodes the real REC capture of
// ../shared/reference/can-link.md §2 as the reference table says.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { createCanFrame } from "../../hal/can";
import type { CanFrame } from "../../hal/can";
import { CommandResult, EmsMode, faultClearKey, noLimitRequest } from "../../firmware/ems/commands";
import { FrameId } from "../../firmware/ems/ids";
import { FrameProfile, frameTable } from "../../firmware/ems/signals";
import { faultCount, faultName } from "../../firmware/fault-ids";
import { activityName, bmsModeName } from "../../firmware/types";
import { generateDbc } from "../../scripts/gen-dbc";
import { dbcFile, decodeFrame, loadDbc, messageById } from "./dbc-helpers";

const db = loadDbc();

/** A frame from a candump -L payload such as "1F01BC02E803E700". */
function frameOf(id: number, hex: string): CanFrame {
  const f = createCanFrame();
  f.id = id;
  f.dlc = hex.length / 2;
  for (let i = 0; i < f.dlc; i++) f.data[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return f;
}

const capitalised = (key: string) => key[0].toUpperCase() + key.slice(1);

describe("the EMS-link DBC", () => {
  it("parses in candied without a single error", () => {
    expect([...db.errors.entries()]).toEqual([]);
    expect(db.data.messages.size).toBe(Object.keys(FrameId).length);
    expect([...db.data.nodes.keys()].sort()).toEqual(["BMS", "EMS"]);
  });

  it("is exactly what scripts/gen-dbc.ts writes (regenerate after a change there)", () => {
    expect(db.text).toBe(generateDbc());
  });

  it("has one message per frame id of firmware/ems/ids.ts, named after it, and no other", () => {
    for (const [key, id] of Object.entries(FrameId)) expect(messageById(db.data, id).name, `0x${id.toString(16)}`).toBe(capitalised(key));
    const ids = new Set<number>(Object.values(FrameId));
    for (const m of db.data.messages.values()) expect(ids.has(m.id), `${m.name} 0x${m.id.toString(16)}`).toBe(true);
  });

  it("gives every frame of the frame table its DLC, sender and cycle time, event-driven ones marked Event", () => {
    expect([...frameTable.id].sort()).toEqual([...new Set<number>(Object.values(FrameId))].sort());
    frameTable.id.forEach((id, i) => {
      const m = messageById(db.data, id);
      const what = `${m.name}`;
      expect(m.dlc, `${what} DLC`).toBe(frameTable.dlc[i]);
      expect(m.sendingNode, `${what} sender`).toBe(frameTable.profile[i] === FrameProfile.received ? "EMS" : "BMS");
      expect(Number(m.attributes.get("GenMsgCycleTime")?.value), `${what} GenMsgCycleTime`).toBe(frameTable.periodMs[i]);
      const sendType = m.attributes.get("GenMsgSendType")?.value ?? "0";
      // Event frames 1; the alarm-carrying frames 2 (CyclicAndSpontaneous: also sent at once when
      // a fault or warning changes, firmware/ems/ems-link.ts); the rest cyclic.
      const alarmFrames: number[] = [FrameId.limits, FrameId.alarms, FrameId.faults];
      const expected = frameTable.periodMs[i] === 0 ? "1" : alarmFrames.includes(frameTable.id[i]) ? "2" : "0";
      expect(sendType, `${what} GenMsgSendType`).toBe(expected);
    });
  });

  it("keeps the link plan's cadence: inverter set 1 s with 0x351 first, names 10 s, details 1 s, health and counters 5 s, commands 1 s, clear and reply on event", () => {
    const expected: [number, number][] = [
      [FrameId.limits, 1000], [FrameId.socSoh, 1000], [FrameId.measurements, 1000], [FrameId.pylonFlags, 1000],
      [FrameId.alarms, 1000], [FrameId.pylonRequest, 1000], [FrameId.name, 10000], [FrameId.info, 10000],
      [FrameId.state, 1000], [FrameId.faults, 1000], [FrameId.cellVoltages, 1000], [FrameId.temperatures, 1000],
      [FrameId.balancing, 1000], [FrameId.health, 5000], [FrameId.counters, 5000], [FrameId.modeRequest, 1000],
      [FrameId.limitRequest, 1000], [FrameId.faultClear, 0], [FrameId.commandReply, 0], [FrameId.inverterKeepAlive, 1000],
    ];
    for (const [id, ms] of expected) expect(Number(messageById(db.data, id).attributes.get("GenMsgCycleTime")?.value), `0x${id.toString(16)}`).toBe(ms);
    expect(frameTable.id[0]).toBe(FrameId.limits);
    expect(db.data.attributes.get("Baudrate")?.value).toBe("500000");
  });

  it("uses Intel byte order for every signal (candied decodes Motorola start bits wrong)", () => {
    for (const m of db.data.messages.values()) for (const s of m.signals.values()) expect(s.endian, `${m.name}.${s.name}`).toBe("Intel");
  });

  it("names the modes, activities, faults, EMS modes and reply results as the firmware does", () => {
    const table = (id: number, sig: string) => messageById(db.data, id).signals.get(sig)?.valueTable ?? new Map<number, string>();
    expect([...table(FrameId.state, "Mode").entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1])).toEqual(bmsModeName);
    expect([...table(FrameId.state, "Activity").entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1])).toEqual(activityName);
    const first = table(FrameId.faults, "FirstFault");
    for (let id = 0; id < faultCount; id++) expect(first.get(id)).toBe(faultName[id]);
    expect(first.get(255)).toBe("None");
    const modes = table(FrameId.modeRequest, "RequestedMode");
    expect(modes.get(EmsMode.standby)).toBe("Standby");
    expect(modes.get(EmsMode.charge)).toBe("Charge");
    expect(modes.get(EmsMode.discharge)).toBe("Discharge");
    expect(modes.get(EmsMode.idle)).toBe("Idle");
    const results = table(FrameId.commandReply, "Result");
    expect([...results.keys()].sort((a, b) => a - b)).toEqual(Object.values(CommandResult).sort((a, b) => a - b));
    expect(results.get(CommandResult.accepted)).toBe("Accepted");
    expect(results.get(CommandResult.wouldRaiseLimit)).toBe("WouldRaiseLimit");
    expect(table(FrameId.faultClear, "ClearKey").get(faultClearKey)).toBe("Clear");
    expect(table(FrameId.limitRequest, "ChargeCurrentLimit").get(noLimitRequest)).toBe("NoRequest");
    expect([...table(FrameId.alarms, "AlarmHighVoltage").entries()].sort((a, b) => a[0] - b[0])).toEqual([
      [0, "NotSupported"],
      [1, "Active"],
      [2, "OK"],
      [3, "Reserved"],
    ]);
  });

  it("decodes the real REC-Q capture as the reference table says (§2)", () => {
    const limits = decodeFrame(db, frameOf(0x351, "1F01BC02E803E700"));
    expect(limits.raw).toEqual(new Map([["ChargeVoltageLimit", 287], ["ChargeCurrentLimit", 700], ["DischargeCurrentLimit", 1000], ["DischargeVoltageLimit", 231]]));
    expect(limits.phys.get("ChargeVoltageLimit")).toBeCloseTo(28.7, 9);
    expect(limits.phys.get("DischargeVoltageLimit")).toBeCloseTo(23.1, 9);
    expect(decodeFrame(db, frameOf(0x355, "320064008813")).raw).toEqual(new Map([["StateOfCharge", 50], ["StateOfHealth", 100], ["StateOfChargeHighRes", 5000]]));
    const meas = decodeFrame(db, frameOf(0x356, "320A00002701"));
    expect(meas.phys.get("BatteryVoltage")).toBeCloseTo(26.1, 9);
    expect(meas.phys.get("BatteryCurrent")).toBe(0);
    expect(meas.phys.get("BatteryTemperature")).toBeCloseTo(29.5, 9);
    const alarms = decodeFrame(db, frameOf(0x35a, "A8A082000000800A")).raw;
    const ok = ["AlarmHighVoltage", "AlarmLowVoltage", "AlarmHighTemperature", "AlarmLowTemperatureCharge", "AlarmHighDischargeCurrent", "AlarmHighChargeCurrent", "AlarmBmsInternal", "WarningBmsInternal", "WarningCellImbalance", "SystemStatusOnline"];
    for (const [name, v] of alarms) expect(v, name).toBe(ok.includes(name) ? 2 : 0);
    const name = decodeFrame(db, frameOf(0x35e, "5245432D424D5300")).raw;
    expect(Array.from({ length: 8 }, (_, k) => String.fromCharCode(name.get(`NameChar${k}`) ?? 0)).join("")).toBe("REC-BMS\0");
    expect(decodeFrame(db, frameOf(0x35f, "0000020664000000")).raw).toEqual(new Map([["ChemistryCode", 0], ["FirmwareVersionMajor", 2], ["FirmwareVersionMinor", 6], ["Capacity", 100]]));
  });

  it("decodes a frame whose DLC differs from the DBC's to nothing in candied, so the decoder helper refuses it", () => {
    const short = frameOf(0x355, "4B006400");
    expect(db.can.decode(db.can.createFrame(short.id, short.data.slice(0, short.dlc)))).toBeUndefined();
    expect(() => decodeFrame(db, short)).toThrow(/DLC 4/);
  });
});

/** canmatrix is Debian's python3-canmatrix; /usr/bin/python3 first, as pyenv shims hide dist-packages. */
function findCanmatrixPython(): string | undefined {
  for (const py of ["/usr/bin/python3", "python3"]) {
    const r = spawnSync(py, ["-c", "import canmatrix.formats"], { encoding: "utf8" });
    if (r.status === 0) return py;
  }
  return undefined;
}
const python = findCanmatrixPython();

const canmatrixDecode = `
import json, sys
import canmatrix, canmatrix.formats
db = canmatrix.formats.loadp_flat(sys.argv[1])
out = []
for id, hexdata in json.load(sys.stdin):
    f = db.frame_by_id(canmatrix.ArbitrationId(id))
    out.append({k: int(v.raw_value) for k, v in f.decode(bytearray.fromhex(hexdata)).items()})
print(json.dumps(out))
`;

describe.skipIf(python === undefined)("the EMS-link DBC in canmatrix (python3-canmatrix)", () => {
  it("loads and decodes the capture and multiplexed frames exactly as candied does", () => {
    const frames: [number, string][] = [
      [0x351, "1F01BC02E803E700"],
      [0x355, "320064008813"],
      [0x356, "320A00002701"],
      [0x35a, "A8A082000000800A"],
      [0x35f, "0000020664000000"],
      [FrameId.cellVoltages, "05E40CFFFFFFFF10"],
      [FrameId.temperatures, "01F9FFFA007FFF08"],
      [FrameId.balancing, "0101000080030000"],
      [FrameId.faults, "0A000200080003FF"],
      [FrameId.commandReply, "B1040705FFFF"],
    ];
    const r = spawnSync(python ?? "python3", ["-c", canmatrixDecode, dbcFile], { input: JSON.stringify(frames), encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const theirs = JSON.parse(r.stdout) as Record<string, number>[];
    frames.forEach(([id, hex], i) => {
      const ours = Object.fromEntries(decodeFrame(db, frameOf(id, hex)).raw);
      expect(theirs[i], `0x${id.toString(16)}`).toEqual(ours);
    });
  });
});
