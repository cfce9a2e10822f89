// SPDX-License-Identifier: MIT
// Start-up on an Espruino board: make the platform, wire the BMS (the shell's constructor checks
// the configuration and throws naming every bad field), and only then arm the watchdog and start
// the control loop. A rejected configuration is printed and nothing runs: the switches stay as
// the board's pull resistors hold them (open), and there is no reset loop.
// Facts: ../../../shared/reference/espruino.md §5 (errors), §7 (timers, watchdog).
import type { BoardDefinition } from "../../boards/types";
import type { BmsShell } from "../../firmware/shell";
import type { Outputs } from "../../firmware/types";
import { roundInt } from "../../firmware/intmath";
import { EspruinoPlatform } from "./platform";
import type { EspruinoGlobal } from "./globals";

/** What the running firmware exposes (`tsbms.app` in the bundle), for a console or a test. */
export interface EspruinoApp {
  shell: BmsShell | undefined;
  platform: EspruinoPlatform | undefined;
  /** The last outputs of the control loop. */
  last: Outputs | undefined;
  ticks: number;
  /** Exceptions that escaped tick() (it never throws; counted in case it ever does). */
  escaped: number;
  /** Why the BMS did not start, when it did not. */
  error: string | undefined;
  /**
   * The last tick's duration on this board, µs, from getTime() around it: what `npm run bench`
   * estimates (scripts/espruino-time.ts), measured on the interpreter itself.
   */
  tickMicros: number;
  /** The longest tick since start, µs. */
  tickMaxMicros: number;
  /** All ticks' durations since start, µs: over `ticks`, the mean. */
  tickSumMicros: number;
  /** Ticks that took longer than the period: the interval fell behind. */
  overruns: number;
}

/** Resolution of the board's current-sense ADC, or the STM32's 12 bits when it has none. */
function analogBits(board: BoardDefinition): number {
  const c = board.currentSensor;
  return c !== undefined ? c.resolutionBits : 12;
}

/**
 * One control period. Made once: the interval calls it with no closure per tick. An exception is
 * counted rather than left to Espruino, whose behaviour on an uncaught one in a callback varies (§5).
 * Each tick is timed with getTime() (§7), so the board reports its own tick time.
 */
class Loop {
  private readonly periodMicros: number;
  constructor(
    private readonly g: EspruinoGlobal,
    private readonly app: EspruinoApp,
    private readonly shell: BmsShell,
    periodMs: number,
  ) {
    this.periodMicros = periodMs * 1000;
  }
  run(): void {
    const app = this.app;
    const startS = this.g.getTime();
    try {
      app.last = this.shell.tick();
      app.ticks++;
    } catch {
      app.escaped++;
    }
    const micros = roundInt((this.g.getTime() - startS) * 1000000);
    app.tickMicros = micros;
    app.tickSumMicros += micros;
    if (micros > app.tickMaxMicros) app.tickMaxMicros = micros;
    if (micros > this.periodMicros) app.overruns++;
  }
}

/**
 * Runs `loop` every `periodMs`. A function of its own so that the interval's closure holds only
 * this scope (Espruino keeps a closure's whole scope alive, espruino.md §6): boot's scope, with
 * the parsed board definition in it, can go once start-up is over.
 */
function startLoop(g: EspruinoGlobal, loop: Loop, periodMs: number): void {
  g.setInterval(function (): void {
    loop.run();
  }, periodMs);
}

/** Wire the BMS with `wire` on the Espruino platform and start it; returns what runs. */
export function boot(g: EspruinoGlobal, board: BoardDefinition, wire: (board: BoardDefinition, platform: EspruinoPlatform) => BmsShell): EspruinoApp {
  const app: EspruinoApp = { shell: undefined, platform: undefined, last: undefined, ticks: 0, escaped: 0, error: undefined, tickMicros: 0, tickMaxMicros: 0, tickSumMicros: 0, overruns: 0 };
  let shell: BmsShell;
  let platform: EspruinoPlatform;
  try {
    platform = new EspruinoPlatform(g, { spi: board.spi, analogBits: analogBits(board) });
    shell = wire(board, platform);
  } catch (e) {
    app.error = e instanceof Error ? e.message : String(e);
    g.console.log("tsbms " + board.name + ": not started: " + app.error);
    return app;
  }
  app.shell = shell;
  app.platform = platform;
  platform.armWatchdogs();
  startLoop(g, new Loop(g, app, shell, board.tickMs), board.tickMs);
  g.console.log("tsbms " + board.name + ": running every " + board.tickMs + " ms");
  return app;
}
