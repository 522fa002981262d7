import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnalyticsLake, analyticsLake, event } from './analytics-lake.ts';

const ordered = (who: string, at: string, productIds: readonly string[]) =>
  event(who, at, 'track', 'Order Completed', {
    properties: JSON.stringify({ products: productIds.map((productId) => ({ product_id: productId })) }),
  });

/**
 * In the range (November): p1 buys shoes (11-02), then socks and laces in one order (11-10); p2 buys shoes
 * and socks in one order (11-05), then a hat (11-25); p3 buys socks (11-15); p4 a hat (11-20); p5 shoes
 * (11-03), then socks (11-04). After it: p1 a hat (12-20), p3 shoes (12-10).
 *
 * N = 5 buyers. people(X): shoes 3 (p1, p2, p5), socks 4 (p1, p2, p3, p5), laces 1 (p1), hat 2 (p2, p4).
 * Later purchases of another item within 30 days of a purchase in the range:
 *   p1 shoes → socks (8 days), shoes → laces (8); not → hat (48 days after the shoes, 40 after socks);
 *      socks and laces were bought together, so neither follows the other.
 *   p2 shoes → hat (20 days), socks → hat (20); shoes and socks together.
 *   p3 socks → shoes (25 days, after `to`, read up to to + 30 days).
 *   p5 shoes → socks (1 day).
 */
const events = [
  ordered('p1', '2026-11-02T10:00:00Z', ['shoes']),
  ordered('p1', '2026-11-10T10:00:00Z', ['socks', 'laces']),
  ordered('p1', '2026-12-20T10:00:00Z', ['hat']),
  ordered('p2', '2026-11-05T10:00:00Z', ['shoes', 'socks']),
  ordered('p2', '2026-11-25T10:00:00Z', ['hat']),
  ordered('p3', '2026-11-15T10:00:00Z', ['socks']),
  ordered('p3', '2026-12-10T10:00:00Z', ['shoes']),
  ordered('p4', '2026-11-20T10:00:00Z', ['hat']),
  ordered('p5', '2026-11-03T10:00:00Z', ['shoes']),
  ordered('p5', '2026-11-04T10:00:00Z', ['socks']),
];

const november = { from: '2026-11-01', to: '2026-11-30' };

describe('purchase_sequences analysis', () => {
  let lake: AnalyticsLake;

  beforeAll(async () => {
    lake = await analyticsLake(events);
  });

  afterAll(async () => {
    await lake.close();
  });

  it('measures each pair X then Y over people: support, confidence and lift', async () => {
    // Act
    const result = await lake.run('purchase_sequences', { ...november, min_people: '1' });

    // Assess: support = people / 5; confidence = people / people(X); lift = confidence / (people(Y) / 5)
    //   shoes → socks: 2 (p1, p5); 2/5; 2/3; (2/3) / (4/5) = 5/6
    //   shoes → hat:   1 (p2);     1/5; 1/3; (1/3) / (2/5) = 5/6
    //   shoes → laces: 1 (p1);     1/5; 1/3; (1/3) / (1/5) = 5/3
    //   socks → hat:   1 (p2);     1/5; 1/4; (1/4) / (2/5) = 5/8
    //   socks → shoes: 1 (p3);     1/5; 1/4; (1/4) / (3/5) = 5/12
    // By people, then confidence, then the names.
    expect(
      result.rows.map((row) => [
        row.antecedent,
        row.consequent,
        row.people,
        row.antecedent_people,
        row.consequent_people,
        row.buyers,
        round(row.support),
        round(row.confidence),
        round(row.lift),
      ]),
    ).toEqual([
      ['shoes', 'socks', 2, 3, 4, 5, 0.4, round(2 / 3), round(5 / 6)],
      ['shoes', 'hat', 1, 3, 2, 5, 0.2, round(1 / 3), round(5 / 6)],
      ['shoes', 'laces', 1, 3, 1, 5, 0.2, round(1 / 3), round(5 / 3)],
      ['socks', 'hat', 1, 4, 2, 5, 0.2, 0.25, 0.625],
      ['socks', 'shoes', 1, 4, 3, 5, 0.2, 0.25, round(5 / 12)],
    ]);
  });

  it('keeps the pairs of at least min_people people (2 by default) within the window', async () => {
    // Act
    const byDefault = await lake.run('purchase_sequences', november);
    const tenDays = await lake.run('purchase_sequences', { ...november, window_days: '10', min_people: '1' });

    // Assess: only shoes → socks has 2 people; within 10 days only p1's shoes → socks, laces (8 days) and
    // p5's shoes → socks (1 day) remain
    expect(byDefault.rows.map((row) => [row.antecedent, row.consequent])).toEqual([['shoes', 'socks']]);
    expect(tenDays.rows.map((row) => [row.antecedent, row.consequent, row.people])).toEqual([
      ['shoes', 'socks', 2],
      ['shoes', 'laces', 1],
    ]);
  });
});

/** To 9 decimals, so that thirds and twelfths compare by value. */
function round(value: unknown): number {
  return Math.round(Number(value) * 1e9) / 1e9;
}
