// SPDX-License-Identifier: MIT
// A bus-level emulator of an LTC6811-1 / LTC6813-1 daisy chain (../shared/reference/afe-chips.md
// §1): it sees each chip-select frame as the master clocked it and answers on MISO as the chain
// would. Framing and the PEC are checked exactly (§1.2, §1.3); a frame with a bad command PEC is
// dropped, a write block with a bad data PEC is not stored on that device.
//
// Time: the emulator keeps its own microsecond time, never behind the sim clock, and moves it on
// by 8 bits / hz for every byte clocked. A conversion fills the registers at command time but
// the chain answers PLADC with 0x00 until its conversion time has passed (§1.6).
//
// Power: a device that saw no valid command for 2 s sleeps and its configuration resets (DCC off)
// unless its discharge timer runs (§1.6). A sleeping device, or one whose isoSPI port went idle,
// takes the next frame as a wake-up only; the devices above it do not see that frame.
import { z } from "zod";
import type { Clock } from "../../hal/hal";
import type { SpiPeripheral } from "../hal/bus";
import { Rng } from "../rng";
import { AnalogFrontEnd, type Ltc681xPort } from "./ltc681x-analog";
import { Ltc681xDevice } from "./ltc681x-device";
import {
  channelCount,
  type ConversionTimesUs,
  decode,
  defaultConversionTimes,
  type Group,
  gpioCount,
  modeFactor,
  type Op,
  pec15Bitwise,
  selfTestPattern,
  type Variant,
} from "./ltc681x-protocol";

export type { Ltc681xPort } from "./ltc681x-analog";

export interface Ltc681xChainOptions {
  variant: Variant;
  devices: number;
  port: Ltc681xPort;
  /** Cells on each device, bottom device first, on channels 1..n. */
  cellsPerDevice: number[];
  /** NTCs on GPIO1..k of each device, bottom device first. */
  thermistorsPerDevice: number[];
  /** The sim clock (ms). */
  clock: Clock;
  /** SPI clock, Hz: turns bytes into time. */
  hz: number;
  /** Seed of the noise and of the per-device reference offsets. */
  seed?: number;
  /** σ of the white noise added to every conversion, mV (0 = exact to the 100 µV step). */
  noiseMv?: number;
  /** Conversion times at 7 kHz, µs (defaults per variant, ltc681x-protocol.ts). */
  conversionUs?: Partial<ConversionTimesUs>;
  /** Watchdog: sleep after this long without a valid command (§1.6: ≈ 2 s). */
  sleepMs?: number;
  /** isoSPI idle timeout (§1.6: 4.3–6.7 ms; the shortest by default). */
  idleUs?: number;
  /** ADOW repetitions before a floating node has fully followed the pull current (§1.7). */
  openWireSettleRepeats?: number;
  /** State of the DTEN pins: the discharge timer may keep DCC through a watchdog sleep. */
  dischargeTimerPin?: boolean;
}

const fn = z.custom<(...args: never[]) => unknown>((f) => typeof f === "function", "must be a function");

// Parsed for checking only: port and clock are then used as given, so their methods keep `this`.
const optionsSchema = z.strictObject({
  variant: z.enum(["ltc6811", "ltc6813"]),
  devices: z.number().int().min(1).max(64),
  port: z.object({ cellVolts: fn, setBleed: fn, thermistorCelsius: fn }),
  cellsPerDevice: z.array(z.number().int().min(0)),
  thermistorsPerDevice: z.array(z.number().int().min(0)),
  clock: z.object({ nowMs: fn }),
  hz: z.number().positive().max(1_000_000),
  seed: z.number().int().default(1),
  noiseMv: z.number().min(0).default(0),
  conversionUs: z.record(z.string(), z.number().positive()).optional(),
  sleepMs: z.number().positive().default(2000),
  idleUs: z.number().positive().default(4300),
  openWireSettleRepeats: z.number().int().min(1).default(2),
  dischargeTimerPin: z.boolean().default(true),
});

export class Ltc681xChain implements SpiPeripheral {
  readonly variant: Variant;
  /** Frames dropped for a bad command PEC. */
  rejectedFrames = 0;
  private readonly devices: Ltc681xDevice[] = [];
  private readonly analog: AnalogFrontEnd;
  private readonly clock: Clock;
  private readonly byteUs: number;
  private readonly times: ConversionTimesUs;
  private readonly sleepUs: number;
  private readonly idleUs: number;
  private readonly settleRepeats: number;
  private busUs = 0;
  private pecErrorsToInject = 0;
  private answersToDrop = 0;
  private silent = false;
  private adcFrozen = false;

