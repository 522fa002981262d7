import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  defaultSegmentTable,
  parseSegmentTable,
  quintileScores,
  rfmScores,
  segmentOf,
} from '../../../shared/scoring/rfm.ts';

describe('quintileScores', () => {
  it('splits distinct values into fifths', () => {
    expect([...quintileScores([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])]).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });

  it('gives tied values the score of the lowest place they share', () => {
    // Prepare: 60 % of customers bought once (places 0–5 of 10), so all of them get 1 + ⌊5·0/10⌋ = 1;
    // those who bought twice start at place 6: 1 + ⌊5·6/10⌋ = 4.
    const purchases = [1, 1, 1, 1, 1, 1, 2, 2, 3, 9];

    // Act
    const scores = quintileScores(purchases);

    // Assess
    expect([...scores]).toEqual([1, 1, 1, 1, 1, 1, 4, 4, 5, 5]);
  });

  it('does not depend on the order of the customers', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 60 }),
        fc.integer(),
        (values, seed) => {
          // Prepare: a permutation of the same values.
          const order = values
            .map((_, i) => i)
            .sort((i, j) => ((i * 7919 + seed) % 61) - ((j * 7919 + seed) % 61) || i - j);
          const permuted = order.map((i) => values[i] as number);

          // Act
          const scores = quintileScores(values);
          const permutedScores = quintileScores(permuted);

          // Assess
          order.forEach((i, k) => {
            expect(permutedScores[k]).toBe(scores[i]);
          });
        },
      ),
    );
  });

  it('never gives a higher value a lower score', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 80 }),
        (values) => {
          const scores = quintileScores(values);
          for (let i = 0; i < values.length; i++) {
            for (let j = 0; j < values.length; j++) {
              if ((values[i] as number) > (values[j] as number))
                expect(scores[i]).toBeGreaterThanOrEqual(scores[j] as number);
            }
          }
        },
      ),
    );
  });
});

describe('rfmScores', () => {
  it('gives the most recent buyers the highest recency score', () => {
    // Prepare
    const customers = [0, 10, 20, 30, 40].map((daysSinceLast, i) => ({
      daysSinceLast,
      occasions: i + 1,
      totalSpend: 100 - i,
    }));

    // Act
    const scores = rfmScores(customers);

    // Assess
    expect(scores.map((score) => score.r)).toEqual([5, 4, 3, 2, 1]);
    expect(scores.map((score) => score.f)).toEqual([1, 2, 3, 4, 5]);
    expect(scores.map((score) => score.m)).toEqual([5, 4, 3, 2, 1]);
  });
});

describe('the default segment table', () => {
  const all = [1, 2, 3, 4, 5].flatMap((r) =>
    [1, 2, 3, 4, 5].flatMap((f) => [1, 2, 3, 4, 5].map((m) => ({ r, f, m }))),
  );

  it('names every one of the 125 score combinations with a rule, never the fallback', () => {
    const unmatched = all.filter((scores) => segmentOf(scores) === defaultSegmentTable.fallback);
    expect(unmatched).toEqual([]);
  });

  it('reaches each of the eleven segments', () => {
    const reached = new Set(all.map((scores) => segmentOf(scores)));
    expect([...reached].sort()).toEqual(
      [
        'About to Sleep',
        'At Risk',
        "Can't Lose Them",
        'Champions',
        'Hibernating',
        'Lost',
        'Loyal Customers',
        'Need Attention',
        'New Customers',
        'Potential Loyalists',
        'Promising',
      ].sort(),
    );
  });

  it.each([
    [5, 5, 5, 'Champions'],
    [5, 1, 3, 'New Customers'],
    [3, 4, 3, 'Loyal Customers'],
    [4, 2, 2, 'Potential Loyalists'],
    [3, 1, 5, 'Promising'],
    [3, 2, 2, 'Need Attention'],
    [3, 2, 1, 'About to Sleep'],
    [1, 5, 4, "Can't Lose Them"],
    [2, 4, 4, 'At Risk'],
    [1, 2, 2, 'Hibernating'],
    [1, 1, 2, 'Lost'],
  ])('puts r=%d f=%d m=%d in %s', (r, f, m, segment) => {
    expect(segmentOf({ r, f, m })).toBe(segment);
  });
});

describe('segment tables from JSON', () => {
  it('apply their rules in order, first match wins, then the fallback', () => {
    // Prepare
    const table = parseSegmentTable(
      {
        rules: [
          { name: 'VIP', m: [5, 5] },
          { name: 'Recent', r: [4, 5] },
        ],
        fallback: 'Everyone else',
      },
      'rules.json',
    );

    // Act & Assess
    expect(segmentOf({ r: 5, f: 1, m: 5 }, table)).toBe('VIP');
    expect(segmentOf({ r: 5, f: 1, m: 1 }, table)).toBe('Recent');
    expect(segmentOf({ r: 1, f: 1, m: 1 }, table)).toBe('Everyone else');
  });

  it('are refused with the place of the problem', () => {
    expect(() =>
      parseSegmentTable({ rules: [{ name: 'X', r: [4, 2] }], fallback: 'Y' }, 'rules.json'),
    ).toThrow(/rules\.json: .*lowest first.*rules\[0\]\.r/);
    expect(() => parseSegmentTable({ rules: [{ name: 'X', r: [0, 2] }] }, 'rules.json')).toThrow(/fallback/);
    expect(() =>
      parseSegmentTable({ rules: [{ name: 'X', recency: [1, 2] }], fallback: 'Y' }, 'rules.json'),
    ).toThrow(/recency/);
  });
});
