/**
 * Association rules on arules' Groceries data (../shared/datasets/groceries/: 9,835 transactions, 169 items),
 * run end to end: one Order Completed per transaction in a lake, the association analysis on DuckDB (the SQL
 * builds the baskets, FP-growth mines them). Checked against counting by brute force, and against the figures
 * arules publishes.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frequentItemsets } from '../../../shared/analytics/frequent-itemsets.ts';
import type { QueryResult } from '../../../shared/ports.ts';
import { datasetPath } from '../../fixtures/datasets.ts';
import { type AnalyticsLake, analyticsLake, event } from './analytics-lake.ts';

const datasetFile = datasetPath('groceries', 'groceries.csv');
/** From ../shared/datasets/README.md. */
const datasetSha256 = 'ff1be892fd6b9b57d1a7bc50de067798963dda607619645988b21789bf23ae3b';

const text = readFileSync(datasetFile, 'utf8');
// One transaction per line, items comma-separated; two labels end in a space, as in arules: keep it.
const transactions = text
  .split('\n')
  .filter((line) => line !== '')
  .map((line) => line.split(','));
const n = transactions.length;
/** ceil(0.01 × 9835) = ceil(98.35) = 99. */
const minCountAt1Percent = 99;
let counted: Map<string, number> | undefined;
/** The brute-force itemsets at support 0.01, counted once for the tests that need them. */
const countedAt1Percent = () => {
  counted ??= bruteForceItemsets(minCountAt1Percent);
  return counted;
};

describe('association rules on the Groceries data', () => {
  let lake: AnalyticsLake;

  beforeAll(async () => {
    lake = await analyticsLake(
      transactions.map((items, i) =>
        event(`c${i % 500}`, '2026-11-02T12:00:00Z', 'track', 'Order Completed', {
          properties: JSON.stringify({
            order_id: `t${i}`,
            products: items.map((item) => ({ product_id: item })),
          }),
        }),
      ),
    );
  });

  afterAll(async () => {
    await lake.close();
  });

  it('reads the dataset the README describes', () => {
    // Assess
    expect(createHash('sha256').update(text).digest('hex')).toBe(datasetSha256);
    expect(n).toBe(9835);
    expect(new Set(transactions.flat()).size).toBe(169);
    expect(transactions.flat()).toHaveLength(43_367);
  });

  it('finds at support 0.01 exactly the itemsets that counting every subset finds', () => {
    // Prepare
    const counted = countedAt1Percent();

    // Act: the same FP-growth the analysis runs, on the transactions as baskets of count 1
    const found = frequentItemsets(
      transactions.map((items) => ({ items, count: 1 })),
      { minCount: minCountAt1Percent, maxLength: 100 },
    );

    // Assess
    expect(new Map(found.map((set) => [set.items.join('|'), set.count]))).toEqual(counted);
    expect(countByLength([...counted.keys()])).toEqual({ 1: 88, 2: 213, 3: 32 });
  });

  it('reports at support 0.01 and confidence 0.3 every rule and only those, each recounted directly', async () => {
    // Prepare
    const expectedRules = rulesFrom(countedAt1Percent(), 0.3);

    // Act
    const result = await lake.run('association', {
      from: '2026-11-02',
      to: '2026-11-02',
      min_support: '0.01',
      min_confidence: '0.3',
      min_lift: '0',
      max_rules: '100000',
    });

    // Assess
    expect(new Set(result.rows.map(ruleKey))).toEqual(new Set(expectedRules));
    expect(result.rows).toHaveLength(125);
    for (const row of result.rows) {
      const antecedent = row.antecedent as string[];
      const consequent = String(row.consequent);
      const both = containing([...antecedent, consequent]);
      const x = containing(antecedent);
      const y = containing([consequent]);
      expect(row.transactions).toBe(both);
      expect(row.support).toBeCloseTo(both / n, 12);
      expect(row.confidence).toBeCloseTo(both / x, 12);
      expect(row.lift).toBeCloseTo(both / x / (y / n), 12);
      expect(row.leverage).toBeCloseTo(both / n - (x / n) * (y / n), 12);
    }
  });

  it("reproduces arules' apriori(Groceries, supp = 0.001, conf = 0.8): 410 rules", async () => {
    // Act: arules' rules have at least one item on the left (its minlen 1 gives none with an empty one at
    // this confidence), so min_length 2; maxlen 10 is arules' default; arules has no lift threshold
    const result: QueryResult = await lake.run('association', {
      from: '2026-11-02',
      to: '2026-11-02',
      min_support: '0.001',
      min_confidence: '0.8',
      min_lift: '0',
      min_length: '2',
      max_length: '10',
      max_rules: '100000',
    });

    // Assess: arules' summary, "set of 410 rules", rule length distribution (lhs + rhs) 3: 29, 4: 229,
    // 5: 140, 6: 12; the rule of highest lift {liquor, red/blush wine} => {bottled beer}, support 0.001931876
    // (19 transactions), confidence 0.9047619, lift 11.235269
    expect(result.rows).toHaveLength(410);
    expect(
      countByLength(result.rows.map((row) => [...(row.antecedent as string[]), String(row.consequent)])),
    ).toEqual({
      3: 29,
      4: 229,
      5: 140,
      6: 12,
    });
    expect(result.rows[0]).toMatchObject({
      antecedent: ['liquor', 'red/blush wine'],
      consequent: 'bottled beer',
      transactions: 19,
    });
    expect(result.rows[0]?.support).toBeCloseTo(0.001931876, 9);
    expect(result.rows[0]?.confidence).toBeCloseTo(0.9047619, 7);
    expect(result.rows[0]?.lift).toBeCloseTo(11.235269, 6);
  });
});

