// SPDX-License-Identifier: MIT
// The EMS link as the shell drives it once per tick (firmware/ems/link-service.ts): frames taken
// from a CAN port and answered, then the core stepped with the EMS's mode and fault clear, and its
// limits capped afterwards.
import { describe, expect, it } from "vitest";
import { createCanFrame } from "../../hal/can";
import { CommandIndex, CommandResult, EmsMode } from "../../firmware/ems/commands";
import { createCommandReply, decodeReply, encodeFaultClear, encodeLimitRequest, encodeModeRequest } from "../../firmware/ems/commands-encode";
import { e2eNextCounter } from "../../firmware/ems/e2e";
import { FrameId } from "../../firmware/ems/ids";
import { LinkAction } from "../../firmware/ems/link-config";
import type { EmsConfig } from "../../firmware/ems/link-config";
import { applyEmsInputs, applyEmsLimits, serviceEms } from "../../firmware/ems/link-service";
import { createEmsState } from "../../firmware/ems/link-state";
import type { EmsState } from "../../firmware/ems/link-state";
import { FaultId } from "../../firmware/fault-ids";
import { BmsMode, EventKind, RequestedMode } from "../../firmware/types";
import type { Outputs } from "../../firmware/types";
import { Bench, benchConfig } from "../core/core-bench";
import { MemoryPort, emsConfig } from "./link-bench";

/** The core bench plus the EMS link, ticked the way the shell ticks them. */
class Rig {
  readonly core: Bench;
  readonly port = new MemoryPort();
  readonly conf: EmsConfig;
  readonly ems: EmsState;
  /** The shell's own requested mode (autoStart). */
  own: RequestedMode = RequestedMode.run;
  private readonly counters = [0, 0, 0];
  private readonly frame = createCanFrame();

  constructor(overrides: Partial<EmsConfig> = {}) {
    this.core = new Bench(benchConfig("LFP"));
    const l = this.core.conf.limits;
    this.conf = { ...emsConfig(overrides), derateChargeMa: Math.floor(l.chargeCurrentMaxMa / 10), derateDischargeMa: Math.floor(l.dischargeCurrentMaxMa / 10), ...overrides };
    this.ems = createEmsState(this.conf, this.core.state.events);
  }

  private next(k: number): number {
    const c = this.counters[k];
    this.counters[k] = e2eNextCounter(c);
    return c;
  }

  sendMode(mode: EmsMode): void {
    encodeModeRequest(this.frame, this.next(CommandIndex.mode), mode);
    this.port.queue(this.frame);
  }

  sendLimits(chargeMa: number, dischargeMa: number): void {
    encodeLimitRequest(this.frame, this.next(CommandIndex.limits), chargeMa, dischargeMa);
    this.port.queue(this.frame);
  }

  sendFaultClear(): void {
    encodeFaultClear(this.frame, this.next(CommandIndex.faultClear));
    this.port.queue(this.frame);
  }

  /** One shell tick (the shell resets clearFaults after each step, as firmware/shell.ts does). */
  tick(): Outputs {
    serviceEms(this.conf, this.ems, this.port, this.core.now);
    applyEmsInputs(this.ems, this.core.inputs, this.own);
    const out = this.core.step(this.core.inputs.clearFaults);
    this.core.inputs.clearFaults = false;
    applyEmsLimits(this.ems, out);
    return out;
  }

  /** Ticks for `ms`; with `mode` defined, the EMS sends that mode request every second. */
  run(ms: number, mode?: EmsMode): Outputs {
    for (let t = 0; t < ms; t += this.core.tickMs) {
      if (mode !== undefined && t % 1000 === 0) this.sendMode(mode);
      this.tick();
    }
    return this.core.out;
  }

  replies(): { commandId: number; result: number }[] {
    const list = [];
    for (const f of this.port.sent) {
      const r = createCommandReply();
      if (decodeReply(f, r)) list.push({ commandId: r.commandId, result: r.result });
    }
    return list;
  }
}

describe("serviceEms", () => {
  it("answers every command frame in the order received, and ignores the rest", () => {
    const rig = new Rig();
    rig.run(1000);
    rig.sendMode(EmsMode.idle);
    const other = createCanFrame();
    other.id = 0x351;
    other.dlc = 8;
    rig.port.queue(other);
    rig.sendLimits(1000, 1000);
    rig.sendFaultClear();
    rig.tick();
    const r = createCommandReply();
    const got = rig.port.sent.map((f) => (decodeReply(f, r) ? [r.commandId, r.result] : []));
    expect(got).toEqual([
      [FrameId.modeRequest, CommandResult.accepted],
      [FrameId.limitRequest, CommandResult.accepted],
      [FrameId.faultClear, CommandResult.accepted],
    ]);
  });

  it("takes at most maxFramesPerTick frames per tick and leaves the rest for the next", () => {
    const rig = new Rig({ maxFramesPerTick: 4 });
    const keepAlive = createCanFrame();
    keepAlive.id = FrameId.inverterKeepAlive;
    for (let i = 0; i < 10; i++) rig.port.queue(keepAlive);
    expect(serviceEms(rig.conf, rig.ems, rig.port, 0)).toBe(4);
    expect(rig.port.incoming.length).toBe(6);
  });

  it("counts a reply the port cannot take as dropped and carries on", () => {
    const rig = new Rig();
    rig.port.acceptSends = false;
    rig.sendMode(EmsMode.idle);
    rig.sendMode(EmsMode.idle);
    rig.tick();
    expect(rig.ems.repliesDropped).toBe(2);
    expect(rig.ems.replyPending).toBe(false);
    expect(rig.ems.emsMode).toBe(EmsMode.idle);
  });
});

