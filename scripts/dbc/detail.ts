// SPDX-License-Identifier: MIT
// The detailed profile of the DBC: this project's own BMS → EMS frames (0x4A0–0x4A6, 0x4B8) and the
// EMS → BMS commands (0x4B0–0x4B2) with their AUTOSAR E2E profile 1 protection
// (../shared/reference/can-link.md §7), plus the inverter keep-alive 0x305 (§1.3). Same rules as the
// inverter profile: 11-bit ids, Intel byte order, DLC 8.
import { FrameId } from "../../firmware/ems/ids";
import { faultName } from "../../firmware/fault-ids";
import { activityName, bmsModeName } from "../../firmware/types";
import type { MessageDef, SignalDef } from "./model";

/** Cells and temperature sensors the multiplexed frames can carry (16 and 4 groups of three). */
export const maxCells = 48;
export const maxTemperatures = 12;
/** Cells per balancing group (one u32 mask). */
const balanceGroupCells = 32;

const deci: [number, number] = [1, 10];
const centi: [number, number] = [1, 100];

const emsModeValues: [number, string][] = [
  [0, "Standby"],
  [1, "Charge"],
  [2, "Discharge"],
  [3, "Idle"],
];

const replyValues: [number, string][] = [
  [0, "Accepted"],
  [1, "BadCrc"],
  [2, "RepeatedCounter"],
  [3, "CounterJumpOrStale"],
  [4, "WrongLength"],
  [5, "OutOfRange"],
  [6, "WouldRaiseLimit"],
  [7, "UnknownCommand"],
  [8, "RefusedInThisState"],
];

const named = (names: string[]): [number, string][] => names.map((n, i) => [i, n]);

function countSignal(name: string, start: number, comment: string): SignalDef {
  return { name, start, length: 8, comment };
}

/** Three u16/s16 values per multiplexor value k: index 3k + j at bit 8 + 16 j. */
function groupedSignals(base: string, count: number, template: Omit<SignalDef, "name" | "start" | "mux">): SignalDef[] {
  return Array.from({ length: count }, (_, i): SignalDef => ({ ...template, name: `${base}${i}`, start: 8 + 16 * (i % 3), mux: Math.floor(i / 3) }));
}

function e2eHeader(): SignalDef[] {
  return [
    { name: "Crc", start: 0, length: 8, comment: "AUTOSAR E2E profile 1: CRC-8/SAE-J1850 (poly 0x1D, init 0, no final XOR) over the data ID low byte, high byte, then bytes 1..7. Data ID = the frame id, mode BOTH (can-link.md 7.2)." },
    { name: "AliveCounter", start: 8, length: 4, max: 14, comment: "Alive counter 0..14, +1 per new command (15 is invalid). Bits 12-15 are 0." },
  ];
}

