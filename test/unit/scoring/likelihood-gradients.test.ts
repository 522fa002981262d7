import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type BgNbdParameters, bgnbdLogLikelihood } from '../../../shared/scoring/bgnbd.ts';
import { readSummaryFile } from '../../../shared/scoring/files.ts';
import { type GammaGammaParameters, gammaGammaLogLikelihood } from '../../../shared/scoring/gamma-gamma.ts';
import { cdnowFiles } from './cdnow-data.ts';

const { purchases, spend } = readSummaryFile(
  readFileSync(cdnowFiles.summaryWithSpend),
  'summary.csv',
  'weeks',
  ['x', 'tx', 'T', 'zbar'],
);

/**
 * Central differences with a step of 1e-5 of each parameter, and how far they may be off: truncation (about
 * h² f‴/6, below 1e-5 of the slope away from the optimum, where the points tested are) plus rounding, about
 * 1e-14 · |ℓ| / h.
 */
function numericGradient<P extends object>(
  f: (parameters: P) => number,
  at: P,
): { value: number; error: number }[] {
  const values = at as Record<string, number>;
  const center = Math.abs(f(at));
  return Object.keys(values).map((name) => {
    const h = 1e-5 * (values[name] as number);
    const up = { ...values, [name]: (values[name] as number) + h } as P;
    const down = { ...values, [name]: (values[name] as number) - h } as P;
    const value = (f(up) - f(down)) / (2 * h);
    return { value, error: 1e-5 * Math.abs(value) + (1e-14 * center) / h };
  });
}

describe('the analytic likelihood gradients the fits use', () => {
  it.each([
    { r: 0.3, alpha: 6, a: 0.6, b: 3 },
    { r: 1.3, alpha: 0.7, a: 2.5, b: 0.4 },
  ])('match central differences of the BG/NBD log-likelihood at %o', (parameters: BgNbdParameters) => {
    // Prepare
    const gradient = new Float64Array(4);

    // Act
    bgnbdLogLikelihood(parameters, purchases, gradient);

    // Assess
    const numeric = numericGradient((p: BgNbdParameters) => bgnbdLogLikelihood(p, purchases), parameters);
    numeric.forEach(({ value, error }, i) => {
      expect(Math.abs((gradient[i] as number) - value)).toBeLessThan(error);
    });
  });

  it.each([
    { p: 5, q: 4.5, v: 12 },
    { p: 1.5, q: 0.8, v: 120 },
  ])(
    'match central differences of the Gamma-Gamma log-likelihood at %o',
    (parameters: GammaGammaParameters) => {
      // Prepare
      const gradient = new Float64Array(3);
      const statistics = spend as NonNullable<typeof spend>;

      // Act
      gammaGammaLogLikelihood(parameters, statistics, gradient);

      // Assess
      const numeric = numericGradient(
        (p: GammaGammaParameters) => gammaGammaLogLikelihood(p, statistics),
        parameters,
      );
      numeric.forEach(({ value, error }, i) => {
        expect(Math.abs((gradient[i] as number) - value)).toBeLessThan(error);
      });
    },
  );
});
