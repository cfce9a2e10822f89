// SPDX-License-Identifier: MIT
// The firmware's own signal table: where each signal of every frame it encodes or decodes lies, as
// the DBC (firmware/ems/tsbms.dbc) describes it. A test compares the two field by field, so the
// firmware and the database an EMS integrator loads cannot drift apart.
//
// One row per signal, or per family of signals the DBC spells out one by one (the multiplexed cell
// voltages CellVoltage0..CellVoltage47, the name characters NameChar0..NameChar7): instance j of a
// family is named base + j and lies `length` bits after instance j − 1 inside its multiplexor value,
// `perMux` instances per value. A family costs one row instead of 48, which matters on Espruino
// where every array element is a JsVar (../shared/reference/espruino.md §6).
//
// Parallel arrays filled once when the module loads (no Map, no objects per row: espruino.md §3,
// lua.md §4); rows are addressed by the index the add functions return.
import { clampRaw, getSignal, putSignal } from "./pack";

/** `mux` of a signal present in every frame of its id. */
export const muxNone = -1;
/** `mux` of the multiplexor switch itself (DBC `M`). */
export const muxSwitch = -2;

export interface SignalTable {
  /** CAN id of the frame (FrameId). */
  frame: number[];
  /** The DBC name; a family's base name (instances append 0, 1, …). */
  name: string[];
  /** Intel start bit (LSB) of the row, or of instance 0 of a family. */
  start: number[];
  length: number[];
  signed: boolean[];
  /** DBC factor as the ratio factorNum / factorDen (0.1 V = 1/10): exact, no float. */
  factorNum: number[];
  factorDen: number[];
  /** Firmware units per raw count: CVL raw = mV / 100, so 100; 1 where the raw value is the unit. */
  unitsPerRaw: number[];
  /** DBC offset, physical units. */
  offset: number[];
  /** Multiplexor value of the row (of instance 0 of a family), muxNone or muxSwitch. */
  mux: number[];
  /** Instances: 1 for a single signal. */
  count: number[];
  /** Instances per multiplexor value; 0 when the family is not multiplexed. */
  perMux: number[];
}

export const signalTable: SignalTable = {
  frame: [],
  name: [],
  start: [],
  length: [],
  signed: [],
  factorNum: [],
  factorDen: [],
  unitsPerRaw: [],
  offset: [],
  mux: [],
  count: [],
  perMux: [],
};

/** Appends a row and returns its index. Used only while the table modules load. */
export function addRow(frame: number, name: string, start: number, length: number, signed: boolean, factorNum: number, factorDen: number, unitsPerRaw: number, mux: number, count: number, perMux: number): number {
  const t = signalTable;
  t.frame.push(frame);
  t.name.push(name);
  t.start.push(start);
  t.length.push(length);
  t.signed.push(signed);
  t.factorNum.push(factorNum);
  t.factorDen.push(factorDen);
  t.unitsPerRaw.push(unitsPerRaw);
  t.offset.push(0);
  t.mux.push(mux);
  t.count.push(count);
  t.perMux.push(perMux);
  return t.frame.length - 1;
}

/** A single signal, present in every frame of its id. */
export function scaled(frame: number, name: string, start: number, length: number, signed: boolean, factorNum: number, factorDen: number, unitsPerRaw: number): number {
  return addRow(frame, name, start, length, signed, factorNum, factorDen, unitsPerRaw, muxNone, 1, 0);
}

/** An unsigned signal whose raw value is the value (flags, counts, codes, enums). */
export function plain(frame: number, name: string, start: number, length: number): number {
  return addRow(frame, name, start, length, false, 1, 1, 1, muxNone, 1, 0);
}

/** The multiplexor switch of a frame. */
export function switchRow(frame: number, name: string, start: number, length: number): number {
  return addRow(frame, name, start, length, false, 1, 1, 1, muxSwitch, 1, 0);
}

/** Intel start bit of instance j of a row. */
export function instanceStart(t: SignalTable, row: number, j: number): number {
  const per = t.perMux[row];
  const slot = per > 0 ? j - per * Math.floor(j / per) : j;
  return t.start[row] + slot * t.length[row];
}

/** Multiplexor value of instance j of a row. */
export function instanceMux(t: SignalTable, row: number, j: number): number {
  const per = t.perMux[row];
  return per > 0 ? t.mux[row] + Math.floor(j / per) : t.mux[row];
}

/** DBC name of instance j (start-up and test code: it builds a string). */
export function instanceName(t: SignalTable, row: number, j: number): string {
  return t.count[row] > 1 ? t.name[row] + j : t.name[row];
}

/** Row index of the signal `name` (a row's name, not an instance's) of `frame`, or −1. */
export function findRow(t: SignalTable, frame: number, name: string): number {
  for (let i = 0; i < t.frame.length; i++) if (t.frame[i] === frame && t.name[i] === name) return i;
  return -1;
}

/** Writes a row's raw value into `data`, saturated to the field (never wrapped). */
export function putRow(data: number[], row: number, raw: number): void {
  const t = signalTable;
  putSignal(data, t.start[row], t.length[row], clampRaw(raw, t.length[row], t.signed[row]));
}

/** Writes instance j of a family, saturated to the field. */
export function putInstance(data: number[], row: number, j: number, raw: number): void {
  const t = signalTable;
  putSignal(data, instanceStart(t, row, j), t.length[row], clampRaw(raw, t.length[row], t.signed[row]));
}

/** Reads a row's raw value from `data`. */
export function getRow(data: number[], row: number): number {
  const t = signalTable;
  return getSignal(data, t.start[row], t.length[row], t.signed[row]);
}

/** Reads instance j of a family. */
export function getInstance(data: number[], row: number, j: number): number {
  const t = signalTable;
  return getSignal(data, instanceStart(t, row, j), t.length[row], t.signed[row]);
}
