// SPDX-License-Identifier: MIT
// The MCP2515's transmit side and error confinement over its register file
// (../shared/reference/can-link.md §6.2, §6.4 item 4): which buffer goes next (TXP, then the
// higher buffer number, as in the datasheet), the frame a buffer holds, and what each outcome on
// the bus does to TXBnCTRL, CANINTF, TEC/REC and EFLG.
//
// Error counting follows ISO 11898-1 in the simplified form §6.4 item 4 asks for: +8 to TEC per
// failed transmission, −1 per success; +1 to REC per frame that could not be decoded, −1 per good
// frame; warning at 96, error passive at 128, bus-off when TEC passes 255. ISO's exception (an
// error-passive transmitter whose only problem is a missing ACK keeps its TEC) is an option,
// off by default, so that a node alone on the bus reaches bus-off.
import type { CanFrame } from "../../hal/can";
import type { TxOutcome } from "../can-bus";
import { Addr, CanctrlBit, Eflg, IdBits, Intf, TxCtrlBit, txCtrl } from "./mcp2515-registers";

/** The buffer the chip would send next: TXREQ set, highest TXP, higher number on a tie; or -1. */
export function nextTxBuffer(regs: number[]): number {
  let best = -1;
  for (let n = 0; n < 3; n++) {
    const ctrl = regs[txCtrl[n]];
    if ((ctrl & TxCtrlBit.txreq) === 0) continue;
    if (best < 0 || (ctrl & TxCtrlBit.txp) >= (regs[txCtrl[best]] & TxCtrlBit.txp)) best = n;
  }
  return best;
}

/** The frame in TXBn's SIDH..D7 (a DLC above 8 sends 8 bytes). */
export function frameOfBuffer(regs: number[], n: number, into: CanFrame): void {
  const base = txCtrl[n];
  const sidh = regs[base + 1];
  const sidl = regs[base + 2];
  const sid = (sidh << 3) | (sidl >> 5);
  into.extended = (sidl & IdBits.ide) !== 0;
  into.id = into.extended ? sid * 2 ** 18 + (sidl & 3) * 2 ** 16 + regs[base + 3] * 256 + regs[base + 4] : sid;
  const dlcReg = regs[base + 5];
  into.remote = (dlcReg & IdBits.rtr) !== 0;
  into.dlc = Math.min(dlcReg & 0x0f, 8);
  for (let i = 0; i < 8; i++) into.data[i] = regs[base + 6 + i];
}

/** TEC/REC and the EFLG error-state bits they imply. */
export class ErrorCounters {
  tec = 0;
  rec = 0;
  busOff = false;

  constructor(private readonly passiveAckErrors: boolean) {}

  reset(): void {
    this.tec = 0;
    this.rec = 0;
    this.busOff = false;
  }

  /** EFLG b5:0 from the counters (§6.2 bit names; thresholds 96, 128, 256). */
  flags(): number {
    let f = 0;
    if (this.tec >= 96) f |= Eflg.txwar;
    if (this.rec >= 96) f |= Eflg.rxwar;
    if (this.tec >= 96 || this.rec >= 96) f |= Eflg.ewarn;
    if (this.tec >= 128) f |= Eflg.txep;
    if (this.rec >= 128) f |= Eflg.rxep;
    if (this.busOff) f |= Eflg.txbo;
    return f;
  }

  txFailed(outcome: TxOutcome): void {
    if (outcome === "noAck" && this.tec >= 128 && !this.passiveAckErrors) return;
    this.tec += 8;
    if (this.tec > 255) this.busOff = true;
  }

  txOk(): void {
    if (this.tec > 0) this.tec--;
  }

  rxError(): void {
    if (this.rec < 255) this.rec++;
  }

  rxOk(): void {
    if (this.rec > 127) this.rec = 127;
    else if (this.rec > 0) this.rec--;
  }
}

/** Refresh EFLG b5:0 from the counters; ERRIF when a state bit newly sets (§6.2). */
export function refreshErrorFlags(regs: number[], counters: ErrorCounters): void {
  const before = regs[Addr.eflg] & 0x3f;
  const now = counters.flags();
  regs[Addr.eflg] = (regs[Addr.eflg] & (Eflg.rx1ovr | Eflg.rx0ovr)) | now;
  if ((now & ~before) !== 0) regs[Addr.canintf] |= Intf.err;
}

/** Apply a bus outcome to buffer n (§6.4 item 4: TXREQ, TXnIF, MLOA, TXERR, ABTF, one-shot). */
export function applyOutcome(regs: number[], n: number, outcome: TxOutcome, counters: ErrorCounters): void {
  const at = txCtrl[n];
  const oneShot = (regs[Addr.canctrl] & CanctrlBit.osm) !== 0;
  if (outcome === "ok") {
    // A frame already on the wire when ABAT came still completes; it is not an abort.
    regs[at] &= ~(TxCtrlBit.txreq | TxCtrlBit.abtf);
    regs[Addr.canintf] |= Intf.tx0 << n;
    counters.txOk();
  } else {
    if (outcome === "lostArbitration") regs[at] |= TxCtrlBit.mloa;
    else {
      regs[at] |= TxCtrlBit.txerr;
      regs[Addr.canintf] |= Intf.merr;
      counters.txFailed(outcome);
    }
    if (oneShot && (regs[at] & TxCtrlBit.txreq) !== 0) {
      regs[at] = (regs[at] & ~TxCtrlBit.txreq) | TxCtrlBit.abtf;
    }
  }
  refreshErrorFlags(regs, counters);
}

/** ABAT: every pending buffer drops TXREQ and sets ABTF (§6.4 item 4). */
export function abortAll(regs: number[]): void {
  for (const at of txCtrl) {
    if ((regs[at] & TxCtrlBit.txreq) !== 0) regs[at] = (regs[at] & ~TxCtrlBit.txreq) | TxCtrlBit.abtf;
  }
}
