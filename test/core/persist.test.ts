// SPDX-License-Identifier: MIT
// The persisted record (firmware/persist-record.ts) and the save policy (firmware/persist.ts):
// every field survives a round trip, anything unsound is refused with its reason and leaves a
// fresh state, and saves follow the documented policy.
import { describe, expect, it } from "vitest";
import { crc16 } from "../../firmware/crc16";
import { eventSlot, logEvent } from "../../firmware/events";
import { FaultId } from "../../firmware/fault-ids";
import { encodeRecord, recordLength } from "../../firmware/persist-record";
import {
  createPersistState,
  persistIfDue,
  PersistStatus,
  persistStatusName,
  restorePersisted,
  retryMs,
  routineSaveMs,
  saveGapMs,
  storageName,
} from "../../firmware/persist";
import type { PersistHost } from "../../firmware/persist";
import { createState } from "../../firmware/state";
import { EventKind, FaultCause, SocAnchor } from "../../firmware/types";
import type { PackConfig } from "../../firmware/types";
import { SimStorage } from "../../sim/hal/platform";
import { packConfig } from "./fixtures";

function host(conf: PackConfig): PersistHost {
  return { conf, state: createState(conf), persist: createPersistState() };
}

/** A host whose every persisted field holds a distinct, non-default value. */
function busyHost(conf: PackConfig): PersistHost {
  const h = host(conf);
  const s = h.state.soc;
  s.initialized = true;
  s.capacityMas = 95_000 * 3600;
  s.remainingMas = 41_234_567;
  s.remainderMaMs = -321;
  s.socCentiPct = 4341;
  s.anchorSocCentiPct = 10000;
  s.anchorKind = SocAnchor.full;
  s.sinceAnchorMas = -198_765_432;
  s.sohCentiPct = 9500;
  s.cycleCentiCount = 123_456;
  s.dischargedMas = 3_599_999;
  s.fullAnchored = true;
  const f = h.state.faults;
  f.faultActive[FaultId.shortCircuit] = true;
  f.latched[FaultId.shortCircuit] = true;
  f.byChip[FaultId.shortCircuit] = true;
  f.faultActive[FaultId.cellSensor] = true;
  f.latched[FaultId.cellSensor] = true;
  // 40 events through a 32-slot ring: wrapped, and more than the record keeps.
  for (let i = 0; i < 40; i++) logEvent(h.state.events, 1_000_000 + i * 7, i % 7, i * 1000 - 5000, (i % 4) - 1);
  return h;
}

function saveTo(storage: SimStorage, h: PersistHost): number[] {
  const buf = new Array<number>(recordLength).fill(0);
  encodeRecord(h.conf, h.state, buf);
  storage.write(storageName, buf);
  return buf;
}

function heldEvents(h: PersistHost) {
  const log = h.state.events;
  const list: number[][] = [];
  for (let k = 0; k < log.count; k++) {
    const slot = eventSlot(log, k);
    list.push([log.timeMs[slot], log.kind[slot], log.value[slot], log.cause[slot]]);
  }
  return list;
}

describe("CRC-16/CCITT-FALSE", () => {
  it("gives the catalogue check value 0x29B1 for the ASCII string 123456789", () => {
    const bytes = [..."123456789"].map((c) => c.charCodeAt(0));
    expect(crc16(bytes, 0, bytes.length)).toBe(0x29b1);
  });
});

