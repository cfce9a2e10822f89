// SPDX-License-Identifier: MIT
// NodeMCU's bus APIs take and return Lua strings of bytes; the HAL works on plain number arrays
// (hal/hal.ts). These convert between the two: one single-byte string per value is made once at
// start, so a frame is joined with one table.concat instead of a concatenation per byte.
import { numberArray } from "../../firmware/alloc";

export class ByteStrings {
  private readonly chars: string[] = [];
  private readonly parts: string[] = [];

  constructor() {
    for (let b = 0; b < 256; b++) this.chars.push(String.fromCharCode(b));
  }

  /** The first `count` bytes of `data` as one string. */
  join(data: number[], count: number): string {
    for (let i = 0; i < count; i++) {
      const part = this.chars[data[i] & 0xff];
      if (i < this.parts.length) this.parts[i] = part;
      else this.parts.push(part);
    }
    if (count === 0) return "";
    return table.concat(this.parts, "", 1, count);
  }
}

/** Copy up to `max` bytes of `s`, from its byte `start`, into `into`; returns how many were copied. */
export function copyBytes(s: string, start: number, into: number[], max: number): number {
  let n = s.length - start;
  if (n > max) n = max;
  for (let i = 0; i < n; i++) into[i] = s.charCodeAt(start + i);
  return n < 0 ? 0 : n;
}

/** A receive buffer of `size` bytes, made once. */
export function byteBuffer(size: number): number[] {
  return numberArray(size, 0);
}

/** "GPIO18" → 18; −1 when the name is not GPIO followed by decimal digits. */
export function gpioNumber(pin: string): number {
  if (pin.length < 5 || pin.substring(0, 4) !== "GPIO") return -1;
  let n = 0;
  for (let i = 4; i < pin.length; i++) {
    const digit = pin.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n;
}

/** The GPIO number of a pin, throwing with its name when the name is not one. */
export function requireGpio(pin: string, role: string): number {
  const n = gpioNumber(pin);
  if (n < 0) throw new Error("nodemcu " + role + ": pin " + pin + " is not GPIO<n>");
  return n;
}
