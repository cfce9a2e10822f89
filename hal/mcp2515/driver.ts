// SPDX-License-Identifier: MIT
// MCP2515 CAN controller driver: the policy, behind the CanPort the EMS link uses. Instructions
// are in access.ts, identifier packing in frames.ts, bit timing in timing.ts, filters in
// options.ts; facts in ../shared/reference/can-link.md §6.
//
// start(): the sequence in setup.ts (RESET, CNF, filters, TXP, RXBnCTRL, normal mode).
//
// send():    READ STATUS → [BIT MODIFY CANINTF to clear TXnIF of confirmed frames] → LOAD TX
//            BUFFER → RTS. Buffers are used in order TXB0, TXB1, TXB2 with fixed TXP 3, 2, 1,
//            and a buffer is taken only above every buffer still in flight, so frames leave in
//            the order they were queued (the chip sends the highest TXP first, §6.4 item 4).
// receive(): READ CANINTF, EFLG, CANSTAT, CANCTRL (one 6-byte frame) → [error handling] →
//            READ RX BUFFER of the older full buffer (the chip clears its RXnIF at CS rise).
//
// A frame counts as sent when its TXnIF is seen; the chip retries on its own until then. Bus-off
// (EFLG.TXBO), a mode the driver did not set (a reset chip, a missing chip reading 0xFF) or a
// failed start take the controller down: after `restartPolls` further calls it is reset and
// configured again, and that counts as a recovery. Everything is allocated in the constructor.
import { CanStatus } from "../can";
import type { CanCounters, CanFrame, CanPort } from "../can";
import { booleanArray } from "../../firmware/alloc";
import { Mcp2515Access } from "./access";
import { frameIsValid } from "./frames";
import { type Mcp2515Options, validateOptions } from "./options";
import { ErrorFlag, Interrupt, modeMask, Register, Status, TxControl, txBufferCount, txBufferStep } from "./registers";
import { Mcp2515Setup } from "./setup";
import { bitTiming } from "./timing";

export type { CanFilter, Mcp2515Options } from "./options";

export interface Mcp2515Diagnostics {
  /** The controller is configured and in its working mode. */
  up: boolean;
  /** Times the controller was reset and configured again after going down. */
  recoveries: number;
  /** Bus-off events seen (EFLG.TXBO). */
  busOffs: number;
  /**
   * Receive overflows seen (RXnOVR): a frame found its buffer still full. The flag does not count,
   * so each is at least one lost frame; counters.dropped grows by the same amount.
   */
  overflows: number;
  /** Transmit errors seen (TXBnCTRL.TXERR after CANINTF.MERR). */
  txErrors: number;
  /** Lost arbitrations seen (TXBnCTRL.MLOA): normal on a shared bus, not an error. */
  arbitrationLosses: number;
  /** Times CANSTAT showed a mode the driver had not set (chip reset, missing chip). */
  modeLosses: number;
  /** EFLG as last read. */
  eflg: number;
}

/** restartPolls when the option is absent (see options.ts). */
const defaultRestartPolls = 10;

/**
 * send() clears TXnIF before it sets a buffer's TXREQ again, so a READ STATUS showing TXREQ and
 * TXnIF of the same buffer did not come from a working chip.
 */
function statusPlausible(status: number): boolean {
  for (let n = 0; n < txBufferCount; n++) {
    const pair = (Status.tx0req | Status.tx0if) << (2 * n);
    if ((status & pair) === pair) return false;
  }
  return true;
}

export class Mcp2515 implements CanPort {
  readonly counters: CanCounters;
  readonly diagnostics: Mcp2515Diagnostics;
  private readonly chip: Mcp2515Access;
  /** Register images of the configuration, written at start and at every recovery. */
  private readonly setup: Mcp2515Setup;
  private readonly restartPolls: number;
  private readonly inFlight: boolean[];
  private waitPolls = 0;
  /** Both receive buffers were full and RXB0 was read: RXB1 now holds the older frame. */
  private rxb1Older = false;

  constructor(options: Mcp2515Options) {
    validateOptions(options);
    const timing = bitTiming(options.crystalHz, options.bitrate);
    if (!timing.ok) throw new Error("mcp2515: options crystalHz/bitrate: " + timing.error);
    this.chip = new Mcp2515Access(options.spi);
    this.setup = new Mcp2515Setup(options, timing);
    this.restartPolls = options.restartPolls === undefined ? defaultRestartPolls : options.restartPolls;
    this.inFlight = booleanArray(txBufferCount, false);
    this.counters = { sent: 0, received: 0, dropped: 0, errors: 0 };
    this.diagnostics = {
      up: false,
      recoveries: 0,
      busOffs: 0,
      overflows: 0,
      txErrors: 0,
      arbitrationLosses: 0,
      modeLosses: 0,
      eflg: 0,
    };
  }

  /** Reset and configure the chip; false (and an error counted) when it does not follow. */
  start(_nowMs: number): boolean {
    this.dropInFlight();
    if (this.configure()) {
      this.diagnostics.up = true;
      return true;
    }
    this.goDown();
    return false;
  }

