// SPDX-License-Identifier: MIT
// Identifier packing between a CanFrame and the MCP2515's SIDH, SIDL, EID8, EID0, DLC bytes
// (../shared/reference/can-link.md §6.2 "ID packing"). Shifts are `>>>` on values already
// limited to 29 bits, so they mean the same on Espruino and on Lua 5.3 (lua.md §3).
import type { CanFrame } from "../can";
import { dataBytesMax, extendedIdMax, IdBit, standardIdMax } from "./registers";

/** 2^16 and 2^18: the EID17:16 and SID weights of a 29-bit identifier (§6.2). */
const eidHighWeight = 0x10000;
const sidWeight = 0x40000;

/**
 * Write SIDH, SIDL, EID8, EID0 of `id` at buf[at..at+3]. 11-bit: SIDH = id >> 3,
 * SIDL = (id & 7) << 5. 29-bit: SIDH = id >> 21, SIDL = ((id >> 18) & 7) << 5 | EXIDE | (id >> 16)
 * & 3, EID8 = (id >> 8) & 0xFF, EID0 = id & 0xFF. `exide` false packs a 29-bit mask (no EXIDE).
 */
export function packId(id: number, extended: boolean, exide: boolean, buf: number[], at: number): void {
  if (extended) {
    buf[at] = (id >>> 21) & 0xff;
    let sidl = (((id >>> 18) & 0x07) << 5) | ((id >>> 16) & 0x03);
    if (exide) sidl = sidl | IdBit.ide;
    buf[at + 1] = sidl;
    buf[at + 2] = (id >>> 8) & 0xff;
    buf[at + 3] = id & 0xff;
  } else {
    buf[at] = (id >>> 3) & 0xff;
    buf[at + 1] = (id & 0x07) << 5;
    // For a standard filter the EID bytes are compared with data bytes 0 and 1: left at 0 in
    // filters and masks, they never constrain a standard frame.
    buf[at + 2] = 0;
    buf[at + 3] = 0;
  }
}

/** Header of a transmit buffer for `frame`: identifier then DLC (RTR b6 for a remote frame). */
export function packHeader(frame: CanFrame, buf: number[], at: number): void {
  packId(frame.id, frame.extended, true, buf, at);
  let dlc = frame.dlc & IdBit.dlcMask;
  if (frame.remote) dlc = dlc | IdBit.rtr;
  buf[at + 4] = dlc;
}

/**
 * Read a receive buffer's SIDH..DLC at buf[at..at+4] into `frame` (id, extended, remote, dlc).
 * A standard remote frame is flagged by SIDL.SRR, an extended one by DLC.RTR, as the Linux driver
 * reads them (§6.2, §6.4 item 5). A DLC above 8 still carries 8 bytes.
 */
export function unpackHeader(buf: number[], at: number, frame: CanFrame): void {
  const sidh = buf[at];
  const sidl = buf[at + 1];
  const dlcByte = buf[at + 4];
  const sid = (sidh << 3) | ((sidl >>> 5) & 0x07);
  if ((sidl & IdBit.ide) !== 0) {
    frame.extended = true;
    frame.id = sid * sidWeight + (sidl & 0x03) * eidHighWeight + (buf[at + 2] << 8) + buf[at + 3];
    frame.remote = (dlcByte & IdBit.rtr) !== 0;
  } else {
    frame.extended = false;
    frame.id = sid;
    frame.remote = (sidl & IdBit.srr) !== 0;
  }
  let dlc = dlcByte & IdBit.dlcMask;
  if (dlc > dataBytesMax) dlc = dataBytesMax;
  frame.dlc = dlc;
}

/** Is `frame` something the chip can send: a whole id in range, DLC 0..8, 8 data entries? */
export function frameIsValid(frame: CanFrame): boolean {
  const max = frame.extended ? extendedIdMax : standardIdMax;
  if (!(frame.id >= 0 && frame.id <= max && Math.floor(frame.id) === frame.id)) return false;
  if (!(frame.dlc >= 0 && frame.dlc <= dataBytesMax && Math.floor(frame.dlc) === frame.dlc)) return false;
  return frame.data.length >= dataBytesMax;
}
