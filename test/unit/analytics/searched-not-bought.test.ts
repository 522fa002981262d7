import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnalyticsLake, analyticsLake, event } from './analytics-lake.ts';

const searched = (who: string, at: string, query: string) =>
  event(who, at, 'track', 'Products Searched', { properties: JSON.stringify({ query }) });

const ordered = (who: string, at: string) =>
  event(who, at, 'track', 'Order Completed', { properties: JSON.stringify({ order_id: `${who}-${at}` }) });

/**
 * p1 searches "Shoes" (11-02) and "hat" (11-03), orders on 11-05: both searches converted within 7 days.
 * p2 searches "shoes" on 11-10 10:00 and orders exactly 10 days later; searches "hat" on 11-29 and orders on
 *    12-03, after `to` but 4 days after the search.
 * p3 orders on 11-04, then searches "SHOES" twice (11-06, 11-07) and orders nothing after.
 * p4 searches "socks" on 12-02, after `to`: not a search of the range; p5 searches an empty query: no term.
 */
const events = [
  searched('p1', '2026-11-02T10:00:00Z', 'Shoes'),
  searched('p1', '2026-11-03T10:00:00Z', 'hat'),
  ordered('p1', '2026-11-05T10:00:00Z'),
  searched('p2', '2026-11-10T10:00:00Z', 'shoes'),
  ordered('p2', '2026-11-20T10:00:00Z'),
  searched('p2', '2026-11-29T10:00:00Z', 'hat'),
  ordered('p2', '2026-12-03T10:00:00Z'),
  ordered('p3', '2026-11-04T10:00:00Z'),
  searched('p3', '2026-11-06T10:00:00Z', 'SHOES'),
  searched('p3', '2026-11-07T10:00:00Z', 'shoes'),
  searched('p4', '2026-12-02T10:00:00Z', 'socks'),
  searched('p5', '2026-11-08T10:00:00Z', ''),
];

const november = { from: '2026-11-01', to: '2026-11-30' };

describe('searched_not_bought analysis', () => {
  let lake: AnalyticsLake;

  beforeAll(async () => {
    lake = await analyticsLake(events);
  });

  afterAll(async () => {
    await lake.close();
  });

  it('counts per search term the searchers who completed no order within the window after a search', async () => {
    // Act
    const result = await lake.run('searched_not_bought', november);

    // Assess (window 7 days):
    // shoes: searches 1 (p1) + 1 (p2) + 2 (p3) = 4 by 3 searchers; only p1 ordered within 7 days (p2 after
    //   10 days, p3 before searching): 1 buyer, 2 did not, 2/3.
    // hat: p1 (ordered 2 days later) and p2 (ordered 4 days later, read past `to`): 2 buyers, 0 did not.
    // socks: after the range; the blank query: no term.
    expect(result.rows).toEqual([
      { term: 'shoes', searches: 4, searchers: 3, buyers: 1, searched_not_bought: 2, not_bought_rate: 2 / 3 },
      { term: 'hat', searches: 2, searchers: 2, buyers: 2, searched_not_bought: 0, not_bought_rate: 0 },
    ]);
  });

  it('counts an order exactly window_days after a search', async () => {
    // Act
    const result = await lake.run('searched_not_bought', { ...november, window_days: '10' });

    // Assess: p2's order, 10 days to the millisecond after the search, now counts: shoes 2 of 3 bought.
    expect(result.rows.map((row) => [row.term, row.buyers, row.searched_not_bought])).toEqual([
      ['shoes', 2, 1],
      ['hat', 2, 0],
    ]);
  });
});
