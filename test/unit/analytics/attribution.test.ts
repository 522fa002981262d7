import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnalyticsLake, analyticsLake, event } from './analytics-lake.ts';

const order = (who: string, at: string, revenue: number, extra: Record<string, string> = {}) =>
  event(who, at, 'track', 'Order Completed', { properties: JSON.stringify({ revenue }), ...extra });

/**
 * p1: sessions started via email (11-01 10:00), paid search (11-08 10:00) and directly (11-15 10:00), and an
 *     order of 100 at 11-15 10:00 in that last session: three touchpoints, 14, 7 and 0 days old.
 * p2: a session via paid search on 10-01, 40 days before its order of 50 at 11-10 12:00 (beyond the 30-day
 *     lookback), which starts a session of its own, direct: one touchpoint.
 * p3: an order of 70 on 10-20, before `from`: not a conversion of the range.
 */
const events = [
  event('p1', '2026-11-01T10:00:00Z', 'page', 'Home', {
    marketing_channel: 'email',
    utm_source: 'newsletter',
  }),
  event('p1', '2026-11-08T10:00:00Z', 'page', 'Home', {
    marketing_channel: 'paid_search',
    utm_source: 'google',
  }),
  event('p1', '2026-11-15T10:00:00Z', 'page', 'Home', { marketing_channel: 'direct' }),
  order('p1', '2026-11-15T10:05:00Z', 100),
  event('p2', '2026-10-01T12:00:00Z', 'page', 'Home', {
    marketing_channel: 'paid_search',
    utm_source: 'google',
  }),
  order('p2', '2026-11-10T12:00:00Z', 50, { marketing_channel: 'direct' }),
  event('p3', '2026-10-20T09:00:00Z', 'page', 'Home', { marketing_channel: 'email' }),
  order('p3', '2026-10-20T09:01:00Z', 70),
];

const november = { from: '2026-11-01', to: '2026-11-30' };

describe('attribution analysis', () => {
  let lake: AnalyticsLake;

  beforeAll(async () => {
    lake = await analyticsLake(events);
  });

  afterAll(async () => {
    await lake.close();
  });

  it('credits the conversions by each model, with their revenue and share', async () => {
    // Act
    const result = await lake.run('attribution', november);

    // Assess
    // p2's order has its own direct session only (the paid search is 40 days old): 1 to direct in every
    // model. p1's order (n = 3: email, paid_search, direct):
    //   first_touch email 1; last_touch direct 1; linear 1/3 each; position_based 0.4 / 0.2 / 0.4;
    //   time_decay ages 14, 7 and 0 days (+ 5 min) with a 7-day half-life: weights 2^-2, 2^-1, 2^0 (each
    //   × 2^(-5/10080)), so email 0.25 / 1.75 = 1/7, paid_search 2/7, direct 4/7.
    // Revenue: credit × 100 for p1, × 50 for p2; share: credit / 2 conversions.
    const rows = result.rows.map((row) => [
      row.model,
      row.channel,
      round(row.conversions),
      round(row.revenue),
      round(row.share),
    ]);
    expect(rows).toEqual([
      ['first_touch', 'direct', 1, 50, 0.5],
      ['first_touch', 'email', 1, 100, 0.5],
      ['last_touch', 'direct', 2, 150, 1],
      ['linear', 'direct', round(1 + 1 / 3), round(50 + 100 / 3), round((1 + 1 / 3) / 2)],
      ['linear', 'email', round(1 / 3), round(100 / 3), round(1 / 6)],
      ['linear', 'paid_search', round(1 / 3), round(100 / 3), round(1 / 6)],
      ['position_based', 'direct', 1.4, 90, 0.7],
      ['position_based', 'email', 0.4, 40, 0.2],
      ['position_based', 'paid_search', 0.2, 20, 0.1],
      ['time_decay', 'direct', round(1 + 4 / 7), round(50 + 400 / 7), round((1 + 4 / 7) / 2)],
      ['time_decay', 'paid_search', round(2 / 7), round(200 / 7), round(1 / 7)],
      ['time_decay', 'email', round(1 / 7), round(100 / 7), round(1 / 14)],
    ]);
  });

  it('names touchpoints by another column and stops at the lookback', async () => {
    // Act
    const result = await lake.run('attribution', { ...november, by: 'utm_source', lookback_days: '10' });

    // Assess: within 10 days of p1's order only the sessions of 11-08 (google) and 11-15 (no UTM) count
    const firstTouch = result.rows.filter((row) => row.model === 'first_touch');
    expect(firstTouch.map((row) => [row.channel, row.conversions])).toEqual([
      ['(not set)', 1],
      ['google', 1],
    ]);
  });
});

/** To 9 decimals, so that sums of thirds and sevenths compare by value. */
function round(value: unknown): number {
  return Math.round(Number(value) * 1e9) / 1e9;
}
