// SPDX-License-Identifier: MIT
// Identifiers of every frame on the EMS link (their DLC and period: signals-values.ts frameTable).
// The DBC (firmware/ems/tsbms.dbc) is the source of truth; a test checks that it and these agree.
// Inverter profile: ../shared/reference/can-link.md §1 (11-bit, little-endian, 500 kbit/s).

export const FrameId = {
  // BMS → inverter, the frame set inverters and EMSs already accept (§1.1).
  /** CVL, CCL, DCL, DVL. */
  limits: 0x351,
  /** SoC, SoH, high-resolution SoC. */
  socSoh: 0x355,
  /** Pack voltage, current, temperature. */
  measurements: 0x356,
  /** Pylontech protection and warning flags (board option). */
  pylonFlags: 0x359,
  /** Alarms and warnings, two bits each. */
  alarms: 0x35a,
  /** Pylontech request flags (board option). */
  pylonRequest: 0x35c,
  /** Manufacturer name, ASCII. */
  name: 0x35e,
  /** Chemistry, version, capacity. */
  info: 0x35f,

  // BMS → EMS, the detailed profile.
  /** Mode, activity, paths, fault and warning counts, balancing count. */
  state: 0x4a0,
  /** Cell voltages, multiplexed: three cells per frame. */
  cellVoltages: 0x4a1,
  /** Temperatures, multiplexed: three per frame. */
  temperatures: 0x4a2,
  /** Balancing mask, multiplexed: 32 cells per frame. */
  balancing: 0x4a3,
  /** The fault table: active faults, warnings, latched, first fault. */
  faults: 0x4a4,
  /** SoC, SoH, cycle count, capacity. */
  health: 0x4a5,
  /** Event counters: events logged, internal errors, AFE restarts, refused commands. */
  counters: 0x4a6,
  /** Accept/refuse reply to an EMS command, with the reason. */
  commandReply: 0x4b8,

  // EMS → BMS commands, each with an alive counter and an AUTOSAR E2E profile 1 CRC (§7.2).
  /** Mode request: standby, charge, discharge, idle. */
  modeRequest: 0x4b0,
  /** Charge and discharge current-limit request: may only lower the BMS's limits. */
  limitRequest: 0x4b1,
  /** Clear latched faults whose condition is gone. */
  faultClear: 0x4b2,

  // Inverter → BMS.
  /** Inverter keep-alive: accepted as a sign of life, its content never trusted (§1.3). */
  inverterKeepAlive: 0x305,
} as const;
export type FrameId = (typeof FrameId)[keyof typeof FrameId];
