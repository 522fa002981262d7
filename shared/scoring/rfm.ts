/**
 * RFM: recency, frequency and monetary quintile scores 1–5, and named segments from an ordered rule table.
 *
 * Scores rank customers against each other. A customer's score is 1 + ⌊5 · (customers with a strictly worse
 * value) / (all customers)⌋, so tied customers share a score, the one of the lowest place their tie group
 * occupies ("competition" ranking), and the result does not depend on input order. Recency is reversed: the
 * fewer days since the last purchase, the higher the score (most recent = 5).
 */
import { z } from 'zod';
import { ScoringInputError } from './errors.ts';

export interface RfmInput {
  /** Days from the last purchase to the as-of date. */
  readonly daysSinceLast: number;
  /** Purchase occasions (days with a purchase), the first included. */
  readonly occasions: number;
  /** Money spent on all occasions. */
  readonly totalSpend: number;
}

export interface RfmScores {
  readonly r: number;
  readonly f: number;
  readonly m: number;
}

/**
 * Quintile scores of `values` (higher value, higher score), ties sharing the lower score.
 * @example quintileScores([10, 20, 20, 30, 40]) // [1, 2, 2, 4, 5]
 */
export function quintileScores(values: ArrayLike<number>): Uint8Array {
  const n = values.length;
  const sorted = Float64Array.from(values).sort();
  if (n > 0 && Number.isNaN(sorted[n - 1]))
    throw new ScoringInputError('cannot score a value that is not a number');
  const scores = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    // The customers with a strictly lower value: the first place of this value in the sorted copy.
    const value = values[i] as number;
    let low = 0;
    let high = n;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((sorted[mid] as number) < value) low = mid + 1;
      else high = mid;
    }
    scores[i] = 1 + Math.floor((5 * low) / n);
  }
  return scores;
}

/** r, f and m scores of every customer, in input order. */
export function rfmScores(customers: readonly RfmInput[]): RfmScores[] {
  const r = quintileScores(customers.map((customer) => -customer.daysSinceLast));
  const f = quintileScores(customers.map((customer) => customer.occasions));
  const m = quintileScores(customers.map((customer) => customer.totalSpend));
  return customers.map((_, i) => ({ r: r[i] as number, f: f[i] as number, m: m[i] as number }));
}

const score = z.number().int().min(1).max(5);
const scoreRange = z
  .tuple([score, score])
  .refine(([low, high]) => low <= high, 'a range is [lowest, highest], lowest first');
const averageRange = z
  .tuple([z.number().min(1).max(5), z.number().min(1).max(5)])
  .refine(([low, high]) => low <= high, 'a range is [lowest, highest], lowest first');

/**
 * One row of a segment table: the customer matches when every range given holds (bounds included); a rule with
 * no range matches everyone. `fm` is the mean of the f and m scores (so it moves in halves).
 */
export const segmentRuleSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  r: scoreRange.optional(),
  f: scoreRange.optional(),
  m: scoreRange.optional(),
  fm: averageRange.optional(),
});

/** Rules in order, first match wins; `fallback` names customers no rule matches. */
export const segmentTableSchema = z.strictObject({
  $schema: z.string().optional(),
  rules: z.array(segmentRuleSchema).min(1),
  fallback: z.string().min(1),
});

export type SegmentRule = z.infer<typeof segmentRuleSchema>;
export type SegmentTable = z.infer<typeof segmentTableSchema>;

/**
 * The default table: the eleven segments in wide use (Champions … Lost), on the recency score and the mean of
 * the frequency and monetary scores. Read by rows of R: 4–5 recent, 3 fairly recent, 2 lapsing, 1 long gone.
 * Every (r, f, m) in 1–5 matches a rule (a unit test checks all 125), so the fallback only serves edited tables.
 */
export const defaultSegmentTable: SegmentTable = {
  rules: [
    { name: 'Champions', description: 'bought recently, buy often, spend the most', r: [4, 5], fm: [4, 5] },
    { name: 'New Customers', description: 'bought recently, for the first time', r: [4, 5], f: [1, 1] },
    { name: 'Promising', description: 'fairly recent first-time buyers', r: [3, 3], f: [1, 1] },
    {
      name: 'Loyal Customers',
      description: 'buy again and spend well, recently enough',
      r: [3, 5],
      fm: [3, 5],
    },
    {
      name: 'Potential Loyalists',
      description: 'recent repeat buyers, average frequency and spend',
      r: [4, 5],
    },
    {
      name: 'Need Attention',
      description: 'fairly recent repeat buyers, average spend',
      r: [3, 3],
      fm: [2, 5],
    },
    {
      name: "Can't Lose Them",
      description: 'bought often and spent the most, long gone',
      r: [1, 1],
      fm: [4, 5],
    },
    {
      name: 'At Risk',
      description: 'bought again and spent well, not for a while',
      r: [1, 2],
      f: [2, 5],
      fm: [3, 5],
    },
    { name: 'About to Sleep', description: 'below average and lapsing', r: [2, 3], fm: [1.5, 5] },
    { name: 'Hibernating', description: 'long gone, low frequency and spend', r: [1, 2], fm: [2, 5] },
    { name: 'Lost', description: 'long gone, the lowest frequency and spend', r: [1, 2] },
  ],
  fallback: 'Other',
};

/** Parses and validates a segment table (e.g. the JSON of `--segments`), naming the problem and its place. */
export function parseSegmentTable(input: unknown, where: string): SegmentTable {
  const parsed = segmentTableSchema.safeParse(input);
  if (!parsed.success) {
    throw new ScoringInputError(`${where}: ${z.prettifyError(parsed.error).replace(/\s*\n\s*/g, ' ')}`);
  }
  return parsed.data;
}

/** The name of the first rule the scores match, or the table's fallback. */
export function segmentOf(scores: RfmScores, table: SegmentTable = defaultSegmentTable): string {
  const fm = (scores.f + scores.m) / 2;
  for (const rule of table.rules) {
    if (
      within(scores.r, rule.r) &&
      within(scores.f, rule.f) &&
      within(scores.m, rule.m) &&
      within(fm, rule.fm)
    ) {
      return rule.name;
    }
  }
  return table.fallback;
}

function within(value: number, range: readonly [number, number] | undefined): boolean {
  return range === undefined || (value >= range[0] && value <= range[1]);
}
