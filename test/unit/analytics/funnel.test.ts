import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnalyticsLake, analyticsLake, event } from './analytics-lake.ts';

const email = { marketing_channel: 'email' };
const search = { marketing_channel: 'paid_search' };

/**
 * Steps Product Viewed → Product Added → Order Completed, entries from 2026-11-01 to 2026-11-10:
 * - f1 viewed 11-02 10:00 (email), added 10:05, ordered 10:30                      → all three steps
 * - f2 viewed 11-03 09:00 (paid search), a Cart page 09:01, added 09:02, ordered 11-20, 17 days after the
 *   entry (beyond the 14-day window)                                                → two steps
 * - f3 added 11-04 11:00 before viewing at 12:00, ordered 11-05 without adding again → the first step only
 * - f4 viewed 11-08 08:00 (email), added 08:10, ordered 11-12 08:10, after `to` but 4 days into the window
 *                                                                                   → all three steps
 * - f5 viewed 11-12, after `to`: not an entry. f6 viewed 10-30, before `from`, and added 11-02: not an entry.
 */
const events = [
  event('f1', '2026-11-02T10:00:00Z', 'track', 'Product Viewed', email),
  event('f1', '2026-11-02T10:05:00Z', 'track', 'Product Added'),
  event('f1', '2026-11-02T10:30:00Z', 'track', 'Order Completed'),
  event('f2', '2026-11-03T09:00:00Z', 'track', 'Product Viewed', search),
  event('f2', '2026-11-03T09:01:00Z', 'page', 'Cart'),
  event('f2', '2026-11-03T09:02:00Z', 'track', 'Product Added'),
  event('f2', '2026-11-20T09:00:00Z', 'track', 'Order Completed'),
  event('f3', '2026-11-04T11:00:00Z', 'track', 'Product Added'),
  event('f3', '2026-11-04T12:00:00Z', 'track', 'Product Viewed'),
  event('f3', '2026-11-05T12:00:00Z', 'track', 'Order Completed'),
  event('f4', '2026-11-08T08:00:00Z', 'track', 'Product Viewed', email),
  event('f4', '2026-11-08T08:10:00Z', 'track', 'Product Added'),
  event('f4', '2026-11-12T08:10:00Z', 'track', 'Order Completed'),
  event('f5', '2026-11-12T08:00:00Z', 'track', 'Product Viewed'),
  event('f6', '2026-10-30T08:00:00Z', 'track', 'Product Viewed'),
  event('f6', '2026-11-02T08:00:00Z', 'track', 'Product Added'),
];

const funnel = {
  from: '2026-11-01',
  to: '2026-11-10',
  steps: 'Product Viewed,Product Added,Order Completed',
};

describe('funnel analysis', () => {
  let lake: AnalyticsLake;

  beforeAll(async () => {
    lake = await analyticsLake(events);
  });

  afterAll(async () => {
    await lake.close();
  });

  it('counts the profiles reaching each step in order within the window, with the time between steps', async () => {
    // Act
    const result = await lake.run('funnel', funnel);

    // Assess
    expect(result.rows).toEqual([
      // f1, f2, f3, f4 entered
      step('all', 1, 'Product Viewed', 4, 1, null, null, null),
      // f1, f2, f4 added: 3 of 4; from viewing: f1 300 s, f2 120 s, f4 600 s → median 300
      step('all', 2, 'Product Added', 3, 0.75, 0.75, 1, 300),
      // f1, f4 ordered: 2 of 4, 2 of 3; from adding: f1 1500 s, f4 4 days = 345600 s → median (1500 + 345600) / 2
      step('all', 3, 'Order Completed', 2, 0.5, 2 / 3, 1, 173_550),
    ]);
  });

  it('requires each step to be the very next event when strict', async () => {
    // Act
    const result = await lake.run('funnel', { ...funnel, ordering: 'strict' });

    // Assess: f2's Cart page comes between viewing and adding, so only f1 and f4 go on
    expect(result.rows.map((row) => [row.step, row.profiles])).toEqual([
      [1, 4],
      [2, 2],
      [3, 2],
    ]);
  });

  it('ends the conversion window window_days after the entry', async () => {
    // Act
    const result = await lake.run('funnel', { ...funnel, window_days: '1' });

    // Assess: f4 ordered 4 days after viewing, beyond 1 day
    expect(result.rows.map((row) => row.profiles)).toEqual([4, 3, 1]);
  });

  it('breaks the funnel down by the marketing channel of the entry event', async () => {
    // Act
    const result = await lake.run('funnel', { ...funnel, breakdown: 'marketing_channel' });

    // Assess: email f1, f4; paid_search f2; f3 without a channel
    expect(
      result.rows.map((row) => [row.segment, row.step, row.profiles, row.dropped_from_previous]),
    ).toEqual([
      ['(not set)', 1, 1, null],
      ['(not set)', 2, 0, 1],
      ['(not set)', 3, 0, 0],
      ['email', 1, 2, null],
      ['email', 2, 2, 0],
      ['email', 3, 2, 0],
      ['paid_search', 1, 1, null],
      ['paid_search', 2, 1, 0],
      ['paid_search', 3, 0, 1],
    ]);
  });
});

function step(
  segment: string,
  number: number,
  name: string,
  profiles: number,
  fromStart: number,
  fromPrevious: number | null,
  dropped: number | null,
  medianSeconds: number | null,
) {
  return {
    segment,
    step: number,
    step_name: name,
    profiles,
    conversion_from_start: fromStart,
    conversion_from_previous: fromPrevious,
    dropped_from_previous: dropped,
    median_seconds_from_previous: medianSeconds,
  };
}
