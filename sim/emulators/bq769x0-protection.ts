// SPDX-License-Identifier: MIT
// The emulated bq769x0's own protection (afe-chips.md §3, cells-and-limits.md §9), acting on the
// register file: OV / UV from each conversion after OV_DELAY / UV_DELAY, OCD / SCD from the
// discharge current across the shunt after their delays. OV clears CHG_ON; UV, OCD and SCD clear
// DSG_ON; each sets its SYS_STAT bit. SYS_CTRL2 DELAY_DIS removes the delays.
import {
  ocdDelayMs,
  ocdThreshMvRsns0,
  ocdThreshMvRsns1,
  ovDelayMs,
  Reg,
  scdDelayUs,
  scdThreshMvRsns0,
  scdThreshMvRsns1,
  SysCtrl2,
  SysStat,
  uvDelayMs,
} from "../../hal/bq769x0/registers";

/** Set a SYS_STAT bit and open the FETs it opens. */
export function latch(regs: number[], bit: number, fetsOff: number): void {
  regs[Reg.sysStat] |= bit;
  regs[Reg.sysCtrl2] &= ~fetsOff & 0xff;
}

export class Protection {
  private ovSinceMs = -1;
  private uvSinceMs = -1;
  private ocdSinceMs = -1;
  private scdSinceMs = -1;

  constructor(
    private readonly regs: number[],
    private readonly shuntMicroOhm: number,
  ) {}

  reset(): void {
    this.ovSinceMs = this.uvSinceMs = this.ocdSinceMs = this.scdSinceMs = -1;
  }

  private delaysOff(): boolean {
    return (this.regs[Reg.sysCtrl2] & SysCtrl2.delayDis) !== 0;
  }

  /**
   * OCD and SCD on every update. The current is taken as held since the previous update
   * (`sinceMs`): a millisecond clock cannot see µs, so a short seen 1 ms after the previous update
   * has lasted longer than any SCD delay.
   */
  checkCurrent(currentMa: number, sinceMs: number, now: number): void {
    const regs = this.regs;
    if ((regs[Reg.sysCtrl2] & SysCtrl2.dsgOn) === 0 || currentMa >= 0) {
      this.ocdSinceMs = this.scdSinceMs = -1;
      return;
    }
    const mv = (-currentMa * this.shuntMicroOhm) / 1e6;
    const p1 = regs[Reg.protect1];
    const p2 = regs[Reg.protect2];
    const rsns = (p1 & 0x80) !== 0;
    const scdMv = (rsns ? scdThreshMvRsns1 : scdThreshMvRsns0)[p1 & 0x07];
    const ocdMv = (rsns ? ocdThreshMvRsns1 : ocdThreshMvRsns0)[p2 & 0x0f];
    const noDelay = this.delaysOff();
    if (mv >= scdMv) {
      if (this.scdSinceMs < 0) this.scdSinceMs = sinceMs;
      if (noDelay || (now - this.scdSinceMs) * 1000 >= scdDelayUs[(p1 >> 3) & 0x03]) latch(regs, SysStat.scd, SysCtrl2.dsgOn);
    } else this.scdSinceMs = -1;
    if (mv >= ocdMv) {
      if (this.ocdSinceMs < 0) this.ocdSinceMs = sinceMs;
      if (noDelay || now - this.ocdSinceMs >= ocdDelayMs[(p2 >> 4) & 0x07]) latch(regs, SysStat.ocd, SysCtrl2.dsgOn);
    } else this.ocdSinceMs = -1;
  }

  /** OV / UV after a conversion at `atMs`: some used cell above OV_TRIP / below UV_TRIP. */
  checkCells(over: boolean, under: boolean, atMs: number): void {
    const p3 = this.regs[Reg.protect3];
    const noDelay = this.delaysOff();
    if (over) {
      if (this.ovSinceMs < 0) this.ovSinceMs = atMs;
      if (noDelay || atMs - this.ovSinceMs >= ovDelayMs[(p3 >> 4) & 0x03]) latch(this.regs, SysStat.ov, SysCtrl2.chgOn);
    } else this.ovSinceMs = -1;
    if (under) {
      if (this.uvSinceMs < 0) this.uvSinceMs = atMs;
      if (noDelay || atMs - this.uvSinceMs >= uvDelayMs[(p3 >> 6) & 0x03]) latch(this.regs, SysStat.uv, SysCtrl2.dsgOn);
    } else this.uvSinceMs = -1;
  }
}
