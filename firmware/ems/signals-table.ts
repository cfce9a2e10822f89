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
// Parallel columns made once (no Map, no objects per row: espruino.md §3, lua.md §4), filled as
// the row modules load; rows are addressed by the index the add functions return. Every value is
// a small integer, so the columns are smallIntArray (an Int16Array on Espruino: 2 bytes a value
// instead of 2 JsVars, espruino.md §6), or tinyIntArray (an Int8Array) where a value is a bit
// position, a width, a multiplexor value or an instance count.
//
// What only the DBC needs, the names, the frame ids and the scaling (factor, offset), is held
// apart from the columns the encoders and decoders read (signalDbc): only the row builders and
// tests read it, so on Espruino, where the build releases what the running BMS cannot reach
// (scripts/espruino-release.ts), its ~1,700 characters and four columns (~260 JsVars) go once the
// rows are made.
import { smallIntArray, smallIntMax, smallIntMin, tinyIntArray, tinyIntMax, tinyIntMin } from "../alloc";
import { clampRaw, getSignal, putSignal } from "./pack";

/** `mux` of a signal present in every frame of its id. */
export const muxNone = -1;
/** `mux` of the multiplexor switch itself (DBC `M`). */
export const muxSwitch = -2;

/** Rows the columns hold: the two profiles have 111; the load fails naming the row beyond this. */
export const signalRowCapacity = 112;

/** Separates the names in SignalDbc.text (not a character of a DBC name). */
const nameSeparator = ",";

export interface SignalTable {
  /** Rows added so far. */
  rows: number;
  /** Intel start bit (LSB) of the row, or of instance 0 of a family. */
  start: number[];
  length: number[];
  /** 1 when the raw value is two's complement, else 0. */
  signed: number[];
  /** Firmware units per raw count: CVL raw = mV / 100, so 100; 1 where the raw value is the unit. */
  unitsPerRaw: number[];
  /** Multiplexor value of the row (of instance 0 of a family), muxNone or muxSwitch. */
  mux: number[];
  /** Instances: 1 for a single signal. */
  count: number[];
  /** Instances per multiplexor value; 0 when the family is not multiplexed. */
  perMux: number[];
}

export const signalTable: SignalTable = {
  rows: 0,
  start: tinyIntArray(signalRowCapacity, 0),
  length: tinyIntArray(signalRowCapacity, 0),
  signed: tinyIntArray(signalRowCapacity, 0),
  unitsPerRaw: smallIntArray(signalRowCapacity, 0),
  mux: tinyIntArray(signalRowCapacity, 0),
  count: tinyIntArray(signalRowCapacity, 0),
  perMux: tinyIntArray(signalRowCapacity, 0),
};

/** What the DBC says of signalTable's rows beyond their layout. */
export interface SignalDbc {
  /** The DBC names, row by row, separated by commas; a family's base name (instances append 0, 1, …). */
  text: string;
  /** CAN id of the row's frame (FrameId). */
  frame: number[];
  /** DBC factor as the ratio factorNum / factorDen (0.1 V = 1/10): exact, no float. */
  factorNum: number[];
  factorDen: number[];
  /** DBC offset, physical units. */
  offset: number[];
}

/** The names, frames and scaling of signalTable's rows. */
export const signalDbc: SignalDbc = {
  text: "",
  frame: smallIntArray(signalRowCapacity, 0),
  factorNum: smallIntArray(signalRowCapacity, 0),
  factorDen: smallIntArray(signalRowCapacity, 0),
  offset: smallIntArray(signalRowCapacity, 0),
};

/** Is `v` an integer in low..high? */
function fits(v: number, low: number, high: number): boolean {
  return v >= low && v <= high && Math.floor(v) === v;
}

