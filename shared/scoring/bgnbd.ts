/**
 * The BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way",
 * Marketing Science 24(2)): while alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after
 * each purchase they drop out with probability p ~ Beta(a, b). Fitted by maximum likelihood on sufficient
 * statistics; every prediction takes durations with their unit and converts them to the model's.
 */
import { ModelFitError, ScoringInputError } from './errors.ts';
import type { CustomerSummary } from './history.ts';
import { fitOnLogScale } from './optimize.ts';
import { hyp2f1, logAddExp } from './special.ts';
import { distinctIndex, type PurchaseStatistics, purchaseProblem } from './statistics.ts';
import { type Duration, durationIn, type TimeUnit } from './time.ts';

export interface BgNbdParameters {
  readonly r: number;
  /** In the model's time unit: λ has mean r / α purchases per unit. */
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

export interface BgNbdModel {
  readonly parameters: BgNbdParameters;
  /** The unit of α and of every customer's t_x and T. */
  readonly timeUnit: TimeUnit;
}

export interface BgNbdFit extends BgNbdModel {
  readonly logLikelihood: number;
  readonly customers: number;
  /** Distinct (x, t_x, T) rows the likelihood was evaluated on. */
  readonly rows: number;
  readonly evaluations: number;
}

/**
 * The log-likelihood of the statistics under `parameters` (FHL 2005):
 * L = B(a, b+x)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+T)^(r+x))
 *   + [x > 0] B(a+1, b+x−1)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+t_x)^(r+x)).
 */
export function bgnbdLogLikelihood(
  parameters: BgNbdParameters,
  statistics: PurchaseStatistics,
  /** When given, receives ∂ℓ/∂(r, α, a, b). */
  gradient?: Float64Array,
): number {
  return prepareLikelihood(statistics)(parameters, gradient);
}

/**
 * Maximum-likelihood BG/NBD parameters: BFGS with the analytic gradient on the logs of (r, α, a, b), so every
 * point is feasible, then Nelder–Mead from there should BFGS stall. The time the fit takes grows with the
 * distinct rows of the statistics, not with the customers they stand for.
 */
export function fitBgNbd(statistics: PurchaseStatistics): BgNbdFit {
  if (statistics.customers === 0) throw new ModelFitError('no customers to fit the BG/NBD model to');
  if (!statistics.x.some((x) => x > 0)) {
    throw new ModelFitError('no customer made a repeat purchase: the BG/NBD model cannot be identified');
  }
  const likelihood = prepareLikelihood(statistics);
  let meanT = 0;
  for (let i = 0; i < statistics.x.length; i++) {
    meanT += (statistics.T[i] as number) * (statistics.weight[i] as number);
  }
  meanT /= statistics.customers;
  // Start from r = a = b = 1 and α at the mean age, so that the start does not depend on the time unit.
  const start = [0, Math.log(Math.max(meanT, 1e-6)), 0, 0];
  const parametersAt = (point: readonly number[]) => {
    const [r, alpha, a, b] = point.map(Math.exp) as [number, number, number, number];
    return { r, alpha, a, b };
  };
  const minimum = fitOnLogScale(
    (point) => {
      const parameters = parametersAt(point);
      const gradient = new Float64Array(4);
      const value = likelihood(parameters, gradient);
      // d/d ln θ = θ · d/dθ, and we minimise −ℓ.
      const scale = [parameters.r, parameters.alpha, parameters.a, parameters.b];
      return { value: -value, gradient: scale.map((theta, i) => -(gradient[i] as number) * theta) };
    },
    start,
    'BG/NBD',
  );
  return {
    parameters: parametersAt(minimum.point),
    timeUnit: statistics.unit,
    logLikelihood: -minimum.value,
    customers: statistics.customers,
    rows: statistics.x.length,
    evaluations: minimum.evaluations,
  };
}

/**
 * The likelihood as a function of the parameters, with everything that depends on the data alone computed
 * once: per evaluation it takes one log per distinct x, t_x and T value and one log-sum-exp per row. When
 * `gradient` is given it receives ∂ℓ/∂(r, α, a, b).
 */
function prepareLikelihood(
  statistics: PurchaseStatistics,
): (parameters: BgNbdParameters, gradient?: Float64Array) => number {
  const rows = statistics.x.length;
  const x = Int32Array.from(statistics.x);
  const weight = Float64Array.from(statistics.weight);
  const ages = distinctIndex(statistics.T);
  const recencies = distinctIndex(statistics.tx);
  const maxX = x.reduce((max, value) => Math.max(max, value), 0);
  const lnAge = new Float64Array(ages.values.length);
  const lnRecency = new Float64Array(recencies.values.length);
  const inverseAge = new Float64Array(ages.values.length);
  const inverseRecency = new Float64Array(recencies.values.length);
  const repeat = new Float64Array(maxX + 1);
  const dropout = new Float64Array(maxX + 1);
  // ∂repeat[x]/∂r (without the ln α every row has), ∂/∂a, ∂/∂b.
  const repeatR = new Float64Array(maxX + 1);
  const repeatA = new Float64Array(maxX + 1);
  const repeatB = new Float64Array(maxX + 1);
  return ({ r, alpha, a, b }, gradient) => {
    if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return Number.NEGATIVE_INFINITY;
    for (let j = 0; j < lnAge.length; j++) {
      const value = alpha + (ages.values[j] as number);
      lnAge[j] = Math.log(value);
      inverseAge[j] = 1 / value;
    }
    for (let j = 0; j < lnRecency.length; j++) {
      const value = alpha + (recencies.values[j] as number);
      lnRecency[j] = Math.log(value);
      inverseRecency[j] = 1 / value;
    }
    // repeat[x] = ln[Γ(r+x)/Γ(r)] + r ln α + ln[Γ(b+x)/Γ(b)] − ln[Γ(a+b+x)/Γ(a+b)], by recurrence in x;
    // dropout[x] = ln(a / (b + x − 1)), the second term's extra factor.
    const lnAlpha = Math.log(alpha);
    repeat[0] = r * lnAlpha;
    for (let n = 1; n <= maxX; n++) {
      const k = n - 1;
      repeat[n] = (repeat[k] as number) + Math.log(((r + k) * (b + k)) / (a + b + k));
      dropout[n] = Math.log(a / (b + k));
      repeatR[n] = (repeatR[k] as number) + 1 / (r + k);
      repeatA[n] = (repeatA[k] as number) - 1 / (a + b + k);
      repeatB[n] = (repeatB[k] as number) + 1 / (b + k) - 1 / (a + b + k);
    }
    let total = 0;
    let dr = 0;
    let dAlpha = 0;
    let da = 0;
    let db = 0;
    for (let i = 0; i < rows; i++) {
      const xi = x[i] as number;
      const w = weight[i] as number;
      const shape = r + xi;
      const ageIndex = ages.index[i] as number;
      const alive = -shape * (lnAge[ageIndex] as number);
      if (xi === 0) {
        total += w * ((repeat[0] as number) + alive);
        if (gradient) {
          dr += w * (lnAlpha - (lnAge[ageIndex] as number));
          dAlpha += w * (r / alpha - shape * (inverseAge[ageIndex] as number));
        }
        continue;
      }
      const recencyIndex = recencies.index[i] as number;
      const dropped = (dropout[xi] as number) - shape * (lnRecency[recencyIndex] as number);
      const both = logAddExp(alive, dropped);
      total += w * ((repeat[xi] as number) + both);
      if (gradient) {
        const aliveShare = Math.exp(alive - both);
        const droppedShare = 1 - aliveShare;
        dr +=
          w *
          ((repeatR[xi] as number) +
            lnAlpha -
            aliveShare * (lnAge[ageIndex] as number) -
            droppedShare * (lnRecency[recencyIndex] as number));
        dAlpha +=
          w *
          (r / alpha -
            shape *
              (aliveShare * (inverseAge[ageIndex] as number) +
                droppedShare * (inverseRecency[recencyIndex] as number)));
        da += w * ((repeatA[xi] as number) + droppedShare / a);
        db += w * ((repeatB[xi] as number) - droppedShare / (b + xi - 1));
      }
    }
    if (gradient) {
      gradient[0] = dr;
      gradient[1] = dAlpha;
      gradient[2] = da;
      gradient[3] = db;
    }
    return total;
  };
}

/** A customer's history in the model's unit, checked once. */
function checked(customer: CustomerSummary): CustomerSummary {
  const problem = purchaseProblem(customer.x, customer.tx, customer.T);
  if (problem) throw new ScoringInputError(problem);
  return customer;
}

/**
 * ln of the likelihood's first term (alive at T) and second (left after the last purchase), without the factor
 * they share.
 */
/** The log of the two terms of the individual likelihood: still alive at T, and dropped out after t_x. */
export function likelihoodTerms(
  parameters: BgNbdParameters,
  x: number,
  tx: number,
  T: number,
): { alive: number; dropped: number } {
  const { r, alpha, a, b } = parameters;
  const alive = -(r + x) * Math.log(alpha + T);
  const dropped =
    x === 0 ? Number.NEGATIVE_INFINITY : Math.log(a / (b + x - 1)) - (r + x) * Math.log(alpha + tx);
  return { alive, dropped };
}

/**
 * P(alive at T | x, t_x, T) = 1 / (1 + [x > 0] a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)) (FHL 2005).
 * A customer without repeat purchases is alive for sure: BG/NBD lets customers drop out only after a purchase.
 */
export function probabilityAlive(model: BgNbdModel, customer: CustomerSummary): number {
  const { x, tx, T } = checked(customer);
  const { alive, dropped } = likelihoodTerms(model.parameters, x, tx, T);
  return Math.exp(alive - logAddExp(alive, dropped));
}

/**
 * E[X(T, T+t) | x, t_x, T]: expected purchases in the next `horizon` (FHL 2005),
 * ((a+b+x−1)/(a−1)) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))] · P(alive).
 */
export function expectedPurchases(model: BgNbdModel, customer: CustomerSummary, horizon: Duration): number {
  const { x, tx, T } = checked(customer);
  return conditionalExpectation(model.parameters, x, tx, T, durationIn(horizon, model.timeUnit));
}

/** `expectedPurchases` with the horizon already in the model's unit. */
export function conditionalExpectation(
  parameters: BgNbdParameters,
  x: number,
  tx: number,
  T: number,
  t: number,
): number {
  return expectationCurve(parameters, x, tx, T)(t);
}

/**
 * t ↦ E[X(T, T+t) | x, t_x, T] for one customer, with what does not depend on t computed once (CLV sums the
 * curve at many t).
 */
export function expectationCurve(
  parameters: BgNbdParameters,
  x: number,
  tx: number,
  T: number,
): (t: number) => number {
  const { r, alpha, a, b } = parameters;
  const { alive, dropped } = likelihoodTerms(parameters, x, tx, T);
  const pAlive = Math.exp(alive - logAddExp(alive, dropped));
  const scale = ((a + b + x - 1) / (a - 1)) * pAlive;
  const shape = r + x;
  const c = a + b + x - 1;
  return (t) => {
    if (t === 0) return 0;
    const z = t / (alpha + T + t);
    const tail = Math.exp(shape * Math.log1p(-z)) * hyp2f1(shape, b + x, c, z);
    return scale * (1 - tail);
  };
}

/**
 * P(X(T, T+t) = 0 | x, t_x, T): the chance of no purchase in the next `horizon`. The history and an empty
 * (T, T+t] together have the likelihood of the same history observed until T+t, so this is
 * L(x, t_x, T+t) / L(x, t_x, T) = 1 − P(alive) · (1 − ((α+T)/(α+T+t))^(r+x)); docs/scoring.md derives it.
 */
export function probabilityNoPurchase(
  model: BgNbdModel,
  customer: CustomerSummary,
  horizon: Duration,
): number {
  const { x, tx, T } = checked(customer);
  const t = durationIn(horizon, model.timeUnit);
  const later = likelihoodTerms(model.parameters, x, tx, T + t);
  const now = likelihoodTerms(model.parameters, x, tx, T);
  return Math.exp(logAddExp(later.alive, later.dropped) - logAddExp(now.alive, now.dropped));
}

/**
 * E[X(t)] for a customer who has just made their first purchase (FHL 2005):
 * ((a+b−1)/(a−1)) · [1 − (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t))].
 */
export function expectedPurchasesOfNewCustomer(model: BgNbdModel, horizon: Duration): number {
  const t = durationIn(horizon, model.timeUnit);
  const { r, alpha, a, b } = model.parameters;
  return (
    ((a + b - 1) / (a - 1)) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, t / (alpha + t)))
  );
}
