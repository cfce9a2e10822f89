// SPDX-License-Identifier: MIT
// Each Espruino board's built file (scripts/build.ts) runs in a node:vm stand-in that offers only
// Espruino's globals and lacks the built-ins Espruino lacks (shared/reference/espruino.md §3),
// backed by the simulator's chip emulators: it starts, closes its paths, tracks the pack, opens
// the charge path on an over-voltage, lets nothing escape, and matches the TypeScript firmware
// on the simulator's Rig tick for tick.
import { beforeAll, describe, expect, it } from "vitest";
import { boards } from "../../boards/index";
import type { BoardDefinition } from "../../boards/types";
import { Rig } from "../../sim/rig";
import { buildEspruino, withoutEms, type EspruinoBuild } from "../../scripts/build";
import { EspruinoStandIn } from "../../sim/espruino/standin";
import type { EmsAction } from "../../sim/ems-node";
import { FaultId } from "../../firmware/fault-ids";
import { PersistStatus } from "../../firmware/persist";
import { absentGlobals } from "../../sim/espruino/restrict";

const espruinoBoards = boards.filter((b) => b.mcu.family === "espruino");
const seed = 7;
const initialSocPct = 60;
const ambientCelsius = 25;
/** A 0.3 C discharge, mA (negative: out of the pack). */
const dischargeMa = (b: BoardDefinition): number => -Math.round((b.pack.capacityMah * 3) / 10);

const builds = new Map<string, EspruinoBuild>();
beforeAll(async () => {
  for (const b of espruinoBoards) builds.set(b.name, await buildEspruino(b.name));
});

function standIn(b: BoardDefinition): EspruinoStandIn {
  const build = builds.get(b.name);
  if (build === undefined) throw new Error(`no build for ${b.name}`);
  return new EspruinoStandIn(b, build, { seed, initialSocPct, ambientCelsius });
}

