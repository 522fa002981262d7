/**
 * Purchase histories and the per-customer summaries the models read: transactions are merged per customer and
 * day (several purchases on one day are one purchase occasion, as in the BG/NBD literature), and summarised as
 * of a date in an explicit time unit.
 */
import { ScoringInputError } from './errors.ts';
import { daysPerUnit, type TimeUnit } from './time.ts';

export interface Transaction {
  readonly customerId: string;
  /** UTC day number (see `dayNumber`). */
  readonly day: number;
  /** Money spent, in currency units; counted in whole cents (amounts are rounded to cents once, on input). */
  readonly amount: number;
  /** Optional behavioural values of this transaction (e.g. items, sessions), in a fixed order per data set. */
  readonly attributes?: readonly number[];
}

/** One customer's purchase occasions, ascending by day. */
export interface PurchaseHistory {
  readonly customerId: string;
  /** Distinct purchase days, ascending. */
  readonly days: readonly number[];
  /** Cents spent on each of those days (the day's transactions summed). */
  readonly cents: readonly number[];
  /** Transactions on each day, before merging. */
  readonly transactions: readonly number[];
  /** For each attribute, the sum over each day's transactions: `attributeSums[k][i]` is attribute k on day i. */
  readonly attributeSums: readonly (readonly number[])[];
}

/**
 * What the models know about a customer as of a date, in the lifetimes / Fader–Hardie–Lee convention, all times
 * in the unit of the table it belongs to.
 */
export interface CustomerSummary {
  /** Repeat purchase occasions: purchase days after the first, up to and including the as-of date. */
  readonly x: number;
  /** Time from the first to the last purchase day (0 when x = 0). */
  readonly tx: number;
  /** Time from the first purchase day to the as-of date. */
  readonly T: number;
  /** Mean value of the x repeat purchase occasions (exact, not rounded); 0 when x = 0. */
  readonly zbar: number;
}

/** A summary plus what RFM and churn features need, for one customer as of a date. */
export interface CustomerSnapshot extends CustomerSummary {
  readonly customerId: string;
  /** Purchase occasions up to the as-of date, the first included (x + 1). */
  readonly occasions: number;
  /** Days from the last purchase day to the as-of date. */
  readonly daysSinceLast: number;
  /** Days from the first purchase day to the as-of date. */
  readonly tenureDays: number;
  /** Money spent on all occasions up to the as-of date. */
  readonly totalSpend: number;
  /** Cents spent on the x repeat occasions; `zbarCents` rounds their mean as the published summaries do. */
  readonly repeatCents: number;
  /** Per attribute, the mean per transaction up to the as-of date. */
  readonly attributeMeans: readonly number[];
}

/** Collects transactions in any order; `histories()` merges and sorts them per customer. */
export class HistoryBuilder {
  readonly #attributeCount: number;
  readonly #byCustomer = new Map<string, Map<number, number[]>>();

  /** @param attributeCount how many `attributes` every transaction carries. */
  constructor(attributeCount = 0) {
    this.#attributeCount = attributeCount;
  }

  add(transaction: Transaction): void {
    const { customerId, day, amount } = transaction;
    if (!Number.isInteger(day)) throw new ScoringInputError(`day ${day} is not a whole day number`);
    if (!Number.isFinite(amount) || amount < 0) {
      throw new ScoringInputError(`amount ${amount} of customer ${customerId} is not a number ≥ 0`);
    }
    const attributes = transaction.attributes ?? [];
    if (attributes.length !== this.#attributeCount) {
      throw new ScoringInputError(`expected ${this.#attributeCount} attributes, got ${attributes.length}`);
    }
    let days = this.#byCustomer.get(customerId);
    if (!days) {
      days = new Map();
      this.#byCustomer.set(customerId, days);
    }
    // [cents, transactions, ...attribute sums]
    let totals = days.get(day);
    if (!totals) {
      totals = new Array<number>(2 + this.#attributeCount).fill(0);
      days.set(day, totals);
    }
    totals[0] = (totals[0] as number) + Math.round(amount * 100);
    totals[1] = (totals[1] as number) + 1;
    for (let k = 0; k < attributes.length; k++)
      totals[2 + k] = (totals[2 + k] as number) + (attributes[k] as number);
  }

  /** One history per customer, in the order customers were first seen. */
  histories(): PurchaseHistory[] {
    const result: PurchaseHistory[] = [];
    for (const [customerId, byDay] of this.#byCustomer) {
      const days = [...byDay.keys()].sort((u, v) => u - v);
      const totals = days.map((day) => byDay.get(day) as number[]);
      result.push({
        customerId,
        days,
        cents: totals.map((t) => t[0] as number),
        transactions: totals.map((t) => t[1] as number),
        attributeSums: Array.from({ length: this.#attributeCount }, (_, k) =>
          totals.map((t) => t[2 + k] as number),
        ),
      });
    }
    return result;
  }
}

/** The histories of `transactions`, merged per customer and day. */
export function purchaseHistories(
  transactions: Iterable<Transaction>,
  attributeCount = 0,
): PurchaseHistory[] {
  const builder = new HistoryBuilder(attributeCount);
  for (const transaction of transactions) builder.add(transaction);
  return builder.histories();
}

/** How many of the ascending `days` are on or before `day`. */
export function countUpTo(days: readonly number[], day: number): number {
  let low = 0;
  let high = days.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((days[mid] as number) <= day) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * The customer as of the end of `asOfDay` (purchases on that day count), times in `unit`; `undefined` when the
 * first purchase is after it.
 */
export function snapshotAt(
  history: PurchaseHistory,
  asOfDay: number,
  unit: TimeUnit,
): CustomerSnapshot | undefined {
  const occasions = countUpTo(history.days, asOfDay);
  if (occasions === 0) return undefined;
  const first = history.days[0] as number;
  const last = history.days[occasions - 1] as number;
  const x = occasions - 1;
  let repeatCents = 0;
  let totalCents = history.cents[0] as number;
  let transactions = history.transactions[0] as number;
  for (let i = 1; i < occasions; i++) {
    repeatCents += history.cents[i] as number;
    transactions += history.transactions[i] as number;
  }
  totalCents += repeatCents;
  const perUnit = daysPerUnit[unit];
  const attributeMeans = history.attributeSums.map((sums) => {
    let total = 0;
    for (let i = 0; i < occasions; i++) total += sums[i] as number;
    return total / transactions;
  });
  return {
    customerId: history.customerId,
    x,
    tx: (last - first) / perUnit,
    T: (asOfDay - first) / perUnit,
    zbar: x === 0 ? 0 : repeatCents / x / 100,
    occasions,
    daysSinceLast: asOfDay - last,
    tenureDays: asOfDay - first,
    totalSpend: totalCents / 100,
    repeatCents,
    attributeMeans,
  };
}

/**
 * zbar as the published summaries print it (`monetary_value` in lifetimes): the mean of the repeat occasions'
 * values rounded half-up to cents, in exact integer arithmetic; 0 when x = 0.
 */
export function zbarCents(snapshot: Pick<CustomerSnapshot, 'x' | 'repeatCents'>): number {
  const { x, repeatCents } = snapshot;
  return x === 0 ? 0 : Math.floor((2 * repeatCents + x) / (2 * x)) / 100;
}
