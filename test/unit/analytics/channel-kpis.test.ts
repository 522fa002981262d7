import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnalyticsLake, analyticsLake, event } from './analytics-lake.ts';

const page = (who: string, at: string, channel: string) => event(who, at, 'page', 'Home', { channel });
const order = (who: string, at: string, channel: string) =>
  event(who, at, 'track', 'Order Completed', { channel });

/**
 * The period is 11-16 .. 11-30 (15 days), so the previous one is 11-01 .. 11-15.
 * a: previous: web visit and web order; now: a web visit and two orders recorded on the server channel.
 * b: previous: app visit and app order; now: a web visit, no order.
 * c: now: an app visit and an app order.
 * d: now: a web visit.
 * e: previous: a web visit, no order; nothing now.
 */
const events = [
  page('a', '2026-11-05T10:00:00Z', 'web'),
  order('a', '2026-11-06T10:00:00Z', 'web'),
  page('a', '2026-11-20T10:00:00Z', 'web'),
  order('a', '2026-11-21T10:00:00Z', 'server'),
  order('a', '2026-11-25T10:00:00Z', 'server'),
  page('b', '2026-11-03T10:00:00Z', 'app'),
  order('b', '2026-11-03T10:05:00Z', 'app'),
  page('b', '2026-11-18T10:00:00Z', 'web'),
  page('c', '2026-11-17T10:00:00Z', 'app'),
  order('c', '2026-11-17T10:05:00Z', 'app'),
  page('d', '2026-11-19T10:00:00Z', 'web'),
  page('e', '2026-11-10T10:00:00Z', 'web'),
];

describe('channel_kpis analysis', () => {
  let lake: AnalyticsLake;

  beforeAll(async () => {
    lake = await analyticsLake(events);
  });

  afterAll(async () => {
    await lake.close();
  });

  it('computes conversion, repeat purchase, retention and churn per channel and overall', async () => {
    // Act
    const result = await lake.run('channel_kpis', { from: '2026-11-16', to: '2026-11-30' });

    // Assess, over the people active on each channel (their orders counted on any channel):
    // (all): active a, b, c, d = 4; customers a, c = 2 (1/2); a has 2 orders: 1 repeat (1/2); previous
    //   customers a, b = 2, a ordered again: retained 1, retention 1/2, churn 1/2.
    // web: active a, b, d = 3; customer a (1/3), a repeats (1/1); previously on web a (customer) and e (not):
    //   1 previous customer, retained: retention 1, churn 0.
    // app: active c = 1, customer (1/1), one order (0/1); previously b, a customer who did not come back:
    //   retention 0, churn 1.
    // server: active a (its orders are events on it) = 1, customer, repeats; nobody there before: NULL.
    // (all) first, then by active people, then by name.
    expect(
      result.rows.map((row) => [
        row.channel,
        row.active_profiles,
        row.customers,
        row.conversion_rate,
        row.repeat_customers,
        row.repeat_purchase_rate,
        row.previous_customers,
        row.retained_customers,
        row.retention_rate,
        row.churn_rate,
      ]),
    ).toEqual([
      ['(all)', 4, 2, 0.5, 1, 0.5, 2, 1, 0.5, 0.5],
      ['web', 3, 1, 1 / 3, 1, 1, 1, 1, 1, 0],
      ['app', 1, 1, 1, 0, 0, 1, 0, 0, 1],
      ['server', 1, 1, 1, 1, 1, 0, 0, null, null],
    ]);
  });

  it('takes another event as the conversion: with none in the period every rate over customers is NULL', async () => {
    // Act
    const result = await lake.run('channel_kpis', {
      from: '2026-11-16',
      to: '2026-11-30',
      conversion_event: 'Home',
    });

    // Assess: Home is a page, not a track event, so nobody converts: 0 customers of 4 active, and the
    // repeat and retention rates have no denominator
    const overall = result.rows[0];
    expect([overall?.channel, overall?.customers, overall?.conversion_rate]).toEqual(['(all)', 0, 0]);
    expect([overall?.repeat_purchase_rate, overall?.retention_rate, overall?.churn_rate]).toEqual([
      null,
      null,
      null,
    ]);
  });
});
