// SPDX-License-Identifier: MIT
// The MCP2515's receive side over its register file (../shared/reference/can-link.md §6.2,
// §6.4 items 5–7): acceptance masks and filters, RXB0 → RXB1 rollover (BUKT), FILHIT, overflow,
// and the READ STATUS / RX STATUS bytes.
//
// Acceptance, as in the datasheet's receive flow: a frame that passes RXB0's filters (RXF0/RXF1
// under RXM0, or any frame with RXM = 11) goes to RXB0 if RX0IF is clear, else to RXB1 when BUKT
// is set and RX1IF is clear, else it is lost (RXnOVR). A frame that passes only RXB1's filters
// (RXF2..RXF5 under RXM1) goes to RXB1 or is lost. A filter applies to 11-bit frames when its
// EXIDE is 0 and to 29-bit frames when it is 1; for an 11-bit frame the EID8/EID0 mask and filter
// bits compare with data bytes 0 and 1 (datasheet). RXM 01 and 10 act like 00 here.
import type { CanFrame } from "../../hal/can";
import { Addr, Eflg, filterAddr, IdBits, Intf, maskAddr, RxCtrlBit, rxCtrl } from "./mcp2515-registers";

/** The 29-bit value of a filter, mask or buffer identifier at `base` (SIDH..EID0). */
function id29(regs: number[], base: number): number {
  const sidh = regs[base];
  const sidl = regs[base + 1];
  const sid = (sidh << 3) | (sidl >> 5);
  return sid * 2 ** 18 + (sidl & 3) * 2 ** 16 + regs[base + 2] * 256 + regs[base + 3];
}

/** The frame's bits in the same 29-bit layout; an 11-bit frame carries data bytes 0, 1 as EID15:0. */
function frame29(frame: CanFrame): number {
  if (frame.extended) return frame.id;
  const byte = (i: number): number => (!frame.remote && i < frame.dlc ? frame.data[i] : 0);
  return frame.id * 2 ** 18 + byte(0) * 256 + byte(1);
}

function filterMatches(regs: number[], filter: number, mask: number, frame: CanFrame): boolean {
  const base = filterAddr[filter];
  if (((regs[base + 1] & IdBits.ide) !== 0) !== frame.extended) return false;
  let m = id29(regs, maskAddr[mask]);
  // EID17:16 have no data bits to meet in an 11-bit frame.
  if (!frame.extended) m = m % 2 ** 16 + Math.floor(m / 2 ** 18) * 2 ** 18;
  const diff = (frame29(frame) ^ id29(regs, base)) >>> 0;
  return (diff & m) === 0;
}

/** First filter of `list` that takes the frame under `mask`, or -1. */
function firstHit(regs: number[], list: number[], mask: number, frame: CanFrame): number {
  for (const f of list) if (filterMatches(regs, f, mask, frame)) return f;
  return -1;
}

function acceptsAny(regs: number[], buffer: number): boolean {
  return (regs[rxCtrl[buffer]] & RxCtrlBit.rxm) === RxCtrlBit.rxm;
}

/** Copy the frame into RXBn with its FILHIT and set RXnIF. */
function load(regs: number[], buffer: number, frame: CanFrame, filhit: number): void {
  const base = rxCtrl[buffer];
  if (frame.extended) {
    const sid = Math.floor(frame.id / 2 ** 18);
    regs[base + 1] = sid >> 3;
    regs[base + 2] = ((sid & 7) << 5) | IdBits.ide | (Math.floor(frame.id / 2 ** 16) & 3);
    regs[base + 3] = (frame.id >> 8) & 0xff;
    regs[base + 4] = frame.id & 0xff;
  } else {
    regs[base + 1] = frame.id >> 3;
    regs[base + 2] = ((frame.id & 7) << 5) | (frame.remote ? IdBits.srr : 0);
    regs[base + 3] = 0;
    regs[base + 4] = 0;
  }
  regs[base + 5] = (frame.extended && frame.remote ? IdBits.rtr : 0) | frame.dlc;
  // Only the bytes received are written; the rest keep what the buffer held before.
  if (!frame.remote) for (let i = 0; i < Math.min(frame.dlc, 8); i++) regs[base + 6 + i] = frame.data[i];
  const ctrl = regs[base];
  const rtr = frame.remote ? RxCtrlBit.rxrtr : 0;
  if (buffer === 0) {
    const bukt1 = (ctrl & RxCtrlBit.bukt) !== 0 ? RxCtrlBit.bukt1 : 0;
    regs[base] = (ctrl & (RxCtrlBit.rxm | RxCtrlBit.bukt)) | rtr | bukt1 | (filhit & 1);
  } else {
    regs[base] = (ctrl & RxCtrlBit.rxm) | rtr | (filhit & 7);
  }
  regs[Addr.canintf] |= buffer === 0 ? Intf.rx0 : Intf.rx1;
}

