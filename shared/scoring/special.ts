/**
 * The special functions the models need, small enough to read and checked against closed forms in the tests:
 * log-gamma (Lanczos), log-beta, and the Gauss hypergeometric function 2F1 by its power series.
 */
import { NumericError } from './errors.ts';

/** Lanczos coefficients for g = 7, n = 9 (Godfrey's set): about 15 significant digits for x > 0. */
const lanczosG = 7;
const lanczos = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
] as const;
const halfLogTwoPi = 0.5 * Math.log(2 * Math.PI);

/**
 * ln |Γ(x)|, for real x that is not 0 or a negative integer.
 * @example lnGamma(0.5) // ln √π ≈ 0.5723649429247001
 */
export function lnGamma(x: number): number {
  if (x <= 0 && Number.isInteger(x)) throw new NumericError(`lnGamma is undefined at ${x}`);
  if (x < 0.5) {
    // Reflection: Γ(x) Γ(1 − x) = π / sin(πx).
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  }
  const y = x - 1;
  let sum = lanczos[0];
  for (let i = 1; i < lanczos.length; i++) sum += (lanczos[i] as number) / (y + i);
  const t = y + lanczosG + 0.5;
  return halfLogTwoPi + (y + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export function lnBeta(a: number, b: number): number {
  return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
}

/**
 * ψ(x) = d/dx ln Γ(x), for x > 0: the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10, then the asymptotic series
 * ln x − 1/(2x) − Σ B₂ₖ / (2k x^2k).
 * @example digamma(1) // −γ (Euler's constant) ≈ −0.5772156649015329
 */
export function digamma(x: number): number {
  if (!(x > 0)) throw new NumericError(`digamma is only implemented for x > 0, got ${x}`);
  let shift = 0;
  let y = x;
  while (y < 10) {
    shift -= 1 / y;
    y += 1;
  }
  const inverseSquare = 1 / (y * y);
  const series =
    inverseSquare *
    (1 / 12 -
      inverseSquare *
        (1 / 120 - inverseSquare * (1 / 252 - inverseSquare * (1 / 240 - inverseSquare / 132))));
  return shift + Math.log(y) - 0.5 / y - series;
}

/** ln(e^u + e^v) without overflow. */
export function logAddExp(u: number, v: number): number {
  if (u === Number.NEGATIVE_INFINITY) return v;
  if (v === Number.NEGATIVE_INFINITY) return u;
  return u > v ? u + Math.log1p(Math.exp(v - u)) : v + Math.log1p(Math.exp(u - v));
}

const maxSeriesTerms = 1_000_000;

/**
 * The Gauss hypergeometric function 2F1(a, b; c; z) = Σ (a)ₙ(b)ₙ / ((c)ₙ n!) zⁿ for |z| < 1, summed until a
 * term no longer changes the sum (relative 1e-16) once the terms have started to shrink. The models only call
 * it with z in [0, 1) and positive parameters, where every term is positive; near z = 1 it needs many terms
 * (about 40 / (1 − z)), which is fine for the horizons used in scoring.
 * @example hyp2f1(1, 1, 2, 0.5) // −ln(1 − 0.5) / 0.5 = 2 ln 2
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(Math.abs(z) < 1)) throw new NumericError(`hyp2f1 needs |z| < 1, got z = ${z}`);
  if (c <= 0 && Number.isInteger(c)) throw new NumericError(`hyp2f1 is undefined for c = ${c}`);
  let term = 1;
  let sum = 1;
  for (let n = 0; n < maxSeriesTerms; n++) {
    const ratio = (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    term *= ratio;
    sum += term;
    if (Math.abs(term) <= 1e-16 * Math.abs(sum) && Math.abs(ratio) < 1) return sum;
    if (term === 0) return sum;
  }
  throw new NumericError(`hyp2f1(${a}, ${b}; ${c}; ${z}) did not converge in ${maxSeriesTerms} terms`);
}