export const detailMessages: MessageDef[] = [
  {
    id: FrameId.state,
    name: "State",
    dlc: 8,
    sender: "BMS",
    cycleMs: 1000,
    comment: "Mode, activity, path switches, fault/warning/balancing counts and the EMS link as the BMS sees it. Byte 7 is 0.",
    signals: [
      { name: "Mode", start: 0, length: 8, values: named(bmsModeName), comment: "BmsMode (firmware/types.ts)." },
      { name: "Activity", start: 8, length: 8, values: named(activityName), comment: "Activity by the measured current." },
      { name: "ChargeEnable", start: 16, length: 1, comment: "The charge path is closed." },
      { name: "DischargeEnable", start: 17, length: 1, comment: "The discharge path is closed." },
      { name: "EmsLinkOk", start: 18, length: 1, comment: "Valid EMS commands arrive within their timeout." },
      { name: "RunRequested", start: 19, length: 1, comment: "What the core is asked after link supervision: 1 run, 0 standby." },
      countSignal("FaultCount", 24, "Active fault tiers."),
      countSignal("WarningCount", 32, "Active warning tiers."),
      countSignal("BalanceCount", 40, "Cells being bled."),
      { name: "EmsRequestedMode", start: 48, length: 8, values: [...emsModeValues, [255, "None"]], comment: "The last valid mode request of the EMS, held across a link loss (it does not expire; the link action applies on top); 255 none yet." },
    ],
  },
  {
    id: FrameId.cellVoltages,
    name: "CellVoltages",
    dlc: 8,
    sender: "BMS",
    cycleMs: 1000,
    comment: "Cell voltages, three per frame: group k carries cells 3k..3k+2. Each group in use (ceil(cells / 3)) is sent once per cycle time, so the cycle time is the period of the whole set.",
    signals: [
      { name: "CellGroup", start: 0, length: 8, mux: "M", max: maxCells / 3 - 1, comment: "Multiplexor: the group k of cells 3k..3k+2." },
      ...groupedSignals("CellVoltage", maxCells, { length: 16, unit: "mV", values: [[0xffff, "NoCell"]], comment: "Cell voltage; 0xFFFF for a slot beyond the last cell." }),
      countSignal("CellCount", 56, "Cells in series (slots at or beyond it read 0xFFFF)."),
    ],
  },
  {
    id: FrameId.temperatures,
    name: "Temperatures",
    dlc: 8,
    sender: "BMS",
    cycleMs: 1000,
    comment: "Temperatures, three per frame: group k carries sensors 3k..3k+2. Each group in use (ceil(sensors / 3)) is sent once per cycle time, so the cycle time is the period of the whole set.",
    signals: [
      { name: "TemperatureGroup", start: 0, length: 8, mux: "M", max: maxTemperatures / 3 - 1, comment: "Multiplexor: the group k of sensors 3k..3k+2." },
      ...groupedSignals("Temperature", maxTemperatures, { length: 16, signed: true, factor: deci, unit: "degC", values: [[0x7fff, "NoSensor"]], comment: "Sensor temperature; 0x7FFF (3276.7) for a slot beyond the last sensor." }),
      countSignal("TemperatureCount", 56, "Sensors reported (at most 12)."),
    ],
  },
  {
    id: FrameId.balancing,
    name: "Balancing",
    dlc: 8,
    sender: "BMS",
    cycleMs: 1000,
    comment: "Cells being bled, 32 per frame: group g carries cells 32g..32g+31 (bit i = cell 32g + i). Each group in use is sent once per cycle time. Bytes 6-7 are 0.",
    signals: [
      { name: "BalanceGroup", start: 0, length: 8, mux: "M", max: Math.ceil(maxCells / balanceGroupCells) - 1, comment: "Multiplexor: the group g of cells 32g..32g+31." },
      ...Array.from({ length: Math.ceil(maxCells / balanceGroupCells) }, (_, g): SignalDef => ({ name: `BalanceMask${g}`, start: 8, length: 32, mux: g, comment: `Bit i: cell ${32 * g} + i is being bled.` })),
      countSignal("BalanceCount", 40, "Cells being bled in the whole pack."),
    ],
  },
  {
    id: FrameId.faults,
    name: "Faults",
    dlc: 8,
    sender: "BMS",
    cycleMs: 1000,
    spontaneous: true,
    comment: "The fault table: bit n of each mask is FaultId n (firmware/fault-ids.ts).",
    signals: [
      { name: "ActiveFaults", start: 0, length: 16, comment: "Fault tiers active (path action in force)." },
      { name: "ActiveWarnings", start: 16, length: 16, comment: "Warning tiers active." },
      { name: "LatchedFaults", start: 32, length: 16, comment: "Fault tiers latched: they wait for a fault clear once their condition is gone." },
      { name: "FirstFault", start: 48, length: 8, values: [...named(faultName), [255, "None"]], comment: "The active fault that tripped first (the oldest trip in the event log; an active fault whose trip left the log counts as older, the lowest id first). 255 when no fault is active." },
      { name: "FirstFaultByChip", start: 56, length: 1, comment: "The first fault was tripped by the AFE's own protection before the firmware's." },
      { name: "ChipFaultCount", start: 57, length: 7, comment: "Active faults tripped by the AFE's own protection." },
    ],
  },
  {
    id: FrameId.health,
    name: "Health",
    dlc: 8,
    sender: "BMS",
    cycleMs: 5000,
    comment: "State of charge and health at full resolution, cycle count, capacity.",
    signals: [
      { name: "StateOfCharge", start: 0, length: 16, factor: centi, unit: "%" },
      { name: "StateOfHealth", start: 16, length: 16, factor: centi, unit: "%", comment: "May exceed 100 % (a capacity estimate above the rating)." },
      { name: "CycleCount", start: 32, length: 16, unit: "cycles", comment: "Equivalent full cycles (discharged charge over capacity), rounded down." },
      { name: "Capacity", start: 48, length: 16, factor: deci, unit: "Ah", comment: "The capacity the SoC counts with (rated capacity times the SoH estimate)." },
    ],
  },
  {
    id: FrameId.counters,
    name: "Counters",
    dlc: 8,
    sender: "BMS",
    cycleMs: 5000,
    comment: "Event counters, each the low 16 bits of a running count (they wrap).",
    signals: [
      { name: "EventsLogged", start: 0, length: 16, comment: "Events ever logged (EventLog.total)." },
      { name: "InternalErrors", start: 16, length: 16, comment: "Exceptions caught in the control loop." },
      { name: "AfeRestarts", start: 32, length: 16, comment: "AFE restarts after a reset or internal error of the chip." },
      { name: "RefusedCommands", start: 48, length: 16, comment: "EMS commands refused or ignored." },
    ],
  },
  {
    id: FrameId.modeRequest,
    name: "ModeRequest",
    dlc: 8,
    sender: "EMS",
    cycleMs: 1000,
    comment: "Mode request, expected every 1 s; the BMS drops it after its configurable timeout. Unused bytes are 0.",
    signals: [...e2eHeader(), { name: "RequestedMode", start: 16, length: 8, max: 3, values: emsModeValues }],
  },
  {
    id: FrameId.limitRequest,
    name: "LimitRequest",
    dlc: 8,
    sender: "EMS",
    cycleMs: 1000,
    comment: "Current-limit request, expected every 1 s. It can only lower the BMS's own limits, never raise them (can-link.md 7.1). Unused bytes are 0.",
    signals: [
      ...e2eHeader(),
      { name: "ChargeCurrentLimit", start: 16, length: 16, factor: deci, unit: "A", values: [[0xffff, "NoRequest"]], comment: "0xFFFF: no request." },
      { name: "DischargeCurrentLimit", start: 32, length: 16, factor: deci, unit: "A", values: [[0xffff, "NoRequest"]], comment: "0xFFFF: no request." },
    ],
  },
  {
    id: FrameId.faultClear,
    name: "FaultClear",
    dlc: 8,
    sender: "EMS",
    cycleMs: 0,
    comment: "Clear the latched faults whose condition is gone. Event-driven. Unused bytes are 0.",
    signals: [...e2eHeader(), { name: "ClearKey", start: 16, length: 8, values: [[0xaa, "Clear"]], comment: "Must be 0xAA: a bit pattern, not 0/1 (can-link.md 7.1)." }],
  },
  {
    id: FrameId.commandReply,
    name: "CommandReply",
    dlc: 6,
    sender: "BMS",
    cycleMs: 0,
    comment: "Accept/refuse reply to an EMS command (can-link.md 7.1), one per command frame received. Event-driven.",
    signals: [
      {
        name: "CommandId",
        start: 0,
        length: 16,
        values: [
          [FrameId.modeRequest, "ModeRequest"],
          [FrameId.limitRequest, "LimitRequest"],
          [FrameId.faultClear, "FaultClear"],
        ],
        comment: "The frame id of the command answered.",
      },
      { name: "AliveCounter", start: 16, length: 8, values: [[0xff, "None"]], comment: "The alive counter of the command answered; 255 when the frame carried none." },
      { name: "Result", start: 24, length: 8, values: replyValues, comment: "0 accepted, otherwise the reason for the refusal." },
      { name: "RefusedTotal", start: 32, length: 16, comment: "Commands refused or ignored so far (low 16 bits)." },
    ],
  },
  {
    id: FrameId.inverterKeepAlive,
    name: "InverterKeepAlive",
    dlc: 8,
    sender: "EMS",
    cycleMs: 1000,
    comment: "Inverter keep-alive: a sign of life only. Its content differs between inverters and firmware versions (8 zero bytes, or voltage/current since Venus 3.00) and is never read (can-link.md 1.3).",
    signals: [],
  },
];
