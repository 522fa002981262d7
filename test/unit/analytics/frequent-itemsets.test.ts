import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { associationRules, frequentItemsets } from '../../../shared/analytics/frequent-itemsets.ts';

describe('frequentItemsets', () => {
  it('counts weighted baskets as that many transactions', () => {
    // Prepare: 3 × {a, b}, 1 × {a}, 2 × {b, c}
    const baskets = [
      { items: ['a', 'b'], count: 3 },
      { items: ['a'], count: 1 },
      { items: ['b', 'c'], count: 2 },
    ];

    // Act
    const found = frequentItemsets(baskets, { minCount: 2, maxLength: 10 });

    // Assess: a 4, b 5, c 2, {a, b} 3, {b, c} 2; {a, c} 0
    expect(sortByItems(found)).toEqual([
      { items: ['a'], count: 4 },
      { items: ['a', 'b'], count: 3 },
      { items: ['b'], count: 5 },
      { items: ['b', 'c'], count: 2 },
      { items: ['c'], count: 2 },
    ]);
  });

  it('stops at maxLength', () => {
    // Prepare
    const baskets = [{ items: ['a', 'b', 'c', 'd'], count: 2 }];

    // Act
    const found = frequentItemsets(baskets, { minCount: 1, maxLength: 2 });

    // Assess: 4 single items and C(4, 2) = 6 pairs
    expect(found.map((set) => set.items.length).sort()).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 2, 2]);
  });

  it('finds exactly the itemsets brute-force counting finds, on any small data', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { maxLength: 6 }), {
          maxLength: 30,
        }),
        fc.integer({ min: 1, max: 5 }),
        (transactions, minCount) => {
          // Act
          const found = frequentItemsets(
            transactions.map((items) => ({ items, count: 1 })),
            { minCount, maxLength: 6 },
          );

          // Assess: every non-empty subset of {a..f}, counted over the transactions
          const expected = new Map<string, number>();
          for (let mask = 1; mask < 64; mask += 1) {
            const items = ['a', 'b', 'c', 'd', 'e', 'f'].filter((_item, bit) => mask & (1 << bit));
            const count = transactions.filter((t) =>
              items.every((item) => (t as string[]).includes(item)),
            ).length;
            if (count >= minCount) expected.set(items.join(''), count);
          }
          expect(new Map(found.map((set) => [set.items.join(''), set.count]))).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('associationRules', () => {
  // 4 transactions: {bread, milk} × 3, {milk} × 1
  const baskets = [
    { items: ['bread', 'milk'], count: 3 },
    { items: ['milk'], count: 1 },
  ];
  const options = { transactions: 4, minCount: 2, minConfidence: 0, minLift: 0, minLength: 2, maxLength: 2 };

  it('measures each rule as arules does', () => {
    // Act
    const rules = associationRules(baskets, options);

    // Assess
    // bread ⇒ milk: 3 of 3 breads have milk: confidence 1, support(milk) = 1, lift 1, leverage 3/4 − 3/4 × 1 = 0,
    //   conviction Infinity: a rule that never fails (here even 0 / 0)
    // milk ⇒ bread: 3 of 4: confidence 0.75, support(bread) 0.75, lift 1, leverage 0.75 − 1 × 0.75 = 0,
    //   conviction (1 − 0.75) / (1 − 0.75) = 1
    expect(rules).toEqual([
      {
        antecedent: ['bread'],
        consequent: 'milk',
        size: 2,
        count: 3,
        support: 0.75,
        confidence: 1,
        lift: 1,
        leverage: 0,
        conviction: Number.POSITIVE_INFINITY,
      },
      {
        antecedent: ['milk'],
        consequent: 'bread',
        size: 2,
        count: 3,
        support: 0.75,
        confidence: 0.75,
        lift: 1,
        leverage: 0,
        conviction: 1,
      },
    ]);
  });

  it('gives rules with an empty antecedent at minLength 1, as arules does', () => {
    // Act
    const rules = associationRules(baskets, { ...options, minLength: 1, maxLength: 1 });

    // Assess: {} ⇒ milk has confidence support(milk) = 1, {} ⇒ bread 0.75; lift 1 both
    expect(rules.map((rule) => [rule.antecedent, rule.consequent, rule.confidence, rule.lift])).toEqual([
      [[], 'milk', 1, 1],
      [[], 'bread', 0.75, 1],
    ]);
  });

  it('drops rules under the confidence or the lift asked for', () => {
    // Act
    const confident = associationRules(baskets, { ...options, minConfidence: 0.8 });
    const lifted = associationRules(baskets, { ...options, minLift: 1.01 });

    // Assess
    expect(confident.map((rule) => rule.consequent)).toEqual(['milk']);
    expect(lifted).toEqual([]);
  });
});

function sortByItems<T extends { items: readonly string[] }>(sets: readonly T[]): T[] {
  return [...sets].sort((a, b) => (a.items.join(',') < b.items.join(',') ? -1 : 1));
}
