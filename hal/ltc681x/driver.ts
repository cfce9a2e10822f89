// SPDX-License-Identifier: MIT
// LTC6811-1 / LTC6813-1 daisy-chain driver: the policy. Framing is in frames.ts, register bytes in
// config.ts, the open-wire rule in openwire.ts, facts in ../shared/reference/afe-chips.md §1.
//
// One measure():
//   wake → WRCFGA (+WRCFGB) → [open-wire check when due] → CLRCELL, CLRSTAT → ADCVSC → PLADC…
//   → RDCVA..F, RDSTATA → CLRAUX → ADAX → PLADC… → RDAUXA, RDAUXB.
// The configuration is rewritten every time: it refreshes DCC and feeds the 2 s watchdog that
// would otherwise reset DCC (§1.6). ADCVSC converts all cells and the sum of cells in one run,
// so the stack reading is taken in the same window as the cells (plausibility check).
//
// Everything a measurement uses is allocated in the constructor; measure() allocates nothing.
import { AfeStatus } from "../afe";
import type { Afe, AfeChipFaults, AfeDiagnostics, AfeLimits, AfeReading } from "../afe";
import { booleanArray, byteArray, intArray } from "../../firmware/alloc";
import { divRound } from "../../firmware/intmath";
import { ntcDeciC, ntcRatioCentiPctOf } from "../ntc";
import { Ltc681xFrames } from "./frames";
import { configMatches, overVoltageCode, putConfigA, putConfigB, underVoltageCode } from "./config";
import { decideOpenWire } from "./openwire";
import { type Ltc681xOptions, validateOptions } from "./options";
import {
  auxbRefWord,
  blockBytes,
  clearedCode,
  codesPerMv,
  Command,
  commandBytes,
  Conversion,
  Field,
  groupBytes,
  mode7kHz,
  selfTestOne,
  selfTestOneCode,
  sumOfCellsScaleLtc6811,
  sumOfCellsScaleLtc6813,
  thresholdStepCodes,
} from "./registers";

export type { Ltc681xOptions, Ltc681xVariant } from "./options";

/** Cell register groups in channel order: CVA = cells 1–3 … CVF = 16–18 (§1.4). */
const cellGroups: number[] = [Command.rdcva, Command.rdcvb, Command.rdcvc, Command.rdcvd, Command.rdcve, Command.rdcvf];

/**
 * PLADC frames before a conversion counts as hung: 16 × 132 bytes ≈ 17 ms at 1 MHz (more at a
 * slower clock), about three times the slowest conversion used here (ADAX of all GPIOs on the
 * LTC6813, 3.9 ms on the 6811 per the §1.6 table, more for the 6813's nine GPIOs).
 */
const maxPolls = 16;

/** A 2nd-reference reading outside 2.5..3.5 V means the GPIO readings cannot be trusted (§1.5). */
const referenceMinCode = 25000;
const referenceMaxCode = 35000;

/** ADOW repetitions per direction: enough for C-pin filters ≤ 10 nF (§1.7, foxBMS). */
const openWireRepeats = 2;

export class Ltc681x implements Afe {
  readonly cellCount: number;
  readonly temperatureCount: number;
  readonly diagnostics: AfeDiagnostics;
  /** Current comes from the board's shunt amplifier, not from this chip. */
  readonly measuresCurrent = false;
  /** The board's pins drive the FETs; the chip has none. */
  readonly controlsSwitches = false;
  private readonly frames: Ltc681xFrames;
  private readonly devices: number;
  private readonly groupB: boolean;
  private readonly cellsPerDevice: number[];
  private readonly firstCell: number[];
  private readonly thermistorsPerDevice: number[];
  private readonly firstThermistor: number[];
  private readonly cellGroupCount: number;
  private readonly sumScale: number;
  private readonly pecErrorLimit: number;
  private readonly openWireIntervalMs: number;
  private vuv: number;
  private vov: number;
  private readonly dischargeTimeoutCode: number;
  /** Bleed request per cell, applied at the next configuration write. */
  private readonly dcc: boolean[];
  /** Configuration groups A and B as written, 6 bytes per device, bottom device first. */
  private readonly cfgA: number[];
  private readonly cfgB: number[];
  /** Staging: readings land here and reach the caller only when the whole read was good. */
  private readonly cellCode: number[];
  private readonly pullUpCode: number[];
  private readonly pullDownCode: number[];
  private readonly gpioCode: number[];
  private stackCode = 0;
  private lastOpenWireMs = 0;
  private openWireDone = false;

