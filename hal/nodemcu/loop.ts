// SPDX-License-Identifier: MIT
// The NodeMCU control loop: a repeating tmr alarm calls the shell's tick every tickMs. The shell
// never throws (firmware/shell.ts); a watchdog starved past its timeout (no good AFE read for ten
// ticks, firmware/wire.ts) restarts the MCU, whose start-up opens both paths.
import type { NodeMcuPlatform } from "./platform";

/** What the loop drives: BmsShell, or anything with a tick. */
export interface Tickable {
  tick(): unknown;
}

/**
 * NodeMCU dev-esp32 docs/modules/tmr.md: "tmr.create()" makes the timer; "tmr.obj:alarm()" is
 * `mytmr:alarm(interval_ms, mode, func())` with tmr.ALARM_AUTO "automatically repeating alarm",
 * returning "true if the timer was started, false on error". node.md "node.restart()" restarts
 * the chip. A loop that did not start would leave the BMS dead, so that is an error at start-up.
 */
export function startLoop(shell: Tickable, platform: NodeMcuPlatform, tickMs: number): NodeMcuTimer {
  const timer = tmr.create();
  const started = timer.alarm(tickMs, tmr.ALARM_AUTO, () => {
    shell.tick();
    if (platform.watchdogExpired()) node.restart();
  });
  if (!started) throw new Error("nodemcu tmr: alarm every " + tickMs + " ms did not start");
  return timer;
}
