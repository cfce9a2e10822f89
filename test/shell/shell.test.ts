// The shell around the core: it applies what step() decides, never lets an exception out of the
// control loop, and refuses a bad configuration before touching anything.
import { describe, expect, it } from "vitest";
import { AfeStatus } from "../../hal/afe";
import type { Afe, AfeReading } from "../../hal/afe";
import { ShuntCurrentSense } from "../../hal/current-sense";
import { presetConfig } from "../../firmware/config";
import { BmsShell } from "../../firmware/shell";
import { SimClock } from "../../sim/hal/clock";
import { SimDigitalOut, SimWatchdog } from "../../sim/hal/platform";
import type { PackConfig } from "../../firmware/types";

class FakeAfe implements Afe {
  readonly diagnostics = { pecErrors: 0, consecutiveFailures: 0, commLost: false };
  readonly measuresCurrent = false;
  readonly controlsSwitches = false;
  cellMv = 3300;
  throwOnMeasure = false;
  valid = true;
  balancing: boolean[] = [];
  constructor(
    readonly cellCount: number,
    readonly temperatureCount: number,
  ) {}
  start(): boolean {
    return true;
  }
  measure(into: AfeReading): void {
    if (this.throwOnMeasure) throw new Error("bus exploded");
    for (let i = 0; i < this.cellCount; i++) into.cellMv[i] = this.cellMv;
    into.stackMv = this.cellMv * this.cellCount;
    for (let i = 0; i < this.temperatureCount; i++) into.temperatureDeciC[i] = 250;
    into.cellsValid = this.valid;
    into.temperaturesValid = this.valid;
  }
  setBalancing(mask: boolean[]): AfeStatus {
    this.balancing = mask.slice();
    return AfeStatus.ok;
  }
  configure(): AfeStatus {
    return AfeStatus.notSupported;
  }
  setSwitches(): AfeStatus {
    return AfeStatus.notSupported;
  }
  readChipFaults(): AfeStatus {
    return AfeStatus.notSupported;
  }
  selfTest(): AfeStatus {
    return AfeStatus.notSupported;
  }
}

function rig(conf?: PackConfig) {
  const c = conf ?? presetConfig("LFP", 4, 10000);
  c.temperatureCount = 2;
  const clock = new SimClock();
  const afe = new FakeAfe(c.seriesCount, c.temperatureCount);
  let raw = 2048;
  const current = new ShuntCurrentSense({ input: { read: () => raw, resolution: 12 }, zeroCount: 2048, milliampsPerCount: 10 });
  const chg = new SimDigitalOut(1);
  const dsg = new SimDigitalOut(1);
  const watchdog = new SimWatchdog(clock, 1000);
  const shell = new BmsShell({ conf: c, afe, current, switches: { charge: chg, discharge: dsg, onLevel: 1 }, clock, watchdog });
  const tick = (n: number) => {
    for (let i = 0; i < n; i++) {
      clock.advance(100);
      shell.tick();
    }
  };
  return { shell, afe, chg, dsg, watchdog, tick, setRaw: (r: number) => (raw = r) };
}

describe("the firmware shell", () => {
  it("opens both paths at construction, before any measurement", () => {
    const r = rig();
    expect(r.chg.value).toBe(0);
    expect(r.dsg.value).toBe(0);
  });

  it("closes both paths once healthy measurements arrive", () => {
    const r = rig();
    r.tick(20);
    expect(r.chg.value).toBe(1);
    expect(r.dsg.value).toBe(1);
    expect(r.shell.internalErrors).toBe(0);
  });

  it("turns an exception in the control loop into open paths and a count, never a throw", () => {
    const r = rig();
    r.tick(20);
    r.afe.throwOnMeasure = true;
    expect(() => r.tick(1)).not.toThrow();
    expect(r.chg.value).toBe(0);
    expect(r.dsg.value).toBe(0);
    expect(r.shell.internalErrors).toBe(1);
  });

  it("kicks the watchdog only after a good AFE read", () => {
    const r = rig();
    r.tick(5);
    const kicks = r.watchdog.kicks;
    expect(kicks).toBe(5);
    r.afe.valid = false;
    r.tick(5);
    expect(r.watchdog.kicks).toBe(kicks);
  });

  it("refuses a configuration that is unsafe, naming the field", () => {
    const c = presetConfig("LFP", 4, 10000);
    c.protection.cellOvMv.faultLevel = 4200;
    expect(() => rig(c)).toThrow(/protection\.cellOvMv\.faultLevel/);
  });

  it("treats a current reading pinned to a rail as invalid", () => {
    const r = rig();
    r.setRaw(4095);
    r.tick(1);
    expect(r.shell.inputs.measurements.currentValid).toBe(false);
    r.setRaw(2148);
    r.tick(1);
    expect(r.shell.inputs.measurements.currentValid).toBe(true);
    expect(r.shell.inputs.measurements.currentMa).toBe(1000);
  });
});
