// SPDX-License-Identifier: MIT
// State that survives a reset on every runtime, through the HAL's Storage (hal/hal.ts): SoC
// counter, SoH, cycle count, latched faults and the newest events, in the record of
// firmware/persist-record.ts under one name.
//
// Start: restorePersisted() reads and checks the record (length, bytes, magic, CRC, version, pack
// identity, field ranges) and applies it to the fresh state, or leaves the state fresh (OCV start,
// no faults) and says why; it never throws. A latched fault (short circuit, over-current) comes
// back active and latched, so a reset cannot clear it: only an explicit clear does.
//
// Save policy (persistIfDue, once per tick after step):
// * a row newly latched: at once, whatever the last save (safety beats wear);
// * otherwise never sooner than saveGapMs (60 s, ENNOID's EEPROM period, prior-art.md §7) after
//   the previous save; once that has passed: a new fault-tier event, a latch cleared, or the SoC
//   moved ≥ 1 % since the last save: at once;
// * anything else changed (smaller SoC move, SoH, cycles, other events): after routineSaveMs
//   (10 min); nothing changed (a pack at rest): no write at all.
// Bound: at most 86 400 s / 60 s = 1440 writes a day, plus one per latching trip (a latched row
// can only trip again after an explicit clear). In ordinary use one save per 1 % of SoC moved
// (≈ 200 per full cycle) plus at most 144 routine saves a day. A failed write is counted and
// tried again every retryMs while still due; it never throws. Espruino's Storage wear-levels its
// writes (espruino.md, Storage); a record is recordLength (209) bytes.
import type { Storage } from "../hal/hal";
import { sequenceSlot } from "./events";
import { applyRecord, checkRecord, encodeRecord, latchedMask, RecordStatus, recordLength } from "./persist-record";
import { byteArray } from "./alloc";
import { EventKind, FaultCause } from "./types";
import type { BmsState, EventLog, RunConfig } from "./types";

/** The Storage name of the record (Espruino allows 28 characters, NodeMCU SPIFFS 31). */
export const storageName = "bms-state";

export const saveGapMs = 60000;
export const routineSaveMs = 600000;
export const retryMs = 10000;
/** SoC movement since the last save that makes a save due (1 %). */
export const socSaveStepCentiPct = 100;

/** What restorePersisted found; persistStatusName names them. */
export const PersistStatus = {
  restored: 0,
  /** Nothing stored: a first start. */
  none: 1,
  /** Wrong length, magic or CRC. */
  corrupt: RecordStatus.corrupt,
  /** A record of another pack configuration (seriesCount, chemistry, capacity). */
  otherPack: RecordStatus.otherPack,
  otherVersion: RecordStatus.otherVersion,
  /** CRC good, a field out of range. */
  invalid: RecordStatus.invalid,
  /** The medium threw on read. */
  readFailed: 6,
} as const;
export const persistStatusName = ["restored", "none", "corrupt", "other-pack", "other-version", "invalid", "read-failed"];

/** Bookkeeping of the save policy and the record buffer, made once at start. */
export interface PersistState {
  readonly record: number[];
  /** Time of the last successful save; −1 before the first persistIfDue. */
  lastSaveMs: number;
  lastAttemptMs: number;
  /** The last write failed: tried again after retryMs. */
  failing: boolean;
  savedSocCentiPct: number;
  savedSohCentiPct: number;
  savedCycleCentiCount: number;
  savedEventTotal: number;
  savedLatched: number;
  savedInitialized: boolean;
  writes: number;
  failedWrites: number;
}

/** What the persistence works on (BmsShell is one). */
export interface PersistHost {
  readonly conf: RunConfig;
  readonly state: BmsState;
  readonly persist: PersistState;
}

export function createPersistState(): PersistState {
  return {
    record: byteArray(recordLength, 0),
    lastSaveMs: -1,
    lastAttemptMs: -1,
    failing: false,
    savedSocCentiPct: 0,
    savedSohCentiPct: 0,
    savedCycleCentiCount: 0,
    savedEventTotal: 0,
    savedLatched: 0,
    savedInitialized: false,
    writes: 0,
    failedWrites: 0,
  };
}

