// SPDX-License-Identifier: MIT
// Seeded random numbers for the simulator: the same seed gives the same run, bit for bit. The
// generator is pure-rand's xoroshiro128+; independent streams come from its jump() (2^64 draws
// apart), so adding a draw to one stream (say the sensor noise) never shifts another (the cell
// spread).
import { xoroshiro128plusFromState } from "pure-rand/generator/xoroshiro128plus";
import type { JumpableRandomGenerator } from "pure-rand/types/JumpableRandomGenerator";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";

/**
 * pure-rand's `xoroshiro128plus(seed)` starts from (−1, ~seed, seed, 0): seeds 1 and 2 begin in
 * almost the same state and their first draws are correlated. Spreading the seed over all 128 state
 * bits with a 32-bit finaliser (the MurmurHash3 fmix32 constants) makes neighbouring seeds, which the
 * rig uses for its parts (seed, seed + 1, …), unrelated from the first draw.
 */
function mix32(x: number): number {
  let h = x | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

function generatorFromSeed(seed: number): JumpableRandomGenerator {
  if (!Number.isSafeInteger(seed)) throw new Error(`rng seed: must be a safe integer, got ${seed}`);
  const low = seed | 0;
  const high = Math.floor(seed / 0x100000000) | 0;
  // Every state word depends on every seed bit: word k = fmix(fmix(high + k·φ) ^ low).
  const state: number[] = [];
  for (let k = 1; k <= 4; k++) state.push(mix32(mix32(high + Math.imul(k, 0x9e3779b9)) ^ low));
  // The all-zero state is the one state xoroshiro cannot leave.
  if (state[0] === 0 && state[1] === 0 && state[2] === 0 && state[3] === 0) state[3] = 1;
  return xoroshiro128plusFromState(state);
}

/** A stream of random variates. Mutable: every call advances it. */
export class Rng {
  private readonly gen: JumpableRandomGenerator;
  /** Box–Muller makes normals in pairs; the second waits here. */
  private spare = 0;
  private hasSpare = false;

  constructor(seedOrGenerator: number | JumpableRandomGenerator) {
    this.gen = typeof seedOrGenerator === "number" ? generatorFromSeed(seedOrGenerator) : seedOrGenerator;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return uniformFloat64(this.gen);
  }

  /** Uniform in [low, high). */
  uniformBetween(low: number, high: number): number {
    return low + (high - low) * uniformFloat64(this.gen);
  }

  /** Normal with the given mean and standard deviation (Box–Muller). */
  normal(mean = 0, sigma = 1): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return mean + sigma * this.spare;
    }
    // 1 − u is in (0, 1]: the logarithm stays finite.
    const u1 = 1 - uniformFloat64(this.gen);
    const u2 = uniformFloat64(this.gen);
    const r = Math.sqrt(-2 * Math.log(u1));
    const a = 2 * Math.PI * u2;
    this.spare = r * Math.sin(a);
    this.hasSpare = true;
    return mean + sigma * r * Math.cos(a);
  }

  /**
   * Normal limited to mean ± `limitSigmas`·sigma by redrawing: a cell parameter drawn from a
   * fitted σ should not land on a physically absurd tail value in a large pack.
   */
  truncatedNormal(mean: number, sigma: number, limitSigmas = 3): number {
    if (!(limitSigmas > 0)) throw new Error(`truncatedNormal limitSigmas: must be > 0, got ${limitSigmas}`);
    for (;;) {
      const z = this.normal();
      if (Math.abs(z) <= limitSigmas) return mean + sigma * z;
    }
  }

  /**
   * A new stream that never overlaps this one: a copy of the generator moved 2^64 draws ahead.
   * This stream itself does not advance.
   */
  fork(): Rng {
    const g = this.gen.clone();
    g.jump();
    return new Rng(g);
  }
}

/**
 * `count` independent streams from one seed: stream k starts k·2^64 draws into the sequence of the
 * seed. Stream k is the same whatever `count` is, so asking for more streams later keeps the
 * earlier ones unchanged.
 */
export function rngStreams(seed: number, count: number): Rng[] {
  if (!Number.isInteger(count) || count < 0) throw new Error(`rngStreams count: must be an integer ≥ 0, got ${count}`);
  const out: Rng[] = [];
  let g = generatorFromSeed(seed);
  for (let k = 0; k < count; k++) {
    out.push(new Rng(g.clone()));
    g = g.clone();
    g.jump();
  }
  return out;
}