  constructor(options: Ltc681xChainOptions) {
    const r = optionsSchema.safeParse(options);
    if (!r.success) {
      throw new Error(r.error.issues.map((i) => `Ltc681xChain options.${i.path.join(".")}: ${i.message}`).join("\n"));
    }
    const o = r.data;
    this.variant = o.variant;
    const perDevice = (name: string, list: number[], max: number): void => {
      if (list.length !== o.devices) throw new Error(`Ltc681xChain options.${name}: ${list.length} entries for ${o.devices} devices`);
      list.forEach((n, d) => {
        if (n > max) throw new Error(`Ltc681xChain options.${name}[${d}]: ${n} is above the ${max} inputs of an ${o.variant}`);
      });
    };
    perDevice("cellsPerDevice", o.cellsPerDevice, channelCount(o.variant));
    perDevice("thermistorsPerDevice", o.thermistorsPerDevice, gpioCount(o.variant));
    for (const [key, value] of Object.entries(o.conversionUs ?? {})) {
      if (!(key in defaultConversionTimes(o.variant))) throw new Error(`Ltc681xChain options.conversionUs.${key}: not a conversion time`);
      if (!(value > 0)) throw new Error(`Ltc681xChain options.conversionUs.${key}: must be > 0`);
    }
    this.times = { ...defaultConversionTimes(o.variant), ...o.conversionUs };
    for (let d = 0; d < o.devices; d++) this.devices.push(new Ltc681xDevice(o.variant, o.dischargeTimerPin));
    this.analog = new AnalogFrontEnd(options.port, o.variant, o.cellsPerDevice, o.thermistorsPerDevice, new Rng(o.seed), o.noiseMv);
    this.clock = options.clock;
    this.byteUs = 8e6 / o.hz;
    this.sleepUs = o.sleepMs * 1000;
    this.idleUs = o.idleUs;
    this.settleRepeats = o.openWireSettleRepeats;
  }

  frame(mosi: number[], miso: number[], count: number): void {
    const startUs = this.now();
    this.runTimers(startUs);
    const endUs = startUs + count * this.byteUs;
    this.busUs = endUs;
    if (this.silent) return;
    // The frame climbs the chain; the first device that is asleep or idle only wakes on it.
    for (const dev of this.devices) {
      const needsWake = dev.asleep || startUs > dev.readyUntilUs;
      dev.readyUntilUs = endUs + this.idleUs;
      if (needsWake) {
        if (dev.asleep) dev.lastValidUs = startUs;
        dev.asleep = false;
        return;
      }
    }
    if (count < 4) return;
    const pec = pec15Bitwise(mosi, 0, 2);
    if (mosi[2] !== pec >>> 8 || mosi[3] !== (pec & 0xff)) {
      this.rejectedFrames++;
      return;
    }
    // CMD0 b7 set: an address command for "-2" parts (§1.1), which a "-1" chain does not obey.
    if (mosi[0] > 0x07) return;
    for (const dev of this.devices) dev.lastValidUs = startUs;
    this.execute(decode(mosi[0] * 256 + mosi[1], this.variant), mosi, miso, count, startUs);
  }

  /** Corrupt the next `count` read answers (one bit of the bottom device's data). */
  injectPecErrors(count: number): void {
    if (!Number.isInteger(count) || count < 0) throw new Error(`injectPecErrors count: must be an integer ≥ 0, got ${count}`);
    this.pecErrorsToInject += count;
  }

  /** Leave the next `count` read commands unanswered (MISO stays 0xFF, so their PEC fails). */
  dropAnswers(count: number): void {
    if (!Number.isInteger(count) || count < 0) throw new Error(`dropAnswers count: must be an integer ≥ 0, got ${count}`);
    this.answersToDrop += count;
  }

  /** A broken link: no device sees the bus and MISO stays 0xFF. */
  silence(on: boolean): void {
    this.silent = on;
  }

  /** A hung ADC: conversions complete but leave every result register as it was. */
  freeze(on: boolean): void {
    this.adcFrozen = on;
  }

  /** Open or reconnect sense wire `wire` (0 = bottom of cell 0 … cells = top of the last cell). */
  openWire(wire: number, open: boolean): void {
    this.analog.setOpenWire(wire, open);
  }

  /** A power-on reset of every device (a supply dip): configuration, registers and DCC lost. */
  reset(): void {
    for (const dev of this.devices) {
      dev.powerOnReset();
      dev.asleep = true;
    }
    this.analog.syncBleed(this.devices);
  }

  /** Bring watchdog and discharge timer up to the sim clock (frames do this too). */
  update(): void {
    this.runTimers(this.now());
  }

  /** Configuration of `device` as RDCFG would return it: CFGA, then CFGB on the LTC6813. */
  getConfig(device: number): number[] {
    this.update();
    const dev = this.device(device);
    return this.variant === "ltc6813" ? [...dev.readGroup("cfga"), ...dev.readGroup("cfgb")] : dev.readGroup("cfga");
  }

  /** The 6 bytes of a register group of `device`, as a read would return them. */
  getRegister(device: number, group: Group): number[] {
    return this.device(device).readGroup(group);
  }

  isAsleep(device: number): boolean {
    this.update();
    return this.device(device).asleep;
  }

  private device(index: number): Ltc681xDevice {
    const dev = this.devices[index];
    if (dev === undefined) throw new Error(`Ltc681xChain device: ${index} is not in the chain of ${this.devices.length}`);
    return dev;
  }

