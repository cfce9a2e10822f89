// SPDX-License-Identifier: MIT
// The Intel packer and the frame encoders on hand-made BMS outputs: the REC capture's 0x351 both
// ways, the §1.5 pitfalls (CVL never 0, CVL = pack voltage while charging is blocked, DCL 0 only
// from the core's own 0, rounding toward the safe side), saturation instead of wrap-around, and the
// first-fault rule. Packing is checked against a BigInt reference (the frame as one little-endian
// 64-bit number), which shares no code with the firmware's arithmetic.
import { describe, expect, it } from "vitest";
import { createCanFrame } from "../../hal/can";
import { encodeBmsFrame, createEmsSource, frameGroups } from "../../firmware/ems/encode";
import { encodeCommandReply, firstFault } from "../../firmware/ems/encode-status";
import { batteryTemperatureDeciC, chargeVoltageLimitRaw, encodeLimits, encodeMeasurements, encodeName, nameCodes } from "../../firmware/ems/encode-inverter";
import { FrameId } from "../../firmware/ems/ids";
import { clampRaw, getSignal, putSignal } from "../../firmware/ems/pack";
import { getRow, limitsSig, measurementsSig } from "../../firmware/ems/signals";
import { logEvent } from "../../firmware/events";
import { FaultId, faultCount, faultName } from "../../firmware/fault-ids";
import { presetConfig } from "../../firmware/config";
import { createMeasurements, createState } from "../../firmware/state";
import { EventKind, FaultCause, RequestedMode } from "../../firmware/types";
import type { Outputs } from "../../firmware/types";
import { decodeFrame, loadDbc } from "./dbc-helpers";
import { checkAllFrames, noCoverage } from "./encode-check";

const db = loadDbc();

function hex(data: number[], dlc: number): string {
  return data
    .slice(0, dlc)
    .map((b) => b.toString(16).toUpperCase().padStart(2, "0"))
    .join("");
}

/** The field at startBit..startBit+length−1 of the bytes read as one little-endian number. */
function refGet(data: number[], startBit: number, length: number, signed: boolean): number {
  let all = 0n;
  for (let i = 7; i >= 0; i--) all = (all << 8n) | BigInt(data[i]);
  let v = (all >> BigInt(startBit)) & ((1n << BigInt(length)) - 1n);
  if (signed && v >= 1n << BigInt(length - 1)) v -= 1n << BigInt(length);
  return Number(v);
}

function outputs(): Outputs {
  const conf = presetConfig("LFP", 16, 100000);
  return createState(conf).out;
}

describe("the Intel signal packer", () => {
  it("writes and reads every length 1..32 at every start bit that fits, leaving the other bits alone", () => {
    for (let length = 1; length <= 32; length++) {
      for (let start = 0; start + length <= 64; start += 3) {
        const data = [0xa5, 0x5a, 0xff, 0x00, 0x3c, 0xc3, 0x81, 0x7e];
        const before = [...data];
        const value = Math.floor((2 ** length - 1) * 0.6180339);
        putSignal(data, start, length, value);
        expect(refGet(data, start, length, false), `${start}|${length}`).toBe(value);
        expect(getSignal(data, start, length, false), `${start}|${length}`).toBe(value);
        // Every bit outside the field is as it was.
        for (let b = 0; b < 64; b++) {
          if (b >= start && b < start + length) continue;
          expect(refGet(data, b, 1, false), `bit ${b} after ${start}|${length}`).toBe(refGet(before, b, 1, false));
        }
      }
    }
  });

  it("writes negative values of signed fields as two's complement and reads them back", () => {
    for (const [start, length, v] of [
      [16, 16, -1],
      [3, 12, -2048],
      [32, 16, -32768],
      [5, 32, -2147483648],
      [0, 8, -100],
    ] as const) {
      const data = [0, 0, 0, 0, 0, 0, 0, 0];
      putSignal(data, start, length, v);
      expect(refGet(data, start, length, true)).toBe(v);
      expect(getSignal(data, start, length, true)).toBe(v);
      expect(refGet(data, start, length, false)).toBe(v + 2 ** length);
    }
  });

  it("saturates a raw value beyond its field at the field's ends instead of wrapping, signed or not", () => {
    for (const length of [1, 2, 8, 12, 16, 32]) {
      const top = 2 ** length - 1;
      expect([clampRaw(-1, length, false), clampRaw(0, length, false), clampRaw(top, length, false), clampRaw(top + 1, length, false)]).toEqual([0, 0, top, top]);
      const half = 2 ** (length - 1);
      expect([clampRaw(-half - 1, length, true), clampRaw(-half, length, true), clampRaw(half - 1, length, true), clampRaw(half, length, true)]).toEqual([-half, -half, half - 1, half - 1]);
    }
    expect(clampRaw(3300, 16, false)).toBe(3300);
    expect(clampRaw(-250, 16, true)).toBe(-250);
  });

  it("handles the full 32-bit unsigned range (a balancing mask with every cell on)", () => {
    const data = [0, 0, 0, 0, 0, 0, 0, 0];
    putSignal(data, 8, 32, 0xffffffff);
    expect(data).toEqual([0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0]);
    expect(getSignal(data, 8, 32, false)).toBe(0xffffffff);
  });
});

