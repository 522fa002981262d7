/**
 * Sufficient statistics for fitting: the models' likelihoods depend on a customer only through (x, t_x, T)
 * (BG/NBD) or (x, zbar) (Gamma-Gamma), so customers with equal values are one row with a weight. With times on
 * a day grid the number of distinct rows is bounded by the calendar, not by the number of customers, and so is
 * the fit time.
 */
import { ScoringInputError } from './errors.ts';
import type { TimeUnit } from './time.ts';

/** Distinct (x, t_x, T) with how many customers have them; times in `unit`. */
export interface PurchaseStatistics {
  readonly unit: TimeUnit;
  readonly x: readonly number[];
  readonly tx: readonly number[];
  readonly T: readonly number[];
  readonly weight: readonly number[];
  /** Σ weight. */
  readonly customers: number;
}

/** Distinct (x, zbar) of repeat buyers (x > 0) with their weights. */
export interface SpendStatistics {
  readonly x: readonly number[];
  readonly zbar: readonly number[];
  readonly weight: readonly number[];
  readonly customers: number;
}

/** Accumulates (x, t_x, T) one customer at a time, in constant memory per distinct row. */
export class PurchaseStatisticsBuilder {
  readonly #unit: TimeUnit;
  readonly #rows = new Map<string, number>();
  readonly #x: number[] = [];
  readonly #tx: number[] = [];
  readonly #T: number[] = [];
  readonly #weight: number[] = [];
  #customers = 0;

  constructor(unit: TimeUnit) {
    this.#unit = unit;
  }

  /** Adds `weight` customers with these values; throws `ScoringInputError` for an impossible combination. */
  add(x: number, tx: number, T: number, weight = 1): void {
    const problem = purchaseProblem(x, tx, T);
    if (problem) throw new ScoringInputError(problem);
    const key = `${x}|${tx}|${T}`;
    const row = this.#rows.get(key);
    if (row === undefined) {
      this.#rows.set(key, this.#x.length);
      this.#x.push(x);
      this.#tx.push(x === 0 ? 0 : tx);
      this.#T.push(T);
      this.#weight.push(weight);
    } else {
      this.#weight[row] = (this.#weight[row] as number) + weight;
    }
    this.#customers += weight;
  }

  build(): PurchaseStatistics {
    return {
      unit: this.#unit,
      x: this.#x,
      tx: this.#tx,
      T: this.#T,
      weight: this.#weight,
      customers: this.#customers,
    };
  }
}

/** Why (x, t_x, T) cannot be a customer's history, or `undefined` when it can. */
export function purchaseProblem(x: number, tx: number, T: number): string | undefined {
  if (!Number.isInteger(x) || x < 0) return `x (repeat purchases) must be a whole number ≥ 0, got ${x}`;
  if (!Number.isFinite(T) || T < 0) return `T must be a number ≥ 0, got ${T}`;
  if (!Number.isFinite(tx) || tx < 0) return `t_x (recency) must be a number ≥ 0, got ${tx}`;
  if (tx > T) return `t_x (recency) ${tx} is after T ${T}`;
  if (x === 0 && tx !== 0) return `t_x (recency) must be 0 when x is 0, got ${tx}`;
  return undefined;
}

/** Accumulates repeat buyers' (x, zbar); customers with x = 0 are skipped (they say nothing about spend). */
export class SpendStatisticsBuilder {
  readonly #rows = new Map<string, number>();
  readonly #x: number[] = [];
  readonly #zbar: number[] = [];
  readonly #weight: number[] = [];
  #customers = 0;

  add(x: number, zbar: number, weight = 1): void {
    if (!Number.isInteger(x) || x < 0) {
      throw new ScoringInputError(`x (repeat purchases) must be a whole number ≥ 0, got ${x}`);
    }
    if (x === 0) return;
    if (!Number.isFinite(zbar) || zbar <= 0) {
      throw new ScoringInputError(`the mean repeat purchase value must be > 0 when x > 0, got ${zbar}`);
    }
    const key = `${x}|${zbar}`;
    const row = this.#rows.get(key);
    if (row === undefined) {
      this.#rows.set(key, this.#x.length);
      this.#x.push(x);
      this.#zbar.push(zbar);
      this.#weight.push(weight);
    } else {
      this.#weight[row] = (this.#weight[row] as number) + weight;
    }
    this.#customers += weight;
  }

  /** Rows in (x, zbar) order, so that a fit does not depend on the order customers were added in. */
  build(): SpendStatistics {
    const order = this.#x.map((_, i) => i);
    order.sort(
      (i, j) =>
        (this.#x[i] as number) - (this.#x[j] as number) ||
        (this.#zbar[i] as number) - (this.#zbar[j] as number),
    );
    return {
      x: order.map((i) => this.#x[i] as number),
      zbar: order.map((i) => this.#zbar[i] as number),
      weight: order.map((i) => this.#weight[i] as number),
      customers: this.#customers,
    };
  }
}

/** Distinct values of `values` and, for each element, the index of its value among them. */
export function distinctIndex(values: readonly number[]): { values: Float64Array; index: Int32Array } {
  const byValue = new Map<number, number>();
  const distinct: number[] = [];
  const index = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    let at = byValue.get(value);
    if (at === undefined) {
      at = distinct.length;
      byValue.set(value, at);
      distinct.push(value);
    }
    index[i] = at;
  }
  return { values: Float64Array.from(distinct), index };
}
