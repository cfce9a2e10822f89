// SPDX-License-Identifier: MIT
// LTC6811-1 / LTC6813-1 command codes and register layout. Constants only: framing is in
// frames.ts, the PEC in pec.ts, the policy in driver.ts. Every number is from
// ../shared/reference/afe-chips.md §1 (section given per block).

/** Command codes CC[10:0], sent as CMD0 = CC >>> 8, CMD1 = CC & 0xFF (§1.2, §1.4). */
export const Command = {
  wrcfga: 0x001,
  rdcfga: 0x002,
  /** Configuration group B: LTC6812/6813 only. */
  wrcfgb: 0x024,
  rdcfgb: 0x026,
  rdcva: 0x004,
  rdcvb: 0x006,
  rdcvc: 0x008,
  rdcvd: 0x00a,
  /** Cells 13–15 and 16–18: LTC6813 only. */
  rdcve: 0x009,
  rdcvf: 0x00b,
  rdauxa: 0x00c,
  rdauxb: 0x00e,
  rdauxc: 0x00d,
  rdauxd: 0x00f,
  rdstata: 0x010,
  rdstatb: 0x012,
  clrcell: 0x711,
  clraux: 0x712,
  clrstat: 0x713,
  /** Poll ADC: the chain answers 0x00 bytes while converting, 0xFF once done (§1.6). */
  pladc: 0x714,
  mute: 0x028,
  unmute: 0x029,
} as const;

/** Bases of the conversion commands; the mode fields below are added to them (§1.4). */
export const Conversion = {
  /** ADCV = 0x260 + MD·0x80 + DCP·0x10 + CH. */
  adcv: 0x260,
  /** ADOW = 0x228 + MD·0x80 + PUP·0x40 + DCP·0x10 + CH. */
  adow: 0x228,
  /** ADAX = 0x460 + MD·0x80 + CHG. */
  adax: 0x460,
  /** ADSTAT = 0x468 + MD·0x80 + CHST. */
  adstat: 0x468,
  /** ADCVSC = 0x467 + MD·0x80 + DCP·0x10: all cells and the sum of cells in one run. */
  adcvsc: 0x467,
  /** CVST = 0x207 + MD·0x80 + ST·0x20: the cell ADCs convert a fixed test pattern. */
  cvst: 0x207,
} as const;

/** ST field weight of CVST; ST = 1 is self-test 1. */
export const selfTestOne = 0x20;
/**
 * What every cell channel reads after CVST with ST = 1 at 7 kHz (MD = 2, ADCOPT = 0), §1.4
 * self-test table: 0x9555 in every mode but 27 kHz and 14 kHz.
 */
export const selfTestOneCode = 0x9555;

/** Field weights inside a conversion code (§1.4). */
export const Field = {
  /** MD (ADC mode) is multiplied by this. */
  md: 0x80,
  /** DCP = 1: discharge stays on while converting (we use 0, §1.8). */
  dcp: 0x10,
  /** PUP = 1: ADOW pulls up, 0: pulls down. */
  pup: 0x40,
} as const;

/** MD = 2 with ADCOPT = 0 is the 7 kHz normal mode (§1.4 field meanings). */
export const mode7kHz = 2;

/** Frame sizes in bytes (§1.2): command + PEC; per device a 6-byte group + 2-byte PEC. */
export const commandBytes = 4;
export const groupBytes = 6;
export const blockBytes = 8;

/** Cell inputs per device (§1.5: CVA–CVD on the 6811, CVA–CVF on the 6813). */
export const channelsLtc6811 = 12;
export const channelsLtc6813 = 18;

/** GPIO inputs on AUXA/AUXB that the driver reads (§1.5: G1V..G5V). */
export const thermistorInputsMax = 5;

/** Word index of the 2nd reference inside AUXB (AUXB = G4V, G5V, REF; §1.5). */
export const auxbRefWord = 2;

/**
 * Sum-of-cells scale (§1.5 STATA): stack = SC · 100 µV · 20 (LTC6811) or · 30 (LTC6813).
 */
export const sumOfCellsScaleLtc6811 = 20;
export const sumOfCellsScaleLtc6813 = 30;

/** Register words are 100 µV per LSB (§1.5); 10 codes make a millivolt. */
export const codesPerMv = 10;

/** A register that was cleared or never converted reads 0xFFFF (§1.5 data groups). */
export const clearedCode = 0xffff;

/**
 * CFGR0 bits (§1.5): GPIO5..1 in b7..b3 (1 = pull-down off), REFON b2, DTEN b1 (read-only),
 * ADCOPT b0.
 */
export const cfgr0GpioOff = 0xf8;
export const cfgr0Refon = 0x04;
export const cfgr0Dten = 0x02;
export const cfgr0Adcopt = 0x01;
/** CFGR0 bits that read back what was written (GPIO bits read the pin level instead). */
export const cfgr0ReadBackMask = cfgr0Refon | cfgr0Adcopt;

/** CFGBR0 b3..0: GPIO9..6 pull-downs (1 = off); b7..4 DCC16..13 (§1.5 group B). */
export const cfgbr0GpioOff = 0x0f;
/** CFGBR1 bits that read back as written: FDRF, PS, DTMEN, DCC0, DCC18, DCC17. */
export const cfgbr1ReadBackMask = 0x7f;

/**
 * VUV/VOV steps (§1.5): UV threshold = (VUV + 1) · 16 · 100 µV, OV threshold = VOV · 16 · 100 µV.
 * In mV: one step is 1.6 mV = 16/10 mV.
 */
export const thresholdStepCodes = 16;
export const thresholdMax = 0xfff;

/** Largest DCTO code (4-bit field in CFGR5 b7..4, §1.5). */
export const dischargeTimeoutMax = 0xf;

/** Open-wire threshold: PU − PD below −400 mV means the wire below is open (§1.7, foxBMS). */
export const openWireThresholdCodes = -4000;