describe("the persisted record", () => {
  const conf = packConfig("LFP", 16, 100_000);
  conf.eventLogSize = 32;

  it("is 209 bytes 0..255 with magic, version and the pack identity at their offsets", () => {
    const buf = saveTo(new SimStorage(), busyHost(conf));
    expect(buf.length).toBe(209);
    expect(buf.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)).toBe(true);
    expect(buf.slice(0, 8)).toEqual([0xb5, 1, 16, 0, 0, 0x01, 0x86, 0xa0]);
    expect((buf[207] << 8) | buf[208]).toBe(crc16(buf, 0, 207));
  });

  it("brings back every SoC field, the latched faults and the newest 16 events in order", () => {
    const storage = new SimStorage();
    const before = busyHost(conf);
    saveTo(storage, before);
    const after = host(conf);
    expect(restorePersisted(storage, after)).toBe(PersistStatus.restored);
    expect(after.state.soc).toEqual({ ...before.state.soc, restMs: 0, restCorrected: false, fullMs: 0 });
    for (const id of [FaultId.shortCircuit, FaultId.cellSensor]) {
      expect(after.state.faults.faultActive[id]).toBe(true);
      expect(after.state.faults.latched[id]).toBe(true);
    }
    expect(after.state.faults.byChip[FaultId.shortCircuit]).toBe(true);
    expect(after.state.faults.byChip[FaultId.cellSensor]).toBe(false);
    expect(after.state.faults.latched.filter((x) => x).length).toBe(2);
    expect(heldEvents(after)).toEqual(heldEvents(before).slice(-16));
    expect(after.state.events.total).toBe(40);
    expect(after.state.events.bootSequence).toBe(40);
  });

  it("keeps the newest events that fit a smaller log, oldest first, and logs new ones after them", () => {
    const storage = new SimStorage();
    const before = busyHost(conf);
    saveTo(storage, before);
    const small = packConfig("LFP", 16, 100_000);
    small.eventLogSize = 5;
    const after = host(small);
    expect(restorePersisted(storage, after)).toBe(PersistStatus.restored);
    expect(heldEvents(after)).toEqual(heldEvents(before).slice(-5));
    logEvent(after.state.events, 10, EventKind.mode, 1, -1);
    expect(heldEvents(after).at(-1)).toEqual([10, EventKind.mode, 1, -1]);
    expect(after.state.events.total).toBe(41);
  });

  it("rejects a record with any single byte changed as corrupt and leaves the state fresh", () => {
    const good = saveTo(new SimStorage(), busyHost(conf));
    for (let i = 0; i < good.length; i++) {
      const storage = new SimStorage();
      const bad = good.slice();
      bad[i] = bad[i] ^ 0x10;
      storage.write(storageName, bad);
      const h = host(conf);
      expect(restorePersisted(storage, h), `byte ${i}`).toBe(PersistStatus.corrupt);
      expect(h.state.soc.initialized).toBe(false);
      expect(h.state.faults.latched.some((x) => x)).toBe(false);
      expect(h.state.events.count).toBe(0);
    }
  });

  it("rejects a truncated record and one holding a non-byte as corrupt", () => {
    const good = saveTo(new SimStorage(), busyHost(conf));
    for (const bad of [good.slice(0, 208), [...good.slice(0, 100), 256, ...good.slice(101)], [...good.slice(0, 100), 1.5, ...good.slice(101)]]) {
      const storage = new SimStorage();
      storage.write(storageName, bad);
      expect(restorePersisted(storage, host(conf))).toBe(PersistStatus.corrupt);
    }
  });

  it("rejects another pack's record (series count, capacity or chemistry) with status other-pack", () => {
    const storage = new SimStorage();
    saveTo(storage, busyHost(conf));
    for (const other of [packConfig("LFP", 15, 100_000), packConfig("LFP", 16, 280_000), packConfig("NMC", 16, 100_000)]) {
      const h = host(other);
      expect(restorePersisted(storage, h)).toBe(PersistStatus.otherPack);
      expect(persistStatusName[PersistStatus.otherPack]).toBe("other-pack");
      expect(h.state.soc.initialized).toBe(false);
    }
  });

  it("tells another layout version and an out-of-range field behind a good CRC apart", () => {
    const good = saveTo(new SimStorage(), busyHost(conf));
    const reCrc = (b: number[]) => {
      const c = crc16(b, 0, 207);
      b[207] = c >>> 8;
      b[208] = c & 0xff;
      return b;
    };
    const version = good.slice();
    version[1] = 2;
    const soc = good.slice();
    soc[20] = 0x27;
    soc[21] = 0x11; // socCentiPct 10001
    for (const [bytes, status] of [
      [reCrc(version), PersistStatus.otherVersion],
      [reCrc(soc), PersistStatus.invalid],
    ] as const) {
      const storage = new SimStorage();
      storage.write(storageName, bytes);
      const h = host(conf);
      expect(restorePersisted(storage, h)).toBe(status);
      expect(h.state.soc.initialized).toBe(false);
    }
  });

  it("reports none for an empty medium and read-failed for one that throws, without throwing", () => {
    expect(restorePersisted(new SimStorage(), host(conf))).toBe(PersistStatus.none);
    const throwing = { read: (): number[] => { throw new Error("flash gone"); }, write: () => false };
    expect(restorePersisted(throwing, host(conf))).toBe(PersistStatus.readFailed);
  });
});

