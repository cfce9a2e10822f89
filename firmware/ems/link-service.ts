// SPDX-License-Identifier: MIT
// The EMS link as the shell uses it, once per tick:
//   serviceEms(conf, ems, port, nowMs)       take the received frames, answer each, check timeouts
//   applyEmsInputs(ems, inputs, ownMode)     before step(): requested mode, one-shot fault clear
//   out = step(...)
//   applyEmsLimits(ems, out)                 after step(): cap the current limits in place
// and then publishes `out` on the BMS → EMS frames. The shell keeps its own requested mode
// (autoStart, a local command) apart from inputs.requestedMode, which is rewritten every tick.
import { CanStatus } from "../../hal/can";
import type { CanPort } from "../../hal/can";
import { RequestedMode } from "../types";
import type { Inputs, Outputs } from "../types";
import { emsTick, handleEmsFrame } from "./link";
import type { EmsConfig } from "./link-config";
import type { EmsState } from "./link-state";

/**
 * Takes up to conf.maxFramesPerTick frames from `port`, handles each and sends its reply at once
 * (a reply the port cannot take is dropped and counted: the EMS repeats its command next period),
 * then checks the timeouts. Returns the number of frames taken. Exceptions of the port itself are
 * the shell's to catch.
 */
export function serviceEms(conf: EmsConfig, ems: EmsState, port: CanPort, nowMs: number): number {
  let taken = 0;
  while (taken < conf.maxFramesPerTick) {
    if (port.receive(ems.rx) !== CanStatus.ok) break;
    taken++;
    handleEmsFrame(conf, ems, ems.rx, nowMs);
    if (ems.replyPending) {
      ems.replyPending = false;
      if (port.send(ems.reply) === CanStatus.ok) ems.repliesSent++;
      else ems.repliesDropped++;
    }
  }
  emsTick(conf, ems, nowMs);
  return taken;
}

/**
 * Writes this tick's inputs: the EMS's requested mode when it has one (standby while the link is
 * lost under LinkAction.open), else `ownMode`; and the fault clear, consumed here so it lasts one
 * step.
 */
export function applyEmsInputs(ems: EmsState, inputs: Inputs, ownMode: RequestedMode): void {
  if (ems.requestedMode === RequestedMode.standby) inputs.requestedMode = RequestedMode.standby;
  else if (ems.requestedMode === RequestedMode.run) inputs.requestedMode = RequestedMode.run;
  else inputs.requestedMode = ownMode;
  if (ems.clearFaults) {
    inputs.clearFaults = true;
    ems.clearFaults = false;
  }
}

/**
 * After step(): remembers the BMS's own current limits (a limit request above them is refused)
 * and lowers out's limits to the caps in force. Only ever lowers; the voltage limits are not
 * touched (CVL must never become 0, §1.5 of ../shared/reference/can-link.md).
 */
export function applyEmsLimits(ems: EmsState, out: Outputs): void {
  ems.bmsChargeLimitMa = out.chargeCurrentLimitMa;
  ems.bmsDischargeLimitMa = out.dischargeCurrentLimitMa;
  if (ems.chargeLimitCapMa >= 0 && out.chargeCurrentLimitMa > ems.chargeLimitCapMa) out.chargeCurrentLimitMa = ems.chargeLimitCapMa;
  if (ems.dischargeLimitCapMa >= 0 && out.dischargeCurrentLimitMa > ems.dischargeLimitCapMa) out.dischargeCurrentLimitMa = ems.dischargeLimitCapMa;
}