describe("the 0x351 limits frame", () => {
  it("encodes CVL 28.7 V, CCL 70 A, DCL 100 A, DVL 23.1 V as the REC capture 351#1F01BC02E803E700", () => {
    const out = outputs();
    out.chargeVoltageLimitMv = 28700;
    out.chargeCurrentLimitMa = 70000;
    out.dischargeCurrentLimitMa = 100000;
    out.dischargeVoltageLimitMv = 23100;
    out.sumCellMv = 26100;
    const f = createCanFrame();
    encodeLimits(f, out);
    expect(f.id).toBe(0x351);
    expect(f.extended).toBe(false);
    expect(hex(f.data, f.dlc)).toBe("1F01BC02E803E700");
  });

  it("reads the capture back to the same limits through the firmware's table and through candied", () => {
    const data = [0x1f, 0x01, 0xbc, 0x02, 0xe8, 0x03, 0xe7, 0x00];
    expect([limitsSig.chargeVoltageLimit, limitsSig.chargeCurrentLimit, limitsSig.dischargeCurrentLimit, limitsSig.dischargeVoltageLimit].map((r) => getRow(data, r))).toEqual([287, 700, 1000, 231]);
    const f = createCanFrame();
    f.id = 0x351;
    f.dlc = 8;
    f.data = data;
    const d = decodeFrame(db, f);
    expect(d.raw.get("ChargeVoltageLimit")! * 100).toBe(28700);
    expect(d.raw.get("DischargeCurrentLimit")! * 100).toBe(100000);
  });

  it("never sends CVL 0: a limit below 0.1 V with no pack voltage goes out as 0.1 V", () => {
    const out = outputs();
    out.chargeVoltageLimitMv = 50;
    out.chargeCurrentLimitMa = 0;
    out.sumCellMv = 0;
    expect(chargeVoltageLimitRaw(out)).toBe(1);
  });

  it("lowers CVL to the present pack voltage while charging is blocked, never above the configured limit", () => {
    const out = outputs();
    out.chargeVoltageLimitMv = 56800;
    out.sumCellMv = 53260;
    out.chargeCurrentLimitMa = 0;
    expect(chargeVoltageLimitRaw(out)).toBe(532);
    // Below 0.1 A rounds to 0 A: still blocked.
    out.chargeCurrentLimitMa = 99;
    expect(chargeVoltageLimitRaw(out)).toBe(532);
    // A pack above the limit keeps the limit.
    out.sumCellMv = 58000;
    expect(chargeVoltageLimitRaw(out)).toBe(568);
    // Charging allowed: the configured limit.
    out.sumCellMv = 53260;
    out.chargeCurrentLimitMa = 100;
    expect(chargeVoltageLimitRaw(out)).toBe(568);
  });

  it("sends the core's DCL 0 as 0, rounds current limits down and DVL up, and never sends a negative limit", () => {
    const out = outputs();
    out.chargeVoltageLimitMv = 56800;
    out.chargeCurrentLimitMa = -5000;
    out.dischargeCurrentLimitMa = 0;
    out.dischargeVoltageLimitMv = 44801;
    const f = createCanFrame();
    encodeLimits(f, out);
    expect(getRow(f.data, limitsSig.chargeCurrentLimit)).toBe(0);
    expect(getRow(f.data, limitsSig.dischargeCurrentLimit)).toBe(0);
    expect(getRow(f.data, limitsSig.dischargeVoltageLimit)).toBe(449);
    out.dischargeCurrentLimitMa = 49999;
    encodeLimits(f, out);
    expect(getRow(f.data, limitsSig.dischargeCurrentLimit)).toBe(499);
  });
});

