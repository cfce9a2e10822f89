// SPDX-License-Identifier: MIT
// The MCP2515 start sequence, run by start() and by every recovery (a reset wipes the whole
// configuration). Facts: ../shared/reference/can-link.md §6.1–§6.4.
//
//   RESET → poll CANSTAT+CANCTRL until OPMOD = configuration (and CANCTRL has its reset pattern)
//   → WRITE 0x28: CNF3, CNF2, CNF1, CANINTE → [WRITE RXF0..2, RXF3..5, RXM0..1]
//   → WRITE TXBnCTRL.TXP = 3, 2, 1 → WRITE RXB0CTRL (BUKT), RXB1CTRL → READ CNF3..CNF1 back
//   → BIT MODIFY CANCTRL.REQOP → poll CANSTAT until OPMOD follows.
import { byteArray } from "../../firmware/alloc";
import type { Mcp2515Access } from "./access";
import { layoutFilters, type Mcp2515Options } from "./options";
import {
  canctrlResetMask,
  canctrlResetValue,
  filterCount,
  idBytes,
  Interrupt,
  maskCount,
  Mode,
  modeMask,
  Register,
  RxControl,
  txBufferCount,
  txBufferStep,
} from "./registers";
import type { BitTiming } from "./timing";

/** Interrupts enabled for a board that wires INT: receive buffers and error changes (§6.2). */
const interruptsEnabled = Interrupt.rx0 | Interrupt.rx1 | Interrupt.err;
const defaultModePolls = 32;

/** The register images of one configuration, made once, written at every (re)start. */
export class Mcp2515Setup {
  /** OPMOD the driver works in: normal, or loopback. */
  readonly mode: number;
  /** CNF3, CNF2, CNF1, CANINTE: one WRITE at 0x28 (§6.2 addresses 0x28..0x2B). */
  private readonly timingBytes: number[];
  private readonly filterBytes: number[];
  private readonly maskBytes: number[];
  private readonly useFilters: boolean;
  private readonly modePolls: number;

  constructor(options: Mcp2515Options, timing: BitTiming) {
    this.timingBytes = byteArray(4, 0);
    this.timingBytes[0] = timing.cnf3;
    this.timingBytes[1] = timing.cnf2;
    this.timingBytes[2] = timing.cnf1;
    this.timingBytes[3] = interruptsEnabled;
    this.filterBytes = byteArray(idBytes * filterCount, 0);
    this.maskBytes = byteArray(idBytes * maskCount, 0);
    this.useFilters = options.filters !== undefined;
    if (options.filters !== undefined) layoutFilters(options.filters, options.masks, this.filterBytes, this.maskBytes);
    this.mode = options.loopback === true ? Mode.loopback : Mode.normal;
    this.modePolls = options.modePolls === undefined ? defaultModePolls : options.modePolls;
  }

  /** Poll CANSTAT (and CANCTRL) until OPMOD = `mode`, at most modePolls reads. */
  private waitForMode(chip: Mcp2515Access, mode: number, afterReset: boolean): boolean {
    for (let i = 0; i < this.modePolls; i++) {
      chip.read(Register.canstat, 2);
      const canstat = chip.rx[2];
      const canctrl = chip.rx[3];
      // Right after RESET, CANCTRL must also read its reset pattern: a missing chip (MISO high)
      // reads 0xFF and fails here instead of looking configured (§6.2 Linux probe check).
      const resetOk = !afterReset || (canctrl & canctrlResetMask) === canctrlResetValue;
      if ((canstat & modeMask) === mode && resetOk) return true;
    }
    return false;
  }

  /** The whole sequence; false at the first step the chip does not follow. */
  run(chip: Mcp2515Access): boolean {
    chip.reset();
    if (!this.waitForMode(chip, Mode.configuration, true)) return false;
    chip.write(Register.cnf3, this.timingBytes, 0, 4);
    if (this.useFilters) {
      chip.write(Register.rxf0, this.filterBytes, 0, 3 * idBytes);
      chip.write(Register.rxf3, this.filterBytes, 3 * idBytes, 3 * idBytes);
      chip.write(Register.rxm0, this.maskBytes, 0, 2 * idBytes);
    }
    // Fixed TXP 3, 2, 1 for TXB0, TXB1, TXB2: the FIFO order of send() relies on it.
    for (let n = 0; n < txBufferCount; n++) chip.writeRegister(Register.txb0ctrl + txBufferStep * n, 3 - n);
    const rxm = this.useFilters ? RxControl.rxmFilters : RxControl.rxmAny;
    chip.writeRegister(Register.rxb0ctrl, rxm | RxControl.bukt);
    chip.writeRegister(Register.rxb1ctrl, rxm);
    // CNF is writable only in configuration mode (§6.4 item 3): reading it back proves the chip
    // took the timing, and that the bus answers at all.
    chip.read(Register.cnf3, 3);
    for (let i = 0; i < 3; i++) {
      if (chip.rx[2 + i] !== this.timingBytes[i]) return false;
    }
    chip.bitModify(Register.canctrl, modeMask, this.mode);
    return this.waitForMode(chip, this.mode, false);
  }
}