  constructor(options: Ltc681xOptions) {
    validateOptions(options);
    const devices = options.devices;
    this.devices = devices;
    this.groupB = options.variant === "ltc6813";
    this.frames = new Ltc681xFrames(options.spi, devices);
    this.cellsPerDevice = intArray(devices, 0);
    this.firstCell = intArray(devices, 0);
    this.thermistorsPerDevice = intArray(devices, 0);
    this.firstThermistor = intArray(devices, 0);
    let cells = 0;
    let thermistors = 0;
    let mostCells = 0;
    for (let d = 0; d < devices; d++) {
      this.cellsPerDevice[d] = options.cellsPerDevice[d];
      this.firstCell[d] = cells;
      cells += options.cellsPerDevice[d];
      if (options.cellsPerDevice[d] > mostCells) mostCells = options.cellsPerDevice[d];
      this.thermistorsPerDevice[d] = options.thermistorsPerDevice[d];
      this.firstThermistor[d] = thermistors;
      thermistors += options.thermistorsPerDevice[d];
    }
    this.cellCount = cells;
    this.temperatureCount = thermistors;
    // Only the groups holding a used channel are read: 16 cells need CVA..CVF, 12 CVA..CVD.
    this.cellGroupCount = Math.ceil(mostCells / 3);
    this.sumScale = this.groupB ? sumOfCellsScaleLtc6813 : sumOfCellsScaleLtc6811;
    this.pecErrorLimit = options.pecErrorLimit;
    this.openWireIntervalMs = options.openWireIntervalMs;
    this.vuv = underVoltageCode(options.underVoltageMv);
    this.vov = overVoltageCode(options.overVoltageMv);
    this.dischargeTimeoutCode = options.dischargeTimeoutCode;
    this.diagnostics = { pecErrors: 0, consecutiveFailures: 0, commLost: false };
    this.dcc = booleanArray(cells, false);
    this.cfgA = byteArray(groupBytes * devices, 0);
    this.cfgB = byteArray(groupBytes * devices, 0);
    this.cellCode = intArray(cells, 0);
    this.pullUpCode = intArray(cells, 0);
    this.pullDownCode = intArray(cells, 0);
    this.gpioCode = intArray(thermistors, 0);
  }

  /** Wake the chain, write the configuration and read it back. */
  start(nowMs: number): boolean {
    this.lastOpenWireMs = nowMs;
    return this.writeAndVerify();
  }

  /** Write both configuration groups and read them back; false on a PEC error or mismatch. */
  private writeAndVerify(): boolean {
    this.frames.wake();
    this.writeConfig();
    if (this.frames.read(Command.rdcfga) > 0) return this.pecFailed();
    for (let d = 0; d < this.devices; d++) {
      if (!configMatches(this.cfgA, groupBytes * d, this.frames, d, false)) return false;
    }
    if (!this.groupB) return true;
    if (this.frames.read(Command.rdcfgb) > 0) return this.pecFailed();
    for (let d = 0; d < this.devices; d++) {
      if (!configMatches(this.cfgB, groupBytes * d, this.frames, d, true)) return false;
    }
    return true;
  }

  measure(into: AfeReading, nowMs: number): void {
    into.cellsValid = false;
    into.temperaturesValid = false;
    this.frames.wake();
    this.writeConfig();
    let ok = true;
    if (this.openWireDue(nowMs)) {
      ok = this.checkOpenWire(into.openWire);
      if (ok) {
        this.lastOpenWireMs = nowMs;
        this.openWireDone = true;
      }
    }
    if (ok) ok = this.readCells();
    if (ok) {
      // divRound written out for the cells (codes are 0..65535, never negative): one call fewer per cell.
      for (let i = 0; i < this.cellCount; i++) into.cellMv[i] = Math.floor((this.cellCode[i] + codesPerMv / 2) / codesPerMv);
      into.stackMv = divRound(this.stackCode * this.sumScale, codesPerMv);
      into.cellsValid = true;
      ok = this.temperatureCount === 0 || this.readTemperatures(into.temperatureDeciC);
      into.temperaturesValid = ok;
    }
    if (ok) {
      this.diagnostics.consecutiveFailures = 0;
      this.diagnostics.commLost = false;
    } else {
      this.diagnostics.consecutiveFailures++;
      if (this.diagnostics.consecutiveFailures >= this.pecErrorLimit) this.diagnostics.commLost = true;
    }
  }

