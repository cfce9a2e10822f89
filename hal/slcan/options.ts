// SPDX-License-Identifier: MIT
// Options of the SLCAN device, their checks, and the bitrate table of the S command. Construction
// happens once at start, so a bad option throws an Error naming it.
import type { Clock, SerialPort } from "../hal";

export interface SlcanOptions {
  /** The UART (or pseudo-terminal) the host talks SLCAN on. */
  serial: SerialPort;
  /** Time for the optional frame timestamps (Z1). */
  clock: Clock;
  /** Frames from the host held until the control loop takes them; more are dropped and counted. */
  receiveQueueLength: number;
  /**
   * Bitrate before any S command, so a host that only sends O gets the link's rate: 500 kbit/s for
   * the inverter profile (can-link.md §1). Must be one of slcanBitratesHz.
   */
  bitrateHz: number;
  /** Reported by V as two decimal digits each (python-can parses them with int(), §5). */
  hardwareVersion: number;
  softwareVersion: number;
  /** Reported by N: exactly 4 printable ASCII chars (§5, `Nxxxx`). */
  serialNumber: string;
}

/**
 * Bitrate of S0 … S8 (can-link.md §5): 10k, 20k, 50k, 100k, 125k, 250k, 500k, 800k, 1M. S7 is
 * Lawicel's 800k; CANable and python-can call it 750k, which only names the same code differently.
 */
export const slcanBitratesHz = [10000, 20000, 50000, 100000, 125000, 250000, 500000, 800000, 1000000];

/** Index of `hz` in slcanBitratesHz, or −1. */
export function bitrateCode(hz: number): number {
  for (let i = 0; i < slcanBitratesHz.length; i++) {
    if (slcanBitratesHz[i] === hz) return i;
  }
  return -1;
}

function isWhole(x: number): boolean {
  return typeof x === "number" && Math.floor(x) === x && x >= 0;
}

function fail(option: string, value: string, rule: string): void {
  throw new Error("slcan: option " + option + " = " + value + " " + rule);
}

/** Throws an Error naming the first bad option. */
export function validateSlcanOptions(o: SlcanOptions): void {
  if (o.serial === undefined) throw new Error("slcan: option serial is missing");
  if (o.clock === undefined) throw new Error("slcan: option clock is missing");
  if (!isWhole(o.receiveQueueLength) || o.receiveQueueLength < 1 || o.receiveQueueLength > 256) {
    fail("receiveQueueLength", String(o.receiveQueueLength), "is outside 1..256");
  }
  if (bitrateCode(o.bitrateHz) < 0) fail("bitrateHz", String(o.bitrateHz), "is not an S0..S8 bitrate");
  if (!isWhole(o.hardwareVersion) || o.hardwareVersion > 99) fail("hardwareVersion", String(o.hardwareVersion), "is outside 0..99");
  if (!isWhole(o.softwareVersion) || o.softwareVersion > 99) fail("softwareVersion", String(o.softwareVersion), "is outside 0..99");
  const s = o.serialNumber;
  if (typeof s !== "string" || s.length !== 4) fail("serialNumber", String(s), "is not 4 characters");
  for (let i = 0; i < 4; i++) {
    const c = s.charCodeAt(i);
    // Printable ASCII only: a CR or BEL inside would end the reply early on the host.
    if (c < 0x21 || c > 0x7e) fail("serialNumber", s, "has a character outside printable ASCII");
  }
}
