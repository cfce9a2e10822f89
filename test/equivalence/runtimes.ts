// SPDX-License-Identifier: MIT
// One scenario, three runtimes of the same firmware: the TypeScript build on the simulator's Rig
// (stepped as sim/run.ts steps it), the Espruino bundle in the vm stand-in, and the Lua build in
// fengari. Each runtime gets its own copy of the simulated pack and chips, built with the same
// seeds, and the same load: a fixed current profile gated only by that runtime's own FETs, so the
// simulated side can diverge only when the firmware does. Every tick yields one record of the
// outputs and of the frames the BMS put on the EMS link's virtual CAN bus.
import type { BoardDefinition } from "../../boards/types";
import type { CanFrame } from "../../hal/can";
import { eventSlot } from "../../firmware/events";
import type { EventLog, Outputs } from "../../firmware/types";
import type { VirtualCanBus } from "../../sim/can-bus";
import { Rig } from "../../sim/rig";
import { EspruinoStandIn, type StandInBundle } from "../../sim/espruino/standin";
import { FengariBms } from "../lua/fengari-bridge";

export interface PackSetup {
  seed: number;
  initialSocPct: number;
  spread: { capacityPct?: number; resistancePct?: number; selfDischargePct?: number; initialSocPct?: number };
  ambientCelsius: number;
}

/** What is compared every tick; `frames` are the BMS's own frames on the EMS bus that tick. */
export interface TickRecord {
  mode: number;
  activity: number;
  chargeEnable: boolean;
  dischargeEnable: boolean;
  chargeCurrentLimitMa: number;
  dischargeCurrentLimitMa: number;
  chargeVoltageLimitMv: number;
  socCentiPct: number;
  balanceMask: number;
  balanceCount: number;
  faultCount: number;
  warningCount: number;
  eventTotal: number;
  frames: string;
}

export const recordFields: (keyof TickRecord)[] = [
  "mode", "activity", "chargeEnable", "dischargeEnable", "chargeCurrentLimitMa", "dischargeCurrentLimitMa",
  "chargeVoltageLimitMv", "socCentiPct", "balanceMask", "balanceCount", "faultCount", "warningCount", "eventTotal", "frames",
];

/** The same order as recordFields minus frames: what the Lua side prints, space-separated. */
const numericFields = recordFields.filter((f) => f !== "frames");

export interface Runtime {
  readonly name: string;
  /** One tick: `demandMa` through the FETs, pack, clock, chip timers, firmware, EMS node. */
  step(demandMa: number, tickMs: number): TickRecord;
  setThermistorOpen(k: number, open: boolean): void;
  /** The local "clear faults" request (firmware/shell.ts clearFaults), taken at the next tick. */
  clearFaults(): void;
  /** The firmware's held event log, oldest first, as "time kind value cause". */
  events(): string[];
  /** Current that flowed in the last tick, mA (after the FETs). */
  currentMa(): number;
  internalErrors(): number;
}

function frameText(f: CanFrame): string {
  const bytes = f.data.slice(0, f.remote ? 0 : f.dlc).map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${f.id.toString(16)}${f.extended ? "x" : ""}${f.remote ? "r" : ""}#${bytes}`;
}

/** Collects the frames `sender` completes on `bus`; take() returns and clears them. */
function frameTap(bus: VirtualCanBus | undefined, sender: string): () => string {
  if (bus === undefined) throw new Error("runtime: the board has no MCP2515 EMS bus to listen on");
  const seen: string[] = [];
  bus.onFrame((f, _t, from) => {
    if (from === sender) seen.push(frameText(f));
  });
  return () => seen.splice(0, seen.length).join(" ");
}

function recordOf(o: Outputs, eventTotal: number, frames: string): TickRecord {
  let mask = 0;
  for (let i = 0; i < o.balance.length; i++) if (o.balance[i]) mask |= 1 << i;
  return {
    mode: o.mode,
    activity: o.activity,
    chargeEnable: o.chargeEnable,
    dischargeEnable: o.dischargeEnable,
    chargeCurrentLimitMa: o.chargeCurrentLimitMa,
    dischargeCurrentLimitMa: o.dischargeCurrentLimitMa,
    chargeVoltageLimitMv: o.chargeVoltageLimitMv,
    socCentiPct: o.socCentiPct,
    balanceMask: mask,
    balanceCount: o.balanceCount,
    faultCount: o.faultCount,
    warningCount: o.warningCount,
    eventTotal,
    frames,
  };
}

function eventLines(log: EventLog): string[] {
  const lines: string[] = [];
  for (let k = 0; k < log.count; k++) {
    const s = eventSlot(log, k);
    lines.push(`${log.timeMs[s]} ${log.kind[s]} ${log.value[s]} ${log.cause[s]}`);
  }
  return lines;
}

/** One simulated tick on a Rig, as sim/run.ts takes it, up to (not including) the firmware tick. */
function advanceRig(rig: Rig, demandMa: number, tickMs: number, ambientCelsius: number): void {
  rig.advance(demandMa, tickMs, ambientCelsius);
}

/** (1) The TypeScript firmware on the simulator's Rig. */
export function typescriptRuntime(board: BoardDefinition, setup: PackSetup): Runtime {
  const rig = new Rig({ board, ...setup });
  const take = frameTap(rig.canBus, "bms");
  return {
    name: `TypeScript on the Rig (${board.name})`,
    step(demandMa, tickMs) {
      advanceRig(rig, demandMa, tickMs, setup.ambientCelsius);
      const out = rig.shell.tick();
      rig.ems?.update();
      return recordOf(out, rig.shell.state.events.total, take());
    },
    setThermistorOpen: (k, open) => void (rig.thermistorOpen[k] = open),
    clearFaults: () => rig.shell.clearFaults(),
    events: () => eventLines(rig.shell.state.events),
    currentMa: () => rig.trueCurrentMa,
    internalErrors: () => rig.shell.internalErrors,
  };
}