/** What is in the medium now is `state` (after a save, or the record just restored). */
function markSaved(p: PersistState, state: BmsState): void {
  p.savedSocCentiPct = state.soc.socCentiPct;
  p.savedSohCentiPct = state.soc.sohCentiPct;
  p.savedCycleCentiCount = state.soc.cycleCentiCount;
  p.savedEventTotal = state.events.total;
  p.savedLatched = latchedMask(state);
  p.savedInitialized = state.soc.initialized;
}

/**
 * At start, right after createState and before the first step: applies the stored record to
 * host.state when it is sound and from this pack. Returns a PersistStatus; never throws.
 */
export function restorePersisted(storage: Storage, host: PersistHost): number {
  const p = host.persist;
  markSaved(p, host.state);
  let data: number[] | undefined;
  try {
    data = storage.read(storageName);
  } catch {
    return PersistStatus.readFailed;
  }
  if (data === undefined) return PersistStatus.none;
  let status: number;
  try {
    status = checkRecord(host.conf, data);
    if (status === RecordStatus.ok) applyRecord(host.state, data);
  } catch {
    status = RecordStatus.corrupt;
  }
  markSaved(p, host.state);
  return status === RecordStatus.ok ? PersistStatus.restored : status;
}

/** A row latched now that was not latched in the last save. */
function latchNewlySet(state: BmsState, saved: number): boolean {
  const latched = state.faults.latched;
  for (let id = 0; id < latched.length; id++) if (latched[id] && ((saved >>> id) & 1) === 0) return true;
  return false;
}

/** A fault tier (not a warning) set since event `fromTotal`, among the events still held. */
function faultEventSince(log: EventLog, fromTotal: number): boolean {
  const oldest = log.total - log.count;
  for (let seq = fromTotal > oldest ? fromTotal : oldest; seq < log.total; seq++) {
    const slot = sequenceSlot(log, seq);
    if (slot >= 0 && log.kind[slot] === EventKind.faultSet && log.cause[slot] !== FaultCause.warning) return true;
  }
  return false;
}

function saveDue(host: PersistHost, nowMs: number): boolean {
  const p = host.persist;
  const s = host.state;
  if (p.failing && nowMs - p.lastAttemptMs < retryMs) return false;
  if (latchNewlySet(s, p.savedLatched)) return true;
  const since = nowMs - p.lastSaveMs;
  if (since < saveGapMs) return false;
  if (latchedMask(s) !== p.savedLatched || faultEventSince(s.events, p.savedEventTotal)) return true;
  const soc = s.soc;
  const moved = soc.socCentiPct - p.savedSocCentiPct;
  if (soc.initialized && (moved >= socSaveStepCentiPct || moved <= -socSaveStepCentiPct)) return true;
  if (since < routineSaveMs) return false;
  return (
    moved !== 0 ||
    soc.initialized !== p.savedInitialized ||
    soc.sohCentiPct !== p.savedSohCentiPct ||
    soc.cycleCentiCount !== p.savedCycleCentiCount ||
    s.events.total !== p.savedEventTotal
  );
}

/** Encodes into the record buffer and writes it; a refusal or an exception counts as a failure. */
function save(storage: Storage, host: PersistHost, nowMs: number): boolean {
  const p = host.persist;
  let ok: boolean;
  try {
    encodeRecord(host.conf, host.state, p.record);
    ok = storage.write(storageName, p.record);
  } catch {
    ok = false;
  }
  p.lastAttemptMs = nowMs;
  if (!ok) {
    p.failedWrites++;
    p.failing = true;
    return false;
  }
  p.failing = false;
  p.writes++;
  p.lastSaveMs = nowMs;
  markSaved(p, host.state);
  return true;
}

/**
 * Once per tick after step(): saves the record when the policy above says it is due. Returns
 * true when a save was written on this call. Never throws; allocates nothing.
 */
export function persistIfDue(storage: Storage, host: PersistHost, nowMs: number): boolean {
  const p = host.persist;
  // The first call starts the timers; a clock that went backwards re-bases them.
  if (p.lastSaveMs < 0 || nowMs < p.lastSaveMs) p.lastSaveMs = nowMs;
  if (nowMs < p.lastAttemptMs) p.lastAttemptMs = nowMs;
  if (!saveDue(host, nowMs)) return false;
  return save(storage, host, nowMs);
}
