// SPDX-License-Identifier: MIT
// Encoders of the detailed profile's status frames: 0x4A4 faults, 0x4A5 health, 0x4A6 counters and
// the 0x4B8 command reply. Masks are written bit by bit (bit n = FaultId n), counters as their low
// 16 bits.
import type { CanFrame } from "../../hal/can";
import { eventSlot } from "../events";
import { faultCount } from "../fault-ids";
import { divRound } from "../intmath";
import { MAS_PER_MAH } from "../soh";
import { EventKind, FaultCause } from "../types";
import type { BmsState, Outputs, SocState } from "../types";
import { bit, low16, rawFloor, rawRound, startFrame, unitsOf } from "./encode-common";
import { FrameId } from "./ids";
import { commandReplySig, countersSig, faultsSig, healthSig } from "./signals-detail";
import { putRow, signalTable } from "./signals-table";
import { noFaultRaw } from "./signals-values";
import { putSignal } from "./pack";

/** Sets bit n of a mask row for every n with flags[n] true (the frame starts zeroed). */
function putMask(data: number[], row: number, flags: boolean[]): void {
  const start = signalTable.start[row];
  const n = faultCount < signalTable.length[row] ? faultCount : signalTable.length[row];
  for (let id = 0; id < n; id++) if (flags[id]) putSignal(data, start + id, 1, 1);
}

/**
 * The active fault that tripped first, or noFaultRaw when none is active. The event log is read
 * newest to oldest: the active fault whose latest fault-tier trip is the oldest wins. An active
 * fault with no trip left in the log (overwritten) is older than every logged one; among those the
 * lowest FaultId wins. `seen` is scratch, faultCount entries, made once by the caller.
 */
export function firstFault(state: BmsState, seen: boolean[]): number {
  const active = state.out.faultActive;
  const log = state.events;
  for (let id = 0; id < faultCount; id++) seen[id] = false;
  let first = noFaultRaw;
  for (let k = log.count - 1; k >= 0; k--) {
    const slot = eventSlot(log, k);
    if (log.kind[slot] !== EventKind.faultSet || log.cause[slot] === FaultCause.warning) continue;
    const id = log.value[slot];
    if (id >= 0 && id < faultCount && active[id] && !seen[id]) {
      seen[id] = true;
      first = id;
    }
  }
  for (let id = faultCount - 1; id >= 0; id--) if (active[id] && !seen[id]) first = id;
  return first;
}

/**
 * 0x4A4: active fault and warning tiers, latched faults, the first fault and whether the AFE's own
 * protection tripped it, and how many active faults the AFE tripped.
 */
export function encodeFaults(frame: CanFrame, state: BmsState, seen: boolean[]): void {
  startFrame(frame, FrameId.faults);
  const d = frame.data;
  const out = state.out;
  const f = state.faults;
  putMask(d, faultsSig.activeFaults, out.faultActive);
  putMask(d, faultsSig.activeWarnings, out.warningActive);
  putMask(d, faultsSig.latchedFaults, f.latched);
  const first = firstFault(state, seen);
  putRow(d, faultsSig.firstFault, first);
  putRow(d, faultsSig.firstFaultByChip, bit(first !== noFaultRaw && f.byChip[first]));
  let chip = 0;
  for (let id = 0; id < faultCount; id++) if (out.faultActive[id] && f.byChip[id]) chip++;
  putRow(d, faultsSig.chipFaultCount, chip);
}

/**
 * 0x4A5: SoC and SoH in 0.01 %, equivalent full cycles (rounded down) and the capacity the SoC
 * counts with (SocState.capacityMas, rated × SoH) in 0.1 Ah.
 */
export function encodeHealth(frame: CanFrame, out: Outputs, soc: SocState): void {
  startFrame(frame, FrameId.health);
  const d = frame.data;
  putRow(d, healthSig.stateOfCharge, rawRound(healthSig.stateOfCharge, out.socCentiPct));
  putRow(d, healthSig.stateOfHealth, rawRound(healthSig.stateOfHealth, out.sohCentiPct));
  putRow(d, healthSig.cycleCount, rawFloor(healthSig.cycleCount, soc.cycleCentiCount));
  // One rounding, by a divisor (360000 mAs per 0.1 Ah): capacityMas is already 10^9 on a 280 Ah
  // pack, so nothing is multiplied up.
  putRow(d, healthSig.capacity, divRound(soc.capacityMas, MAS_PER_MAH * unitsOf(healthSig.capacity)));
}

/** 0x4A6: low 16 bits of the event total, caught exceptions, AFE restarts, refused commands. */
export function encodeCounters(frame: CanFrame, eventsTotal: number, internalErrors: number, afeRestarts: number, refusedCommands: number): void {
  startFrame(frame, FrameId.counters);
  const d = frame.data;
  putRow(d, countersSig.eventsLogged, low16(eventsTotal));
  putRow(d, countersSig.internalErrors, low16(internalErrors));
  putRow(d, countersSig.afeRestarts, low16(afeRestarts));
  putRow(d, countersSig.refusedCommands, low16(refusedCommands));
}

/**
 * 0x4B8: the reply to one command: its frame id, its alive counter, the result (ReplyResult) and
 * the refusals so far (low 16 bits).
 */
export function encodeCommandReply(frame: CanFrame, commandId: number, aliveCounter: number, result: number, refusedTotal: number): void {
  startFrame(frame, FrameId.commandReply);
  const d = frame.data;
  putRow(d, commandReplySig.commandId, commandId);
  putRow(d, commandReplySig.aliveCounter, aliveCounter);
  putRow(d, commandReplySig.result, result);
  putRow(d, commandReplySig.refusedTotal, low16(refusedTotal));
}
