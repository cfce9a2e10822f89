// SPDX-License-Identifier: MIT
// Charge/discharge limits: the voltage limits are never 0, current limits taper near the
// voltage and temperature edges with exact values at the boundary points, over-current warnings
// halve, faults and closed modes zero them.
import { describe, expect, it } from "vitest";
import { Bench, benchConfig, nominalCellMv } from "./core-bench";
import { chargeTaperMa, derateMa, dischargeTaperMa } from "../../firmware/limits";
import { BmsMode, RequestedMode } from "../../firmware/types";
import type { Chemistry } from "../../firmware/types";
import { FaultId } from "../../firmware/fault-ids";

const chemistries: Chemistry[] = ["LFP", "NMC", "LTO"];

describe.each(chemistries)("limits of a %s pack", (chemistry) => {
  it("publish CVL = seriesCount × cellChargeMv, never 0, in init, standby, active and fault", () => {
    const conf = benchConfig(chemistry, 16, 100000);
    const b = new Bench(conf);
    const cvl = 16 * conf.limits.cellChargeMv;
    const dvl = 16 * conf.limits.cellDischargeMv;
    expect(cvl).toBeGreaterThan(0);
    b.m.cellsValid = false;
    b.step();
    expect(b.out.mode).toBe(BmsMode.init);
    expect(b.out.chargeVoltageLimitMv).toBe(cvl);
    b.m.cellsValid = true;
    b.inputs.requestedMode = RequestedMode.standby;
    b.run(500);
    expect(b.out.mode).toBe(BmsMode.standby);
    expect(b.out.chargeVoltageLimitMv).toBe(cvl);
    b.inputs.requestedMode = RequestedMode.run;
    b.run(500);
    expect(b.out.mode).toBe(BmsMode.active);
    expect(b.out.chargeVoltageLimitMv).toBe(cvl);
    expect(b.out.dischargeVoltageLimitMv).toBe(dvl);
    // A fault that opens both paths: the CVL stays, the current limits go to 0.
    b.m.cellsValid = false;
    b.run(conf.sensors.afeLossDelayMs + 500);
    expect(b.out.mode).toBe(BmsMode.fault);
    expect(b.out.chargeEnable || b.out.dischargeEnable).toBe(false);
    expect(b.out.chargeVoltageLimitMv).toBe(cvl);
    expect(b.out.dischargeVoltageLimitMv).toBe(dvl);
    expect(b.out.chargeCurrentLimitMa).toBe(0);
    expect(b.out.dischargeCurrentLimitMa).toBe(0);
  });

  it("taper the charge current over voltageTaperMv below the OV warning, exact at the boundary points", () => {
    const conf = benchConfig(chemistry, 8, 100000);
    const b = new Bench(conf).activate();
    const warn = conf.protection.cellOvMv.warnLevel;
    const taper = conf.limits.voltageTaperMv;
    const max = conf.limits.chargeCurrentMaxMa;
    const floor = conf.limits.taperFloorMa;
    const at = (mv: number) => {
      b.m.cellMv[1] = mv;
      b.step();
      expect(chargeTaperMa(conf, b.state.faultTable, mv)).toBe(b.out.chargeCurrentLimitMa);
      return b.out.chargeCurrentLimitMa;
    };
    expect(at(warn - taper - 50)).toBe(max);
    expect(at(warn - taper)).toBe(max);
    expect(at(warn - taper + 1)).toBe(floor + Math.floor(((max - floor) * (taper - 1)) / taper));
    expect(at(warn - taper / 2)).toBe(floor + Math.floor((max - floor) / 2));
    expect(at(warn - 1)).toBe(floor + Math.floor((max - floor) / taper));
    expect(at(warn)).toBe(0);
    expect(at(warn + 20)).toBe(0);
    // The discharge side does not care about a high cell.
    expect(b.out.dischargeCurrentLimitMa).toBe(conf.limits.dischargeCurrentMaxMa);
  });

  it("taper the discharge current over voltageTaperMv above the UV warning, to 0 without a floor", () => {
    const conf = benchConfig(chemistry, 8, 100000);
    const b = new Bench(conf).activate();
    const warn = conf.protection.cellUvMv.warnLevel;
    const taper = conf.limits.voltageTaperMv;
    const max = conf.limits.dischargeCurrentMaxMa;
    const at = (mv: number) => {
      b.m.cellMv[6] = mv;
      b.step();
      expect(dischargeTaperMa(conf, b.state.faultTable, mv)).toBe(b.out.dischargeCurrentLimitMa);
      return b.out.dischargeCurrentLimitMa;
    };
    expect(at(warn + taper + 30)).toBe(max);
    expect(at(warn + taper)).toBe(max);
    expect(at(warn + taper / 2)).toBe(Math.floor(max / 2));
    expect(at(warn + 1)).toBe(Math.floor(max / taper));
    expect(at(warn)).toBe(0);
    expect(at(warn - 30)).toBe(0);
    expect(b.out.chargeCurrentLimitMa).toBe(conf.limits.chargeCurrentMaxMa);
  });

  it("derate with temperature: full inside the warning levels, linear to 0 at the fault level", () => {
    const conf = benchConfig(chemistry, 8, 100000);
    const p = conf.protection;
    const cmax = conf.limits.chargeCurrentMaxMa;
    const dmax = conf.limits.dischargeCurrentMaxMa;
    const b = new Bench(conf).activate();
    const limitsAt = (deciC: number) => {
      b.m.temperatureDeciC[0] = deciC;
      b.m.temperatureDeciC[1] = deciC;
      b.step();
      return [b.out.chargeCurrentLimitMa, b.out.dischargeCurrentLimitMa];
    };
    const expected = (max: number, v: number, warn: number, fault: number) => {
      const span = Math.abs(fault - warn);
      const beyond = Math.abs(v - warn);
      if (fault > warn ? v <= warn : v >= warn) return max;
      if (beyond >= span) return 0;
      return Math.floor((max * (span - beyond)) / span);
    };
    for (const v of [250, p.chargeOtDeciC.warnLevel, p.chargeOtDeciC.warnLevel + 20, p.chargeOtDeciC.faultLevel - 1, p.chargeOtDeciC.faultLevel]) {
      const [c, d] = limitsAt(v);
      expect(c).toBe(expected(cmax, v, p.chargeOtDeciC.warnLevel, p.chargeOtDeciC.faultLevel));
      expect(d).toBe(expected(dmax, v, p.dischargeOtDeciC.warnLevel, p.dischargeOtDeciC.faultLevel));
    }
    for (const v of [p.chargeUtDeciC.warnLevel, p.chargeUtDeciC.warnLevel - 20, p.chargeUtDeciC.faultLevel + 1, p.chargeUtDeciC.faultLevel]) {
      const [c] = limitsAt(v);
      expect(c).toBe(expected(cmax, v, p.chargeUtDeciC.warnLevel, p.chargeUtDeciC.faultLevel));
    }
    // The row's warning and fault levels give 0 exactly at the fault level.
    expect(limitsAt(p.chargeOtDeciC.faultLevel)[0]).toBe(0);
    expect(limitsAt(p.dischargeUtDeciC.faultLevel)[1]).toBe(0);
    expect(limitsAt(p.dischargeUtDeciC.warnLevel)[1]).toBe(dmax);
  });
});

