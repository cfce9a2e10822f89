// SPDX-License-Identifier: MIT
// A scripted host for the SLCAN device: a SerialPort whose reads are typed by the test and whose
// writes are collected as text, so replies are asserted as the exact characters on the wire.
import { CanStatus, createCanFrame, type CanFrame } from "../../hal/can";
import type { SerialPort } from "../../hal/hal";
import { SlcanDevice } from "../../hal/slcan/device";
import type { SlcanOptions } from "../../hal/slcan/options";
import { SimClock } from "../../sim/hal/clock";

export class ScriptedHost implements SerialPort {
  private callback: ((data: number[], count: number) => void) | undefined;
  /** Everything the device wrote, as text (CR shown as \r, BEL as \x07). */
  wire = "";
  /** Number of write calls: one per reply or frame. */
  writes = 0;

  write(data: number[], count: number): void {
    this.writes++;
    for (let i = 0; i < count; i++) {
      const b = data[i];
      if (!Number.isInteger(b) || b < 0 || b > 255) throw new Error(`device wrote a non-byte ${b}`);
      this.wire += String.fromCharCode(b);
    }
  }

  onReadable(callback: (data: number[], count: number) => void): void {
    this.callback = callback;
  }

  /** The host types `text` (latin1: one char per byte), delivered in one chunk. */
  type(text: string): void {
    this.bytes(Array.from(text, (c) => c.charCodeAt(0)));
  }

  bytes(data: number[]): void {
    if (this.callback === undefined) throw new Error("no device listens on this serial port");
    // The device must not rely on the array beyond the call: hand it a copy padded with junk.
    const chunk = [...data, 0x55, 0xaa];
    this.callback(chunk, data.length);
  }

  /** What was written since the last take(), and clear it. */
  take(): string {
    const w = this.wire;
    this.wire = "";
    return w;
  }
}

export interface Rig {
  host: ScriptedHost;
  clock: SimClock;
  device: SlcanDevice;
}

export function rig(overrides: Partial<Omit<SlcanOptions, "serial" | "clock">> = {}): Rig {
  const host = new ScriptedHost();
  const clock = new SimClock();
  const device = new SlcanDevice({
    serial: host,
    clock,
    receiveQueueLength: 8,
    bitrateHz: 500000,
    hardwareVersion: 1,
    softwareVersion: 23,
    serialNumber: "TB01",
    ...overrides,
  });
  return { host, clock, device };
}

/** A rig whose channel the host already opened (its reply consumed). */
export function openRig(overrides: Partial<Omit<SlcanOptions, "serial" | "clock">> = {}): Rig {
  const r = rig(overrides);
  r.host.type("O\r");
  if (r.host.take() !== "\r") throw new Error("the device did not accept O");
  return r;
}

export function frame(id: number, data: number[], opts: { extended?: boolean; remote?: boolean; dlc?: number } = {}): CanFrame {
  const f = createCanFrame();
  f.id = id;
  f.extended = opts.extended ?? false;
  f.remote = opts.remote ?? false;
  f.dlc = opts.dlc ?? data.length;
  for (let i = 0; i < data.length; i++) f.data[i] = data[i];
  return f;
}

/** The frames the device has queued, taken out. */
export function drain(device: SlcanDevice): CanFrame[] {
  const out: CanFrame[] = [];
  for (;;) {
    const f = createCanFrame();
    if (device.receive(f) !== CanStatus.ok) return out;
    out.push(f);
  }
}

export const BEL = "\x07";
export const CR = "\r";