describe("the 0x356 measurements frame", () => {
  it("reports the temperature further from 25 °C, the hottest on a tie", () => {
    const out = outputs();
    out.minTemperatureDeciC = 50;
    out.maxTemperatureDeciC = 300;
    expect(batteryTemperatureDeciC(out)).toBe(50);
    out.maxTemperatureDeciC = 450;
    expect(batteryTemperatureDeciC(out)).toBe(450);
    out.minTemperatureDeciC = 50;
    out.maxTemperatureDeciC = 450;
    expect(batteryTemperatureDeciC(out)).toBe(450);
  });

  it("saturates a pack voltage beyond 327.67 V and a current beyond the field instead of wrapping", () => {
    const out = outputs();
    out.sumCellMv = 400000;
    const f = createCanFrame();
    encodeMeasurements(f, out, -4000000);
    expect(getRow(f.data, measurementsSig.batteryVoltage)).toBe(32767);
    expect(getRow(f.data, measurementsSig.batteryCurrent)).toBe(-32768);
  });
});

describe("the 0x35E name", () => {
  it("pads a short name with spaces as Pylon inverters expect, and replaces non-ASCII", () => {
    const codes = [0, 0, 0, 0, 0, 0, 0, 0];
    nameCodes("PYLON", codes);
    const f = createCanFrame();
    encodeName(f, codes);
    expect(String.fromCharCode(...f.data)).toBe("PYLON   ");
    nameCodes("Bätterie-X", codes);
    expect(String.fromCharCode(...codes)).toBe("B?tterie");
  });
});

describe("the first fault of 0x4A4", () => {
  const conf = presetConfig("LFP", 16, 100000);

  it("is the active fault whose trip is oldest in the log, ignoring warnings and cleared faults", () => {
    const state = createState(conf);
    const seen = Array.from({ length: faultCount }, () => false);
    expect(firstFault(state, seen)).toBe(255);
    logEvent(state.events, 1, EventKind.faultSet, FaultId.cellOv, FaultCause.warning);
    logEvent(state.events, 2, EventKind.faultSet, FaultId.chargeOt, FaultCause.firmware);
    logEvent(state.events, 3, EventKind.faultSet, FaultId.shortCircuit, FaultCause.chip);
    logEvent(state.events, 4, EventKind.faultSet, FaultId.afeComm, FaultCause.firmware);
    state.out.faultActive[FaultId.cellOv] = true;
    state.out.faultActive[FaultId.shortCircuit] = true;
    state.out.faultActive[FaultId.afeComm] = true;
    // chargeOt tripped first but is no longer active; the cellOv event was a warning.
    logEvent(state.events, 5, EventKind.faultSet, FaultId.cellOv, FaultCause.firmware);
    expect(firstFault(state, seen)).toBe(FaultId.shortCircuit);
  });

  it("counts an active fault whose trip left the log as older than any logged one, lowest id first", () => {
    const state = createState(conf);
    const seen = Array.from({ length: faultCount }, () => false);
    for (let k = 0; k < conf.eventLogSize; k++) logEvent(state.events, k, EventKind.activity, 0, 0);
    logEvent(state.events, 100, EventKind.faultSet, FaultId.cellUv, FaultCause.firmware);
    state.out.faultActive[FaultId.cellUv] = true;
    state.out.faultActive[FaultId.stackMismatch] = true;
    state.out.faultActive[FaultId.chargeUt] = true;
    expect(firstFault(state, seen)).toBe(FaultId.chargeUt);
  });
});

