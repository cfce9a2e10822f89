// SPDX-License-Identifier: MIT
// The NodeMCU control loop: a repeating tmr alarm calls the shell's tick every tickMs. The shell
// never throws (firmware/shell.ts); a watchdog starved past its timeout (no good AFE read for ten
// ticks, firmware/wire.ts) restarts the MCU, whose start-up opens both paths.
import type { NodeMcuPlatform } from "./platform";

/** What the loop drives: BmsShell, or anything with a tick. */
export interface Tickable {
  tick(): unknown;
}

export function startLoop(shell: Tickable, platform: NodeMcuPlatform, tickMs: number): NodeMcuTimer {
  const timer = tmr.create();
  timer.alarm(tickMs, tmr.ALARM_AUTO, () => {
    shell.tick();
    if (platform.watchdogExpired()) node.restart();
  });
  return timer;
}
