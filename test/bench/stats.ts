/** Summary statistics of the benchmark's samples. */

export interface Distribution {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * The nearest-rank percentile: the smallest sample with at least `p` % of the samples at or below it, so the
 * value is always one that was measured.
 * @example percentile([1, 2, 3, 4], 50) // 2
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

export function distribution(samples: readonly number[]): Distribution {
  const sum = samples.reduce((total, sample) => total + sample, 0);
  return {
    count: samples.length,
    mean: samples.length === 0 ? Number.NaN : sum / samples.length,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    max: samples.length === 0 ? Number.NaN : samples.reduce((max, sample) => Math.max(max, sample)),
  };
}

/**
 * A small, fast, seedable PRNG (Mulberry32): the same seed gives the same sequence, so every run of a
 * benchmark generates the same workload.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