function overflow(regs: number[], buffer: number): void {
  regs[Addr.eflg] |= buffer === 0 ? Eflg.rx0ovr : Eflg.rx1ovr;
  regs[Addr.canintf] |= Intf.err;
}

export type RxResult = "rxb0" | "rxb1" | "rejected" | "overflow";

/** Offer a received frame to the receive buffers; what happened to it. */
export function acceptFrame(regs: number[], frame: CanFrame): RxResult {
  const intf = regs[Addr.canintf];
  const hit0 = acceptsAny(regs, 0) ? 0 : firstHit(regs, [0, 1], 0, frame);
  if (hit0 >= 0) {
    if ((intf & Intf.rx0) === 0) {
      load(regs, 0, frame, hit0);
      return "rxb0";
    }
    if ((regs[Addr.rxb0ctrl] & RxCtrlBit.bukt) === 0) {
      overflow(regs, 0);
      return "overflow";
    }
    if ((intf & Intf.rx1) === 0) {
      load(regs, 1, frame, hit0); // FILHIT 0/1 in RXB1 says "rolled over from RXB0"
      return "rxb1";
    }
    overflow(regs, 1);
    return "overflow";
  }
  const hit1 = acceptsAny(regs, 1) ? 2 : firstHit(regs, [2, 3, 4, 5], 1, frame);
  if (hit1 < 0) return "rejected";
  if ((intf & Intf.rx1) !== 0) {
    overflow(regs, 1);
    return "overflow";
  }
  load(regs, 1, frame, hit1);
  return "rxb1";
}

/** READ STATUS (§6.1): RX0IF, RX1IF, then TXREQ and TXnIF of TXB0..TXB2. */
export function readStatusByte(regs: number[], txCtrlAddr: number[]): number {
  const intf = regs[Addr.canintf];
  let status = intf & (Intf.rx0 | Intf.rx1);
  for (let n = 0; n < 3; n++) {
    if ((regs[txCtrlAddr[n]] & 0x08) !== 0) status |= 0x04 << (2 * n);
    if ((intf & (Intf.tx0 << n)) !== 0) status |= 0x08 << (2 * n);
  }
  return status;
}

/**
 * RX STATUS (§6.1): b7:6 which buffers are full; b4:3 and b2:0 describe RXB0 when it is full,
 * else RXB1 (type: std/ext × data/remote; filter 0–5, 6/7 = RXF0/RXF1 rolled over into RXB1).
 */
export function rxStatusByte(regs: number[]): number {
  const intf = regs[Addr.canintf];
  const full0 = (intf & Intf.rx0) !== 0;
  const full1 = (intf & Intf.rx1) !== 0;
  let status = (full0 ? 0x40 : 0) | (full1 ? 0x80 : 0);
  if (!full0 && !full1) return status;
  const buffer = full0 ? 0 : 1;
  const base = rxCtrl[buffer];
  const extended = (regs[base + 2] & IdBits.ide) !== 0;
  const remote = (regs[base] & RxCtrlBit.rxrtr) !== 0;
  status |= ((extended ? 2 : 0) + (remote ? 1 : 0)) << 3;
  if (buffer === 0) return status | (regs[base] & 1);
  const filhit = regs[base] & 7;
  return status | (filhit < 2 ? filhit + 6 : filhit);
}