describe("the EMS through the core", () => {
  it("a standby request opens both paths; a charge request closes them again", () => {
    const rig = new Rig();
    let out = rig.run(2000, EmsMode.charge);
    expect(out.mode).toBe(BmsMode.active);
    expect(out.chargeEnable && out.dischargeEnable).toBe(true);
    out = rig.run(2000, EmsMode.standby);
    expect(out.mode).toBe(BmsMode.standby);
    expect(out.chargeEnable || out.dischargeEnable).toBe(false);
    out = rig.run(2000, EmsMode.charge);
    expect(out.chargeEnable && out.dischargeEnable).toBe(true);
  });

  it("without any EMS command the shell's own request rules", () => {
    const rig = new Rig();
    rig.own = RequestedMode.standby;
    expect(rig.run(2000).mode).toBe(BmsMode.standby);
    rig.own = RequestedMode.run;
    expect(rig.run(2000).mode).toBe(BmsMode.active);
  });

  it("a limit request lowers the limits the core computed, and they come back when it expires", () => {
    const rig = new Rig({ timeoutMs: 5000 });
    const full = rig.run(2000, EmsMode.idle).chargeCurrentLimitMa;
    expect(full).toBeGreaterThan(5000);
    rig.sendLimits(5000, 4000);
    const out = rig.run(2000, EmsMode.idle);
    expect(rig.replies().filter((r) => r.commandId === FrameId.limitRequest)).toEqual([{ commandId: FrameId.limitRequest, result: CommandResult.accepted }]);
    expect([out.chargeCurrentLimitMa, out.dischargeCurrentLimitMa]).toEqual([5000, 4000]);
    expect(rig.run(6000, EmsMode.idle).chargeCurrentLimitMa).toBe(full);
  });

  it("link loss under 'open' puts the BMS in standby, logs it, and a recovered link runs again", () => {
    const rig = new Rig({ onTimeout: LinkAction.open, timeoutMs: 5000 });
    expect(rig.run(3000, EmsMode.discharge).mode).toBe(BmsMode.active);
    let out = rig.run(6000);
    expect(out.mode).toBe(BmsMode.standby);
    expect(out.dischargeEnable).toBe(false);
    expect(rig.core.events().filter((e) => e.kind === EventKind.emsLink).map((e) => e.value)).toEqual([0, 1]);
    out = rig.run(3000, EmsMode.discharge);
    expect(out.mode).toBe(BmsMode.active);
    expect(out.dischargeEnable).toBe(true);
  });

  it("link loss under 'derate' keeps running with the limits capped at the derate values", () => {
    const rig = new Rig({ onTimeout: LinkAction.derate, timeoutMs: 5000 });
    rig.run(3000, EmsMode.idle);
    const out = rig.run(6000);
    expect(out.mode).toBe(BmsMode.active);
    expect(out.chargeCurrentLimitMa).toBe(rig.conf.derateChargeMa);
    expect(out.dischargeCurrentLimitMa).toBe(rig.conf.derateDischargeMa);
    expect(out.chargeVoltageLimitMv).toBeGreaterThan(0);
  });

  it("a fault clear over the link clears a latched fault whose condition is gone, for one step only", () => {
    const rig = new Rig();
    rig.run(2000, EmsMode.idle);
    rig.core.currentMa = -2 * rig.core.conf.capacityMah; // a short circuit: no delay, latched
    rig.tick();
    expect(rig.core.out.faultActive[FaultId.shortCircuit]).toBe(true);
    rig.core.currentMa = 0;
    rig.run(2000, EmsMode.idle);
    expect(rig.core.out.mode).toBe(BmsMode.fault);
    rig.sendFaultClear();
    rig.tick();
    expect(rig.ems.clearFaults).toBe(false);
    expect(rig.core.out.faultActive[FaultId.shortCircuit]).toBe(false);
    rig.run(1000, EmsMode.idle);
    expect(rig.core.out.mode).toBe(BmsMode.active);
    // A second short after the clear stays latched: the clear was spent on the first.
    rig.core.currentMa = -2 * rig.core.conf.capacityMah;
    rig.tick();
    rig.core.currentMa = 0;
    rig.run(3000, EmsMode.idle);
    expect(rig.core.out.faultActive[FaultId.shortCircuit]).toBe(true);
    expect(rig.core.out.mode).toBe(BmsMode.fault);
  });

  it("a charge request while a fault blocks charging is accepted but cannot close the path", () => {
    const rig = new Rig();
    rig.run(2000, EmsMode.charge);
    rig.core.currentMa = -2 * rig.core.conf.capacityMah;
    rig.tick();
    rig.core.currentMa = 0;
    const out = rig.run(3000, EmsMode.charge);
    expect(rig.replies().at(-1)?.result).toBe(CommandResult.accepted);
    expect(out.chargeEnable || out.dischargeEnable).toBe(false);
  });
});
