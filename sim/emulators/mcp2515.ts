// SPDX-License-Identifier: MIT
// A bus-level emulator of the MCP2515 SPI CAN controller (../shared/reference/can-link.md §6): it
// sees each chip-select frame as the master clocked it, answers on MISO as the chip would, and
// sits on a virtual CAN bus (sim/can-bus.ts) as a node. Register rules are in
// mcp2515-registers.ts, the receive side in mcp2515-rx.ts, transmit and error counting in
// mcp2515-tx.ts.
//
// §6.4 as implemented: instructions with auto-increment wrapping in 0x00–0x7F; CANSTAT/CANCTRL
// mirrors; RESET values; REQOP moves OPMOD after `modeSwitchFrames` further CS frames;
// CNF/filters/masks writable only in configuration mode; the bit rate is computed from CNF1..3
// and the crystal, and a node whose rate does not match the bus cannot send (TXERR, MERR, TEC
// +8 per attempt: the frame never appears) nor receive (REC +1); TX priority, ABAT, one-shot,
// MLOA/TXERR; RX filters, rollover, FILHIT, overflow; READ RX BUFFER clears RXnIF at CS rise;
// BIT MODIFY masks only on its registers; READ STATUS / RX STATUS; the INT pin.
import type { CanFrame } from "../../hal/can";
import { createCanFrame } from "../../hal/can";
import type { SpiPeripheral } from "../hal/bus";
import type { CanBusNode, TxOutcome, VirtualCanBus } from "../can-bus";
import {
  Addr,
  bitModifyMasks,
  CanctrlBit,
  canctrlReset,
  Eflg,
  Intf,
  isCanctrl,
  interruptCode,
  isCanstat,
  OpMode,
  opModeName,
  rxCtrl,
  type Timing,
  timingOf,
  TxCtrlBit,
  txCtrl,
  writableBits,
} from "./mcp2515-registers";
import { type Mcp2515EmulatorOptions, type Mcp2515Stats, parseOptions } from "./mcp2515-options";
import { acceptFrame, readStatusByte, rxStatusByte } from "./mcp2515-rx";
import { abortAll, applyOutcome, ErrorCounters, frameOfBuffer, nextTxBuffer, refreshErrorFlags } from "./mcp2515-tx";

export type { Mcp2515EmulatorOptions, Mcp2515Stats } from "./mcp2515-options";

export class Mcp2515Emulator implements SpiPeripheral, CanBusNode {
  readonly name: string;
  readonly stats: Mcp2515Stats = { framesSent: 0, framesReceived: 0, framesRejected: 0, overflows: 0, rateMismatches: 0, noAck: 0, busErrors: 0 };
  private readonly regs: number[] = new Array<number>(128).fill(0);
  private readonly crystalHz: number;
  private readonly bus: VirtualCanBus | undefined;
  private readonly modeSwitchFrames: number;
  private readonly errors: ErrorCounters;
  private mode: OpMode = OpMode.configuration;
  private pendingMode: { mode: OpMode; frames: number } | undefined;
  /** The buffer whose frame the bus took last (its outcome comes back to it). */
  private offered: number | undefined;
  private txKick = false;
  private readonly scratch = createCanFrame();

  constructor(options: Mcp2515EmulatorOptions) {
    const o = parseOptions(options);
    this.crystalHz = o.crystalHz;
    this.name = o.name;
    this.modeSwitchFrames = o.modeSwitchFrames;
    this.errors = new ErrorCounters(o.passiveAckErrors);
    this.bus = options.bus;
    this.powerOnReset();
    this.bus?.attach(this, this.name);
  }

  // ---- SPI side -------------------------------------------------------------------------------