/**
 * Every itemset held by at least `minCount` transactions, by counting each transaction's k-subsets for
 * k = 1, 2, … until no k-itemset is frequent. Only items that are frequent alone can be in a frequent itemset
 * (it is in no more transactions than any of its items), so each transaction is first cut to those.
 */
function bruteForceItemsets(minCount: number): Map<string, number> {
  const frequent = new Map<string, number>();
  const singles = countSubsets(transactions, 1);
  const kept = new Set([...singles].filter(([, count]) => count >= minCount).map(([key]) => key));
  const cut = transactions.map((items) => items.filter((item) => kept.has(item)));
  for (let k = 1; ; k += 1) {
    const counts = countSubsets(cut, k);
    let any = false;
    for (const [key, count] of counts) {
      if (count >= minCount) {
        frequent.set(key, count);
        any = true;
      }
    }
    if (!any) return frequent;
  }
}

function countSubsets(baskets: readonly string[][], k: number): Map<string, number> {
  const counts = new Map<string, number>();
  const visit = (items: readonly string[], start: number, chosen: string[]) => {
    if (chosen.length === k) {
      const key = chosen.join('|');
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return;
    }
    for (let i = start; i <= items.length - (k - chosen.length); i += 1) {
      chosen.push(items[i] ?? '');
      visit(items, i + 1, chosen);
      chosen.pop();
    }
  };
  for (const items of baskets) visit([...items].sort(compareText), 0, []);
  return counts;
}

/** Every rule X ⇒ y (X not empty) of the itemsets with confidence ≥ `minConfidence`, as `x|x=>y`. */
function rulesFrom(itemsets: ReadonlyMap<string, number>, minConfidence: number): string[] {
  const rules: string[] = [];
  for (const [key, count] of itemsets) {
    const items = key.split('|');
    if (items.length < 2) continue;
    for (const consequent of items) {
      const antecedent = items.filter((item) => item !== consequent);
      const antecedentCount = itemsets.get(antecedent.join('|')) ?? Number.NaN;
      if (count / antecedentCount >= minConfidence) rules.push(`${antecedent.join('|')}=>${consequent}`);
    }
  }
  return rules;
}

function ruleKey(row: Readonly<Record<string, unknown>>): string {
  return `${(row.antecedent as string[]).join('|')}=>${String(row.consequent)}`;
}

/** Transactions holding every one of `items`. */
function containing(items: readonly string[]): number {
  return transactions.filter((transaction) => items.every((item) => transaction.includes(item))).length;
}

function countByLength(itemsets: readonly (string | readonly string[])[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const itemset of itemsets) {
    const length = typeof itemset === 'string' ? itemset.split('|').length : itemset.length;
    counts[length] = (counts[length] ?? 0) + 1;
  }
  return counts;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
