// SPDX-License-Identifier: MIT
// LTC681x-1 daisy-chain framing (../shared/reference/afe-chips.md §1.2) over one SpiDevice:
// every transfer is one chip-select frame. Buffers are made once here and reused for every frame,
// so nothing in a measurement allocates.
//
// * command only: CMD0 CMD1 PEC0 PEC1;
// * write: command, then one 6-byte group + PEC per device, the FIRST block for the TOP device
//   (the chain shifts like a register);
// * read: command, then 8 bytes clocked per device, the FIRST block from the BOTTOM device.
import type { SpiDevice } from "../hal";
import { byteArray, intArray } from "../../firmware/alloc";
import { blockBytes, Command, commandBytes, groupBytes } from "./registers";
import { pec15, pecMatches, putPec } from "./pec";

/**
 * Bytes clocked after PLADC in one poll frame. The chain answers 0x00 while converting and 0xFF
 * once done (§1.6). 128 bytes at 1 MHz take about 1 ms: a 2.3–3.9 ms conversion is seen done
 * within 2–4 frames, and each frame is one native send, while a poll costs ~190 tokens of
 * interpretation on Espruino (scripts/espruino-time.ts) however short it is.
 */
export const pollBytes = 128;

/**
 * Slots of the command PEC cache, indexed by the code's low bits. A driver sends about twenty
 * fixed command codes, each on every measurement: a PEC over their two bytes is a call and two
 * table steps, some 110 tokens a frame on Espruino (scripts/espruino-time.ts), a hit about 35.
 */
const commandPecSlots = 64;

export class Ltc681xFrames {
  /** Bytes of the last frame as received; data of device d starts at commandBytes + 8·d. */
  readonly rx: number[];
  private readonly tx: number[];
  private readonly spi: SpiDevice;
  private readonly devices: number;
  private readonly readLength: number;
  /**
   * A write left data bytes in `tx` after the command: the next read or poll pads with 0xFF
   * again. Only then: filling 8·devices bytes before every read costs about 12 tokens a byte on
   * Espruino (scripts/espruino-time.ts), and writes are rare (configuration, balancing changes).
   */
  private padDirty = false;
  /** code · 65536 + PEC of the last command seen in each slot (code & 63), −1 while empty. */
  private readonly commandPec: number[];

  constructor(spi: SpiDevice, devices: number) {
    this.spi = spi;
    this.devices = devices;
    this.readLength = commandBytes + blockBytes * devices;
    let size = this.readLength;
    if (commandBytes + pollBytes > size) size = commandBytes + pollBytes;
    this.tx = byteArray(size, 0xff);
    this.rx = byteArray(size, 0xff);
    this.commandPec = intArray(commandPecSlots, -1);
  }

  /**
   * wakeup_idle (§1.6): one dummy 0xFF byte per device, each in its own frame, so every isoSPI
   * port in the chain is READY before the real command. On hardware a chain in SLEEP needs CS low
   * for ≥ 300 µs per device (tWAKE); a platform adapter's one-byte transfer may be much shorter,
   * so a board that lets the chain sleep must stretch these frames. The emulator takes a frame
   * that reaches a sleeping or idle device as that device's wake-up and ignores its content.
   */
  wake(): void {
    for (let d = 0; d < this.devices; d++) {
      this.tx[0] = 0xff;
      this.spi.transfer(this.tx, this.rx, 1);
    }
  }

  /** A command-only frame (ADCV, ADAX, CLRCELL …): 4 bytes. */
  command(code: number): void {
    this.putCommand(code);
    this.spi.transfer(this.tx, this.rx, commandBytes);
  }

  /**
   * A write frame. `data` holds 6 bytes per device, bottom device first; the frame carries them
   * top device first, each followed by its own PEC.
   */
  write(code: number, data: number[]): void {
    this.putCommand(code);
    for (let d = 0; d < this.devices; d++) {
      const at = commandBytes + blockBytes * (this.devices - 1 - d);
      for (let i = 0; i < groupBytes; i++) this.tx[at + i] = data[groupBytes * d + i];
      putPec(this.tx, at, groupBytes);
    }
    this.padDirty = true;
    this.spi.transfer(this.tx, this.rx, this.readLength);
  }

  /** 0xFF again where a write left data (a write frame ends at readLength; beyond, tx is never written). */
  private pad(): void {
    if (!this.padDirty) return;
    for (let i = commandBytes; i < this.readLength; i++) this.tx[i] = 0xff;
    this.padDirty = false;
  }

  /**
   * A read frame. Returns the number of 6-byte groups whose PEC did not match (0 = all good);
   * the data stay in `rx` for `word` and `byte`.
   */
  read(code: number): number {
    this.putCommand(code);
    this.pad();
    this.spi.transfer(this.tx, this.rx, this.readLength);
    let bad = 0;
    for (let d = 0; d < this.devices; d++) {
      if (!pecMatches(this.rx, commandBytes + blockBytes * d, groupBytes)) bad++;
    }
    return bad;
  }

  /** Byte `index` (0..5) of device `device`'s group in the last read. */
  byte(device: number, index: number): number {
    return this.rx[commandBytes + blockBytes * device + index];
  }

  /** Little-endian word `index` (0..2) of device `device`'s group in the last read (§1.2). */
  word(device: number, index: number): number {
    const at = commandBytes + blockBytes * device + 2 * index;
    return this.rx[at] + 256 * this.rx[at + 1];
  }

  /**
   * PLADC until the chain reports done, at most `maxPolls` frames. Returns false when the
   * conversion did not end in time (a dead or silent chain answers 0xFF, which reads as done;
   * its data then fail the PEC check).
   */
  poll(maxPolls: number): boolean {
    const count = commandBytes + pollBytes;
    this.putCommand(Command.pladc);
    this.pad();
    for (let p = 0; p < maxPolls; p++) {
      this.spi.transfer(this.tx, this.rx, count);
      if (this.rx[count - 1] !== 0) return true;
    }
    return false;
  }

  private putCommand(code: number): void {
    this.tx[0] = (code >>> 8) & 0xff;
    this.tx[1] = code & 0xff;
    // putPec written out: every frame starts here, and a call costs far more than two stores on
    // Espruino (scripts/espruino-time.ts). Codes are 11 bits (§1.2), so code · 65536 + PEC stays
    // below 2^27 and the entry of another code (or −1) never matches.
    const slot = code & (commandPecSlots - 1);
    const cached = this.commandPec[slot];
    let pec: number;
    if (cached >= 0 && cached >>> 16 === code) pec = cached & 0xffff;
    else {
      pec = pec15(this.tx, 0, 2);
      this.commandPec[slot] = code * 65536 + pec;
    }
    this.tx[2] = (pec >>> 8) & 0xff;
    this.tx[3] = pec & 0xff;
  }
}