  frame(mosi: number[], miso: number[], count: number): void {
    this.bus?.update();
    this.stepModeChange();
    if (count < 1) return;
    const op = mosi[0];
    if (op === 0xc0) this.powerOnReset();
    else if (op === 0x03) {
      let addr = mosi[1] & 0x7f;
      for (let i = 2; i < count; i++, addr = (addr + 1) & 0x7f) miso[i] = this.readRegister(addr);
    } else if (op === 0x02) {
      let addr = mosi[1] & 0x7f;
      for (let i = 2; i < count; i++, addr = (addr + 1) & 0x7f) this.writeRegister(addr, mosi[i]);
    } else if (op === 0x05) {
      if (count >= 4) this.bitModify(mosi[1] & 0x7f, mosi[2], mosi[3]);
    } else if ((op & 0xf9) === 0x90) {
      // READ RX BUFFER: b2 = buffer, b1 = start at D0 instead of SIDH (§6.1).
      const buffer = (op >> 2) & 1;
      let addr = rxCtrl[buffer] + ((op & 0x02) !== 0 ? 6 : 1);
      for (let i = 1; i < count; i++, addr = (addr + 1) & 0x7f) miso[i] = this.readRegister(addr);
      this.regs[Addr.canintf] &= ~(buffer === 0 ? Intf.rx0 : Intf.rx1); // at CS rise (§6.4 item 6)
    } else if (op >= 0x40 && op <= 0x45) {
      // LOAD TX BUFFER: b2:1 = buffer, b0 = start at D0 instead of SIDH (§6.1).
      let addr = txCtrl[(op >> 1) & 3] + ((op & 1) !== 0 ? 6 : 1);
      for (let i = 1; i < count; i++, addr = (addr + 1) & 0x7f) this.writeRegister(addr, mosi[i]);
    } else if ((op & 0xf8) === 0x80) {
      for (let n = 0; n < 3; n++) if ((op & (1 << n)) !== 0) this.setTxRequest(n, true);
    } else if (op === 0xa0) {
      const status = readStatusByte(this.regs, txCtrl);
      for (let i = 1; i < count; i++) miso[i] = status;
    } else if (op === 0xb0) {
      const status = rxStatusByte(this.regs);
      for (let i = 1; i < count; i++) miso[i] = status;
    }
    this.afterFrame();
  }

  /** INT pin level: low (0) while any enabled interrupt flag is set (§6.4 item 8). */
  intPin(): number {
    this.bus?.update();
    return (this.regs[Addr.canintf] & this.regs[Addr.caninte]) !== 0 ? 0 : 1;
  }

  /** A register as READ would return it, without side effects. */
  register(addr: number): number {
    this.bus?.update();
    return this.readRegister(addr & 0x7f);
  }

  opMode(): string {
    return opModeName[this.mode];
  }

  /** TEC, REC and bus-off as the chip counts them. */
  errorState(): { tec: number; rec: number; busOff: boolean } {
    this.bus?.update();
    return { tec: this.errors.tec, rec: this.errors.rec, busOff: this.errors.busOff };
  }

  /** The bit timing CNF1..CNF3 make with this crystal. */
  timing(): Timing {
    return timingOf(this.crystalHz, this.regs[Addr.cnf1], this.regs[Addr.cnf2], this.regs[Addr.cnf3]);
  }

  /** Power-on reset (the RESET instruction does the same): reset values, configuration mode. */
  powerOnReset(): void {
    this.regs.fill(0);
    this.regs[Addr.canctrl] = canctrlReset;
    this.errors.reset();
    this.mode = OpMode.configuration;
    this.pendingMode = undefined;
    this.offered = undefined;
    this.txKick = false;
  }

  // ---- bus side -------------------------------------------------------------------------------

  bitrate(): number | undefined {
    if (this.errors.busOff || (this.mode !== OpMode.normal && this.mode !== OpMode.listenOnly)) return undefined;
    const t = this.timing();
    return t.invalid === undefined ? t.bitrate : 0;
  }

  nextFrame(into: CanFrame): boolean {
    this.offered = undefined;
    if (this.mode !== OpMode.normal || this.errors.busOff) return false;
    const n = nextTxBuffer(this.regs);
    if (n < 0) return false;
    frameOfBuffer(this.regs, n, into);
    this.offered = n;
    return true;
  }

  transmitted(outcome: TxOutcome): void {
    const n = this.offered;
    this.offered = undefined;
    if (n === undefined) return; // reset while the frame was on the wire
    if (outcome === "ok") this.stats.framesSent++;
    if (outcome === "noAck") this.stats.noAck++;
    if (outcome === "bitError") this.stats.rateMismatches++;
    applyOutcome(this.regs, n, outcome, this.errors);
  }

  received(frame: CanFrame): void {
    this.errors.rxOk();
    refreshErrorFlags(this.regs, this.errors);
    this.take(frame);
  }

  acknowledges(): boolean {
    return this.mode === OpMode.normal && !this.errors.busOff;
  }

  sawError(): void {
    this.stats.busErrors++;
    this.errors.rxError();
    this.regs[Addr.canintf] |= Intf.merr;
    refreshErrorFlags(this.regs, this.errors);
  }

  // ---- internals ------------------------------------------------------------------------------

