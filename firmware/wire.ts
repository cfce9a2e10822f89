// SPDX-License-Identifier: MIT
// Builds the running BMS from a board definition on any Platform (Espruino, NodeMCU, simulator):
// opens the pins and the current sensor the board names, and hands them with the board's AFE
// driver and EMS link (made by the board's own factories, firmware/wire-afe-*.ts and
// firmware/wire-ems-*.ts) to the shell. The same code runs on the board and in the simulator
// (firmware/wire-any.ts), so the wiring is tested too.
import type { BoardDefinition } from "../boards/types";
import type { Afe } from "../hal/afe";
import type { Platform } from "../hal/hal";
import { ShuntCurrentSense } from "../hal/current-sense";
import { BmsShell } from "./shell";
import type { ShellSwitchPins } from "./shell";
import type { EmsLinkOptions } from "./ems/ems-link";

/** Hardware watchdog period: ten ticks without a good AFE read resets the MCU. */
const watchdogTicks = 10;

/** The shell around an AFE driver and an EMS link (or none) already made for this board. */
export function wireShell(board: BoardDefinition, platform: Platform, afe: Afe, ems: EmsLinkOptions | undefined): BmsShell {
  const c = board.currentSensor;
  let current: ShuntCurrentSense | undefined = undefined;
  if (c !== undefined) {
    current = new ShuntCurrentSense({
      input: platform.analogIn({ pin: c.pin }),
      zeroCount: c.zeroCount,
      milliampsPerCount: c.milliampsPerCount,
    });
  }
  const s = board.switches;
  let switches: ShellSwitchPins | undefined = undefined;
  if (s !== undefined) {
    const offLevel = s.onLevel === 1 ? 0 : 1;
    switches = {
      charge: platform.digitalOut({ pin: s.chargePin, value: offLevel }),
      discharge: platform.digitalOut({ pin: s.dischargePin, value: offLevel }),
      onLevel: s.onLevel,
    };
  }
  return new BmsShell({
    conf: board.pack,
    afe: afe,
    current: current,
    switches: switches,
    clock: platform.clock,
    watchdog: platform.watchdog({ timeoutMs: board.tickMs * watchdogTicks }),
    ems: ems,
    storage: platform.storage,
  });
}