describe("the frame dispatcher", () => {
  const conf = presetConfig("LFP", 16, 100000);
  conf.temperatureCount = 4;
  const state = createState(conf);
  const inputs = { measurements: createMeasurements(conf), requestedMode: RequestedMode.run as RequestedMode, clearFaults: false };
  const src = createEmsSource(conf, state, inputs, { name: "TSBMS", firmwareMajor: 0, firmwareMinor: 1, moduleCount: 1 });

  it("sends 6 cell groups, 2 temperature groups and 1 balancing group for 16 cells and 4 sensors", () => {
    expect(frameGroups(conf, FrameId.cellVoltages)).toBe(6);
    expect(frameGroups(conf, FrameId.temperatures)).toBe(2);
    expect(frameGroups(conf, FrameId.balancing)).toBe(1);
    expect(frameGroups(conf, FrameId.limits)).toBe(1);
  });

  it("refuses frames the BMS does not send periodically and groups out of range, leaving the frame alone", () => {
    const f = createCanFrame();
    f.id = 0x123;
    for (const id of [FrameId.commandReply, FrameId.modeRequest, FrameId.limitRequest, FrameId.faultClear, FrameId.inverterKeepAlive, 0x7ff]) {
      expect(encodeBmsFrame(f, id, 0, src), `0x${id.toString(16)}`).toBe(false);
      expect(frameGroups(conf, id)).toBe(0);
    }
    expect(encodeBmsFrame(f, FrameId.cellVoltages, 6, src)).toBe(false);
    expect(encodeBmsFrame(f, FrameId.cellVoltages, -1, src)).toBe(false);
    expect(f.id).toBe(0x123);
    expect(encodeBmsFrame(f, FrameId.cellVoltages, 5, src)).toBe(true);
    expect(f.id).toBe(FrameId.cellVoltages);
  });
});

describe("the alarm and flag frames (0x35A, 0x359, 0x4A4) on one active row at a time", () => {
  const conf = presetConfig("LFP", 16, 100000);
  conf.temperatureCount = 4;
  const state = createState(conf);
  const inputs = { measurements: createMeasurements(conf), requestedMode: RequestedMode.run as RequestedMode, clearFaults: false };
  const src = createEmsSource(conf, state, inputs, { name: "TSBMS", firmwareMajor: 0, firmwareMinor: 1, moduleCount: 1 });
  const out = state.out;

  it.each(Array.from({ length: faultCount }, (_, id) => [faultName[id], id]))("report %s in its own items only, as a fault and as a warning", (_name, id) => {
    for (const fault of [true, false]) {
      out.faultActive.fill(false);
      out.warningActive.fill(false);
      (fault ? out.faultActive : out.warningActive)[id] = true;
      out.faultCount = fault ? 1 : 0;
      out.warningCount = fault ? 0 : 1;
      checkAllFrames(src, noCoverage(), `${faultName[id]} ${fault ? "fault" : "warning"}`);
    }
  });
});

describe("the 0x4B8 command reply", () => {
  it("carries the command id, counter, result and the refusals modulo 65536, little-endian, DLC 6", () => {
    const a = createCanFrame();
    for (const [id, counter, result, total] of [
      [FrameId.modeRequest, 3, 0, 0],
      [FrameId.limitRequest, 14, 6, 70000],
      [FrameId.faultClear, 255, 1, 65535],
    ]) {
      encodeCommandReply(a, id, counter, result, total);
      expect(a.dlc).toBe(6);
      expect(a.data.slice(0, 6)).toEqual([id & 0xff, id >>> 8, counter, result, total % 65536 & 0xff, (total % 65536) >>> 8]);
      const d = decodeFrame(db, a).raw;
      expect([d.get("CommandId"), d.get("AliveCounter"), d.get("Result"), d.get("RefusedTotal")]).toEqual([id, counter, result, total % 65536]);
    }
  });
});
