// SPDX-License-Identifier: MIT
// MCP2515 register map for the emulator: addresses, which bits the host may write in which mode,
// where BIT MODIFY works, and the bit timing that CNF1..CNF3 make. Kept apart from the driver's
// constants (hal/mcp2515/registers.ts) so the two are independent readings of the fact sheet,
// ../shared/reference/can-link.md §6.1–§6.4. BFPCTRL (0x0C) and TXRTSCTRL (0x0D) are placed as
// in the datasheet's register map; the fact sheet names them (§6.1 BIT MODIFY list) without
// addresses.

export const Addr = {
  bfpctrl: 0x0c,
  txrtsctrl: 0x0d,
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
  rxb0ctrl: 0x60,
  rxb1ctrl: 0x70,
} as const;

/** TXBnCTRL and RXBnCTRL; the buffer's SIDH, SIDL, EID8, EID0, DLC, D0..D7 follow at +1..+13. */
export const txCtrl = [0x30, 0x40, 0x50];
export const rxCtrl: number[] = [Addr.rxb0ctrl, Addr.rxb1ctrl];
/** RXF0..RXF5 and RXM0, RXM1 (SIDH of each; SIDL, EID8, EID0 follow). */
export const filterAddr = [0x00, 0x04, 0x08, 0x10, 0x14, 0x18];
export const maskAddr = [0x20, 0x24];

/** OPMOD / REQOP codes, CANSTAT/CANCTRL b7:5 (§6.2). */
export const OpMode = { normal: 0, sleep: 1, loopback: 2, listenOnly: 3, configuration: 4 } as const;
export type OpMode = (typeof OpMode)[keyof typeof OpMode];
export const opModeName = ["normal", "sleep", "loopback", "listen-only", "configuration"];

export const Intf = { merr: 0x80, wak: 0x40, err: 0x20, tx2: 0x10, tx1: 0x08, tx0: 0x04, rx1: 0x02, rx0: 0x01 } as const;
export const Eflg = { rx1ovr: 0x80, rx0ovr: 0x40, txbo: 0x20, txep: 0x10, rxep: 0x08, txwar: 0x04, rxwar: 0x02, ewarn: 0x01 } as const;
export const TxCtrlBit = { abtf: 0x40, mloa: 0x20, txerr: 0x10, txreq: 0x08, txp: 0x03 } as const;
export const CanctrlBit = { abat: 0x10, osm: 0x08 } as const;
/** RXB0CTRL b2 BUKT, b1 BUKT1 (read-only copy of BUKT, datasheet), b0 FILHIT0; RXBnCTRL b3 RXRTR. */
export const RxCtrlBit = { rxm: 0x60, rxrtr: 0x08, bukt: 0x04, bukt1: 0x02 } as const;
export const IdBits = { ide: 0x08, srr: 0x10, rtr: 0x40 } as const;

/** CANCTRL after RESET: REQOP = configuration, CLKEN, CLKPRE = 11 (§6.2, §6.4 item 2). */
export const canctrlReset = 0x87;

/** Every xE reads CANSTAT, every xF is CANCTRL (§6.2, §6.4 item 1). */
export function isCanstat(addr: number): boolean {
  return (addr & 0x0f) === 0x0e;
}
export function isCanctrl(addr: number): boolean {
  return (addr & 0x0f) === 0x0f;
}

function inFilterOrMask(addr: number): boolean {
  return addr <= 0x0b || (addr >= 0x10 && addr <= 0x1b) || (addr >= 0x20 && addr <= 0x27);
}

/**
 * Bits of `addr` a WRITE may change (§6.2; unimplemented and read-only bits as in the datasheet's
 * register descriptions). Filters, masks and CNF only in configuration mode (§6.4 item 3). EFLG's
 * RXnOVR can only be cleared; that is handled by the caller.
 */
