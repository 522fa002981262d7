/**
 * The Gamma-Gamma model of spend per purchase (Fader, Hardie & Lee 2005, "RFM and CLV: Using Iso-Value Curves
 * for Customer Base Analysis", JMR 42(4); Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value"): a
 * customer's purchase values are Gamma(p, ν), and ν ~ Gamma(q, γ) across customers. Fitted on repeat buyers'
 * (x, zbar), where zbar is the mean of their x repeat purchase values; it assumes spend does not depend on
 * purchase frequency.
 */

import { ModelFitError, ScoringInputError } from './errors.ts';
import { fitOnLogScale } from './optimize.ts';
import { digamma, lnGamma } from './special.ts';
import type { SpendStatistics } from './statistics.ts';

export interface GammaGammaParameters {
  readonly p: number;
  readonly q: number;
  /** γ (lifetimes calls it v), in currency units. */
  readonly v: number;
}

export interface GammaGammaFit {
  readonly parameters: GammaGammaParameters;
  readonly logLikelihood: number;
  /** Repeat buyers the model was fitted on. */
  readonly customers: number;
  readonly rows: number;
  readonly evaluations: number;
}

/**
 * ln f(zbar | x) summed over the statistics, the density of the mean of x values (Fader & Hardie 2013):
 * f = Γ(px+q) / (Γ(px) Γ(q)) · γ^q · x^(px) · zbar^(px−1) / (γ + x·zbar)^(px+q).
 */
export function gammaGammaLogLikelihood(
  parameters: GammaGammaParameters,
  statistics: SpendStatistics,
  /** When given, receives ∂ℓ/∂(p, q, γ). */
  gradient?: Float64Array,
): number {
  return prepareLikelihood(statistics)(parameters, gradient);
}

/** Maximum-likelihood (p, q, γ): BFGS with the analytic gradient on their logs (see `fitOnLogScale`). */
export function fitGammaGamma(statistics: SpendStatistics): GammaGammaFit {
  if (statistics.customers < 2 || statistics.x.length < 2) {
    throw new ModelFitError('the Gamma-Gamma model needs at least two repeat buyers with different spend');
  }
  const likelihood = prepareLikelihood(statistics);
  let mean = 0;
  for (let i = 0; i < statistics.x.length; i++) {
    mean += (statistics.zbar[i] as number) * (statistics.weight[i] as number);
  }
  mean /= statistics.customers;
  // p = q = 2 puts the population mean spend p·γ/(q−1) at the sample mean.
  const start = [Math.log(2), Math.log(2), Math.log(mean / 2)];
  const parametersAt = (point: readonly number[]) => {
    const [p, q, v] = point.map(Math.exp) as [number, number, number];
    return { p, q, v };
  };
  const minimum = fitOnLogScale(
    (point) => {
      const parameters = parametersAt(point);
      const gradient = new Float64Array(3);
      const value = likelihood(parameters, gradient);
      const scale = [parameters.p, parameters.q, parameters.v];
      return { value: -value, gradient: scale.map((theta, i) => -(gradient[i] as number) * theta) };
    },
    start,
    'Gamma-Gamma',
  );
  return {
    parameters: parametersAt(minimum.point),
    logLikelihood: -minimum.value,
    customers: statistics.customers,
    rows: statistics.x.length,
    evaluations: minimum.evaluations,
  };
}

function prepareLikelihood(
  statistics: SpendStatistics,
): (parameters: GammaGammaParameters, gradient?: Float64Array) => number {
  const rows = statistics.x.length;
  const x = Float64Array.from(statistics.x);
  const zbar = Float64Array.from(statistics.zbar);
  const weight = Float64Array.from(statistics.weight);
  // Per distinct x: Σ weight and Σ weight·x·ln x; over all rows: Σ w·x·ln zbar and Σ w·ln zbar. Each
  // evaluation then needs one log per row only.
  const byX = new Map<number, { weight: number; xLnX: number }>();
  let xLnZbar = 0;
  let lnZbar = 0;
  let totalWeight = 0;
  for (let i = 0; i < rows; i++) {
    const w = weight[i] as number;
    const n = x[i] as number;
    const lnZ = Math.log(zbar[i] as number);
    xLnZbar += w * n * lnZ;
    lnZbar += w * lnZ;
    totalWeight += w;
    const entry = byX.get(n) ?? { weight: 0, xLnX: 0 };
    entry.weight += w;
    entry.xLnX += w * n * Math.log(n);
    byX.set(n, entry);
  }
  const groups = [...byX.entries()];
  return ({ p, q, v }, gradient) => {
    if (!(p > 0 && q > 0 && v > 0)) return Number.NEGATIVE_INFINITY;
    const lnV = Math.log(v);
    const lnGammaQ = lnGamma(q);
    let total = p * xLnZbar - lnZbar + totalWeight * (q * lnV - lnGammaQ);
    let dp = xLnZbar;
    let dq = totalWeight * lnV;
    let dv = (totalWeight * q) / v;
    const digammaQ = gradient ? digamma(q) : 0;
    for (const [n, entry] of groups) {
      total += entry.weight * (lnGamma(p * n + q) - lnGamma(p * n)) + p * entry.xLnX;
      if (gradient) {
        const difference = digamma(p * n + q);
        dp += entry.weight * n * (difference - digamma(p * n)) + entry.xLnX;
        dq += entry.weight * (difference - digammaQ);
      }
    }
    for (let i = 0; i < rows; i++) {
      const n = x[i] as number;
      const w = weight[i] as number;
      const s = v + n * (zbar[i] as number);
      const lnS = Math.log(s);
      total -= w * (p * n + q) * lnS;
      if (gradient) {
        dp -= w * n * lnS;
        dq -= w * lnS;
        dv -= (w * (p * n + q)) / s;
      }
    }
    if (gradient) {
      gradient[0] = dp;
      gradient[1] = dq;
      gradient[2] = dv;
    }
    return total;
  };
}

/**
 * E[Z | x, zbar]: the expected value of the customer's next purchases, a weighted mean of the population mean
 * p·γ/(q−1) and the customer's own zbar (Fader & Hardie 2013): p·(γ + x·zbar) / (p·x + q − 1).
 * With x = 0 it is the population mean. Needs q > 1 (otherwise the mean spend is infinite).
 */
export function expectedSpend(parameters: GammaGammaParameters, x: number, zbar: number): number {
  const { p, q, v } = parameters;
  if (!(q > 1)) throw new ScoringInputError(`the mean spend is infinite when q ≤ 1 (q = ${q})`);
  return x === 0 ? (p * v) / (q - 1) : (p * (v + x * zbar)) / (p * x + q - 1);
}