  send(frame: CanFrame): CanStatus {
    if (!frameIsValid(frame) || !this.ready()) {
      this.counters.dropped++;
      return CanStatus.error;
    }
    const status = this.chip.readStatus();
    if (!statusPlausible(status)) {
      // A chip that is gone reads 0xFF: every TXREQ and TXnIF at once, never seen in this use.
      this.counters.errors++;
      this.counters.dropped++;
      this.goDown();
      return CanStatus.error;
    }
    let clear = 0;
    for (let n = 0; n < txBufferCount; n++) {
      const ifBit = Status.tx0if << (2 * n);
      if ((status & ifBit) !== 0) {
        if (this.inFlight[n]) this.counters.sent++;
        this.inFlight[n] = false;
        clear = clear | (Interrupt.tx0 << n);
      } else if (this.inFlight[n] && (status & (Status.tx0req << (2 * n))) === 0) {
        // TXREQ dropped without TXnIF: the chip aborted the frame.
        this.inFlight[n] = false;
        this.counters.dropped++;
        this.counters.errors++;
      }
    }
    if (clear !== 0) this.chip.bitModify(Register.canintf, clear, 0);
    let next = 0;
    for (let n = 0; n < txBufferCount; n++) {
      if (this.inFlight[n]) next = n + 1;
    }
    if (next >= txBufferCount || (status & (Status.tx0req << (2 * next))) !== 0) {
      this.counters.dropped++;
      return CanStatus.empty;
    }
    this.chip.loadTx(next, frame);
    this.chip.requestToSend(next);
    this.inFlight[next] = true;
    return CanStatus.ok;
  }

  receive(into: CanFrame): CanStatus {
    if (!this.ready()) return CanStatus.error;
    // CANINTF, EFLG, then the CANSTAT/CANCTRL mirrors at 0x2E/0x2F (§6.2, §6.4 item 7).
    this.chip.read(Register.canintf, 4);
    const intf = this.chip.rx[2];
    const eflg = this.chip.rx[3];
    const canstat = this.chip.rx[4];
    this.diagnostics.eflg = eflg;
    if ((canstat & modeMask) !== this.setup.mode) {
      this.diagnostics.modeLosses++;
      this.counters.errors++;
      this.goDown();
      return CanStatus.error;
    }
    if ((eflg & ErrorFlag.txbo) !== 0) {
      this.diagnostics.busOffs++;
      this.counters.errors++;
      this.goDown();
      return CanStatus.error;
    }
    let clear = intf & (Interrupt.merr | Interrupt.err);
    for (let n = 0; n < txBufferCount; n++) {
      if ((intf & (Interrupt.tx0 << n)) !== 0) {
        if (this.inFlight[n]) this.counters.sent++;
        this.inFlight[n] = false;
        clear = clear | (Interrupt.tx0 << n);
      }
    }
    if ((intf & Interrupt.merr) !== 0) this.checkTransmitErrors();
    const overflow = eflg & (ErrorFlag.rx0ovr | ErrorFlag.rx1ovr);
    if (overflow !== 0) {
      const lost = (overflow & ErrorFlag.rx0ovr) !== 0 && (overflow & ErrorFlag.rx1ovr) !== 0 ? 2 : 1;
      this.diagnostics.overflows += lost;
      this.counters.dropped += lost;
      this.chip.bitModify(Register.eflg, overflow, 0);
    }
    if (clear !== 0) this.chip.bitModify(Register.canintf, clear, 0);
    const full0 = (intf & Interrupt.rx0) !== 0;
    const full1 = (intf & Interrupt.rx1) !== 0;
    if (!full0 && !full1) return CanStatus.empty;
    const buffer = full1 && (!full0 || this.rxb1Older) ? 1 : 0;
    this.rxb1Older = full0 && full1 && buffer === 0;
    this.chip.readRxBuffer(buffer, into);
    this.counters.received++;
    return CanStatus.ok;
  }

  /** Up, or down long enough that a reset and configuration are due (which may bring it up). */
  private ready(): boolean {
    if (this.diagnostics.up) return true;
    if (this.waitPolls > 0) {
      this.waitPolls--;
      return false;
    }
    if (!this.configure()) {
      this.goDown();
      return false;
    }
    this.diagnostics.up = true;
    this.diagnostics.recoveries++;
    return true;
  }

  private goDown(): void {
    this.diagnostics.up = false;
    this.waitPolls = this.restartPolls;
    this.dropInFlight();
  }

  /** Frames handed to a chip that is being reset are lost. */
  private dropInFlight(): void {
    for (let n = 0; n < txBufferCount; n++) {
      if (this.inFlight[n]) this.counters.dropped++;
      this.inFlight[n] = false;
    }
  }

  /** After CANINTF.MERR: which frames in flight met an error (TXERR) or lost arbitration. */
  private checkTransmitErrors(): void {
    for (let n = 0; n < txBufferCount; n++) {
      if (this.inFlight[n]) {
        const control = this.chip.readRegister(Register.txb0ctrl + txBufferStep * n);
        if ((control & TxControl.txerr) !== 0) {
          this.diagnostics.txErrors++;
          this.counters.errors++;
        }
        if ((control & TxControl.mloa) !== 0) this.diagnostics.arbitrationLosses++;
      }
    }
  }

  /** The start sequence; an error counted when the chip does not follow it. */
  private configure(): boolean {
    this.rxb1Older = false;
    if (this.setup.run(this.chip)) return true;
    this.counters.errors++;
    return false;
  }
}