  /** Bleed request per global cell (bottom cell 0); missing entries count as off. */
  setBalancing(mask: boolean[]): AfeStatus {
    for (let i = 0; i < this.cellCount; i++) this.dcc[i] = i < mask.length && mask[i];
    return AfeStatus.ok;
  }

  /**
   * The LTC681x enforces nothing by itself: VUV/VOV only set its comparator flags (§1.5). They
   * are written (quantised to 1.6 mV) and reported back; every other limit is written back as 0.
   */
  configure(limits: AfeLimits, applied: AfeLimits): AfeStatus {
    if (!(limits.cellUvMv > 0 && limits.cellOvMv > limits.cellUvMv && limits.cellOvMv < 6553)) return AfeStatus.invalid;
    this.vuv = underVoltageCode(limits.cellUvMv);
    this.vov = overVoltageCode(limits.cellOvMv);
    applied.cellUvMv = divRound((this.vuv + 1) * thresholdStepCodes, 10);
    applied.cellOvMv = divRound(this.vov * thresholdStepCodes, 10);
    applied.cellOvDelayMs = 0;
    applied.cellUvDelayMs = 0;
    applied.chargeOcMa = 0;
    applied.chargeOcDelayMs = 0;
    applied.dischargeOcMa = 0;
    applied.dischargeOcDelayMs = 0;
    applied.shortCircuitMa = 0;
    applied.shortCircuitDelayUs = 0;
    applied.chargeOtDeciC = 0;
    applied.dischargeOtDeciC = 0;
    applied.chargeUtDeciC = 0;
    return this.writeAndVerify() ? AfeStatus.ok : AfeStatus.commError;
  }

  /** No FETs on this chip: the board's pins switch the paths. */
  setSwitches(_charge: boolean, _discharge: boolean): AfeStatus {
    return AfeStatus.notSupported;
  }

  /** The chip takes no protective action of its own, so there is nothing it acted on. */
  readChipFaults(_into: AfeChipFaults): AfeStatus {
    return AfeStatus.notSupported;
  }

  /**
   * The cell ADC self-test (§1.4): CVST with ST = 1 at 7 kHz, then every used channel of every
   * device must read the test pattern. A PEC error is a bus problem (commError); a wrong pattern
   * means the converter itself is broken (failed). The next measure() clears the registers.
   */
  selfTest(): AfeStatus {
    this.frames.wake();
    this.frames.command(Conversion.cvst + mode7kHz * Field.md + selfTestOne);
    if (!this.frames.poll(maxPolls)) return AfeStatus.commError;
    for (let g = 0; g < this.cellGroupCount; g++) {
      if (this.frames.read(cellGroups[g]) > 0) {
        this.pecFailed();
        return AfeStatus.commError;
      }
      for (let d = 0; d < this.devices; d++) {
        for (let w = 0; w < 3; w++) {
          if (3 * g + w < this.cellsPerDevice[d] && this.frames.word(d, w) !== selfTestOneCode) return AfeStatus.failed;
        }
      }
    }
    return AfeStatus.ok;
  }

  private pecFailed(): boolean {
    this.diagnostics.pecErrors++;
    return false;
  }

  private openWireDue(nowMs: number): boolean {
    if (this.openWireIntervalMs <= 0) return false;
    if (!this.openWireDone) return true;
    return nowMs - this.lastOpenWireMs >= this.openWireIntervalMs;
  }

  private writeConfig(): void {
    for (let d = 0; d < this.devices; d++) {
      const at = groupBytes * d;
      putConfigA(this.cfgA, at, this.vuv, this.vov, this.dischargeTimeoutCode, this.dcc, this.firstCell[d], this.cellsPerDevice[d]);
      if (this.groupB) putConfigB(this.cfgB, at, this.dcc, this.firstCell[d], this.cellsPerDevice[d]);
    }
    this.frames.write(Command.wrcfga, this.cfgA);
    if (this.groupB) this.frames.write(Command.wrcfgb, this.cfgB);
  }

