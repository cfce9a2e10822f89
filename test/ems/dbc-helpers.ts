// SPDX-License-Identifier: MIT
// The DBC through an independent decoder (npm candied 2.2.0) for the EMS-link tests, with the
// caveats of ../shared/reference/can-link.md §4.1 handled here once: candied decodes every m<k>
// signal whatever the multiplexor says (we keep only the active ones), clamps physValue to [min|max]
// (we use rawValue × factor + offset), and returns undefined on a DLC other than the DBC's (we throw).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Can, Dbc } from "candied";
import type { CanFrame } from "../../hal/can";
import { instanceMux, instanceName, instanceStart, isSigned, muxNone, muxSwitch, signalDbc, type SignalDbc } from "../../firmware/ems/signals";
import type { SignalTable } from "../../firmware/ems/signals";

export const dbcFile = join(import.meta.dirname, "..", "..", "firmware", "ems", "tsbms.dbc");

export type DbcData = ReturnType<Dbc["load"]>;
export type DbcMessage = DbcData["messages"] extends Map<string, infer M> ? M : never;
export type DbcSignal = DbcMessage["signals"] extends Map<string, infer S> ? S : never;

export interface LoadedDbc {
  text: string;
  /** Parse errors by line (empty for a good file). */
  errors: Map<number, SyntaxError[]>;
  data: DbcData;
  can: Can;
}

export function loadDbc(text = readFileSync(dbcFile, "utf8")): LoadedDbc {
  const dbc = new Dbc();
  const data = dbc.load(text);
  const can = new Can();
  can.database = data;
  return { text, errors: dbc.errors, data, can };
}

/** The DBC message with CAN id `id`; throws naming the id when there is none. */
export function messageById(data: DbcData, id: number): DbcMessage {
  for (const m of data.messages.values()) if (m.id === id) return m;
  throw new Error(`the DBC has no message 0x${id.toString(16)}`);
}

/** Multiplexor value of a candied signal in the signal table's terms: muxSwitch, muxNone or k. */
export function dbcMux(s: DbcSignal): number {
  if (s.multiplexer) return muxSwitch;
  if (s.multiplex === null || s.multiplex === "" || s.multiplex === undefined) return muxNone;
  const m = /^m(\d+)$/.exec(s.multiplex);
  if (m === null) throw new Error(`${s.name}: unexpected multiplex ${s.multiplex}`);
  return Number(m[1]);
}

export interface Decoded {
  name: string;
  /** Active signals only: name → raw value. */
  raw: Map<string, number>;
  /** Active signals only: name → raw × factor + offset (not clamped). */
  phys: Map<string, number>;
}

/** Decodes a frame with candied; throws when candied does not (unknown id, DLC ≠ the DBC's). */
export function decodeFrame(db: LoadedDbc, frame: CanFrame): Decoded {
  const bytes = frame.data.slice(0, frame.dlc);
  const bound = db.can.decode(db.can.createFrame(frame.id, bytes, frame.extended));
  if (bound === undefined) throw new Error(`candied decoded nothing for 0x${frame.id.toString(16)} DLC ${frame.dlc} (unknown id or DLC other than the DBC's)`);
  const message = messageById(db.data, frame.id);
  let switchValue = -1;
  for (const s of message.signals.values()) if (s.multiplexer) switchValue = bound.boundSignals.get(s.name)?.rawValue ?? -1;
  const raw = new Map<string, number>();
  const phys = new Map<string, number>();
  for (const [name, b] of bound.boundSignals) {
    const s = message.signals.get(name);
    if (s === undefined) throw new Error(`candied returned ${name}, not in ${message.name}`);
    const mux = dbcMux(s);
    if (mux >= 0 && mux !== switchValue) continue;
    raw.set(name, b.rawValue);
    phys.set(name, b.rawValue * s.factor + s.offset);
  }
  return { name: message.name, raw, phys };
}

/** One concrete signal of the firmware's table (a family expanded into its instances). */
export interface TableSignal {
  frame: number;
  name: string;
  start: number;
  length: number;
  signed: boolean;
  factorNum: number;
  factorDen: number;
  offset: number;
  mux: number;
}