describe.each(espruinoBoards.map((b) => [b.name, b] as const))("the Espruino build of %s in the stand-in", (_name, board) => {
  it("holds only the board's own AFE driver and EMS transport", () => {
    const bytes = builds.get(board.name)?.outputBytes ?? {};
    const kept = (dir: string): number => Object.entries(bytes).filter(([f]) => f.startsWith(dir)).reduce((s, [, n]) => s + n, 0);
    const own = board.afe.type.startsWith("ltc") ? "hal/ltc681x/" : board.afe.type === "bq76952" ? "hal/bq76952/" : "hal/bq769x0/";
    for (const dir of ["hal/ltc681x/", "hal/bq76952/", "hal/bq769x0/"]) {
      if (dir === own) expect(kept(dir), dir).toBeGreaterThan(0);
      else expect(kept(dir), dir).toBe(0);
    }
    const transport = board.ems?.transport.kind;
    expect(kept("hal/mcp2515/") > 0).toBe(transport === "mcp2515");
    expect(kept("hal/slcan/") > 0).toBe(transport === "slcan");
    expect(kept("hal/espruino/")).toBeGreaterThan(0);
  });

  it("runs 600 ticks of a discharge with no escaped exception, closes its paths and tracks the pack", () => {
    const s = standIn(board);
    const names = s.globalNames();
    for (const g of absentGlobals) expect(names, g).not.toContain(g);
    expect(s.app.error).toBeUndefined();
    expect(s.printed.join("\n")).toContain("running every");
    let closedAt = -1;
    let worstMv = 0;
    for (let k = 0; k < 600; k++) {
      s.step(dischargeMa(board), board.tickMs);
      const out = s.app.last;
      if (closedAt < 0 && out !== undefined && out.chargeEnable && out.dischargeEnable && s.chargeOn() && s.dischargeOn()) closedAt = k;
      const m = s.app.shell?.inputs.measurements;
      if (k >= 20 && m !== undefined && m.cellsValid) {
        for (let i = 0; i < board.pack.seriesCount; i++) worstMv = Math.max(worstMv, Math.abs(m.cellMv[i] - s.pack.cellVolts(i) * 1000));
      }
      expect(s.watchdogExpired(), `watchdog at tick ${k}`).toBe(false);
    }
    expect(s.app.ticks).toBe(600);
    expect(s.app.escaped).toBe(0);
    expect(s.uncaught).toBe(0);
    expect(s.app.shell?.internalErrors).toBe(0);
    expect(closedAt).toBeGreaterThanOrEqual(0);
    expect(s.dischargeOn()).toBe(true);
    expect(s.trueCurrentMa).toBe(dischargeMa(board));
    // The chips' ADC noise and quantisation, a few mV; a wrong byte order would be volts off.
    expect(worstMv).toBeGreaterThan(0);
    expect(worstMv).toBeLessThan(15);
    expect(s.watchdog.enabled && !s.watchdog.auto).toBe(true);
    expect(s.watchdog.kicks).toBeGreaterThan(500);
    expect(s.spiModeErrors).toBe(0);
  });

  it("opens the charge path when a cell is forced over its over-voltage fault level", () => {
    const s = standIn(board);
    for (let k = 0; k < 100; k++) s.step(dischargeMa(board), board.tickMs);
    expect(s.chargeOn()).toBe(true);
    const ovMv = board.pack.protection.cellOvMv.faultLevel + 50;
    s.forcedCellVolts[0] = ovMv / 1000;
    for (let k = 0; k < 200; k++) s.step(0, board.tickMs);
    expect(s.app.last?.chargeEnable).toBe(false);
    expect(s.chargeOn()).toBe(false);
    expect(s.app.last?.maxCellMv).toBeGreaterThanOrEqual(ovMv - 10);
    expect(s.app.escaped + s.uncaught).toBe(0);
  });

  it.skipIf(board.ems === undefined)("answers EMS commands, good and malformed, and a lost link as the TypeScript firmware does", () => {
    // Requests every second; commands a running BMS rarely sees (the release of start-up code,
    // scripts/espruino-release.ts, must not have taken what they need).
    const ems = {
      periodMs: 1000,
      log: false,
      actions: [
        { atS: 2, type: "mode", mode: "charge" },
        { atS: 5, type: "limits", chargeA: 3, dischargeA: 4 },
        { atS: 8, type: "raw", id: 0x4b0, data: [1] },
        { atS: 9, type: "raw", id: 0x4b1, data: [0, 0, 0, 0, 0, 0, 0, 0] },
        { atS: 10, type: "limits", chargeA: 1e4 },
        { atS: 12, type: "faultClear" },
        { atS: 14, type: "mode", mode: "discharge" },
        { atS: 16, type: "silence", untilS: 40 },
        { atS: 30, type: "raw", id: 0x305, data: [0, 0, 0, 0, 0, 0, 0, 0] },
      ] as EmsAction[],
    };
    const build = builds.get(board.name) as EspruinoBuild;
    const s = new EspruinoStandIn(board, build, { seed, initialSocPct, ambientCelsius, ems });
    const rig = new Rig({ board, seed, initialSocPct, spread: {}, ambientCelsius, ems });
    const fromBundle: string[] = [];
    const fromRig: string[] = [];
    const ticks = Math.round(60000 / board.tickMs);
    for (let k = 0; k < ticks; k++) {
      s.step(0, board.tickMs);
      rig.advance(0, board.tickMs);
      const r = rig.shell.tick();
      rig.ems?.update();
      const o = s.app.last;
      fromBundle.push(o === undefined ? "none" : `${k} ${o.mode} ${o.chargeEnable} ${o.chargeCurrentLimitMa} ${o.dischargeCurrentLimitMa}`);
      fromRig.push(`${k} ${r.mode} ${r.chargeEnable} ${r.chargeCurrentLimitMa} ${r.dischargeCurrentLimitMa}`);
    }
    const replies = (e: { replies: { timeMs: number }[] } | undefined): string => JSON.stringify(e?.replies);
    expect(fromBundle).toEqual(fromRig);
    expect(replies(s.ems)).toBe(replies(rig.ems));
    // Refusals came back (malformed, out of range), and the link was lost and found again.
    const refused = new Set(rig.ems?.replies.filter((r) => r.result !== 0).map((r) => r.result));
    expect(refused.size).toBeGreaterThanOrEqual(2);
    expect(s.app.shell?.state.events.total).toBe(rig.shell.state.events.total);
    expect(s.app.escaped + s.uncaught).toBe(0);
    expect(s.app.shell?.internalErrors).toBe(0);
  });

  it("continues its SoC, its event log and a latched fault from Storage after a reset of the board", () => {
    const first = standIn(board);
    const dischargeTicks = Math.round((20 * 60_000) / board.tickMs);
    for (let k = 0; k < dischargeTicks; k++) first.step(dischargeMa(board), board.tickMs);
    // A short circuit latches, and a latched row is saved at once (firmware/persist.ts).
    const shortMa = -2 * board.pack.protection.shortCircuitMa.faultLevel;
    // A flag is a byte in the built file (hal/espruino/alloc.ts): read it as a condition.
    const latched = (s: EspruinoStandIn): boolean => Boolean(s.app.shell?.state.faults.latched[FaultId.shortCircuit]);
    for (let k = 0; k < 5 && !latched(first); k++) first.step(shortMa, board.tickMs);
    const shell = first.app.shell;
    if (shell === undefined) throw new Error("the first board did not start");
    expect(latched(first)).toBe(true);
    // Long enough at rest for the routine save (firmware/persist.ts routineSaveMs) to run.
    for (let k = 0; k < Math.round((11 * 60_000) / board.tickMs); k++) first.step(0, board.tickMs);
    const soc = shell.state.soc.socCentiPct;
    const total = shell.state.events.total;
    expect(first.storage.size).toBeGreaterThan(0);

    const second = new EspruinoStandIn(board, builds.get(board.name) as EspruinoBuild, { seed, initialSocPct, ambientCelsius, storage: first.storage });
    second.step(0, board.tickMs);
    const again = second.app.shell;
    if (again === undefined) throw new Error("the second board did not start");
    expect(again.persistStatus).toBe(PersistStatus.restored);
    expect(Math.abs(again.state.soc.socCentiPct - soc)).toBeLessThanOrEqual(10);
    // The same pack without its flash starts from its rest voltage (initialSocPct): far off.
    expect(Math.abs(initialSocPct * 100 - soc)).toBeGreaterThan(500);
    expect(again.state.events.bootSequence).toBe(total);
    expect(latched(second)).toBe(true);
    expect(second.app.last?.dischargeEnable).toBe(false);
    expect(second.app.escaped + second.uncaught).toBe(0);
  });

  it("gives the same outputs as the TypeScript firmware on the Rig, tick for tick", () => {
    const s = standIn(board);
    const rig = new Rig({ board, seed, initialSocPct, spread: {}, ambientCelsius });
    const fromBundle: string[] = [];
    const fromRig: string[] = [];
    for (let k = 0; k < 300; k++) {
      const demand = k < 150 ? dischargeMa(board) : Math.round(board.pack.capacityMah / 5);
      s.step(demand, board.tickMs);
      rig.advance(demand, board.tickMs);
      const r = rig.shell.tick();
      rig.ems?.update();
      const o = s.app.last;
      fromBundle.push(o === undefined ? "none" : `${k} ${o.mode} ${o.chargeEnable} ${o.dischargeEnable} ${o.socCentiPct} ${o.minCellMv} ${o.chargeCurrentLimitMa}`);
      fromRig.push(`${k} ${r.mode} ${r.chargeEnable} ${r.dischargeEnable} ${r.socCentiPct} ${r.minCellMv} ${r.chargeCurrentLimitMa}`);
    }
    expect(fromBundle).toEqual(fromRig);
  });

  it("prints why and runs nothing when the configuration is rejected", async () => {
    const bad = await buildEspruino(board.name, { prelude: ["board.pack.capacityMah = -1;"] });
    const s = new EspruinoStandIn(board, bad, { seed, initialSocPct, ambientCelsius });
    for (let k = 0; k < 20; k++) s.step(0, board.tickMs);
    expect(s.app.error).toMatch(/configuration rejected: .*capacityMah/);
    expect(s.printed.join("\n")).toMatch(/not started: configuration rejected: .*capacityMah/);
    expect(s.app.ticks).toBe(0);
    expect(s.watchdog.enabled).toBe(false);
  });
});

