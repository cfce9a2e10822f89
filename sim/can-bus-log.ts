// SPDX-License-Identifier: MIT
// candump -L lines from the virtual CAN bus, the golden-file format python-can's LogReader and
// log2asc read (../shared/reference/can-link.md §2, §5 "Other framings"):
//   (1617900000.010000) can0 351#1F01BC02E803E700
// 11-bit ids as 3 hex digits, 29-bit ids as 8, data bytes as uppercase hex. A remote frame is
// `305#R`, followed by its DLC digit when that is not zero, as can-utils prints it (`305#R8`).
import type { CanFrame } from "../hal/can";
import type { VirtualCanBus } from "./can-bus";

const hex = (value: number, digits: number): string => value.toString(16).toUpperCase().padStart(digits, "0");

/** One candump -L line (no newline) for `frame` seen at `timeUs` (µs since the epoch used). */
export function candumpLine(frame: CanFrame, timeUs: number, iface = "can0"): string {
  const micros = Math.round(timeUs);
  const stamp = `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, "0")}`;
  const id = frame.extended ? hex(frame.id, 8) : hex(frame.id, 3);
  let payload: string;
  if (frame.remote) payload = frame.dlc > 0 ? `R${frame.dlc}` : "R";
  else payload = frame.data.slice(0, frame.dlc).map((b) => hex(b, 2)).join("");
  return `(${stamp}) ${iface} ${id}#${payload}`;
}

export interface CandumpLoggerOptions {
  /** Interface name in every line (default can0). */
  iface?: string;
  /** Seconds added to bus time, so a log can look like a capture (e.g. 1617900000). */
  epochSeconds?: number;
  /** Called with every line as it is made (a file stream, stdout); lines are kept either way. */
  write?: (line: string) => void;
}

/** Records every acknowledged frame on a bus as candump -L lines. */
export class CandumpLogger {
  readonly lines: string[] = [];
  private readonly stopListening: () => void;

  constructor(bus: VirtualCanBus, options: CandumpLoggerOptions = {}) {
    const iface = options.iface ?? "can0";
    if (!/^[A-Za-z0-9_.-]{1,15}$/.test(iface)) throw new Error(`CandumpLogger options.iface: "${iface}" is not an interface name`);
    const epochUs = (options.epochSeconds ?? 0) * 1e6;
    if (!Number.isInteger(epochUs) || epochUs < 0) throw new Error(`CandumpLogger options.epochSeconds: ${options.epochSeconds} is not a time ≥ 0 in whole µs`);
    this.stopListening = bus.onFrame((frame, timeUs) => {
      const line = candumpLine(frame, epochUs + timeUs, iface);
      this.lines.push(line);
      options.write?.(line);
    });
  }

  /** The log so far, one line per frame, each ending in a newline. */
  text(): string {
    return this.lines.map((l) => l + "\n").join("");
  }

  stop(): void {
    this.stopListening();
  }
}