/** (2) The Espruino bundle (scripts/build.ts) in the vm stand-in; `bundle` is built for `board`. */
export function espruinoRuntime(board: BoardDefinition, bundle: StandInBundle, setup: PackSetup): Runtime {
  const s = new EspruinoStandIn(board, bundle, setup);
  if (s.app.error !== undefined) throw new Error(`Espruino bundle of ${board.name} did not start: ${s.app.error}`);
  const take = frameTap(s.canBus, "bms");
  return {
    name: `Espruino bundle in the stand-in (${board.name})`,
    step(demandMa, tickMs) {
      const before = s.app.ticks;
      s.step(demandMa, tickMs);
      const shell = s.app.shell;
      const out = s.app.last;
      if (shell === undefined || out === undefined || s.app.ticks !== before + 1) {
        throw new Error(`Espruino stand-in: ${s.app.ticks - before} control-loop runs in one ${tickMs} ms step (expected 1; does the bundle's board.tickMs match?)`);
      }
      return recordOf(out, shell.state.events.total, take());
    },
    setThermistorOpen: (k, open) => void (s.thermistorOpen[k] = open),
    clearFaults: () => s.app.shell?.clearFaults(),
    events: () => {
      const shell = s.app.shell;
      return shell === undefined ? [] : eventLines(shell.state.events);
    },
    currentMa: () => s.trueCurrentMa,
    internalErrors: () => (s.app.shell?.internalErrors ?? -1) + s.app.escaped + s.uncaught,
  };
}

/** Lua helpers defined once in the VM: the outputs and the event log as text (Lua arrays are 1-based). */
const luaHelpers = `(function()
  snap = function()
    local o = bms.state.out
    local m = 0
    for i = 1, #o.balance do if o.balance[i] then m = m | (1 << (i - 1)) end end
    local b = function(x) if x then return "1" else return "0" end end
    return table.concat({ o.mode, o.activity, b(o.chargeEnable), b(o.dischargeEnable), o.chargeCurrentLimitMa,
      o.dischargeCurrentLimitMa, o.chargeVoltageLimitMv, o.socCentiPct, m, o.balanceCount, o.faultCount,
      o.warningCount, bms.state.events.total }, " ")
  end
  eventlog = function()
    local log = bms.state.events
    local size = #log.timeMs
    local lines = {}
    for k = 0, log.count - 1 do
      local slot = log.next - log.count + k
      if slot < 0 then slot = slot + size end
      lines[#lines + 1] = table.concat({ log.timeMs[slot + 1], log.kind[slot + 1], log.value[slot + 1], log.cause[slot + 1] }, " ")
    end
    return table.concat(lines, "\\n")
  end
  return true
end)()`;

/** Parses a Lua number as printed by tostring ("5", or "5.0" for a float with an integral value). */
function luaNumber(text: string, field: string): number {
  const n = Number(text);
  if (!Number.isFinite(n)) throw new Error(`Lua snapshot ${field}: ${text} is not a number`);
  return n;
}

/** A Lua VM running the core bundle on a Rig: fengari in-process or lua5.3 over pipes. */
export interface LuaVm {
  tick(): { internalErrors: number };
  eval(expression: string): string;
}

/** (3) The Lua build (scripts/build-lua.ts buildLuaCore) in fengari, on a Rig's emulators. */
export function luaRuntime(board: BoardDefinition, bundle: string, setup: PackSetup): Runtime {
  return luaVmRuntime(board, setup, "fengari", (rig) => new FengariBms(bundle, rig));
}

/** (3') The Lua build in the VM `start` makes on the runtime's Rig. */
export function luaVmRuntime(board: BoardDefinition, setup: PackSetup, vmName: string, start: (rig: Rig) => LuaVm): Runtime {
  const rig = new Rig({ board, ...setup });
  const vm = start(rig);
  vm.eval(luaHelpers);
  const take = frameTap(rig.canBus, "bms");
  let internal = 0;
  return {
    name: `Lua build in ${vmName} (${board.name})`,
    step(demandMa, tickMs) {
      advanceRig(rig, demandMa, tickMs, setup.ambientCelsius);
      internal = vm.tick().internalErrors;
      rig.ems?.update();
      const parts = vm.eval("snap()").split(" ");
      const r: Record<string, number | boolean | string> = {};
      numericFields.forEach((f, i) => {
        const v = parts[i];
        if (v === undefined) throw new Error(`Lua snapshot: no value for ${f}`);
        r[f] = f === "chargeEnable" || f === "dischargeEnable" ? v === "1" : luaNumber(v, f);
      });
      r.frames = take();
      return r as unknown as TickRecord;
    },
    setThermistorOpen: (k, open) => void (rig.thermistorOpen[k] = open),
    clearFaults: () => void vm.eval("(function() bms:clearFaults() return true end)()"),
    events: () => {
      const text = vm.eval("eventlog()");
      return text === "" ? [] : text.split("\n").map((l) => l.split(" ").map((v) => String(luaNumber(v, "event"))).join(" "));
    },
    currentMa: () => rig.trueCurrentMa,
    internalErrors: () => internal,
  };
}

/** The first field of `b` that differs from `a`, or undefined when the records are equal. */
export function firstDifference(a: TickRecord, b: TickRecord): { field: keyof TickRecord; a: unknown; b: unknown } | undefined {
  for (const f of recordFields) if (a[f] !== b[f]) return { field: f, a: a[f], b: b[f] };
  return undefined;
}