describe("the stand-in's bus time", () => {
  const find = (name: string): BoardDefinition => {
    const b = espruinoBoards.find((x) => x.name === name);
    if (b === undefined) throw new Error(`no board ${name}`);
    return b;
  };

  it("adds 8 clocks a byte for SPI at the baud the code set up", () => {
    // Ten bytes to the Pico's LTC6811 at 1 MHz, then ten at 500 kHz: 80 µs and 160 µs.
    const code =
      "SPI1.setup({sck:A5,miso:A6,mosi:A7,baud:1000000,mode:3}); SPI1.send([1,2,3,4,5,6,7,8,9,10], B1);" +
      "SPI1.setup({sck:A5,miso:A6,mosi:A7,baud:500000,mode:3}); SPI1.send([1,2,3,4,5,6,7,8,9,10], B1);";
    const s = new EspruinoStandIn(find("pico-ltc6811-12s"), { code }, { seed, initialSocPct, ambientCelsius });
    expect(s.busMicros).toBeCloseTo(240, 9);
  });

  it("adds a start, 9 clocks for the address and each byte, and a stop for I2C, one transaction over a repeated start", () => {
    // A read of 4 bytes from the BQ76952's cell 1 register at 400 kHz, register written without a
    // stop: S + (address + register) · 9 + Sr + (address + 4 bytes) · 9 + P = 66 clocks, 165 µs.
    const code = "I2C1.setup({scl:D15,sda:D14,bitrate:400000}); I2C1.writeTo({address:8,stop:false},[0x14]); I2C1.readFrom(8,4);";
    const s = new EspruinoStandIn(find("mdbt42q-bq76952-16s"), { code }, { seed, initialSocPct, ambientCelsius });
    expect(s.busMicros).toBeCloseTo(165, 9);
  });
});

