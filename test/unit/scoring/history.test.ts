import { describe, expect, it } from 'vitest';
import {
  type PurchaseHistory,
  purchaseHistories,
  snapshotAt,
  zbarCents,
} from '../../../shared/scoring/history.ts';
import { dayNumber } from '../../../shared/scoring/time.ts';

const day = (text: string) => dayNumber(text) as number;

describe('purchaseHistories', () => {
  it('merges a customer’s purchases on one day into one occasion, whatever the input order', () => {
    // Prepare
    const transactions = [
      { customerId: 'a', day: day('2024-01-10'), amount: 5 },
      { customerId: 'a', day: day('2024-01-01'), amount: 10 },
      { customerId: 'a', day: day('2024-01-10'), amount: 2.5 },
      { customerId: 'b', day: day('2024-01-03'), amount: 1 },
    ];

    // Act
    const forwards = purchaseHistories(transactions);
    const backwards = purchaseHistories([...transactions].reverse());

    // Assess
    const a = forwards.find((history) => history.customerId === 'a') as PurchaseHistory;
    expect(a.days).toEqual([day('2024-01-01'), day('2024-01-10')]);
    expect(a.cents).toEqual([1000, 750]);
    expect(a.transactions).toEqual([1, 2]);
    expect(backwards.find((history) => history.customerId === 'a')).toEqual(a);
  });

  it('refuses negative amounts', () => {
    expect(() => purchaseHistories([{ customerId: 'a', day: 0, amount: -1 }])).toThrow(/≥ 0/);
  });
});

describe('snapshotAt', () => {
  const [history] = purchaseHistories(
    [
      { customerId: 'a', day: day('2024-01-01'), amount: 10, attributes: [2] },
      { customerId: 'a', day: day('2024-01-15'), amount: 1.0, attributes: [4] },
      { customerId: 'a', day: day('2024-01-29'), amount: 1.01, attributes: [0] },
      { customerId: 'a', day: day('2024-03-01'), amount: 99, attributes: [100] },
    ],
    1,
  ) as [PurchaseHistory];

  it('summarises the history up to and including the as-of day, in the unit asked for', () => {
    // Act
    const inWeeks = snapshotAt(history, day('2024-02-12'), 'weeks');
    const inDays = snapshotAt(history, day('2024-01-29'), 'days');

    // Assess: first purchase Jan 1, last before Feb 12 on Jan 29 (28 days), Feb 12 is 42 days after Jan 1.
    expect(inWeeks).toMatchObject({ x: 2, tx: 4, T: 6, occasions: 3, daysSinceLast: 14, tenureDays: 42 });
    expect(inWeeks?.zbar).toBeCloseTo(1.005, 12);
    expect(inWeeks?.totalSpend).toBeCloseTo(12.01, 12);
    expect(inWeeks?.attributeMeans).toEqual([2]);
    expect(inDays).toMatchObject({ x: 2, tx: 28, T: 28, daysSinceLast: 0 });
  });

  it('rounds the printed zbar half up on exact cents, where floating point would round 1.005 down', () => {
    // Act
    const snapshot = snapshotAt(history, day('2024-02-12'), 'weeks');

    // Assess: (100 + 101) / 2 = 100.5 cents → 101 cents.
    expect(zbarCents(snapshot as NonNullable<typeof snapshot>)).toBe(1.01);
    expect(Math.round(1.005 * 100) / 100).toBe(1);
  });

  it('gives x = 0 and t_x = 0 to a one-time buyer, and nothing before the first purchase', () => {
    expect(snapshotAt(history, day('2024-01-05'), 'weeks')).toMatchObject({ x: 0, tx: 0, zbar: 0 });
    expect(snapshotAt(history, day('2023-12-31'), 'weeks')).toBeUndefined();
  });
});
