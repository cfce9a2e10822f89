// SPDX-License-Identifier: MIT
// The persisted record: what a restart needs to go on where the previous run stopped (SoC
// counter and its anchors, SoH, cycle count, latched faults, the newest events), as a fixed
// layout of bytes with a CRC. Fixed length (recordLength) whatever the configuration, so the
// array is made once and a save refills it. Multi-byte fields are big-endian two's complement.
//
//   off len field
//     0   1 magic 0xB5
//     1   1 layout version (1)
//     2   1 pack identity: seriesCount
//     3   1 pack identity: chemistry code (0 LFP, 1 NMC, 2 LTO)
//     4   4 pack identity: capacityMah
//     8   1 flags: bit 0 SoC initialised, bit 1 full anchor taken in this charge
//     9   1 SocAnchor kind of the last anchor
//    10   4 capacityMas          14  4 remainingMas        18  2 remainderMaMs
//    20   2 socCentiPct          22  2 anchorSocCentiPct   24  4 sinceAnchorMas
//    28   2 sohCentiPct          30  4 cycleCentiCount     34  4 dischargedMas
//    38   2 latched fault rows (bit = FaultId)            40  2 of those, tripped by the chip
//    42   4 events ever logged (EventLog.total)           46  1 events held n (≤ 16)
//    47 160 16 event slots, oldest first, 10 bytes each: timeMs (4), kind (1), value (4),
//           cause (1, signed); slots n … 15 are zero
//   207   2 CRC-16/CCITT-FALSE of bytes 0 … 206 (firmware/crc16.ts)
//
// Not stored, on purpose: the rest and end-of-charge timers (the time the MCU was off is
// unknown, so a rest starts again from 0 and the OCV rest correction follows soc.ts rules),
// debounce counters of unlatched rows (their condition is measured again within their delay).
// timeMs is the previous run's clock, stored as it is (modulo 2^32); EventLog.bootSequence tells
// a reader which events came from before the reset.
import { crc16 } from "./crc16";
import { eventSlot } from "./events";
import { faultCount } from "./fault-ids";
import { capacityAtCentiPct, SOH_ESTIMATE_MAX_CENTI_PCT, SOH_ESTIMATE_MIN_CENTI_PCT } from "./soh";
import { eventKindName } from "./types";
import type { BmsState, Chemistry, RunConfig, SocAnchor } from "./types";

export const recordMagic = 0xb5;
export const recordVersion = 1;
/** Events kept in the record: the newest 16 (validateConfig asks for a log of at least 4). */
export const recordEvents = 16;
const eventBytes = 10;
const eventsAt = 47;
const crcAt = eventsAt + recordEvents * eventBytes;
/** Bytes of a record, CRC included (209). */
export const recordLength = crcAt + 2;

/** What checkRecord found; 0 means the record may be applied. */
export const RecordStatus = {
  ok: 0,
  /** Wrong length, a value that is not a byte, bad magic or bad CRC. */
  corrupt: 2,
  /** Another seriesCount, chemistry or capacity. */
  otherPack: 3,
  /** Written by another layout version. */
  otherVersion: 4,
  /** CRC good but a field out of its range (a bug or a changed configuration). */
  invalid: 5,
} as const;

function chemistryCode(c: Chemistry): number {
  if (c === "LFP") return 0;
  if (c === "NMC") return 1;
  return 2;
}

/** Writes the low `bytes` bytes of the integer `v`, big-endian (>>> works on negatives too). */
function put(buf: number[], at: number, v: number, bytes: number): void {
  for (let i = 0; i < bytes; i++) buf[at + bytes - 1 - i] = (v >>> (8 * i)) & 0xff;
}

/** Signed big-endian integer; the top byte carries the sign so no step passes 2^31. */
function getSigned(buf: number[], at: number, bytes: number): number {
  let v = buf[at] >= 128 ? buf[at] - 256 : buf[at];
  for (let i = 1; i < bytes; i++) v = v * 256 + buf[at + i];
  return v;
}