  private now(): number {
    return Math.max(this.busUs, this.clock.nowMs() * 1000);
  }

  private runTimers(nowUs: number): void {
    let changed = false;
    for (const dev of this.devices) {
      if (!dev.asleep && nowUs - dev.lastValidUs >= this.sleepUs) {
        dev.sleep();
        changed = true;
      }
      if (dev.dischargeTimerEndUs() <= nowUs) {
        dev.dischargeTimeout();
        changed = true;
      }
    }
    if (changed) this.analog.syncBleed(this.devices);
  }

  private execute(op: Op, mosi: number[], miso: number[], count: number, startUs: number): void {
    const n = this.devices.length;
    if (op.kind === "write") {
      this.devices.forEach((dev, d) => {
        const at = 4 + 8 * (n - 1 - d); // first block → top device (§1.2)
        if (at + 8 > count) return; // the frame ended before this device's block
        const pec = pec15Bitwise(mosi, at, 6);
        if (mosi[at + 6] === pec >>> 8 && mosi[at + 7] === (pec & 0xff)) dev.writeConfig(op.group, mosi.slice(at, at + 6), startUs);
      });
      this.analog.syncBleed(this.devices);
    } else if (op.kind === "read") {
      if (this.answersToDrop > 0) {
        // A dropped answer: the command arrived but nothing drives MISO (it stays 0xFF).
        this.answersToDrop--;
        return;
      }
      const answer: number[] = [];
      for (const dev of this.devices) {
        const bytes = dev.readGroup(op.group); // first block ← bottom device (§1.2)
        const pec = pec15Bitwise(bytes, 0, 6);
        answer.push(...bytes, pec >>> 8, pec & 0xff);
      }
      if (this.pecErrorsToInject > 0) {
        this.pecErrorsToInject--;
        answer[0] ^= 0x01;
      }
      for (let i = 0; i < answer.length && 4 + i < count; i++) miso[4 + i] = answer[i];
    } else if (op.kind === "clear") {
      for (const dev of this.devices) for (const g of op.groups) dev.registers[g].fill(0xff);
    } else if (op.kind === "pladc") {
      let busyUntil = 0;
      for (const dev of this.devices) busyUntil = Math.max(busyUntil, dev.busyUntilUs);
      for (let i = 4; i < count; i++) miso[i] = startUs + (i + 1) * this.byteUs < busyUntil ? 0x00 : 0xff;
    } else if (op.kind === "mute") {
      for (const dev of this.devices) dev.muted = op.on;
      this.analog.syncBleed(this.devices);
    } else if (op.kind !== "other") {
      this.convert(op, startUs + 4 * this.byteUs);
    }
  }

  /** Start a conversion at `atUs`; a chain that is still converting ignores it. */
  private convert(op: Extract<Op, { md: number }>, atUs: number): void {
    if (this.devices.some((d) => d.busyUntilUs > atUs)) return;
    const t = this.times;
    let base: number;
    if (op.kind === "adcv") base = op.withSum ? t.cellsAndSum : op.ch === 0 ? t.cellsAll : t.cellsSubset;
    else if (op.kind === "cvst") base = t.cellsAll;
    else if (op.kind === "adow") base = op.ch === 0 ? t.openWire : t.cellsSubset;
    else if (op.kind === "adax") base = op.chg === 0 ? t.gpioAll : t.gpioOne;
    else base = op.chst === 0 ? t.statusAll : t.statusOne;
    this.devices.forEach((dev, d) => {
      dev.busyUntilUs = atUs + base * modeFactor(op.md, dev.adcopt()) + (dev.refOn() ? 0 : t.refUp);
      // A hung converter: the command is accepted and "completes", the registers keep old codes.
      if (this.adcFrozen) return;
      if (op.kind === "cvst") {
        const pattern = selfTestPattern(op.md, dev.adcopt(), op.st);
        const channels = dev.selectedChannels(0);
        dev.storeCells(channels.map(() => pattern), channels);
      } else if (op.kind === "adcv") {
        dev.openWireRepeats = 0;
        dev.storeCells(this.analog.cellCodes(d, "normal", 1), dev.selectedChannels(op.ch));
        if (op.withSum) dev.storeStatus(this.analog.sumCode(d), 0, 0, 0, 1);
      } else if (op.kind === "adow") {
        const same = dev.openWireRepeats > 0 && dev.openWirePullUp === op.pup;
        dev.openWireRepeats = same ? dev.openWireRepeats + 1 : 1;
        dev.openWirePullUp = op.pup;
        const fraction = Math.min(1, dev.openWireRepeats / this.settleRepeats);
        dev.storeCells(this.analog.cellCodes(d, op.pup ? "up" : "down", fraction), dev.selectedChannels(op.ch));
      } else if (op.kind === "adax") {
        dev.storeAux(this.analog.gpioCodes(d), this.analog.referenceCode(d), op.chg);
      } else {
        const s = this.analog.statusCodes();
        dev.storeStatus(this.analog.sumCode(d), s.itmp, s.va, s.vd, op.chst);
      }
    });
  }
}