describe("the board's own tick timing (tsbms.app)", () => {
  const board = espruinoBoards.find((b) => b.name === "pico-ltc6811-12s") as BoardDefinition;
  /** A stand-in whose getTime() moves on with every SPI transfer, `slowdown` times its wire time. */
  function timed(slowdown: number): EspruinoStandIn {
    const s = standIn(board);
    const real = s.context.getTime as () => number;
    s.context.getTime = () => real() + (slowdown * s.busMicros) / 1e6;
    return s;
  }

  it("adds up what getTime() says each tick took, and counts no overrun while ticks fit the period", () => {
    const s = timed(1);
    const busBefore = s.busMicros;
    for (let k = 0; k < 30; k++) s.step(dischargeMa(board), board.tickMs);
    const app = s.app;
    expect(app.ticks).toBe(30);
    // Every transfer of a tick happens inside it: the sum is the wire time, to a rounding a tick.
    expect(Math.abs(app.tickSumMicros - (s.busMicros - busBefore))).toBeLessThanOrEqual(app.ticks);
    expect(app.tickMicros).toBeGreaterThan(0);
    expect(app.tickMaxMicros).toBeGreaterThanOrEqual(app.tickMicros);
    expect(app.tickMaxMicros * app.ticks).toBeGreaterThanOrEqual(app.tickSumMicros);
    expect(app.overruns).toBe(0);
  });

  it("counts every tick longer than its period as an overrun", () => {
    // A hundred times the Pico's ~9 ms of SPI a tick: each tick outlasts its 100 ms.
    const s = timed(100);
    for (let k = 0; k < 10; k++) s.step(dischargeMa(board), board.tickMs);
    const app = s.app;
    expect(app.tickMaxMicros).toBeGreaterThan(board.tickMs * 1000);
    expect(app.overruns).toBe(app.ticks);
    expect(app.ticks).toBeGreaterThan(0);
  });
});

describe("the Espruino build", () => {
  it("fails naming file:line and the construct when a bundled file is outside the subset", async () => {
    const fixture = new URL("./fixtures/outside-subset.ts", import.meta.url).pathname;
    const imports = [`import { outsideSubset } from ${JSON.stringify(fixture)};`];
    await expect(buildEspruino(espruinoBoards[0].name, { imports, prelude: ["outsideSubset(2);"] })).rejects.toThrow(/test\/espruino\/fixtures\/outside-subset\.ts:5:\d+ no-restricted-properties: .*Array\.from/);
  });
  it("builds a board without its EMS link, smaller, which still measures and opens a path on an over-voltage (the bench's floor)", async () => {
    const full = espruinoBoards.find((b) => b.name === "mdbt42q-bq76952-16s") as BoardDefinition;
    const bare = withoutEms(full);
    const built = await buildEspruino(full.name, { withoutEms: true });
    expect(built.bytes).toBeLessThan((builds.get(full.name) as EspruinoBuild).bytes);
    const s = new EspruinoStandIn(bare, built, { seed, initialSocPct, ambientCelsius });
    expect(s.ems).toBeUndefined();
    for (let k = 0; k < 100; k++) s.step(dischargeMa(bare), bare.tickMs);
    expect(s.app.error).toBeUndefined();
    expect(s.chargeOn()).toBe(true);
    s.forcedCellVolts[0] = (bare.pack.protection.cellOvMv.faultLevel + 50) / 1000;
    for (let k = 0; k < 200; k++) s.step(0, bare.tickMs);
    expect(s.chargeOn()).toBe(false);
    expect(s.app.escaped + s.uncaught).toBe(0);
  });

  it("carries the board definition without what only the build reads: the MCU and its pin list, the description", () => {
    for (const b of espruinoBoards) {
      const code = (builds.get(b.name) as EspruinoBuild).code;
      expect(code).toContain(JSON.stringify(b.name));
      expect(code).not.toContain(JSON.stringify(b.description).slice(1, -1));
      expect(code).not.toContain(JSON.stringify(b.mcu.pins).slice(1, -1));
    }
  });
});
