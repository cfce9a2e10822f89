// SPDX-License-Identifier: MIT
// One emulated LTC681x-1 of a daisy chain: its register file, configuration, power state and
// timers (../shared/reference/afe-chips.md §1.5, §1.6). Analog values come in as volts from the
// chain; framing and time stay in ltc681x.ts.
import { cellGroups, channelCount, dischargeTimeoutMinutes, type Group, type Variant } from "./ltc681x-protocol";

/** Reset defaults (§1.5): GPIO pull-downs off, everything else 0 [unverified]. */
const cfgaDefault = [0xf8, 0, 0, 0, 0, 0];
const cfgbDefault = [0x0f, 0, 0, 0, 0, 0];

const allGroups: Group[] = ["cfga", "cfgb", "cva", "cvb", "cvc", "cvd", "cve", "cvf", "auxa", "auxb", "auxc", "auxd", "stata", "statb"];

/** Volts → 100 µV code, clipped to the 16-bit register range (§1.5). */
export function toCode(volts: number): number {
  return Math.min(0xffff, Math.max(0, Math.round(volts * 10000)));
}

export class Ltc681xDevice {
  readonly registers = {} as Record<Group, number[]>;
  asleep = true;
  /** isoSPI port ready until this time (µs); after that the next frame only wakes it. */
  readyUntilUs = -1;
  /** Last valid command, µs (the 2 s watchdog runs from here). */
  lastValidUs = 0;
  /** The ADC is busy until this time, µs. */
  busyUntilUs = 0;
  muted = false;
  /** Discharge timer (DCTO): running since `dischargeTimerStartUs`. */
  dischargeTimerRunning = false;
  dischargeTimerStartUs = 0;
  /** ADOW repetitions in the current direction (C-pin filter settling). */
  openWireRepeats = 0;
  openWirePullUp = false;
  private readonly channels: number;

  constructor(
    readonly variant: Variant,
    /** State of the DTEN pin: the discharge timer may run (§1.6). */
    readonly dischargeTimerPin: boolean,
  ) {
    this.channels = channelCount(variant);
    for (const g of allGroups) this.registers[g] = new Array<number>(6).fill(0xff);
    this.powerOnReset();
  }

  /** POR / sleep: configuration to defaults, data registers read 0xFF (§1.5). */
  powerOnReset(): void {
    for (const g of allGroups) this.registers[g].fill(0xff);
    this.registers.cfga.splice(0, 6, ...cfgaDefault);
    this.registers.cfgb.splice(0, 6, ...cfgbDefault);
    this.dischargeTimerRunning = false;
    this.muted = false;
    this.openWireRepeats = 0;
  }

  /**
   * The watchdog expired: sleep. The configuration resets unless the discharge timer runs
   * (DTEN + DCTO ≠ 0), in which case DCC and DCTO survive (§1.6).
   */
  sleep(): void {
    const cfga = this.registers.cfga.slice();
    const cfgb = this.registers.cfgb.slice();
    const keep = this.dischargeTimerRunning;
    const startUs = this.dischargeTimerStartUs;
    this.powerOnReset();
    this.asleep = true;
    if (keep) {
      this.registers.cfga[4] = cfga[4];
      this.registers.cfga[5] = cfga[5];
      this.registers.cfgb[0] = (cfgb[0] & 0xf0) | (this.registers.cfgb[0] & 0x0f);
      this.registers.cfgb[1] = cfgb[1] & 0x07;
      this.dischargeTimerRunning = true;
      this.dischargeTimerStartUs = startUs;
    }
  }

  /** Store a written configuration group; a CFGA write (re)starts the discharge timer. */
  writeConfig(group: Group, data: number[], nowUs: number): void {
    const reg = this.registers[group];
    for (let i = 0; i < 6; i++) reg[i] = data[i];
    if (group === "cfga") {
      reg[0] &= ~0x02; // DTEN is read-only: it shows the pin.
      this.dischargeTimerRunning = this.dischargeTimerPin && this.dischargeTimeoutCode() !== 0;
      this.dischargeTimerStartUs = nowUs;
    }
  }

  /** The 6 bytes a read of `group` returns. */
  readGroup(group: Group): number[] {
    const bytes = this.registers[group].slice();
    if (group === "cfga" && this.dischargeTimerPin) bytes[0] |= 0x02;
    return bytes;
  }

  dischargeTimeoutCode(): number {
    return (this.registers.cfga[5] >>> 4) & 0xf;
  }

  /** Discharge timeout in µs, or Infinity when the timer does not run. */
  dischargeTimerEndUs(): number {
    if (!this.dischargeTimerRunning) return Infinity;
    return this.dischargeTimerStartUs + dischargeTimeoutMinutes[this.dischargeTimeoutCode()] * 60e6;
  }