/** Appends a row and returns its index; throws, adding nothing, when a value does not fit. */
export function addRow(frame: number, name: string, start: number, length: number, signed: boolean, factorNum: number, factorDen: number, unitsPerRaw: number, mux: number, count: number, perMux: number): number {
  const t = signalTable;
  const row = t.rows;
  if (row >= signalRowCapacity) throw new Error("signal " + name + ": more than " + signalRowCapacity + " rows (signalRowCapacity)");
  if (name.indexOf(nameSeparator) >= 0) throw new Error("signal " + name + ": a name holds no '" + nameSeparator + "'");
  const wide = [frame, factorNum, factorDen, unitsPerRaw];
  for (let k = 0; k < wide.length; k++) {
    if (!fits(wide[k], smallIntMin, smallIntMax)) throw new Error("signal " + name + ": value " + wide[k] + " is not an integer in " + smallIntMin + ".." + smallIntMax);
  }
  const narrow = [start, length, mux, count, perMux];
  for (let k = 0; k < narrow.length; k++) {
    if (!fits(narrow[k], tinyIntMin, tinyIntMax)) throw new Error("signal " + name + ": value " + narrow[k] + " is not an integer in " + tinyIntMin + ".." + tinyIntMax);
  }
  const d = signalDbc;
  d.frame[row] = frame;
  d.text = row === 0 ? name : d.text + nameSeparator + name;
  t.start[row] = start;
  t.length[row] = length;
  t.signed[row] = signed ? 1 : 0;
  d.factorNum[row] = factorNum;
  d.factorDen[row] = factorDen;
  t.unitsPerRaw[row] = unitsPerRaw;
  d.offset[row] = 0;
  t.mux[row] = mux;
  t.count[row] = count;
  t.perMux[row] = perMux;
  t.rows = row + 1;
  return row;
}

/** The DBC name of a row (start-up and test code: it builds a string). */
export function rowName(dbc: SignalDbc, row: number): string {
  const text = dbc.text;
  let from = 0;
  for (let k = 0; k < row; k++) {
    const at = text.indexOf(nameSeparator, from);
    if (at < 0) return "";
    from = at + 1;
  }
  const end = text.indexOf(nameSeparator, from);
  return end < 0 ? text.substring(from) : text.substring(from, end);
}

/** Is the row's raw value two's complement? */
export function isSigned(t: SignalTable, row: number): boolean {
  return t.signed[row] === 1;
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
export function instanceName(t: SignalTable, dbc: SignalDbc, row: number, j: number): string {
  return t.count[row] > 1 ? rowName(dbc, row) + j : rowName(dbc, row);
}

/** Row index of the signal `name` (a row's name, not an instance's) of `frame`, or −1. */
export function findRow(t: SignalTable, dbc: SignalDbc, frame: number, name: string): number {
  for (let i = 0; i < t.rows; i++) if (dbc.frame[i] === frame && rowName(dbc, i) === name) return i;
  return -1;
}

// The four accessors below run for every signal of every frame: they read the sign column
// directly rather than through isSigned (a call is a scope allocated on Espruino).

/** Writes a row's raw value into `data`, saturated to the field (never wrapped). */
export function putRow(data: number[], row: number, raw: number): void {
  const t = signalTable;
  putSignal(data, t.start[row], t.length[row], clampRaw(raw, t.length[row], t.signed[row] === 1));
}

/** Writes instance j of a family, saturated to the field. */
export function putInstance(data: number[], row: number, j: number, raw: number): void {
  const t = signalTable;
  putSignal(data, instanceStart(t, row, j), t.length[row], clampRaw(raw, t.length[row], t.signed[row] === 1));
}

/** Reads a row's raw value from `data`. */
export function getRow(data: number[], row: number): number {
  const t = signalTable;
  return getSignal(data, t.start[row], t.length[row], t.signed[row] === 1);
}

/** Reads instance j of a family. */
export function getInstance(data: number[], row: number, j: number): number {
  const t = signalTable;
  return getSignal(data, instanceStart(t, row, j), t.length[row], t.signed[row] === 1);
}
