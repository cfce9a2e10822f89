// SPDX-License-Identifier: MIT
// Configuration of the EMS link supervisor (firmware/ems/link.ts): how long commands stay valid,
// what the BMS does when they stop, and how strict the E2E sequence check is. Numbers and booleans
// only, so a board file or parsed JSON carries it unchanged to every target. Validated once at
// start like the pack configuration (firmware/validate.ts): every problem names its field.
// "§" is ../shared/reference/can-link.md.
import { divFloor } from "../intmath";
import { Checker, isObject } from "../validate-fields";

/** What the BMS does while the EMS link is lost. Numbers, so the value is portable. */
export const LinkAction = {
  /** Nothing but the warning: an install without an EMS, or one that never relies on it. */
  none: 0,
  /** Keep running, with the charge and discharge limits capped at the derate values. */
  derate: 1,
  /** Standby: both paths open until the link is back. */
  open: 2,
} as const;
export type LinkAction = (typeof LinkAction)[keyof typeof LinkAction];
export const linkActionName = ["none", "derate", "open"];

export interface EmsConfig {
  /**
   * No valid mode or limit command for longer than this: the link is lost and a limit request
   * expires. §7.1: 3–5 × the send period; the EMS sends every 1 s, so 5000.
   */
  timeoutMs: number;
  /** LinkAction while the link is lost. */
  onTimeout: number;
  /**
   * Caps on the published and obeyed current limits under LinkAction.derate. 0 is allowed, but
   * DCL = 0 shuts an island-mode inverter down (§1.5): prefer a small non-zero discharge cap.
   */
  derateChargeMa: number;
  derateDischargeMa: number;
  /** Largest accepted counter step (§7.2 MaxDeltaCounter): 1 = no frame may be lost, 2 = one. */
  maxDeltaCounter: number;
  /** Valid commands in a row (each within timeoutMs of the last) before the link counts as OK. */
  recoveryCount: number;
  /** The inverter keep-alive 0x305 counts as a sign of life (§1.3); it is never a command. */
  keepAliveCounts: boolean;
  /** Before the first valid command the link counts as lost (the action applies from start). */
  lostUntilFirst: boolean;
  /** Frames taken from the port per tick at most, so a babbling bus cannot stall the loop. */
  maxFramesPerTick: number;
}

/** §7.1 heartbeat tolerance tops out at 10 min (Safiery); no longer blind time is accepted. */
const timeoutMaxMs = 600000;
/** Same bound as the pack's current limits (firmware/validate.ts currentMaxMa). */
const currentMaxMa = 1000000;

/**
 * The recommended configuration for a pack with these current maxima (LimitsConfig): 5 s timeout
 * (5 × the 1 s period, §7.1), derate to a tenth of the maxima on loss, one lost frame tolerated,
 * two valid commands to recover, the keep-alive ignored, no action before an EMS was ever heard
 * (an inverter-only install never sends commands), 16 frames per tick.
 */
export function defaultEmsConfig(chargeCurrentMaxMa: number, dischargeCurrentMaxMa: number): EmsConfig {
  return {
    timeoutMs: 5000,
    onTimeout: LinkAction.derate,
    derateChargeMa: divFloor(chargeCurrentMaxMa, 10),
    derateDischargeMa: divFloor(dischargeCurrentMaxMa, 10),
    maxDeltaCounter: 2,
    recoveryCount: 2,
    keepAliveCounts: false,
    lostUntilFirst: false,
    maxFramesPerTick: 16,
  };
}

/**
 * Every problem of `conf` as "ems.<field>: <message>", empty when it is a sound EmsConfig.
 * Accepts anything (parsed JSON included) and never throws. Runs once at start; it may allocate.
 */
export function validateEmsConfig(conf: unknown): string[] {
  const c = new Checker();
  if (!isObject(conf)) {
    c.add("ems", "expected an object");
    return c.problems;
  }
  // Below 100 ms a single late frame on a 1 s period would already drop the link.
  c.int(conf, "ems", "timeoutMs", "ms", 100, timeoutMaxMs);
  c.int(conf, "ems", "onTimeout", "", LinkAction.none, LinkAction.open);
  c.int(conf, "ems", "derateChargeMa", "mA", 0, currentMaxMa);
  c.int(conf, "ems", "derateDischargeMa", "mA", 0, currentMaxMa);
  // 0 would refuse every frame; 14 accepts anything but a repeat (§7.2, counter 0..14).
  c.int(conf, "ems", "maxDeltaCounter", "", 1, 14);
  c.int(conf, "ems", "recoveryCount", "", 1, 100);
  c.bool(conf, "ems", "keepAliveCounts");
  c.bool(conf, "ems", "lostUntilFirst");
  c.int(conf, "ems", "maxFramesPerTick", "", 1, 256);
  return c.problems;
}
