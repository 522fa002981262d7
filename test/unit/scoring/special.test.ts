import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { digamma, hyp2f1, lnBeta, lnGamma, logAddExp } from '../../../shared/scoring/special.ts';

describe('lnGamma', () => {
  it('is ln √π at ½ and ln((n−1)!) at whole n', () => {
    // Prepare: Γ(½) = √π; Γ(n) = (n − 1)!, with 99! from its decimal expansion ≈ 9.33262154439441e155.
    const cases: [number, number][] = [
      [0.5, Math.log(Math.sqrt(Math.PI))],
      [1, 0],
      [2, 0],
      [3, Math.log(2)],
      [10, Math.log(362880)],
      [100, Math.log(9.33262154439441e155)],
    ];

    // Act
    const values = cases.map(([x]) => lnGamma(x));

    // Assess
    cases.forEach(([, expected], i) => {
      expect(values[i]).toBeCloseTo(expected, 12);
    });
  });

  it('follows Γ(x + 1) = x Γ(x) over the range the models use', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: 1e4, noNaN: true }), (x) => {
        // Act
        const difference = lnGamma(x + 1) - lnGamma(x);

        // Assess
        expect(difference).toBeCloseTo(Math.log(x), 9);
      }),
    );
  });

  it('uses the reflection formula below ½: Γ(−½) = −2√π', () => {
    // Act
    const value = lnGamma(-0.5);

    // Assess
    expect(value).toBeCloseTo(Math.log(2 * Math.sqrt(Math.PI)), 12);
  });

  it('refuses the poles', () => {
    expect(() => lnGamma(0)).toThrow(/undefined/);
    expect(() => lnGamma(-3)).toThrow(/undefined/);
  });
});

describe('lnBeta', () => {
  it('is ln(1/(a·b·…)) for small whole numbers: B(2, 3) = 1/12', () => {
    expect(lnBeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 13);
    expect(lnBeta(0.5, 0.5)).toBeCloseTo(Math.log(Math.PI), 13);
  });
});

describe('digamma', () => {
  const eulerGamma = 0.5772156649015329;

  it('is −γ at 1 and −γ − 2 ln 2 at ½', () => {
    expect(digamma(1)).toBeCloseTo(-eulerGamma, 13);
    expect(digamma(0.5)).toBeCloseTo(-eulerGamma - 2 * Math.log(2), 13);
    // ψ(n) = −γ + Σ_{k<n} 1/k
    expect(digamma(4)).toBeCloseTo(-eulerGamma + 1 + 1 / 2 + 1 / 3, 13);
  });

  it('is the derivative of lnGamma, by central differences', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 500, noNaN: true }), (x) => {
        const h = 1e-5 * Math.max(1, x);
        const slope = (lnGamma(x + h) - lnGamma(x - h)) / (2 * h);
        expect(digamma(x)).toBeCloseTo(slope, 5);
      }),
    );
  });
});

describe('logAddExp', () => {
  it('adds in the log domain without overflow', () => {
    expect(logAddExp(Math.log(2), Math.log(3))).toBeCloseTo(Math.log(5), 14);
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.log(2), 12);
    expect(logAddExp(Number.NEGATIVE_INFINITY, 3)).toBe(3);
  });
});

describe('hyp2f1', () => {
  it('matches the closed forms of 2F1', () => {
    // Prepare: Abramowitz & Stegun 15.1.3–15.1.6 and the binomial series.
    const z = 0.6;
    const cases: [string, number, number][] = [
      ['2F1(1, 1; 2; z) = −ln(1 − z)/z', hyp2f1(1, 1, 2, z), -Math.log(1 - z) / z],
      ['2F1(a, b; b; z) = (1 − z)^−a', hyp2f1(0.37, 2.5, 2.5, z), (1 - z) ** -0.37],
      ['2F1(½, 1; 3/2; −z²) = arctan(z)/z', hyp2f1(0.5, 1, 1.5, -(z * z)), Math.atan(z) / z],
      ['2F1(½, ½; 3/2; z²) = arcsin(z)/z', hyp2f1(0.5, 0.5, 1.5, z * z), Math.asin(z) / z],
      ['2F1(1, 1; 2; −z) = ln(1 + z)/z', hyp2f1(1, 1, 2, -z), Math.log(1 + z) / z],
    ];

    // Assess
    for (const [name, value, expected] of cases) {
      expect(value, name).toBeCloseTo(expected, 12);
    }
  });

  it('stays accurate close to z = 1, where the series is slow', () => {
    // Act
    const value = hyp2f1(1, 1, 2, 0.995);

    // Assess
    expect(value).toBeCloseTo(-Math.log(0.005) / 0.995, 10);
  });

  it('is 1 at z = 0 and refuses |z| ≥ 1', () => {
    expect(hyp2f1(3, 4, 5, 0)).toBe(1);
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(/\|z\| < 1/);
  });
});
