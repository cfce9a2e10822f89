// SPDX-License-Identifier: MIT
// Start-up on an Espruino board: make the platform, wire the BMS (the shell's constructor checks
// the configuration and throws naming every bad field), and only then arm the watchdog and start
// the control loop. A rejected configuration is printed and nothing runs: the switches stay as
// the board's pull resistors hold them (open), and there is no reset loop.
// Facts: ../../../shared/reference/espruino.md §5 (errors), §7 (timers, watchdog).
import type { BoardDefinition } from "../../boards/types";
import type { BmsShell } from "../../firmware/shell";
import type { Outputs } from "../../firmware/types";
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
}

/** Resolution of the board's current-sense ADC, or the STM32's 12 bits when it has none. */
function analogBits(board: BoardDefinition): number {
  const c = board.currentSensor;
  return c !== undefined ? c.resolutionBits : 12;
}

/**
 * One control period. Made once: the interval calls it with no closure per tick. An exception is
 * counted rather than left to Espruino, whose behaviour on an uncaught one in a callback varies (§5).
 */
class Loop {
  constructor(
    private readonly app: EspruinoApp,
    private readonly shell: BmsShell,
  ) {}
  run(): void {
    try {
      this.app.last = this.shell.tick();
      this.app.ticks++;
    } catch {
      this.app.escaped++;
    }
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
  const app: EspruinoApp = { shell: undefined, platform: undefined, last: undefined, ticks: 0, escaped: 0, error: undefined };
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
  startLoop(g, new Loop(app, shell), board.tickMs);
  g.console.log("tsbms " + board.name + ": running every " + board.tickMs + " ms");
  return app;
}
