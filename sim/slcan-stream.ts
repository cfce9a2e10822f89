// SPDX-License-Identifier: MIT
// A seeded SLCAN byte stream as a noisy UART would deliver it: valid frame lines mixed with random
// bytes, overlong lines, lines cut off before their CR, and frames with garbage inside them. It
// records the valid frames, so a parser run over it can be checked for losing none of them.
//
// Random bytes never contain 'C' (0x43): "\rC\r" in the noise would be a real close command and
// every frame after it would rightly be refused. Everything else, CR, LF, BEL, NUL, command letters
// and bytes above 0x7F, does occur. The noise byte put inside a corrupted frame is also never CR or
// LF: that would split the line, and a tail such as "C\r" would again be a real command.
import { Rng } from "./rng";

export interface StreamFrame {
  id: number;
  extended: boolean;
  remote: boolean;
  dlc: number;
  data: number[];
}

export interface SlcanStream {
  /** The bytes, starting with "O\r" so the channel is open. */
  bytes: Buffer;
  /** Every intact valid frame line, in order: the parser must return all of them. */
  expected: StreamFrame[];
  /** What was mixed in. */
  counts: { frames: number; garbageRuns: number; overlong: number; cutOff: number; corrupted: number };
}

const hexDigits = "0123456789ABCDEF";

function frameLine(f: StreamFrame): string {
  const kind = f.extended ? (f.remote ? "R" : "T") : f.remote ? "r" : "t";
  let s = kind + f.id.toString(16).toUpperCase().padStart(f.extended ? 8 : 3, "0") + String(f.dlc);
  if (!f.remote) for (let i = 0; i < f.dlc; i++) s += f.data[i].toString(16).toUpperCase().padStart(2, "0");
  return s;
}

function randomFrame(rng: Rng, seq: number): StreamFrame {
  const int = (n: number): number => Math.floor(rng.uniform() * n);
  const extended = rng.uniform() < 0.25;
  const remote = rng.uniform() < 0.1;
  const dlc = int(9);
  const data: number[] = [];
  for (let i = 0; i < dlc; i++) data.push(int(256));
  // A sequence number in the first bytes makes each frame distinct, so a frame made by chance from
  // garbage cannot be mistaken for an expected one.
  for (let i = 0; i < Math.min(dlc, 4); i++) data[i] = (seq >>> (8 * i)) & 0xff;
  return { id: extended ? int(0x20000000) : int(0x800), extended, remote, dlc, data: remote ? [] : data };
}

/** About `size` bytes of garbage-laced SLCAN from `seed`. */
export function garbageLacedStream(seed: number, size: number): SlcanStream {
  const rng = new Rng(seed);
  const int = (n: number): number => Math.floor(rng.uniform() * n);
  const out = Buffer.alloc(size + 256);
  let n = 0;
  const put = (s: string): void => {
    n += out.write(s, n, "latin1");
  };
  const expected: StreamFrame[] = [];
  const counts = { frames: 0, garbageRuns: 0, overlong: 0, cutOff: 0, corrupted: 0 };
  put("O\r");
  while (n < size) {
    const pick = rng.uniform();
    if (pick < 0.6) {
      const f = randomFrame(rng, expected.length);
      expected.push(f);
      counts.frames++;
      const end = rng.uniform();
      put(frameLine(f) + (end < 0.8 ? "\r" : end < 0.9 ? "\n" : "\r\n"));
    } else if (pick < 0.8) {
      counts.garbageRuns++;
      const len = 1 + int(40);
      for (let i = 0; i < len; i++) {
        let b = int(256);
        if (b === 0x43) b = 0x44;
        out[n++] = b;
      }
    } else if (pick < 0.87) {
      counts.overlong++;
      let s = rng.uniform() < 0.5 ? "t" : "T";
      const len = 40 + int(80);
      for (let i = 0; i < len; i++) s += hexDigits[int(16)];
      put(s + "\r");
    } else if (pick < 0.94) {
      // Cut off: the host died mid-line; no CR follows.
      counts.cutOff++;
      const line = frameLine(randomFrame(rng, 0xffffff));
      put(line.slice(0, 1 + int(line.length - 1)));
    } else {
      // Corrupted: a byte inside the line replaced by noise. Not expected back (the parser may
      // still find a different valid frame in what is left, which the checker reports as extra).
      counts.corrupted++;
      const line = frameLine(randomFrame(rng, 0xffffff));
      const at = 1 + int(line.length - 1);
      let noise = int(256);
      if (noise === 0x43 || noise === 0x0d || noise === 0x0a) noise = 0x44;
      put(line.slice(0, at) + String.fromCharCode(noise) + line.slice(at + 1) + "\r");
    }
  }
  return { bytes: out.subarray(0, n), expected, counts };
}

/**
 * How many `expected` frames appear in `got` in order (each matched at most once), and how many
 * frames of `got` matched none.
 */
export function matchFrames(expected: StreamFrame[], got: StreamFrame[]): { recovered: number; extra: number } {
  let k = 0;
  let extra = 0;
  const same = (a: StreamFrame, b: StreamFrame): boolean =>
    a.id === b.id && a.extended === b.extended && a.remote === b.remote && a.dlc === b.dlc && (a.remote || a.data.slice(0, a.dlc).every((x, i) => x === b.data[i]));
  for (const g of got) {
    if (k < expected.length && same(expected[k], g)) k++;
    else extra++;
  }
  return { recovered: k, extra };
}
