import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnalyticsLake, analyticsLake, event } from './analytics-lake.ts';

const google = { utm_source: 'google', utm_medium: 'cpc', utm_campaign: 'brand' };
const newsletter = { utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'black_friday' };

/**
 * With the default 30-minute timeout, by hand:
 * - alice  S1 09:00 Home (google) · 09:10 Shoes · 09:25 Product Viewed (google again: no split) · 09:40 Home
 *             → 2026-11-02, 2400 s, 4 events, 3 pages
 *          S2 10:15 Home (35 min later)                               → 11-02, 0 s, 1 event, 1 page: a bounce
 *          S3 10:20 Sale (newsletter: a new campaign) · 10:21 Order Completed → 11-02, 60 s, 2 events, 1 page
 * - bob (anonymous) S1 11-02 23:50 Home · 11-03 00:10 Shoes (20 min, across midnight)
 *                                                                      → 11-02, 1200 s, 2 events, 2 pages
 *          S2 11-03 12:00 Home                                         → 11-03, 0 s, bounce
 * - carol  identify at 08:00:00 (not activity) · S1 08:00:30 Signed Up · 08:29:30 Home (29 min)
 *                                                                      → 11-03, 1740 s, 2 events, 1 page
 *          S2 08:59:31 Home (30 min 1 s later)                         → 11-03, 0 s, bounce
 * - dave   10-31, before the range: not read.
 */
const events = [
  event('alice', '2026-11-02T09:00:00Z', 'page', 'Home', google),
  event('alice', '2026-11-02T09:10:00Z', 'page', 'Shoes'),
  event('alice', '2026-11-02T09:25:00Z', 'track', 'Product Viewed', google),
  event('alice', '2026-11-02T09:40:00Z', 'page', 'Home'),
  event('alice', '2026-11-02T10:15:00Z', 'page', 'Home'),
  event('alice', '2026-11-02T10:20:00Z', 'page', 'Sale', newsletter),
  event('alice', '2026-11-02T10:21:00Z', 'track', 'Order Completed'),
  event('anon:bob', '2026-11-02T23:50:00Z', 'page', 'Home'),
  event('anon:bob', '2026-11-03T00:10:00Z', 'page', 'Shoes'),
  event('anon:bob', '2026-11-03T12:00:00Z', 'page', 'Home'),
  event('carol', '2026-11-03T08:00:00Z', 'identify', null),
  event('carol', '2026-11-03T08:00:30Z', 'track', 'Signed Up'),
  event('carol', '2026-11-03T08:29:30Z', 'page', 'Home'),
  event('carol', '2026-11-03T08:59:31Z', 'page', 'Home'),
  event('dave', '2026-10-31T12:00:00Z', 'page', 'Home'),
];

describe('sessions analysis', () => {
  let lake: AnalyticsLake;

  beforeAll(async () => {
    lake = await analyticsLake(events);
  });

  afterAll(async () => {
    await lake.close();
  });

  it('splits on 30 minutes of inactivity and on a new campaign, per day of the session start', async () => {
    // Act
    const result = await lake.run('sessions', { from: '2026-11-01', to: '2026-11-30' });

    // Assess
    expect(result.rows).toEqual([
      {
        period: '2026-11-02',
        // alice S1, S2, S3 and bob S1, of 2 profiles
        sessions: 4,
        profiles: 2,
        // (2400 + 0 + 60 + 1200) / 4 = 915; median of 0, 60, 1200, 2400 = (60 + 1200) / 2 = 630
        avg_duration_seconds: 915,
        median_duration_seconds: 630,
        // pages (3 + 1 + 1 + 2) / 4 = 1.75; events (4 + 1 + 2 + 2) / 4 = 2.25
        pages_per_session: 1.75,
        events_per_session: 2.25,
        // alice S2; 1 / 4
        bounces: 1,
        bounce_rate: 0.25,
      },
      {
        period: '2026-11-03',
        // bob S2, carol S1 and S2
        sessions: 3,
        profiles: 2,
        // (0 + 1740 + 0) / 3 = 580; median of 0, 0, 1740 = 0
        avg_duration_seconds: 580,
        median_duration_seconds: 0,
        // pages (1 + 1 + 1) / 3 = 1; events (1 + 2 + 1) / 3
        pages_per_session: 1,
        events_per_session: 4 / 3,
        // bob S2 and carol S2
        bounces: 2,
        bounce_rate: 2 / 3,
      },
    ]);
  });

  it('follows the timeout parameter and counts by week', async () => {
    // Act
    const result = await lake.run('sessions', {
      from: '2026-11-01',
      to: '2026-11-30',
      timeout_minutes: '40',
      grain: 'week',
    });

    // Assess: with 40 minutes alice's S1 and S2 merge (35 min gap) and carol's two do (30 min 1 s): alice 2,
    // bob 2, carol 1 sessions, all in the week of Monday 2026-11-02
    expect(result.rows).toHaveLength(1);
    expect(result.rows[0]).toMatchObject({ period: '2026-11-02', sessions: 5, profiles: 3 });
  });

  it('reads only the days asked for', async () => {
    // Act
    const result = await lake.run('sessions', { from: '2026-11-03', to: '2026-11-03' });

    // Assess: bob's 11-03 00:10 event starts a session of its own once 11-02 is not read
    expect(result.rows).toEqual([
      expect.objectContaining({ period: '2026-11-03', sessions: 4, profiles: 2, bounces: 3 }),
    ]);
  });
});
