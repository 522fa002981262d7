import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnalyticsLake, analyticsLake, event } from './analytics-lake.ts';

/**
 * Weeks from Monday: W0 = 11-02..11-08, W1 = 11-09..11-15, W2 = 11-16..11-22, W3 = 11-23..11-29.
 * - r1 first seen 11-02 (W0), back 11-10 (W1, an order) and 11-24 (W3, an order)
 * - r2 first seen 11-04 (W0, an order), back 11-05 (W0) and 11-18 (W2)
 * - r3 first seen 11-09 (W1), back 11-16 and 11-17 (both W2: counted once)
 * - r4 seen 11-10 (W1) only
 * - r5 seen 10-30, before the range (not read), and 11-03: first seen in W0 as far as the range tells
 */
const events = [
  event('r1', '2026-11-02T10:00:00Z', 'page', 'Home'),
  event('r1', '2026-11-10T10:00:00Z', 'track', 'Order Completed'),
  event('r1', '2026-11-24T10:00:00Z', 'track', 'Order Completed'),
  event('r2', '2026-11-04T10:00:00Z', 'track', 'Order Completed'),
  event('r2', '2026-11-05T10:00:00Z', 'page', 'Home'),
  event('r2', '2026-11-18T10:00:00Z', 'page', 'Home'),
  event('r3', '2026-11-09T10:00:00Z', 'page', 'Home'),
  event('r3', '2026-11-16T10:00:00Z', 'page', 'Home'),
  event('r3', '2026-11-17T10:00:00Z', 'page', 'Shoes'),
  event('r4', '2026-11-10T10:00:00Z', 'page', 'Home'),
  event('r5', '2026-10-30T10:00:00Z', 'page', 'Home'),
  event('r5', '2026-11-03T10:00:00Z', 'page', 'Home'),
];

const november = { from: '2026-11-02', to: '2026-11-29' };

describe('retention analysis', () => {
  let lake: AnalyticsLake;

  beforeAll(async () => {
    lake = await analyticsLake(events);
  });

  afterAll(async () => {
    await lake.close();
  });

  it('builds weekly first-seen cohorts and counts the profiles active in each later week', async () => {
    // Act
    const result = await lake.run('retention', november);

    // Assess
    expect(result.rows).toEqual([
      // cohort W0: r1, r2, r5 (3); W0 all 3; W1 r1; W2 r2; W3 r1
      cell('2026-11-02', 3, 0, 3),
      cell('2026-11-02', 3, 1, 1),
      cell('2026-11-02', 3, 2, 1),
      cell('2026-11-02', 3, 3, 1),
      // cohort W1: r3, r4 (2); W1 both; W2 r3
      cell('2026-11-09', 2, 0, 2),
      cell('2026-11-09', 2, 1, 1),
    ]);
  });

  it('builds first-order cohorts with orders as the returning event, up to the periods asked for', async () => {
    // Act
    const result = await lake.run('retention', {
      ...november,
      cohort_event: 'Order Completed',
      return_event: 'Order Completed',
      periods: '2',
    });

    // Assess: r2's first order is in W0, r1's in W1; r1 orders again in W3, period 2 of its cohort, which
    // periods = 2 (periods 0 and 1) leaves out
    expect(result.rows).toEqual([cell('2026-11-02', 1, 0, 1), cell('2026-11-09', 1, 0, 1)]);
  });

  it('builds monthly cohorts', async () => {
    // Act
    const result = await lake.run('retention', { ...november, grain: 'month' });

    // Assess: all five first seen in November, all active in it
    expect(result.rows).toEqual([cell('2026-11-01', 5, 0, 5)]);
  });
});

function cell(cohort: string, size: number, period: number, profiles: number) {
  return { cohort, cohort_size: size, period, profiles, retention: profiles / size };
}