  /** DCTO expired: all discharge switches off (§1.5). */
  dischargeTimeout(): void {
    this.registers.cfga[4] = 0;
    this.registers.cfga[5] &= 0xf0;
    this.registers.cfgb[0] &= 0x0f;
    this.registers.cfgb[1] &= ~0x07;
    this.dischargeTimerRunning = false;
  }

  /** DCC of channel `channel` (1-based; §1.5 CFGR4/5, CFGBR0/1). */
  dcc(channel: number): boolean {
    const a = this.registers.cfga;
    const b = this.registers.cfgb;
    if (channel <= 8) return ((a[4] >>> (channel - 1)) & 1) === 1;
    if (channel <= 12) return ((a[5] >>> (channel - 9)) & 1) === 1;
    if (this.variant !== "ltc6813") return false;
    if (channel <= 16) return ((b[0] >>> (channel - 9)) & 1) === 1;
    return ((b[1] >>> (channel - 17)) & 1) === 1;
  }

  refOn(): boolean {
    return (this.registers.cfga[0] & 0x04) !== 0;
  }

  adcopt(): number {
    return this.registers.cfga[0] & 0x01;
  }

  /** VUV/VOV comparison levels in 100 µV codes (§1.5). */
  private thresholds(): { uv: number; ov: number } {
    const a = this.registers.cfga;
    const vuv = a[1] | ((a[2] & 0x0f) << 8);
    const vov = (a[2] >>> 4) | (a[3] << 4);
    return { uv: (vuv + 1) * 16, ov: vov * 16 };
  }

  /** Store cell codes for `channels` (1-based) and update their UV/OV flags (STATB, AUXD). */
  storeCells(codes: number[], channels: number[]): void {
    const t = this.thresholds();
    for (const ch of channels) {
      const code = codes[ch - 1];
      this.putWord(cellGroups[Math.floor((ch - 1) / 3)], (ch - 1) % 3, code);
      // Flags: 4 cells per byte, CxUV at bit 2(x−1), CxOV above it [unverified order].
      const group: Group = ch <= 12 ? "statb" : "auxd";
      const index = (ch - 1) % 12;
      const byte = 2 + Math.floor(index / 4);
      const shift = 2 * (index % 4);
      const flags = (code < t.uv ? 1 : 0) | (code > t.ov ? 2 : 0);
      const reg = this.registers[group];
      reg[byte] = (reg[byte] & ~(3 << shift)) | (flags << shift);
    }
    if (channels.length > 0) this.registers.statb[5] = 0x10; // REV = 1, MUXFAIL = THSD = 0.
  }

  /** Channels a CH field selects (§1.4): 0 = all, n = {n, n+6, n+12}. */
  selectedChannels(ch: number): number[] {
    const list: number[] = [];
    for (let c = 1; c <= this.channels; c++) if (ch === 0 || (c - ch) % 6 === 0) list.push(c);
    return list;
  }

  /** Store GPIO (G1..G9) and REF codes for ADAX with CHG (§1.5: AUXA G1–3, AUXB G4, G5, REF …). */
  storeAux(gpioCodes: number[], refCode: number, chg: number): void {
    const slots: [Group, number][] = [["auxa", 0], ["auxa", 1], ["auxa", 2], ["auxb", 0], ["auxb", 1], ["auxc", 0], ["auxc", 1], ["auxc", 2], ["auxd", 0]];
    for (let i = 0; i < gpioCodes.length; i++) {
      // CHG 1..5 = GPIO1..5 only; 6 = the reference only; 0 = everything.
      if (chg === 0 || chg === i + 1) this.putWord(slots[i][0], slots[i][1], gpioCodes[i]);
    }
    if (chg === 0 || chg === 6) this.putWord("auxb", 2, refCode);
  }

  /** Store STATA/STATB words for ADSTAT with CHST (1 SC, 2 ITMP, 3 VA, 4 VD; 0 all). */
  storeStatus(sumCode: number, itmpCode: number, vaCode: number, vdCode: number, chst: number): void {
    if (chst === 0 || chst === 1) this.putWord("stata", 0, sumCode);
    if (chst === 0 || chst === 2) this.putWord("stata", 1, itmpCode);
    if (chst === 0 || chst === 3) this.putWord("stata", 2, vaCode);
    if (chst === 0 || chst === 4) this.putWord("statb", 0, vdCode);
  }

  private putWord(group: Group, index: number, code: number): void {
    this.registers[group][2 * index] = code & 0xff;
    this.registers[group][2 * index + 1] = (code >>> 8) & 0xff;
  }
}
