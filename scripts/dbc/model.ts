// SPDX-License-Identifier: MIT
// A small description of a DBC database and its rendering to DBC text, so that firmware/ems/tsbms.dbc
// is generated (the multiplexed cell and temperature signals are dozens of near-identical lines)
// rather than typed. Syntax: ../shared/reference/can-link.md §3. Intel (@1) signals only: candied
// decodes Motorola start bits wrong (§4.1 caveat 1).

export type Node = "BMS" | "EMS";

export interface SignalDef {
  name: string;
  /** LSB position, Intel numbering (bit n of byte k = 8k + n). */
  start: number;
  length: number;
  signed?: boolean;
  /** Physical = raw · num / den + offset. Default 1/1. */
  factor?: [number, number];
  offset?: number;
  /** Physical range; default: the whole raw field range scaled. */
  min?: number;
  max?: number;
  unit?: string;
  /** "M": the multiplexor switch; a number k: valid only when the switch equals k. */
  mux?: "M" | number;
  /** VAL_ entries, raw value → text. */
  values?: [number, string][];
  comment?: string;
}

export interface MessageDef {
  id: number;
  name: string;
  dlc: number;
  sender: Node;
  /** GenMsgCycleTime; 0 for event-driven frames. */
  cycleMs: number;
  /** Also sent at once, outside its period, when a fault or warning sets or clears. */
  spontaneous?: boolean;
  comment: string;
  signals: SignalDef[];
}

export interface DatabaseDef {
  version: string;
  comment: string;
  bitrate: number;
  messages: MessageDef[];
}

/** Phys value of a raw number under a num/den factor, printed without float artefacts. */
function phys(raw: number, factor: [number, number], offset: number): number {
  return (raw * factor[0]) / factor[1] + offset;
}

function rawRange(s: SignalDef): [number, number] {
  if (s.signed === true) return [-(2 ** (s.length - 1)), 2 ** (s.length - 1) - 1];
  return [0, 2 ** s.length - 1];
}

function quote(text: string): string {
  if (text.includes('"')) throw new Error(`DBC text must not contain a double quote: ${text}`);
  // DBC files are read as Windows-1252 by most tools: keep them ASCII.
  if (!/^[\x20-\x7e]*$/.test(text)) throw new Error(`DBC text must be printable ASCII: ${text}`);
  return `"${text}"`;
}

function signalLine(s: SignalDef, receiver: Node): string {
  const factor = s.factor ?? [1, 1];
  const offset = s.offset ?? 0;
  const range = rawRange(s);
  const min = s.min ?? phys(range[0], factor, offset);
  const max = s.max ?? phys(range[1], factor, offset);
  const mux = s.mux === undefined ? "" : s.mux === "M" ? " M" : ` m${s.mux}`;
  const sign = s.signed === true ? "-" : "+";
  return ` SG_ ${s.name}${mux} : ${s.start}|${s.length}@1${sign} (${phys(1, factor, 0)},${offset}) [${min}|${max}] ${quote(s.unit ?? "")} ${receiver}`;
}

/** Every problem of the description: overlapping or out-of-frame bits, duplicate names or ids. */
export function checkDatabase(db: DatabaseDef): string[] {
  const problems: string[] = [];
  const ids = new Set<number>();
  for (const m of db.messages) {
    if (ids.has(m.id)) problems.push(`${m.name}: id 0x${m.id.toString(16)} used twice`);
    ids.add(m.id);
    const names = new Set<string>();
    // Bits used per multiplexor value ("" = not multiplexed, shared by every value).
    const used = new Map<string, Set<number>>();
    for (const s of m.signals) {
      if (names.has(s.name)) problems.push(`${m.name}.${s.name}: name used twice`);
      names.add(s.name);
      if (s.start < 0 || s.start + s.length > 8 * m.dlc) problems.push(`${m.name}.${s.name}: bits ${s.start}..${s.start + s.length - 1} outside DLC ${m.dlc}`);
      const key = typeof s.mux === "number" ? String(s.mux) : "";
      const bits = used.get(key) ?? new Set<number>();
      used.set(key, bits);
      for (let b = s.start; b < s.start + s.length; b++) {
        if (bits.has(b)) problems.push(`${m.name}.${s.name}: bit ${b} overlaps another signal`);
        bits.add(b);
      }
    }
    const shared = used.get("") ?? new Set<number>();
    for (const [key, bits] of used) {
      if (key === "") continue;
      for (const b of bits) if (shared.has(b)) problems.push(`${m.name}: bit ${b} of m${key} overlaps a plain signal`);
    }
  }
  return problems;
}

