/**
 * Customer lifetime value over a horizon: expected purchases from BG/NBD, each worth the Gamma-Gamma expected
 * spend, discounted to the as-of date. Purchases are discounted at the end of the step they fall in:
 * CLV = margin · E[Z] · Σₖ (E[X(tₖ)] − E[X(tₖ₋₁)]) · (1 + d)^(−tₖ in years), tₖ = min(k · step, horizon).
 */
import { type BgNbdModel, expectationCurve } from './bgnbd.ts';
import { ScoringInputError } from './errors.ts';
import { expectedSpend, type GammaGammaParameters } from './gamma-gamma.ts';
import type { CustomerSummary } from './history.ts';
import { purchaseProblem } from './statistics.ts';
import { type Duration, daysPerUnit, daysPerYear, durationIn } from './time.ts';

export interface ClvOptions {
  readonly horizon: Duration;
  /** The yearly discount rate, e.g. 0.1 for 10 % a year (compounded yearly, applied pro rata in time). */
  readonly annualDiscountRate: number;
  /** Purchases are discounted at the end of each step. @default one month (30.4375 days) */
  readonly step?: Duration;
  /** The share of revenue that is profit. @default 1 (CLV in revenue) */
  readonly margin?: number;
}

export const defaultClvStep: Duration = { amount: 1, unit: 'months' };

/** The step ends tₖ in the model's unit and their discount factors, the same for every customer. */
export interface DiscountSchedule {
  readonly times: Float64Array;
  readonly factors: Float64Array;
}

export function discountSchedule(model: BgNbdModel, options: ClvOptions): DiscountSchedule {
  const { annualDiscountRate: rate } = options;
  if (!(rate >= 0 && rate < 10))
    throw new ScoringInputError(`the discount rate must be in [0, 10), got ${rate}`);
  const horizon = durationIn(options.horizon, model.timeUnit);
  const step = durationIn(options.step ?? defaultClvStep, model.timeUnit);
  if (!(horizon > 0) || !(step > 0)) throw new ScoringInputError('the CLV horizon and step must be > 0');
  const steps = Math.ceil(horizon / step - 1e-9);
  const times = new Float64Array(steps);
  const factors = new Float64Array(steps);
  const yearsPerUnit = daysPerUnit[model.timeUnit] / daysPerYear;
  for (let k = 0; k < steps; k++) {
    const t = Math.min((k + 1) * step, horizon);
    times[k] = t;
    factors[k] = (1 + rate) ** (-t * yearsPerUnit);
  }
  return { times, factors };
}

/** Σₖ (E[X(tₖ)] − E[X(tₖ₋₁)]) · factorₖ: the expected purchases in the horizon, discounted. */
export function discountedExpectedPurchases(
  model: BgNbdModel,
  customer: CustomerSummary,
  schedule: DiscountSchedule,
): number {
  const problem = purchaseProblem(customer.x, customer.tx, customer.T);
  if (problem) throw new ScoringInputError(problem);
  return discountAlong(expectationCurve(model.parameters, customer.x, customer.tx, customer.T), schedule)
    .discounted;
}

/**
 * Walks an expectation curve E[X(t)] along a discount schedule: the discounted sum of its increments, and
 * E[X(horizon)] on the way (the schedule's last time is the horizon).
 */
export function discountAlong(
  curve: (t: number) => number,
  schedule: DiscountSchedule,
): { readonly discounted: number; readonly atHorizon: number } {
  let previous = 0;
  let discounted = 0;
  for (let k = 0; k < schedule.times.length; k++) {
    const expected = curve(schedule.times[k] as number);
    discounted += (expected - previous) * (schedule.factors[k] as number);
    previous = expected;
  }
  return { discounted, atHorizon: previous };
}

/** The customer's discounted value over the horizon, in currency units. */
export function customerLifetimeValue(
  model: BgNbdModel,
  spend: GammaGammaParameters,
  customer: CustomerSummary,
  options: ClvOptions,
  schedule: DiscountSchedule = discountSchedule(model, options),
): number {
  const margin = options.margin ?? 1;
  return (
    margin *
    expectedSpend(spend, customer.x, customer.zbar) *
    discountedExpectedPurchases(model, customer, schedule)
  );
}
