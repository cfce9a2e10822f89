// SPDX-License-Identifier: MIT
// SLCAN parser throughput: the device (hal/slcan) fed a seeded 10 MB garbage-laced stream
// (sim/slcan-stream.ts) in UART-sized chunks, the control loop draining its queue after each chunk.
// Reports MB/s, frames/s and whether every intact valid frame came back, in order.
// Figures, not assertions. Run alone with `npx tsx scripts/slcan-bench.ts`; scripts/bench.ts calls
// slcanBench() and prints its lines.
import { CanStatus, createCanFrame, type CanFrame } from "../hal/can";
import type { SerialPort } from "../hal/hal";
import { SlcanDevice } from "../hal/slcan/device";
import { SimClock } from "../sim/hal/clock";
import { garbageLacedStream, type StreamFrame } from "../sim/slcan-stream";

export interface SlcanBenchResult {
  bytes: number;
  chunkBytes: number;
  /** Median of the timed passes. */
  seconds: number;
  mbPerSecond: number;
  /** Slowest and fastest pass. */
  mbPerSecondRange: [number, number];
  framesPerSecond: number;
  expected: number;
  recovered: number;
  /** Valid frames found in the noise or in corrupted lines (not lost frames). */
  extra: number;
  /** Frames lost to a full queue: must be 0 when the loop drains after every chunk. */
  dropped: number;
  rejectedLines: number;
  overlongLines: number;
  repliesBytes: number;
  counts: { frames: number; garbageRuns: number; overlong: number; cutOff: number; corrupted: number };
}

/** A serial port that only counts what the device writes back. */
class CountingSerial implements SerialPort {
  written = 0;
  write(_data: number[], count: number): void {
    this.written += count;
  }
  onReadable(): void {}
}

function same(e: StreamFrame, f: CanFrame): boolean {
  if (e.id !== f.id || e.extended !== f.extended || e.remote !== f.remote || e.dlc !== f.dlc) return false;
  if (e.remote) return true;
  for (let i = 0; i < e.dlc; i++) if (e.data[i] !== f.data[i]) return false;
  return true;
}

function chunked(bytes: Buffer, chunkBytes: number): number[][] {
  const chunks: number[][] = [];
  for (let at = 0; at < bytes.length; at += chunkBytes) chunks.push(Array.from(bytes.subarray(at, at + chunkBytes)));
  return chunks;
}

/** One timed pass of a fresh device over the chunks: feed + drain + compare, nothing else. */
function pass(chunks: number[][], expected: StreamFrame[]) {
  const serial = new CountingSerial();
  // A 64-byte chunk holds at most 10 frames ("t1230\r" is the shortest): 32 slots never overflow.
  const device = new SlcanDevice({ serial, clock: new SimClock(), receiveQueueLength: 32, bitrateHz: 500000, hardwareVersion: 1, softwareVersion: 0, serialNumber: "BNCH" });
  const into = createCanFrame();
  let k = 0;
  let extra = 0;
  const t0 = performance.now();
  for (const chunk of chunks) {
    device.feed(chunk, chunk.length);
    while (device.receive(into) === CanStatus.ok) {
      if (k < expected.length && same(expected[k], into)) k++;
      else extra++;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, recovered: k, extra, counters: device.counters, written: serial.written };
}

/**
 * Warm the JIT on 1 MB, then time `passes` (default 3) runs over one `sizeBytes` (default 10 MB)
 * stream from `seed` and report the median: the machine is shared, single passes scatter.
 */
export function slcanBench(options: { seed?: number; sizeBytes?: number; chunkBytes?: number; passes?: number } = {}): SlcanBenchResult {
  const seed = options.seed ?? 2024;
  const chunkBytes = options.chunkBytes ?? 64;
  const warm = garbageLacedStream(seed + 1, 1_000_000);
  pass(chunked(warm.bytes, chunkBytes), warm.expected);
  const stream = garbageLacedStream(seed, options.sizeBytes ?? 10_000_000);
  const chunks = chunked(stream.bytes, chunkBytes);
  const runs = [];
  for (let i = 0; i < (options.passes ?? 3); i++) runs.push(pass(chunks, stream.expected));
  const times = runs.map((r) => r.seconds).sort((a, b) => a - b);
  const seconds = times[Math.floor(times.length / 2)];
  const r = runs[0];
  const c = r.counters;
  return {
    bytes: stream.bytes.length,
    chunkBytes,
    seconds,
    mbPerSecond: stream.bytes.length / 1e6 / seconds,
    mbPerSecondRange: [stream.bytes.length / 1e6 / times[times.length - 1], stream.bytes.length / 1e6 / times[0]],
    framesPerSecond: r.recovered / seconds,
    expected: stream.expected.length,
    recovered: r.recovered,
    extra: r.extra,
    dropped: c.dropped,
    rejectedLines: c.rejectedLines,
    overlongLines: c.overlongLines,
    repliesBytes: r.written,
    counts: stream.counts,
  };
}

/** The result as report lines. */
export function slcanBenchLines(r: SlcanBenchResult): string[] {
  const c = r.counts;
  return [
    `SLCAN parser: ${(r.bytes / 1e6).toFixed(1)} MB garbage-laced stream in ${r.chunkBytes}-byte chunks: ${r.mbPerSecond.toFixed(1)} MB/s ` +
      `(passes ${r.mbPerSecondRange[0].toFixed(1)}–${r.mbPerSecondRange[1].toFixed(1)}), ${Math.round(r.framesPerSecond).toLocaleString("en")} valid frames/s`,
    `  mixed in: ${c.frames} valid frames, ${c.garbageRuns} random-byte runs, ${c.overlong} overlong lines, ${c.cutOff} cut-off lines, ${c.corrupted} corrupted frames`,
    `  valid frames recovered: ${r.recovered} of ${r.expected} expected${r.recovered === r.expected ? " (all)" : " (LOST SOME)"}; ` +
      `extra frames from noise: ${r.extra}; dropped on a full queue: ${r.dropped}`,
    `  lines rejected with BEL: ${r.rejectedLines} (overlong ${r.overlongLines}); reply bytes written: ${r.repliesBytes}`,
  ];
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  for (const line of slcanBenchLines(slcanBench())) console.log(line);
}
