import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auc, brierScore, calibration } from '../../../shared/scoring/evaluation.ts';

/** The definition itself: over all (positive, negative) pairs, 1 when the positive scores higher, ½ on a tie. */
function pairwiseAuc(scores: readonly number[], positive: readonly boolean[]): number {
  let wins = 0;
  let pairs = 0;
  scores.forEach((s, i) => {
    if (!positive[i]) return;
    scores.forEach((t, j) => {
      if (positive[j]) return;
      pairs++;
      wins += s > t ? 1 : s === t ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

describe('auc', () => {
  it('is the share of positive–negative pairs ranked right, ties counting half', () => {
    // Prepare: pairs (p, n): (0.35, 0.1) right, (0.35, 0.4) wrong, (0.8, 0.1) right, (0.8, 0.4) right → 3/4.
    const scores = [0.1, 0.4, 0.35, 0.8];
    const positive = [false, false, true, true];

    // Act & Assess
    expect(auc(scores, positive)).toBe(0.75);
    expect(auc([1, 1, 1, 1], positive)).toBe(0.5);
    expect(auc([3, 2, 1, 0], positive)).toBe(0);
  });

  it('equals the pairwise count on any data with ties', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.boolean()), { minLength: 2, maxLength: 50 })
          .filter((rows) => rows.some(([, y]) => y) && rows.some(([, y]) => !y)),
        (rows) => {
          const scores = rows.map(([s]) => s);
          const positive = rows.map(([, y]) => y);
          expect(auc(scores, positive)).toBeCloseTo(pairwiseAuc(scores, positive), 12);
        },
      ),
    );
  });

  it('needs both outcomes', () => {
    expect(() => auc([1, 2], [true, true])).toThrow(/positive and one negative/);
  });
});

describe('brierScore and calibration', () => {
  it('compute the Brier score and the reliability bins by hand', () => {
    // Prepare
    const probabilities = [0.05, 0.15, 0.12, 0.95, 1];
    const positive = [false, true, false, true, true];

    // Act
    const result = calibration(probabilities, positive);

    // Assess: Brier = (0.05² + 0.85² + 0.12² + 0.05² + 0²) / 5 = 0.14838.
    expect(brierScore(probabilities, positive)).toBeCloseTo(0.14838, 12);
    expect(result.brier).toBeCloseTo(0.14838, 12);
    expect(result.bins).toEqual([
      { lower: 0, upper: 0.1, count: 1, meanPredicted: 0.05, observedRate: 0 },
      { lower: 0.1, upper: 0.2, count: 2, meanPredicted: expect.closeTo(0.135, 12), observedRate: 0.5 },
      { lower: 0.9, upper: 1, count: 2, meanPredicted: 0.975, observedRate: 1 },
    ]);
    // ECE = 1/5·0.05 + 2/5·0.365 + 2/5·0.025 = 0.166.
    expect(result.expectedCalibrationError).toBeCloseTo(0.166, 12);
  });

  it('refuses probabilities outside [0, 1]', () => {
    expect(() => calibration([1.2], [true])).toThrow(/\[0, 1\]/);
  });
});