/** A storage that counts writes and can refuse or throw. */
class CountingStorage extends SimStorage {
  writes = 0;
  refuse = false;
  throws = false;
  override write(name: string, data: number[]): boolean {
    if (this.throws) throw new Error("flash busy");
    if (this.refuse) return false;
    this.writes++;
    return super.write(name, data);
  }
}

describe("the save policy", () => {
  const conf = packConfig("LFP", 16, 100_000);

  function started() {
    const storage = new CountingStorage();
    const h = host(conf);
    const soc = h.state.soc;
    soc.initialized = true;
    soc.capacityMas = conf.capacityMah * 3600;
    soc.remainingMas = soc.capacityMas / 2;
    soc.socCentiPct = 5000;
    soc.sohCentiPct = 10000;
    expect(restorePersisted(storage, h)).toBe(PersistStatus.none);
    expect(persistIfDue(storage, h, 0)).toBe(false);
    return { storage, h };
  }

  it("saves a newly latched fault at once, even right after another save", () => {
    const { storage, h } = started();
    h.state.soc.socCentiPct = 4000;
    expect(persistIfDue(storage, h, saveGapMs)).toBe(true);
    h.state.faults.faultActive[FaultId.shortCircuit] = true;
    h.state.faults.latched[FaultId.shortCircuit] = true;
    expect(persistIfDue(storage, h, saveGapMs + 100)).toBe(true);
    expect(storage.writes).toBe(2);
    const again = host(conf);
    expect(restorePersisted(storage, again)).toBe(PersistStatus.restored);
    expect(again.state.faults.latched[FaultId.shortCircuit]).toBe(true);
  });

  it("saves a fault-tier event at once once the gap since the last save has passed, a warning only routinely", () => {
    const { storage, h } = started();
    logEvent(h.state.events, 10, EventKind.faultSet, FaultId.cellOv, FaultCause.warning);
    expect(persistIfDue(storage, h, saveGapMs)).toBe(false);
    logEvent(h.state.events, 20, EventKind.faultSet, FaultId.cellOv, FaultCause.firmware);
    expect(persistIfDue(storage, h, saveGapMs - 100)).toBe(false);
    expect(persistIfDue(storage, h, saveGapMs)).toBe(true);
  });

  it("saves when the SoC moved 1 %, and a smaller move only after the routine period", () => {
    const { storage, h } = started();
    h.state.soc.socCentiPct = 4901;
    expect(persistIfDue(storage, h, saveGapMs)).toBe(false);
    h.state.soc.socCentiPct = 4900;
    expect(persistIfDue(storage, h, saveGapMs)).toBe(true);
    h.state.soc.socCentiPct = 4850;
    expect(persistIfDue(storage, h, saveGapMs + routineSaveMs - 100)).toBe(false);
    expect(persistIfDue(storage, h, saveGapMs + routineSaveMs)).toBe(true);
  });

  it("writes nothing for a day when nothing changes", () => {
    const { storage, h } = started();
    for (let t = 0; t <= 86_400_000; t += 1000) persistIfDue(storage, h, t);
    expect(storage.writes).toBe(0);
  });

  it("counts a refused or throwing write and tries again after the retry period", () => {
    const { storage, h } = started();
    storage.throws = true;
    h.state.faults.latched[FaultId.chargeOc] = true;
    expect(persistIfDue(storage, h, 1000)).toBe(false);
    storage.throws = false;
    storage.refuse = true;
    expect(persistIfDue(storage, h, 1000 + retryMs - 1)).toBe(false);
    expect(persistIfDue(storage, h, 1000 + retryMs)).toBe(false);
    expect(h.persist.failedWrites).toBe(2);
    storage.refuse = false;
    expect(persistIfDue(storage, h, 1000 + 2 * retryMs)).toBe(true);
    expect(h.persist.writes).toBe(1);
  });
});
