// SPDX-License-Identifier: MIT
// Encoders of the detailed profile's live data: 0x4A0 state and the multiplexed 0x4A1 cell
// voltages, 0x4A2 temperatures and 0x4A3 balancing. A multiplexed frame carries one group; the
// sender sends every group in use once per the frame's period (DBC cycle time = period of the set).
// Slots beyond the last cell or sensor carry the DBC's "none" value, so a receiver that decodes
// every group still sees which slots are real.
import type { CanFrame } from "../../hal/can";
import type { Outputs } from "../types";
import { bit, startFrame } from "./encode-common";
import { FrameId } from "./ids";
import { balancingSig, cellVoltagesSig, cellsPerBalanceGroup, maxCellSlots, maxTemperatureSlots, slotsPerGroup, stateSig, temperaturesSig } from "./signals-detail";
import { putInstance, putRow, signalTable } from "./signals-table";
import { noCellRaw, noTemperatureRaw } from "./signals-values";
import { putSignal } from "./pack";

/** Groups of `n` items, `per` to a group, at most `maxGroups`. */
function groups(n: number, per: number, maxGroups: number): number {
  const g = Math.floor((n + per - 1) / per);
  return g < maxGroups ? g : maxGroups;
}

/** 0x4A1 groups in use for `cellCount` cells (at most 16: 48 cells). */
export function cellGroupCount(cellCount: number): number {
  return groups(cellCount, slotsPerGroup, Math.floor(maxCellSlots / slotsPerGroup));
}

/** 0x4A2 groups in use for `sensorCount` sensors (at most 4: 12 sensors). */
export function temperatureGroupCount(sensorCount: number): number {
  return groups(sensorCount, slotsPerGroup, Math.floor(maxTemperatureSlots / slotsPerGroup));
}

/** 0x4A3 groups in use for `cellCount` cells (at most the DBC's BalanceMask count). */
export function balanceGroupCount(cellCount: number): number {
  return groups(cellCount, cellsPerBalanceGroup, signalTable.count[balancingSig.balanceMask]);
}

/**
 * 0x4A0: the core's mode, activity, switches and counts, plus what the link reports: whether
 * valid EMS commands arrive (`emsLinkOk`), the last valid mode request (EmsMode of commands.ts,
 * noEmsModeRaw when there is none) and whether the core is asked to run.
 */
export function encodeState(frame: CanFrame, out: Outputs, runRequested: boolean, emsLinkOk: boolean, emsRequestedMode: number): void {
  startFrame(frame, FrameId.state);
  const d = frame.data;
  putRow(d, stateSig.mode, out.mode);
  putRow(d, stateSig.activity, out.activity);
  putRow(d, stateSig.chargeEnable, bit(out.chargeEnable));
  putRow(d, stateSig.dischargeEnable, bit(out.dischargeEnable));
  putRow(d, stateSig.emsLinkOk, bit(emsLinkOk));
  putRow(d, stateSig.runRequested, bit(runRequested));
  putRow(d, stateSig.faultCount, out.faultCount);
  putRow(d, stateSig.warningCount, out.warningCount);
  putRow(d, stateSig.balanceCount, out.balanceCount);
  putRow(d, stateSig.emsRequestedMode, emsRequestedMode);
}

/**
 * 0x4A1 group `group` (0 ≤ group < cellGroupCount): cells 3·group … 3·group + 2 in mV (0xFFFF
 * beyond `cellCount`), the cell count in byte 7. Instance 3·group + j of the CellVoltage family
 * lies where instance j does (only the multiplexor value differs), so slot j is written as j.
 */
export function encodeCellVoltages(frame: CanFrame, cellMv: number[], cellCount: number, group: number): void {
  startFrame(frame, FrameId.cellVoltages);
  const d = frame.data;
  putRow(d, cellVoltagesSig.cellGroup, group);
  for (let j = 0; j < slotsPerGroup; j++) {
    const cell = group * slotsPerGroup + j;
    putInstance(d, cellVoltagesSig.cellVoltage, j, cell < cellCount && cell < maxCellSlots ? cellMv[cell] : noCellRaw);
  }
  putRow(d, cellVoltagesSig.cellCount, cellCount);
}

/**
 * 0x4A2 group `group` (0 ≤ group < temperatureGroupCount): sensors 3·group … 3·group + 2 in
 * 0.1 °C (0x7FFF beyond the count), the count in byte 7 (sensors beyond the 12 slots are not
 * reported). Slot j is written as instance j, as for the cells.
 */
export function encodeTemperatures(frame: CanFrame, temperatureDeciC: number[], sensorCount: number, group: number): void {
  startFrame(frame, FrameId.temperatures);
  const d = frame.data;
  const count = sensorCount < maxTemperatureSlots ? sensorCount : maxTemperatureSlots;
  putRow(d, temperaturesSig.temperatureGroup, group);
  for (let j = 0; j < slotsPerGroup; j++) {
    const sensor = group * slotsPerGroup + j;
    putInstance(d, temperaturesSig.temperature, j, sensor < count ? temperatureDeciC[sensor] : noTemperatureRaw);
  }
  putRow(d, temperaturesSig.temperatureCount, count);
}

/**
 * 0x4A3 group `group` (0 ≤ group < balanceGroupCount): bit i of the mask = cell 32·group + i is
 * being bled, plus the pack's bleed count. Every BalanceMask instance lies at the same bits; the
 * mask is written bit by bit, so no 32-bit number is ever formed (pack.ts).
 */
export function encodeBalancing(frame: CanFrame, balance: boolean[], cellCount: number, balanceCount: number, group: number): void {
  startFrame(frame, FrameId.balancing);
  const d = frame.data;
  putRow(d, balancingSig.balanceGroup, group);
  const start = signalTable.start[balancingSig.balanceMask];
  const first = group * cellsPerBalanceGroup;
  for (let i = 0; i < cellsPerBalanceGroup; i++) {
    const cell = first + i;
    if (cell < cellCount && balance[cell]) putSignal(d, start + i, 1, 1);
  }
  putRow(d, balancingSig.balanceCount, balanceCount);
}