  /**
   * Read the cell groups of the last conversion into `target` (global cell order). False on a PEC
   * error, or, when `saturationAllowed` is false, on a used channel that still reads 0xFFFF (the
   * device did not convert). Open-wire readings may saturate: a cell pair read across a floating
   * node can exceed the 6.5535 V range.
   */
  private readCellGroups(target: number[], saturationAllowed: boolean): boolean {
    for (let g = 0; g < this.cellGroupCount; g++) {
      if (this.frames.read(cellGroups[g]) > 0) return this.pecFailed();
      // frames.word(d, w) written out: a call per cell per tick costs far more than the sum on
      // Espruino (scripts/espruino-time.ts).
      const rx = this.frames.rx;
      for (let d = 0; d < this.devices; d++) {
        for (let w = 0; w < 3; w++) {
          const channel = 3 * g + w;
          if (channel < this.cellsPerDevice[d]) {
            const at = commandBytes + blockBytes * d + 2 * w;
            const code = rx[at] + 256 * rx[at + 1];
            if (code === clearedCode && !saturationAllowed) return false;
            target[this.firstCell[d] + channel] = code;
          }
        }
      }
    }
    return true;
  }

  /** ADCVSC (7 kHz, DCP=0, all cells) → cell codes and the sum of cells from STATA. */
  private readCells(): boolean {
    // Cleared registers read 0xFFFF (§1.5): a converter that hangs, or a conversion that never
    // ran, then shows as a failed read instead of the last good values served again (a frozen
    // measurement). 8 bytes per tick.
    this.frames.command(Command.clrcell);
    this.frames.command(Command.clrstat);
    this.frames.command(Conversion.adcvsc + mode7kHz * Field.md);
    if (!this.frames.poll(maxPolls)) return false;
    if (!this.readCellGroups(this.cellCode, false)) return false;
    if (this.frames.read(Command.rdstata) > 0) return this.pecFailed();
    let sum = 0;
    for (let d = 0; d < this.devices; d++) {
      const sc = this.frames.word(d, 0);
      if (sc === clearedCode) return false;
      sum += sc;
    }
    this.stackCode = sum;
    return true;
  }

  /** ADAX (7 kHz, all GPIOs and the 2nd reference) → temperatures from GPIO/REF ratios. */
  private readTemperatures(into: number[]): boolean {
    this.frames.command(Command.clraux);
    this.frames.command(Conversion.adax + mode7kHz * Field.md);
    if (!this.frames.poll(maxPolls)) return false;
    // AUXA = G1V, G2V, G3V: keep them while AUXB (G4V, G5V, REF) is read.
    if (this.frames.read(Command.rdauxa) > 0) return this.pecFailed();
    for (let d = 0; d < this.devices; d++) {
      for (let k = 0; k < this.thermistorsPerDevice[d] && k < 3; k++) {
        this.gpioCode[this.firstThermistor[d] + k] = this.frames.word(d, k);
      }
    }
    if (this.frames.read(Command.rdauxb) > 0) return this.pecFailed();
    for (let d = 0; d < this.devices; d++) {
      const reference = this.frames.word(d, auxbRefWord);
      if (reference < referenceMinCode || reference > referenceMaxCode) return false;
      for (let k = 3; k < this.thermistorsPerDevice[d]; k++) {
        this.gpioCode[this.firstThermistor[d] + k] = this.frames.word(d, k - 3);
      }
      for (let k = 0; k < this.thermistorsPerDevice[d]; k++) {
        if (this.gpioCode[this.firstThermistor[d] + k] === clearedCode) return false;
      }
    }
    // All good: only now do the caller's values change.
    for (let d = 0; d < this.devices; d++) {
      const reference = this.frames.word(d, auxbRefWord);
      for (let k = 0; k < this.thermistorsPerDevice[d]; k++) {
        const t = this.firstThermistor[d] + k;
        into[t] = ntcDeciC(ntcRatioCentiPctOf(this.gpioCode[t], reference));
      }
    }
    return true;
  }

  /** One ADOW direction, repeated so the C-pin filters settle, then all cells into `target`. */
  private openWirePass(pullUp: boolean, target: number[]): boolean {
    let code = Conversion.adow + mode7kHz * Field.md;
    if (pullUp) code += Field.pup;
    for (let r = 0; r < openWireRepeats; r++) {
      this.frames.command(code);
      if (!this.frames.poll(maxPolls)) return false;
    }
    return this.readCellGroups(target, true);
  }

  /** The §1.7 open-wire check; `openWire` changes only when both passes read cleanly. */
  private checkOpenWire(openWire: boolean[]): boolean {
    if (!this.openWirePass(true, this.pullUpCode)) return false;
    if (!this.openWirePass(false, this.pullDownCode)) return false;
    for (let d = 0; d < this.devices; d++) {
      decideOpenWire(this.pullUpCode, this.pullDownCode, this.firstCell[d], this.cellsPerDevice[d], openWire);
    }
    return true;
  }
}
