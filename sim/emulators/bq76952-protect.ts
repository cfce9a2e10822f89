// SPDX-License-Identifier: MIT
// The BQ76952's own protections (../shared/reference/afe-chips.md §2.4, §2.5 item 6): a Safety
// Alert bit is set while a threshold is crossed, the Safety Status bit only once it persisted for
// the configured delay; recovery by hysteresis (voltages, temperatures) or by the Protections
// Recovery Time (currents). Which FETs a status bit opens is the CHG/DSG FET Protections masks'
// business (bq76952.ts).
//
// The host watchdog (Safety Status C HWDF, §2.2; enabled by Enabled Protections C, §2.4; delay
// Protections:HWD:Delay at 0x92B2, whole seconds, registers.ts): HWDF is set once no valid host
// transaction has arrived for the delay, and its FET action is the HWDF bit of the CHG/DSG FET
// Protections C masks, as for every other status bit. Not from the fact sheet but from the same
// family's TRMs (BQ769142 SLUUCF2C, BQ76922 SLUUCG7 "Host Watchdog"): the delay's unit, that there
// is no Safety Alert for it, that the FET action follows the C masks, and that the chip recovers
// when valid communication is received. Modelling choices [unverified against the BQ76952 TRM]:
// "valid" = a transaction the chip ACKs (in CRC mode: with good CRCs), whatever it asks for; the
// fault clears at the end of the first such transaction (a read of Safety Status C in it still
// finds HWDF set), not after a recovery time; it trips when the silence reaches the delay (≥),
// checked whenever the emulator is evaluated; a delay of 0 never trips; the timer starts at
// power-up and, like every protection here, is not evaluated in CONFIG_UPDATE or while the
// measurement loop is frozen.
import { DataMemory, SafetyA, SafetyB, SafetyC, scdThresholdMv } from "../../hal/bq76952/registers";
import type { DataMemoryStore } from "./bq76952-memory";

export interface ProtectionInputs {
  /** Voltages of the inputs Vcell Mode marks as used, mV. */
  cellMv: number[];
  /** True pack current, mA, + = charging. */
  currentMa: number;
  /** Temperatures of the TS pins configured as cell thermistors, °C. */
  cellCelsius: number[];
  internalCelsius: number;
}

interface Rule {
  /** 0 = Safety A, 1 = Safety B. */
  register: 0 | 1;
  bit: number;
  condition(i: ProtectionInputs, m: DataMemoryStore, shuntMicroOhm: number): boolean;
  /** Recovered by value (hysteresis); undefined = by Protections Recovery Time. */
  recovered?(i: ProtectionInputs, m: DataMemoryStore): boolean;
  delayUs(m: DataMemoryStore): number;
}

const stepTenthMv = 506;
const cellMv = (code: number): number => (code * stepTenthMv) / 10;
/** Delay (N + 2) · 3.3 ms (§2.4). */
const delay33 = (n: number): number => (n + 2) * 3300;
const shuntUv = (ma: number, r: number): number => (Math.abs(ma) * r) / 1000;
const max = (xs: number[]): number => (xs.length === 0 ? -Infinity : Math.max(...xs));
const min = (xs: number[]): number => (xs.length === 0 ? Infinity : Math.min(...xs));

/** One over-/under-temperature rule on (threshold, delay s, recovery) at `base` (§2.4). */
function temperatureRule(register: 0 | 1, bit: number, base: number, over: boolean, source: (i: ProtectionInputs) => number[]): Rule {
  return {
    register,
    bit,
    condition: (i, m) => (over ? max(source(i)) >= m.i8(base) : min(source(i)) <= m.i8(base)),
    recovered: (i, m) => (over ? max(source(i)) < m.i8(base + 2) : min(source(i)) > m.i8(base + 2)),
    delayUs: (m) => m.u8(base + 1) * 1_000_000,
  };
}

const cells = (i: ProtectionInputs): number[] => i.cellCelsius;
const internal = (i: ProtectionInputs): number[] => [i.internalCelsius];