/** The DBC text of the database. Throws listing every problem of the description. */
export function renderDbc(db: DatabaseDef): string {
  const problems = checkDatabase(db);
  if (problems.length > 0) throw new Error(`DBC description is inconsistent:\n  ${problems.join("\n  ")}`);
  const lines: string[] = [];
  lines.push(`VERSION ${quote(db.version)}`, "");
  lines.push("NS_ :", "\tCM_", "\tBA_DEF_", "\tBA_", "\tVAL_", "\tBA_DEF_DEF_", "\tVAL_TABLE_", "");
  lines.push("BS_:", "", "BU_: BMS EMS", "");
  lines.push('VAL_TABLE_ AlarmPair 3 "Reserved" 2 "OK" 1 "Active" 0 "NotSupported" ;', "");
  for (const m of db.messages) {
    const receiver: Node = m.sender === "BMS" ? "EMS" : "BMS";
    lines.push(`BO_ ${m.id} ${m.name}: ${m.dlc} ${m.sender}`);
    for (const s of m.signals) lines.push(signalLine(s, receiver));
    lines.push("");
  }
  lines.push(`CM_ ${quote(db.comment)};`);
  lines.push(`CM_ BU_ BMS ${quote("The battery management system: sends the inverter and detailed frames, accepts the EMS commands.")};`);
  lines.push(`CM_ BU_ EMS ${quote("The inverter or energy management system: sends the keep-alive and the commands.")};`);
  for (const m of db.messages) {
    const sendsAtOnce = m.spontaneous === true ? " Also sent at once, outside its period, when a fault or warning sets or clears." : "";
    lines.push(`CM_ BO_ ${m.id} ${quote(m.comment + sendsAtOnce)};`);
    for (const s of m.signals) if (s.comment !== undefined) lines.push(`CM_ SG_ ${m.id} ${s.name} ${quote(s.comment)};`);
  }
  lines.push("");
  lines.push('BA_DEF_ "BusType" STRING ;');
  lines.push('BA_DEF_ "Baudrate" INT 10000 1000000;');
  lines.push('BA_DEF_ BO_ "GenMsgCycleTime" INT 0 65535;');
  lines.push('BA_DEF_ BO_ "GenMsgSendType" ENUM "Cyclic","Event","CyclicAndSpontaneous";');
  lines.push('BA_DEF_DEF_ "BusType" "CAN";');
  lines.push('BA_DEF_DEF_ "Baudrate" 500000;');
  lines.push('BA_DEF_DEF_ "GenMsgCycleTime" 0;');
  lines.push('BA_DEF_DEF_ "GenMsgSendType" "Cyclic";');
  lines.push('BA_ "BusType" "CAN";');
  lines.push(`BA_ "Baudrate" ${db.bitrate};`);
  for (const m of db.messages) {
    lines.push(`BA_ "GenMsgCycleTime" BO_ ${m.id} ${m.cycleMs};`);
    if (m.cycleMs === 0) lines.push(`BA_ "GenMsgSendType" BO_ ${m.id} 1;`);
    else if (m.spontaneous === true) lines.push(`BA_ "GenMsgSendType" BO_ ${m.id} 2;`);
  }
  lines.push("");
  for (const m of db.messages) {
    for (const s of m.signals) {
      if (s.values === undefined) continue;
      const entries = [...s.values].sort((a, b) => b[0] - a[0]).map(([v, text]) => `${v} ${quote(text)}`);
      lines.push(`VAL_ ${m.id} ${s.name} ${entries.join(" ")} ;`);
    }
  }
  lines.push("");
  return lines.join("\n");
}