export function writableBits(addr: number, configuration: boolean): number {
  if (isCanstat(addr)) return 0;
  if (isCanctrl(addr)) return 0xff;
  if (inFilterOrMask(addr)) {
    if (!configuration) return 0;
    // SIDL: filters keep b7:5, EXIDE b3, b1:0; masks have no EXIDE.
    if ((addr & 0x03) === 1) return addr >= 0x20 ? 0xe3 : 0xeb;
    return 0xff;
  }
  const hi = addr & 0xf0;
  const lo = addr & 0x0f;
  if (hi === 0x30 || hi === 0x40 || hi === 0x50) {
    if (lo === 0) return TxCtrlBit.txreq | TxCtrlBit.txp;
    if (lo === 2) return 0xeb; // TXBnSIDL: SID2:0, EXIDE, EID17:16
    if (lo === 5) return 0x4f; // TXBnDLC: RTR, DLC3:0
    return 0xff;
  }
  if (addr === Addr.rxb0ctrl) return RxCtrlBit.rxm | RxCtrlBit.bukt;
  if (addr === Addr.rxb1ctrl) return RxCtrlBit.rxm;
  switch (addr) {
    case Addr.bfpctrl:
      return 0x3f;
    case Addr.txrtsctrl:
      return 0x07;
    case Addr.cnf3:
      return configuration ? 0xc7 : 0;
    case Addr.cnf2:
    case Addr.cnf1:
      return configuration ? 0xff : 0;
    case Addr.caninte:
    case Addr.canintf:
      return 0xff;
    case Addr.eflg:
      return Eflg.rx1ovr | Eflg.rx0ovr;
    default:
      return 0; // TEC, REC, receive buffers: read-only
  }
}

/** Registers where BIT MODIFY masks; elsewhere it is a full write of the data byte (§6.1). */
export function bitModifyMasks(addr: number): boolean {
  if (isCanctrl(addr)) return true;
  if (txCtrl.includes(addr) || rxCtrl.includes(addr)) return true;
  const list: number[] = [Addr.cnf1, Addr.cnf2, Addr.cnf3, Addr.caninte, Addr.canintf, Addr.eflg, Addr.bfpctrl, Addr.txrtsctrl];
  return list.includes(addr);
}

export interface Timing {
  /** bit/s, possibly fractional. */
  bitrate: number;
  tqPerBit: number;
  /** Why the chip cannot run this timing, or undefined when it can. */
  invalid: string | undefined;
}

/** bitrate = Fosc / (2·(BRP+1)·(1 + Prop + PS1 + PS2)) and the §6.3 constraints. */
export function timingOf(crystalHz: number, cnf1: number, cnf2: number, cnf3: number): Timing {
  const brp = cnf1 & 0x3f;
  const sjw = ((cnf1 >> 6) & 3) + 1;
  const prop = (cnf2 & 7) + 1;
  const ps1 = ((cnf2 >> 3) & 7) + 1;
  // BTLMODE = 0: PS2 is the greater of PS1 and the 2 TQ processing time (datasheet).
  const ps2 = (cnf2 & 0x80) !== 0 ? (cnf3 & 7) + 1 : Math.max(ps1, 2);
  const tq = 1 + prop + ps1 + ps2;
  let invalid: string | undefined;
  if (tq < 8 || tq > 25) invalid = `${tq} TQ per bit is outside 8..25`;
  else if (ps2 < 2) invalid = `PS2 = ${ps2} TQ is below 2`;
  else if (ps2 < sjw) invalid = `PS2 = ${ps2} TQ is below SJW = ${sjw} TQ`;
  else if (prop + ps1 < ps2) invalid = `Prop + PS1 = ${prop + ps1} TQ is below PS2 = ${ps2} TQ`;
  return { bitrate: crystalHz / (2 * (brp + 1) * tq), tqPerBit: tq, invalid };
}

/** CANSTAT ICOD: the highest-priority enabled interrupt (datasheet: ERR, WAK, TX0..2, RX0..1). */
export function interruptCode(regs: number[]): number {
  const pending = regs[Addr.canintf] & regs[Addr.caninte];
  const order = [Intf.err, Intf.wak, Intf.tx0, Intf.tx1, Intf.tx2, Intf.rx0, Intf.rx1];
  const i = order.findIndex((bit) => (pending & bit) !== 0);
  return i < 0 ? 0 : i + 1;
}
