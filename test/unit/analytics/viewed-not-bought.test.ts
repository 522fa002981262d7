import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnalyticsLake, analyticsLake, event } from './analytics-lake.ts';

const viewed = (who: string, at: string, productId: string) =>
  event(who, at, 'track', 'Product Viewed', { properties: JSON.stringify({ product_id: productId }) });

const ordered = (who: string, at: string, productIds: readonly string[]) =>
  event(who, at, 'track', 'Order Completed', {
    properties: JSON.stringify({ products: productIds.map((productId) => ({ product_id: productId })) }),
  });

/**
 * p1 views shoes (11-02) and buys them 3 days later with socks it never viewed; it views a hat (11-03) and
 *    never buys it.
 * p2 views shoes (11-10 10:00) and buys them exactly 10 days later; it views a hat on 11-29 and buys it on
 *    12-03, after `to` but 4 days after the view.
 * p3 buys shoes (11-04) before viewing them twice (11-06, 11-07), and buys nothing after.
 * p4 views socks on 12-02, after `to`: not a view of the range.
 */
const events = [
  viewed('p1', '2026-11-02T10:00:00Z', 'shoes'),
  viewed('p1', '2026-11-03T10:00:00Z', 'hat'),
  ordered('p1', '2026-11-05T10:00:00Z', ['shoes', 'socks']),
  viewed('p2', '2026-11-10T10:00:00Z', 'shoes'),
  ordered('p2', '2026-11-20T10:00:00Z', ['shoes']),
  viewed('p2', '2026-11-29T10:00:00Z', 'hat'),
  ordered('p2', '2026-12-03T10:00:00Z', ['hat']),
  ordered('p3', '2026-11-04T10:00:00Z', ['shoes']),
  viewed('p3', '2026-11-06T10:00:00Z', 'shoes'),
  viewed('p3', '2026-11-07T10:00:00Z', 'shoes'),
  viewed('p4', '2026-12-02T10:00:00Z', 'socks'),
];

const november = { from: '2026-11-01', to: '2026-11-30' };

describe('viewed_not_bought analysis', () => {
  let lake: AnalyticsLake;

  beforeAll(async () => {
    lake = await analyticsLake(events);
  });

  afterAll(async () => {
    await lake.close();
  });

  it('counts per item the viewers who did not buy it within the window after a view', async () => {
    // Act
    const result = await lake.run('viewed_not_bought', november);

    // Assess (window 7 days):
    // shoes: views 1 (p1) + 1 (p2) + 2 (p3) = 4 by 3 viewers; only p1 bought within 7 days (p2 after 10 days,
    //   p3 before viewing): 1 buyer, 2 did not, 2/3.
    // hat: viewed by p1 and p2, p2 bought it 4 days later (read past `to`): 1 buyer, 1 did not, 1/2.
    // socks: bought but viewed only after the range: no row.
    expect(result.rows).toEqual([
      {
        item: 'shoes',
        views: 4,
        viewers: 3,
        buyers: 1,
        viewed_not_bought: 2,
        not_bought_rate: 2 / 3,
      },
      { item: 'hat', views: 2, viewers: 2, buyers: 1, viewed_not_bought: 1, not_bought_rate: 0.5 },
    ]);
  });

  it('counts a purchase exactly window_days after a view, and ranks ties by the rate', async () => {
    // Act
    const result = await lake.run('viewed_not_bought', { ...november, window_days: '10' });

    // Assess: p2's shoes, 10 days to the millisecond after the view, now count: shoes 2 of 3 bought (1/3
    // did not), hat unchanged (1/2); both have 1 viewer who did not buy, so the higher rate (hat) comes first.
    expect(
      result.rows.map((row) => [row.item, row.buyers, row.viewed_not_bought, row.not_bought_rate]),
    ).toEqual([
      ['hat', 1, 1, 0.5],
      ['shoes', 2, 1, 1 / 3],
    ]);
  });
});