  private take(frame: CanFrame): void {
    const result = acceptFrame(this.regs, frame);
    if (result === "rejected") this.stats.framesRejected++;
    else if (result === "overflow") this.stats.overflows++;
    else this.stats.framesReceived++;
  }

  private readRegister(addr: number): number {
    if (isCanstat(addr)) return (this.mode << 5) | (interruptCode(this.regs) << 1);
    if (isCanctrl(addr)) return this.regs[Addr.canctrl];
    if (addr === Addr.tec) return Math.min(this.errors.tec, 255);
    if (addr === Addr.rec) return Math.min(this.errors.rec, 255);
    return this.regs[addr];
  }

  private writeRegister(addr: number, value: number): void {
    const mask = writableBits(addr, this.mode === OpMode.configuration);
    if (mask === 0) return;
    if (addr === Addr.eflg) {
      // RXnOVR can be cleared, never set, by the host.
      this.regs[addr] &= ~(mask & ~value);
      return;
    }
    const at = isCanctrl(addr) ? Addr.canctrl : addr;
    const before = this.regs[at];
    this.regs[at] = (before & ~mask) | (value & mask);
    if (at === Addr.canctrl) this.controlWritten(before);
    const n = txCtrl.indexOf(at);
    if (n >= 0) this.txControlWritten(n, before);
  }

  private bitModify(addr: number, mask: number, data: number): void {
    if (!bitModifyMasks(addr)) {
      this.writeRegister(addr, data);
      return;
    }
    const current = isCanctrl(addr) ? this.regs[Addr.canctrl] : this.regs[addr];
    if (addr === Addr.eflg) {
      this.regs[addr] &= ~(mask & ~data & (Eflg.rx1ovr | Eflg.rx0ovr));
      return;
    }
    this.writeRegister(addr, (current & ~mask) | (data & mask));
  }

  private controlWritten(before: number): void {
    const now = this.regs[Addr.canctrl];
    if ((now & CanctrlBit.abat) !== 0 && (before & CanctrlBit.abat) === 0) abortAll(this.regs);
    const reqop = now >> 5;
    if (reqop > OpMode.configuration) return; // 101..111 are not modes
    const target = reqop as OpMode;
    if (target === (this.pendingMode?.mode ?? this.mode)) return;
    this.pendingMode = { mode: target, frames: this.modeSwitchFrames };
  }

  private txControlWritten(n: number, before: number): void {
    const now = this.regs[txCtrl[n]];
    if ((now & TxCtrlBit.txreq) !== 0 && (before & TxCtrlBit.txreq) === 0) this.setTxRequest(n, false);
  }

  /** TXREQ rising (RTS, WRITE or BIT MODIFY): clears ABTF, MLOA, TXERR (datasheet). */
  private setTxRequest(n: number, fromRts: boolean): void {
    const at = txCtrl[n];
    if (fromRts && (this.regs[at] & TxCtrlBit.txreq) !== 0) return;
    this.regs[at] = (this.regs[at] & ~(TxCtrlBit.abtf | TxCtrlBit.mloa | TxCtrlBit.txerr)) | TxCtrlBit.txreq;
    this.txKick = true;
  }

  private stepModeChange(): void {
    if (this.pendingMode === undefined) return;
    if (this.pendingMode.frames > 0) {
      this.pendingMode.frames--;
      return;
    }
    this.enterMode(this.pendingMode.mode);
  }

  private enterMode(mode: OpMode): void {
    this.pendingMode = undefined;
    this.mode = mode;
    this.txKick = true;
    this.afterFrame();
  }

  private afterFrame(): void {
    if (this.pendingMode !== undefined && this.pendingMode.frames === 0 && this.modeSwitchFrames === 0) {
      this.enterMode(this.pendingMode.mode);
      return;
    }
    if (!this.txKick) return;
    this.txKick = false;
    if (this.mode === OpMode.loopback) this.loopBack();
    else if (this.mode === OpMode.normal) this.bus?.requestSend();
  }

  /** Loopback: pending frames go to the chip's own receive side, in priority order (§6.4 item 3). */
  private loopBack(): void {
    for (let n = nextTxBuffer(this.regs); n >= 0; n = nextTxBuffer(this.regs)) {
      frameOfBuffer(this.regs, n, this.scratch);
      this.regs[txCtrl[n]] &= ~TxCtrlBit.txreq;
      this.regs[Addr.canintf] |= Intf.tx0 << n;
      this.stats.framesSent++;
      this.take(this.scratch);
    }
  }
}