describe("current limits", () => {
  it("derateMa works both ways: upper limits (fault above warning) and lower ones", () => {
    expect(derateMa(1000, 400, 400, 450)).toBe(1000);
    expect(derateMa(1000, 425, 400, 450)).toBe(500);
    expect(derateMa(1000, 449, 400, 450)).toBe(20);
    expect(derateMa(1000, 450, 400, 450)).toBe(0);
    expect(derateMa(1000, 50, 50, 0)).toBe(1000);
    expect(derateMa(1000, 10, 50, 0)).toBe(200);
    expect(derateMa(1000, 0, 50, 0)).toBe(0);
    expect(derateMa(1000, -10, 50, 0)).toBe(0);
    // Warning level equal to the fault level: a step.
    expect(derateMa(1000, 99, 100, 100)).toBe(1000);
    expect(derateMa(1000, 100, 100, 100)).toBe(0);
  });

  it("an over-current warning halves that direction's limit and leaves the other alone", () => {
    const conf = benchConfig("NMC", 8, 10000);
    const b = new Bench(conf).activate();
    b.currentMa = conf.protection.chargeOcMa.warnLevel;
    b.run(conf.protection.chargeOcMa.delayMs + 200);
    expect(b.out.warningActive[FaultId.chargeOc]).toBe(true);
    expect(b.out.faultActive[FaultId.chargeOc]).toBe(false);
    expect(b.out.chargeCurrentLimitMa).toBe(Math.floor(conf.limits.chargeCurrentMaxMa / 2));
    expect(b.out.dischargeCurrentLimitMa).toBe(conf.limits.dischargeCurrentMaxMa);
    b.currentMa = -conf.protection.dischargeOcMa.warnLevel;
    b.run(conf.protection.dischargeOcMa.delayMs + 200);
    expect(b.out.warningActive[FaultId.dischargeOc]).toBe(true);
    expect(b.out.dischargeCurrentLimitMa).toBe(Math.floor(conf.limits.dischargeCurrentMaxMa / 2));
    expect(b.out.chargeCurrentLimitMa).toBe(conf.limits.chargeCurrentMaxMa);
  });

  it("a fault that opens one path zeroes that limit only", () => {
    const conf = benchConfig("LFP", 8, 10000);
    const b = new Bench(conf).activate();
    b.m.cellMv[0] = conf.protection.cellUvMv.faultLevel - 10;
    b.run(conf.protection.cellUvMv.delayMs + 200);
    expect(b.out.faultActive[FaultId.cellUv]).toBe(true);
    expect(b.out.dischargeCurrentLimitMa).toBe(0);
    expect(b.out.chargeCurrentLimitMa).toBe(conf.limits.chargeCurrentMaxMa);
    expect(b.out.chargeEnable).toBe(true);
  });

  it("both current limits are 0 in init and standby", () => {
    const conf = benchConfig("LFP", 8, 10000);
    const b = new Bench(conf);
    b.m.cellsValid = false;
    b.step();
    expect([b.out.chargeCurrentLimitMa, b.out.dischargeCurrentLimitMa]).toEqual([0, 0]);
    b.m.cellsValid = true;
    b.inputs.requestedMode = RequestedMode.standby;
    b.run(1000);
    expect(b.out.mode).toBe(BmsMode.standby);
    expect([b.out.chargeCurrentLimitMa, b.out.dischargeCurrentLimitMa]).toEqual([0, 0]);
    b.inputs.requestedMode = RequestedMode.run;
    b.run(300);
    expect(b.out.chargeCurrentLimitMa).toBe(conf.limits.chargeCurrentMaxMa);
    expect(b.m.cellMv[0]).toBe(nominalCellMv.LFP);
  });
});