const rules: Rule[] = [
  {
    register: 0,
    bit: SafetyA.cov,
    condition: (i, m) => max(i.cellMv) >= cellMv(m.u8(DataMemory.covThreshold)),
    recovered: (i, m) => max(i.cellMv) < cellMv(m.u8(DataMemory.covThreshold) - m.u8(DataMemory.covRecoveryHysteresis)),
    delayUs: (m) => delay33(m.u16(DataMemory.covDelay)),
  },
  {
    register: 0,
    bit: SafetyA.cuv,
    condition: (i, m) => min(i.cellMv) <= cellMv(m.u8(DataMemory.cuvThreshold)),
    recovered: (i, m) => min(i.cellMv) > cellMv(m.u8(DataMemory.cuvThreshold) + m.u8(DataMemory.cuvRecoveryHysteresis)),
    delayUs: (m) => delay33(m.u16(DataMemory.cuvDelay)),
  },
  {
    register: 0,
    bit: SafetyA.occ,
    condition: (i, m, r) => i.currentMa > 0 && shuntUv(i.currentMa, r) >= 2000 * m.u8(DataMemory.occThreshold),
    delayUs: (m) => delay33(m.u8(DataMemory.occDelay)),
  },
  {
    register: 0,
    bit: SafetyA.ocd1,
    condition: (i, m, r) => i.currentMa < 0 && shuntUv(i.currentMa, r) >= 2000 * m.u8(DataMemory.ocd1Threshold),
    delayUs: (m) => delay33(m.u8(DataMemory.ocd1Delay)),
  },
  {
    register: 0,
    bit: SafetyA.ocd2,
    condition: (i, m, r) => i.currentMa < 0 && shuntUv(i.currentMa, r) >= 2000 * m.u8(DataMemory.ocd2Threshold),
    delayUs: (m) => delay33(m.u8(DataMemory.ocd2Delay)),
  },
  {
    register: 0,
    bit: SafetyA.scd,
    condition: (i, m, r) => i.currentMa < 0 && shuntUv(i.currentMa, r) >= 1000 * (scdThresholdMv[m.u8(DataMemory.scdThreshold) & 0x0f] ?? 500),
    // (N − 1) · 15 µs (§2.4).
    delayUs: (m) => Math.max(0, m.u8(DataMemory.scdDelay) - 1) * 15,
  },
  temperatureRule(1, SafetyB.otc, DataMemory.otcThreshold, true, cells),
  temperatureRule(1, SafetyB.otd, DataMemory.otdThreshold, true, cells),
  temperatureRule(1, SafetyB.otf, DataMemory.otfThreshold, true, () => []),
  temperatureRule(1, SafetyB.otint, DataMemory.otintThreshold, true, internal),
  temperatureRule(1, SafetyB.utc, DataMemory.utcThreshold, false, cells),
  temperatureRule(1, SafetyB.utd, DataMemory.utdThreshold, false, cells),
  temperatureRule(1, SafetyB.utint, DataMemory.utintThreshold, false, internal),
];

interface RuleState {
  sinceUs: number | undefined;
  tripped: boolean;
  quietSinceUs: number | undefined;
}

/**
 * Time resolution of the simulation: a delay shorter than this (SCD's µs delays) trips at the
 * first evaluation that sees the condition; the sim cannot resolve anything finer.
 */
const resolutionUs = 1000;

export class ProtectionEngine {
  /** Safety Alert A, B, C and Safety Status A, B, C. */
  readonly alert = [0, 0, 0];
  readonly status = [0, 0, 0];
  private readonly state: RuleState[] = rules.map(() => ({ sinceUs: undefined, tripped: false, quietSinceUs: undefined }));
  /** When the last valid host transaction arrived, µs: the host watchdog's reference. */
  private lastHostUs = 0;

  /** A valid host transaction at `nowUs`: restarts the host watchdog and recovers HWDF at once. */
  hostCommunication(nowUs: number): void {
    this.lastHostUs = nowUs;
    this.status[2] &= ~SafetyC.hwdf;
  }

  reset(): void {
    this.alert.fill(0);
    this.status.fill(0);
    for (const s of this.state) Object.assign(s, { sinceUs: undefined, tripped: false, quietSinceUs: undefined });
  }

  evaluate(inputs: ProtectionInputs, memory: DataMemoryStore, shuntMicroOhm: number, nowUs: number): void {
    const enabled = [memory.u8(DataMemory.enabledProtectionsA), memory.u8(DataMemory.enabledProtectionsB)];
    const recoveryUs = memory.u8(DataMemory.protectionsRecoveryTime) * 1_000_000;
    this.alert.fill(0);
    this.status.fill(0);
    rules.forEach((rule, k) => {
      const s = this.state[k];
      if ((enabled[rule.register] & rule.bit) === 0) {
        Object.assign(s, { sinceUs: undefined, tripped: false, quietSinceUs: undefined });
        return;
      }
      const active = rule.condition(inputs, memory, shuntMicroOhm);
      if (!s.tripped) {
        if (!active) s.sinceUs = undefined;
        else {
          s.sinceUs ??= nowUs;
          const delay = rule.delayUs(memory);
          if (delay < resolutionUs || nowUs - s.sinceUs >= delay) {
            s.tripped = true;
            s.quietSinceUs = undefined;
          }
        }
      } else if (rule.recovered !== undefined) {
        if (rule.recovered(inputs, memory)) Object.assign(s, { sinceUs: undefined, tripped: false });
      } else if (active) {
        s.quietSinceUs = undefined;
      } else {
        s.quietSinceUs ??= nowUs;
        if (nowUs - s.quietSinceUs >= recoveryUs) Object.assign(s, { sinceUs: undefined, tripped: false });
      }
      if (!s.tripped) s.quietSinceUs = undefined;
      if (active) this.alert[rule.register] |= rule.bit;
      if (s.tripped) this.status[rule.register] |= rule.bit;
      if (!s.tripped && !active) s.sinceUs = undefined;
    });
    // No Safety Alert C bit for the host watchdog, only the status.
    const hwdUs = memory.u16(DataMemory.hwdDelay) * 1_000_000;
    const hwdEnabled = (memory.u8(DataMemory.enabledProtectionsC) & SafetyC.hwdf) !== 0;
    if (hwdEnabled && hwdUs > 0 && nowUs - this.lastHostUs >= hwdUs) this.status[2] |= SafetyC.hwdf;
  }
}
