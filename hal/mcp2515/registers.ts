// SPDX-License-Identifier: MIT
// MCP2515 SPI instructions, register addresses and bit names. Constants only: identifier packing
// is in frames.ts, bit timing in timing.ts, the policy in driver.ts. Every number is from
// ../shared/reference/can-link.md §6 (section given per block).

/** SPI instructions: the first byte of every chip-select frame (§6.1). */
export const Instruction = {
  /** All registers to their reset values, Configuration mode. */
  reset: 0xc0,
  /** `03 addr` then data out, auto-incrementing while CS is low. */
  read: 0x03,
  /** `02 addr data…`, auto-incrementing. */
  write: 0x02,
  /** `05 addr mask data`: only on the registers §6.1 lists, a full write elsewhere. */
  bitModify: 0x05,
  /** READ RX BUFFER at RXB0SIDH; + 0x04 for RXB1SIDH. Clears CANINTF.RXnIF when CS rises. */
  readRxBuffer: 0x90,
  /** LOAD TX BUFFER at TXB0SIDH; + 0x02 per buffer (0x42 TXB1SIDH, 0x44 TXB2SIDH). */
  loadTxBuffer: 0x40,
  /** Request-to-send: 0x80 | 1 << n for TXBn (0x81, 0x82, 0x84; 0x87 all). */
  rts: 0x80,
  /** Status byte: RXnIF, TXREQ and TXnIF of every buffer (layout below). */
  readStatus: 0xa0,
  /** Which buffers hold a frame, its kind and the filter that took it. */
  rxStatus: 0xb0,
} as const;

/** Offset between the per-buffer READ RX BUFFER / LOAD TX BUFFER opcodes (§6.1). */
export const readRxStep = 0x04;
export const loadTxStep = 0x02;

/** Register addresses (§6.2). CANSTAT/CANCTRL are mirrored at every xE/xF. */
export const Register = {
  /** RXF0..RXF2 at 0x00, 0x04, 0x08; RXF3..RXF5 at 0x10, 0x14, 0x18 (4 bytes each). */
  rxf0: 0x00,
  rxf3: 0x10,
  /** RXM0 at 0x20, RXM1 at 0x24 (4 bytes each). */
  rxm0: 0x20,
  canstat: 0x0e,
  canctrl: 0x0f,
  tec: 0x1c,
  rec: 0x1d,
  cnf3: 0x28,
  cnf2: 0x29,
  cnf1: 0x2a,
  caninte: 0x2b,
  canintf: 0x2c,
  eflg: 0x2d,
  /** TXB0CTRL; TXB1CTRL and TXB2CTRL follow at +0x10 each. */
  txb0ctrl: 0x30,
  rxb0ctrl: 0x60,
  rxb1ctrl: 0x70,
} as const;

/** Distance between transmit buffers (TXB0CTRL 0x30, TXB1CTRL 0x40, TXB2CTRL 0x50; §6.2). */
export const txBufferStep = 0x10;
/** Transmit buffers on the chip (§6.1 LOAD TX / RTS). */
export const txBufferCount = 3;
/** Bytes of one identifier (SIDH, SIDL, EID8, EID0) in a filter, mask or buffer (§6.2). */
export const idBytes = 4;
/** Buffer header: SIDH, SIDL, EID8, EID0, DLC, then D0..D7 (§6.2 "+1..+4", "+5", "+6..+13"). */
export const headerBytes = 5;
export const dataBytesMax = 8;

/** CANSTAT b7:5 OPMOD and CANCTRL b7:5 REQOP share these codes (§6.2). */
export const Mode = {
  normal: 0x00,
  sleep: 0x20,
  loopback: 0x40,
  listenOnly: 0x60,
  configuration: 0x80,
} as const;
export const modeMask = 0xe0;

/** CANSTAT right after RESET (§6.2, §6.4 item 2). */
export const canstatReset = 0x80;
/** CANCTRL after RESET is 0x87; the Linux probe checks (CANCTRL & 0x17) == 0x07 (§6.2). */
export const canctrlResetMask = 0x17;
export const canctrlResetValue = 0x07;

/** CANINTE / CANINTF bits (§6.2). */
export const Interrupt = {
  merr: 0x80,
  wak: 0x40,
  err: 0x20,
  tx2: 0x10,
  tx1: 0x08,
  tx0: 0x04,
  rx1: 0x02,
  rx0: 0x01,
} as const;

/** EFLG bits (§6.2). */
export const ErrorFlag = {
  rx1ovr: 0x80,
  rx0ovr: 0x40,
  txbo: 0x20,
  txep: 0x10,
  rxep: 0x08,
  txwar: 0x04,
  rxwar: 0x02,
  ewarn: 0x01,
} as const;

/** TXBnCTRL bits (§6.2). */
export const TxControl = {
  abtf: 0x40,
  mloa: 0x20,
  txerr: 0x10,
  txreq: 0x08,
  /** b1:0 TXP, 3 = highest. */
  txpMask: 0x03,
} as const;

/** RXBnCTRL bits (§6.2): RXM b6:5 (00 filters, 11 any), RXRTR b3, RXB0 BUKT b2. */
export const RxControl = {
  rxmFilters: 0x00,
  rxmAny: 0x60,
  rxrtr: 0x08,
  bukt: 0x04,
} as const;

/** Identifier and DLC bits inside a buffer (§6.2). */
export const IdBit = {
  /** TXBnSIDL b3 EXIDE (29-bit); RXBnSIDL b3 IDE; RXFnSIDL b3 EXIDE (filter for 29-bit frames). */
  ide: 0x08,
  /** RXBnSIDL b4: a standard remote frame. */
  srr: 0x10,
  /** TXBnDLC / RXBnDLC b6: remote frame. */
  rtr: 0x40,
  /** DLC b3:0. */
  dlcMask: 0x0f,
} as const;

/**
 * READ STATUS bits (§6.1): b0 RX0IF, b1 RX1IF, b2 TXB0.TXREQ, b3 TX0IF, b4 TXB1.TXREQ, b5 TX1IF,
 * b6 TXB2.TXREQ, b7 TX2IF. TXBn's pair sits at b(2+2n) and b(3+2n).
 */
export const Status = {
  rx0if: 0x01,
  rx1if: 0x02,
  tx0req: 0x04,
  tx0if: 0x08,
} as const;

/** Largest identifiers (§6.2 ID packing: 11-bit and 29-bit). */
export const standardIdMax = 0x7ff;
export const extendedIdMax = 0x1fffffff;

/** Acceptance filters (RXF0..RXF5) and masks (RXM0 for RXF0-1, RXM1 for RXF2-5; §6.2). */
export const filterCount = 6;
export const maskCount = 2;
/** Filters that feed RXB0 (RXF0, RXF1); the others feed RXB1. */
export const rxb0FilterCount = 2;
