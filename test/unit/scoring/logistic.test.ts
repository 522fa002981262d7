import { describe, expect, it } from 'vitest';
import { fitLogistic, logisticProbability } from '../../../shared/scoring/logistic.ts';

const logit = (p: number) => Math.log(p / (1 - p));

describe('fitLogistic', () => {
  it('finds the closed-form maximum likelihood for one binary feature without a penalty', () => {
    // Prepare: group x = 0 has 3 of 10 positive, group x = 1 has 8 of 10; the MLE reproduces both rates, so
    // β₀ = logit(0.3) and β₁ = logit(0.8) − logit(0.3).
    const rows: number[][] = [];
    const outcomes: boolean[] = [];
    for (let i = 0; i < 10; i++) {
      rows.push([0]);
      outcomes.push(i < 3);
      rows.push([1]);
      outcomes.push(i < 8);
    }

    // Act
    const fit = fitLogistic(rows, outcomes, { l2: 0 });

    // Assess
    expect(fit.intercept).toBeCloseTo(logit(0.3), 9);
    expect(fit.coefficients[0]).toBeCloseTo(logit(0.8) - logit(0.3), 9);
    expect(logisticProbability(fit, [1])).toBeCloseTo(0.8, 9);
  });

  it('stops where the penalised log-likelihood is flat, checked by finite differences', () => {
    // Prepare
    const rows = [
      [0.5, -1],
      [1.5, 0.2],
      [-0.3, 0.7],
      [2.2, -0.4],
      [-1.1, -1.3],
      [0.1, 1.9],
      [1.0, 1.0],
    ];
    const outcomes = [true, true, false, true, false, false, true];
    const l2 = 0.7;
    const objective = (beta: number[]) =>
      rows.reduce((sum, row, i) => {
        const p = logisticProbability({ intercept: beta[0] as number, coefficients: beta.slice(1) }, row);
        return sum + (outcomes[i] ? Math.log(p) : Math.log(1 - p));
      }, 0) -
      (l2 / 2) * ((beta[1] as number) ** 2 + (beta[2] as number) ** 2);

    // Act
    const fit = fitLogistic(rows, outcomes, { l2 });

    // Assess
    const beta = [fit.intercept, ...fit.coefficients];
    for (let j = 0; j < beta.length; j++) {
      const h = 1e-6;
      const up = [...beta];
      const down = [...beta];
      up[j] = (up[j] as number) + h;
      down[j] = (down[j] as number) - h;
      expect((objective(up) - objective(down)) / (2 * h)).toBeCloseTo(0, 6);
    }
  });

  it('keeps the coefficients finite on separable data when penalised', () => {
    // Act
    const fit = fitLogistic([[0], [1], [2], [3]], [false, false, true, true], { l2: 1 });

    // Assess
    expect(Number.isFinite(fit.coefficients[0])).toBe(true);
    expect(fit.coefficients[0]).toBeGreaterThan(0);
  });
});