function getUnsigned(buf: number[], at: number, bytes: number): number {
  let v = 0;
  for (let i = 0; i < bytes; i++) v = v * 256 + buf[at + i];
  return v;
}

/** Rows set in `flags` as a bit mask (faultCount = 14 bits). */
function rowMask(flags: boolean[]): number {
  let m = 0;
  for (let id = 0; id < faultCount; id++) if (flags[id]) m = m | (1 << id);
  return m;
}

/** Bit mask of the latched fault rows, as the record holds it. */
export function latchedMask(state: BmsState): number {
  return rowMask(state.faults.latched);
}

/** Fills `buf` (recordLength bytes, made once) with the record of `state`. Allocates nothing. */
export function encodeRecord(conf: RunConfig, state: BmsState, buf: number[]): void {
  const s = state.soc;
  const log = state.events;
  for (let i = 0; i < recordLength; i++) buf[i] = 0;
  buf[0] = recordMagic;
  buf[1] = recordVersion;
  buf[2] = conf.seriesCount & 0xff;
  buf[3] = chemistryCode(conf.chemistry);
  put(buf, 4, conf.capacityMah, 4);
  buf[8] = (s.initialized ? 1 : 0) + (s.fullAnchored ? 2 : 0);
  buf[9] = s.anchorKind;
  put(buf, 10, s.capacityMas, 4);
  put(buf, 14, s.remainingMas, 4);
  put(buf, 18, s.remainderMaMs, 2);
  put(buf, 20, s.socCentiPct, 2);
  put(buf, 22, s.anchorSocCentiPct, 2);
  put(buf, 24, s.sinceAnchorMas, 4);
  put(buf, 28, s.sohCentiPct, 2);
  put(buf, 30, s.cycleCentiCount, 4);
  put(buf, 34, s.dischargedMas, 4);
  put(buf, 38, rowMask(state.faults.latched), 2);
  put(buf, 40, rowMask(state.faults.byChip), 2);
  put(buf, 42, log.total, 4);
  const n = log.count < recordEvents ? log.count : recordEvents;
  buf[46] = n;
  for (let k = 0; k < n; k++) {
    const slot = eventSlot(log, log.count - n + k);
    const at = eventsAt + k * eventBytes;
    put(buf, at, log.timeMs[slot], 4);
    buf[at + 4] = log.kind[slot] & 0xff;
    put(buf, at + 5, log.value[slot], 4);
    put(buf, at + 9, log.cause[slot], 1);
  }
  put(buf, crcAt, crc16(buf, 0, crcAt), 2);
}

function inRange(v: number, low: number, high: number): boolean {
  return v >= low && v <= high;
}

/** The SoC fields are consistent with `conf` (only checked when the record says initialised). */
function socFieldsValid(conf: RunConfig, d: number[]): boolean {
  const capacity = getSigned(d, 10, 4);
  const limit = capacityAtCentiPct(conf, SOH_ESTIMATE_MAX_CENTI_PCT);
  if (!inRange(capacity, capacityAtCentiPct(conf, SOH_ESTIMATE_MIN_CENTI_PCT), limit)) return false;
  if (!inRange(getSigned(d, 14, 4), 0, capacity) || !inRange(getSigned(d, 18, 2), -999, 999)) return false;
  if (!inRange(getSigned(d, 20, 2), 0, 10000) || !inRange(getSigned(d, 22, 2), 0, 10000)) return false;
  if (!inRange(getSigned(d, 24, 4), -limit, limit) || !inRange(getSigned(d, 28, 2), 1, 10000)) return false;
  return getSigned(d, 30, 4) >= 0 && inRange(getSigned(d, 34, 4), 0, conf.capacityMah * 36);
}