export function expandTable(t: SignalTable, dbc: SignalDbc = signalDbc): TableSignal[] {
  const all: TableSignal[] = [];
  for (let row = 0; row < t.rows; row++) {
    for (let j = 0; j < t.count[row]; j++) {
      all.push({
        frame: dbc.frame[row],
        name: instanceName(t, dbc, row, j),
        start: instanceStart(t, row, j),
        length: t.length[row],
        signed: isSigned(t, row),
        factorNum: dbc.factorNum[row],
        factorDen: dbc.factorDen[row],
        offset: dbc.offset[row],
        mux: instanceMux(t, row, j),
      });
    }
  }
  return all;
}

const hex = (id: number) => `0x${id.toString(16)}`;

/**
 * Every disagreement between the firmware's signal table and the DBC, one line each naming the
 * frame, the signal and the field: a table signal missing from the DBC or different in start bit,
 * length, sign, factor, offset or multiplexor value, a DBC signal missing from the table, an
 * Intel/Motorola mismatch.
 */
export function compareTableWithDbc(t: SignalTable, data: DbcData, dbc: SignalDbc = signalDbc): string[] {
  const problems: string[] = [];
  const table = expandTable(t, dbc);
  const seen = new Set<string>();
  for (const s of table) {
    const key = `${hex(s.frame)} ${s.name}`;
    if (seen.has(key)) problems.push(`${key}: twice in the table`);
    seen.add(key);
    let message: DbcMessage;
    try {
      message = messageById(data, s.frame);
    } catch (e) {
      problems.push(`${key}: ${(e as Error).message}`);
      continue;
    }
    const d = message.signals.get(s.name);
    if (d === undefined) {
      problems.push(`${key}: not in the DBC message ${message.name}`);
      continue;
    }
    if (d.endian !== "Intel") problems.push(`${key}: DBC byte order ${d.endian}, the firmware packs Intel`);
    if (d.startBit !== s.start) problems.push(`${key}: start bit ${s.start} in the table, ${d.startBit} in the DBC`);
    if (d.length !== s.length) problems.push(`${key}: length ${s.length} in the table, ${d.length} in the DBC`);
    if (d.signed !== s.signed) problems.push(`${key}: signed ${s.signed} in the table, ${d.signed} in the DBC`);
    if (Math.abs(d.factor - s.factorNum / s.factorDen) > 1e-12) problems.push(`${key}: factor ${s.factorNum}/${s.factorDen} in the table, ${d.factor} in the DBC`);
    if (d.offset !== s.offset) problems.push(`${key}: offset ${s.offset} in the table, ${d.offset} in the DBC`);
    if (dbcMux(d) !== s.mux) problems.push(`${key}: multiplexor ${s.mux} in the table, ${dbcMux(d)} in the DBC`);
  }
  for (const m of data.messages.values()) {
    for (const name of m.signals.keys()) {
      if (!seen.has(`${hex(m.id)} ${name}`)) problems.push(`${hex(m.id)} ${name}: in the DBC message ${m.name}, not in the table`);
    }
  }
  return problems;
}

/** A copy of a signal table whose columns can be changed without touching the firmware's. */
export function copyTable(t: SignalTable): SignalTable {
  return {
    rows: t.rows,
    start: [...t.start],
    length: [...t.length],
    signed: [...t.signed],
    unitsPerRaw: [...t.unitsPerRaw],
    mux: [...t.mux],
    count: [...t.count],
    perMux: [...t.perMux],
  };
}

/** A copy of the DBC side of a signal table whose columns can be changed without touching the firmware's. */
export function copyDbc(d: SignalDbc): SignalDbc {
  return { text: d.text, frame: [...d.frame], factorNum: [...d.factorNum], factorDen: [...d.factorDen], offset: [...d.offset] };
}

/** A copy of signalDbc with row `row` named `name`. */
export function renamedRow(row: number, name: string): SignalDbc {
  const names = signalDbc.text.split(",");
  names[row] = name;
  return { ...copyDbc(signalDbc), text: names.join(",") };
}
