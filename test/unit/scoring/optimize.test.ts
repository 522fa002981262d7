import { describe, expect, it } from 'vitest';
import { fitOnLogScale, minimize, minimizeBfgs } from '../../../shared/scoring/optimize.ts';

describe('minimize (Nelder–Mead)', () => {
  it('finds the minimum of the Rosenbrock function at (1, 1)', () => {
    // Prepare
    const rosenbrock = ([x = 0, y = 0]: readonly number[]) => 100 * (y - x * x) ** 2 + (1 - x) ** 2;

    // Act
    const minimum = minimize(rosenbrock, [-1.2, 1]);

    // Assess
    expect(minimum.converged).toBe(true);
    expect(minimum.point[0]).toBeCloseTo(1, 5);
    expect(minimum.point[1]).toBeCloseTo(1, 5);
    expect(minimum.value).toBeLessThan(1e-10);
  });

  it('finds the centre of a four-dimensional quadratic bowl', () => {
    // Prepare
    const centre = [3, -1, 0.5, 10];
    const bowl = (point: readonly number[]) =>
      point.reduce((sum, value, i) => sum + (i + 1) * (value - (centre[i] as number)) ** 2, 0);

    // Act
    const minimum = minimize(bowl, [0, 0, 0, 0]);

    // Assess
    minimum.point.forEach((value, i) => {
      expect(value).toBeCloseTo(centre[i] as number, 5);
    });
  });

  it('never accepts points the function rejects', () => {
    // Prepare: defined for x > 0 only, minimum at x = 2.
    const f = ([x = 0]: readonly number[]) => (x > 0 ? (x - 2) ** 2 : Number.NaN);

    // Act
    const minimum = minimize(f, [0.1], { initialStep: 5 });

    // Assess
    expect(minimum.point[0]).toBeCloseTo(2, 6);
  });

  it('says when the evaluation budget ran out', () => {
    // Act
    const minimum = minimize(([x = 0, y = 0]) => (x - 5) ** 2 + (y - 5) ** 2, [0, 0], { maxEvaluations: 10 });

    // Assess
    expect(minimum.converged).toBe(false);
  });
});

describe('minimizeBfgs', () => {
  it('finds the minimum of the Rosenbrock function with its gradient', () => {
    // Prepare
    const rosenbrock = ([x = 0, y = 0]: readonly number[]) => ({
      value: 100 * (y - x * x) ** 2 + (1 - x) ** 2,
      gradient: [-400 * x * (y - x * x) - 2 * (1 - x), 200 * (y - x * x)],
    });

    // Act
    const minimum = minimizeBfgs(rosenbrock, [-1.2, 1]);

    // Assess
    expect(minimum.converged).toBe(true);
    expect(minimum.point[0]).toBeCloseTo(1, 6);
    expect(minimum.point[1]).toBeCloseTo(1, 6);
    expect(minimum.evaluations).toBeLessThan(200);
  });

  it('backs off from points where the function is not finite', () => {
    // Prepare: −ln x + x, minimum at x = 1, undefined for x ≤ 0; the first full step overshoots below 0.
    const f = ([x = 0]: readonly number[]) => ({
      value: x > 0 ? -Math.log(x) + x : Number.NaN,
      gradient: [x > 0 ? -1 / x + 1 : Number.NaN],
    });

    // Act
    const minimum = minimizeBfgs(f, [0.01]);

    // Assess
    expect(minimum.point[0]).toBeCloseTo(1, 6);
  });
});

describe('minimize with a relative tolerance', () => {
  it('converges on a function of large magnitude, as sums over a million customers are', () => {
    // Act
    const minimum = minimize(([x = 0, y = 0]) => 1.7e6 + 1e6 * ((x - 1) ** 2 + 3 * (y + 1) ** 2), [0, 0], {
      functionTolerance: 1e-12,
      pointTolerance: 1e-6,
      relativeFunctionTolerance: true,
    });

    // Assess
    expect(minimum.converged).toBe(true);
    expect(minimum.point[0]).toBeCloseTo(1, 5);
    expect(minimum.point[1]).toBeCloseTo(-1, 5);
  });
});

describe('fitOnLogScale', () => {
  it('falls back to Nelder–Mead from where BFGS stalled', () => {
    // Prepare: a gradient pointing uphill, so that no BFGS step is accepted.
    const f = ([x = 0, y = 0]: readonly number[]) => ({
      value: (x - 1) ** 2 + (y + 2) ** 2,
      gradient: [-2 * (x - 1), -2 * (y + 2)],
    });

    // Act
    const minimum = fitOnLogScale(f, [0, 0], 'test');

    // Assess
    expect(minimum.point[0]).toBeCloseTo(1, 5);
    expect(minimum.point[1]).toBeCloseTo(-2, 5);
  });
});