/** Judges a stored blob for `conf`: RecordStatus.ok or why it must not be applied. */
export function checkRecord(conf: RunConfig, d: number[]): number {
  if (d.length !== recordLength) return RecordStatus.corrupt;
  for (let i = 0; i < recordLength; i++) {
    const b = d[i];
    if (typeof b !== "number" || !(b >= 0 && b <= 255) || Math.floor(b) !== b) return RecordStatus.corrupt;
  }
  if (d[0] !== recordMagic || getUnsigned(d, crcAt, 2) !== crc16(d, 0, crcAt)) return RecordStatus.corrupt;
  if (d[1] !== recordVersion) return RecordStatus.otherVersion;
  if (d[2] !== (conf.seriesCount & 0xff) || d[3] !== chemistryCode(conf.chemistry) || getSigned(d, 4, 4) !== conf.capacityMah) {
    return RecordStatus.otherPack;
  }
  if (d[8] > 3 || d[9] > 4 || ((d[8] & 1) !== 0 && !socFieldsValid(conf, d))) return RecordStatus.invalid;
  const all = (1 << faultCount) - 1;
  const latched = getUnsigned(d, 38, 2);
  if (latched > all || (getUnsigned(d, 40, 2) & ~latched) !== 0) return RecordStatus.invalid;
  const n = d[46];
  if (n > recordEvents || getSigned(d, 42, 4) < n) return RecordStatus.invalid;
  for (let k = 0; k < n; k++) if (d[eventsAt + k * eventBytes + 4] >= eventKindName.length) return RecordStatus.invalid;
  return RecordStatus.ok;
}

/**
 * Applies a record checkRecord accepted to a fresh state (createState, nothing logged yet).
 * SoC: counter, anchor and SoH as stored, initialised, so the core's init → standby keeps it
 * instead of an OCV guess (step.ts leaveInit); rest and full timers start at 0. Latched rows:
 * active and latched until an explicit clear, their debounce counter full. Events: the newest
 * that fit the log, oldest first, with the stored total; bootSequence marks them restored.
 */
export function applyRecord(state: BmsState, d: number[]): void {
  const s = state.soc;
  if ((d[8] & 1) !== 0) {
    s.capacityMas = getSigned(d, 10, 4);
    s.remainingMas = getSigned(d, 14, 4);
    s.remainderMaMs = getSigned(d, 18, 2);
    s.socCentiPct = getSigned(d, 20, 2);
    s.anchorSocCentiPct = getSigned(d, 22, 2);
    s.sinceAnchorMas = getSigned(d, 24, 4);
    s.sohCentiPct = getSigned(d, 28, 2);
    s.cycleCentiCount = getSigned(d, 30, 4);
    s.dischargedMas = getSigned(d, 34, 4);
    s.anchorKind = d[9] as SocAnchor;
    s.fullAnchored = (d[8] & 2) !== 0;
    s.restMs = 0;
    s.restCorrected = false;
    s.fullMs = 0;
    s.initialized = true;
    state.out.socCentiPct = s.socCentiPct;
    state.out.sohCentiPct = s.sohCentiPct;
  }
  const f = state.faults;
  const latched = getUnsigned(d, 38, 2);
  const byChip = getUnsigned(d, 40, 2);
  for (let id = 0; id < faultCount; id++) {
    if (((latched >>> id) & 1) !== 0) {
      f.faultActive[id] = true;
      f.latched[id] = true;
      f.byChip[id] = ((byChip >>> id) & 1) !== 0;
      f.faultCounterMs[id] = state.faultTable.faultDelayMs[id];
    }
  }
  const log = state.events;
  const size = log.timeMs.length;
  const n = d[46];
  const keep = n < size ? n : size;
  for (let k = 0; k < keep; k++) {
    const at = eventsAt + (n - keep + k) * eventBytes;
    log.timeMs[k] = getSigned(d, at, 4);
    log.kind[k] = d[at + 4];
    log.value[k] = getSigned(d, at + 5, 4);
    log.cause[k] = getSigned(d, at + 9, 1);
  }
  log.next = keep >= size ? 0 : keep;
  log.count = keep;
  log.total = getSigned(d, 42, 4);
  log.bootSequence = log.total;
}
