import { describe, expect, it } from 'vitest';
import { distribution, percentile } from '../../bench/stats.ts';

describe('benchmark statistics', () => {
  it('takes the nearest-rank percentile, a value that was measured', () => {
    // Prepare: 1..100 shuffled; the 50th and 99th smallest are 50 and 99.
    const samples = Array.from({ length: 100 }, (_, index) => ((index * 37) % 100) + 1);

    // Act / Assess
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([4, 1, 3, 2], 50)).toBe(2);
  });

  it('summarises samples as count, mean, p50, p99 and max', () => {
    expect(distribution([3, 1, 2, 10])).toEqual({ count: 4, mean: 4, p50: 2, p99: 10, max: 10 });
  });

  it('reports no values for no samples', () => {
    expect(distribution([])).toEqual({
      count: 0,
      mean: Number.NaN,
      p50: Number.NaN,
      p99: Number.NaN,
      max: Number.NaN,
    });
  });
});
