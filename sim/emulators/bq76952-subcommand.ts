// SPDX-License-Identifier: MIT
// The BQ76952 subcommand interface (../shared/reference/afe-chips.md §2.3): the subcommand
// registers 0x3E/0x3F, the 32-byte transfer buffer 0x40..0x5F, the checksum 0x60 and the length
// 0x61, and what the subcommands do to the chip's modes. Writing 0x3F runs a subcommand (a read
// answer goes into the buffer at once: the sim clock does not move during a driver call, so there
// is no FF FF busy phase); writing 0x61 checks checksum and length and executes a write.
import {
  deviceNumberBq76952,
  Direct,
  MfgStatus,
  Subcommand,
  transferBufferBytes,
} from "../../hal/bq76952/registers";
import { DataMemoryStore } from "./bq76952-memory";

/** The state the subcommands switch: CONFIG_UPDATE, POR, FET control, balancing (§2.3). */
export class ChipModes {
  cfgUpdate = false;
  /** Battery Status POR: set by a reset, cleared on EXIT_CFGUPDATE [unverified]. */
  por = true;
  /** Manufacturing Status FET_EN: false = FET test mode, the state after reset (§2.3). */
  fetEnabled = false;
  hostChargeOff = false;
  hostDischargeOff = false;
  /** Last FET_CONTROL payload accepted in test mode; undefined = none since reset. */
  testControl: number | undefined = undefined;
  /** CB_ACTIVE_CELLS, bit k = input VC(k+1). */
  cbMask = 0;

  /** The power-on state (balancing is switched off by the chip, which also tells the port). */
  reset(): void {
    this.cfgUpdate = false;
    this.por = true;
    this.fetEnabled = false;
    this.hostChargeOff = false;
    this.hostDischargeOff = false;
    this.testControl = undefined;
  }
}

/** What a subcommand needs from the rest of the chip. */
export interface SubcommandHost {
  /** RESET (0x0012): the whole chip back to its power-on state. */
  reset(): void;
  /** CB_ACTIVE_CELLS write, and the balancing stop of SET_CFGUPDATE. */
  setBalancing(mask: number): void;
}

const first = Direct.subcommandLow;
const checksumAt = Direct.transferChecksum - first;
const lengthAt = Direct.transferLength - first;

const u16 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff];

export class SubcommandEngine {
  /** Subcommand writes ignored for a wrong checksum or length. */
  rejectedTransfers = 0;
  /** Data-memory writes ignored outside CONFIG_UPDATE. */
  rejectedDataMemoryWrites = 0;
  /** 0x3E..0x61: subcommand, 32-byte buffer, checksum, length. */
  private readonly transfer = new Array<number>(Direct.transferLength - first + 1).fill(0);

  constructor(
    private readonly memory: DataMemoryStore,
    private readonly modes: ChipModes,
    private readonly host: SubcommandHost,
  ) {}

  /** True for a direct-command address this interface answers (0x3E..0x61). */
  static covers(address: number): boolean {
    return address >= first && address <= Direct.transferLength;
  }

  clear(): void {
    this.transfer.fill(0);
  }

  read(address: number): number {
    return this.transfer[address - first];
  }

  write(address: number, value: number): void {
    this.transfer[address - first] = value;
    if (address === Direct.subcommandHigh) this.subcommandReceived();
    if (address === Direct.transferLength) this.transferWritten();
  }

  private code(): number {
    return this.transfer[0] + 256 * this.transfer[1];
  }

  private static checksum(code: number, data: readonly number[]): number {
    const sum = (code & 0xff) + (code >>> 8) + data.reduce((s, b) => s + b, 0);
    return ~sum & 0xff;
  }

  /** Put `data` in the transfer buffer with its checksum and length, as a read answer. */
  private answer(data: number[]): void {
    for (let i = 0; i < transferBufferBytes; i++) this.transfer[2 + i] = data[i] ?? 0;
    this.transfer[checksumAt] = SubcommandEngine.checksum(this.code(), data);
    this.transfer[lengthAt] = data.length + 4;
  }

  private subcommandReceived(): void {
    const code = this.code();
    const m = this.modes;
    if (DataMemoryStore.contains(code)) return this.answer(this.memory.block(code, transferBufferBytes));
    switch (code) {
      case Subcommand.deviceNumber:
        return this.answer(u16(deviceNumberBq76952));
      case Subcommand.fwVersion:
        return this.answer([0x76, 0x95, 0x01, 0x00, 0x00, 0x00]);
      case Subcommand.hwVersion:
        return this.answer(u16(0x0002));
      case Subcommand.manufacturingStatus:
        return this.answer(u16(MfgStatus.pfEnabled | (m.fetEnabled ? MfgStatus.fetEnabled : 0)));
      case Subcommand.cbActiveCells:
        return this.answer(u16(m.cbMask));
      case Subcommand.reset:
        this.host.reset();
        break;
      case Subcommand.fetEnable:
        m.fetEnabled = !m.fetEnabled;
        break;
      case Subcommand.setCfgUpdate:
        m.cfgUpdate = true;
        this.host.setBalancing(0);
        break;
      case Subcommand.exitCfgUpdate:
        if (m.cfgUpdate) m.por = false;
        m.cfgUpdate = false;
        break;
      case Subcommand.dsgPdsgOff:
        m.hostDischargeOff = true;
        break;
      case Subcommand.chgPchgOff:
        m.hostChargeOff = true;
        break;
      case Subcommand.allFetsOff:
        m.hostChargeOff = m.hostDischargeOff = true;
        break;
      case Subcommand.allFetsOn:
        m.hostChargeOff = m.hostDischargeOff = false;
        break;
    }
    this.answer([]);
  }

  /** 0x61 written: check checksum and length, then execute the write (§2.3). */
  private transferWritten(): void {
    const code = this.code();
    const n = this.transfer[lengthAt] - 4;
    if (n < 0 || n > transferBufferBytes) {
      this.rejectedTransfers++;
      return;
    }
    const data = this.transfer.slice(2, 2 + n);
    if (SubcommandEngine.checksum(code, data) !== this.transfer[checksumAt]) {
      this.rejectedTransfers++;
      return;
    }
    if (DataMemoryStore.contains(code, Math.max(1, n))) {
      if (!this.modes.cfgUpdate) this.rejectedDataMemoryWrites++;
      else this.memory.setBytes(code, data);
    } else if (code === Subcommand.cbActiveCells && n === 2) {
      this.host.setBalancing(data[0] + 256 * data[1]);
    } else if (code === Subcommand.fetControl && n === 1) {
      if (!this.modes.fetEnabled) this.modes.testControl = data[0];
    }
  }
}
