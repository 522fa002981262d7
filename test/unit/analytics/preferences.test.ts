import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareAnalysis } from '../../../shared/analytics/run.ts';
import { type AnalyticsLake, analyticsLake, event, today } from './analytics-lake.ts';

const viewed = (who: string, at: string, category: string) =>
  event(who, at, 'track', 'Product Viewed', { properties: JSON.stringify({ category }) });

const ordered = (who: string, at: string, categories: readonly string[]) =>
  event(who, at, 'track', 'Order Completed', {
    properties: JSON.stringify({ products: categories.map((category) => ({ category })) }),
  });

const identified = (who: string, at: string, plan: string) =>
  event(who, at, 'identify', null, { traits: JSON.stringify({ plan }) });

/**
 * The range ends on 11-30, so ages run to 12-01 00:00. With a 10-day half-life an interaction at 11-21 00:00
 * weighs 1/2, at 11-11 1/4, at 11-01 1/8; an order 5 times that (one weight per distinct category).
 * p1 (first visit via email; plan gold, then silver): views footwear and hats at 11-21 (1/2 each), an order of
 *    two footwear lines at 11-11 (5/4 once): footwear 7/4, hats 1/2 of 9/4 → 7/9 and 2/9.
 * p2 (first visit via paid search; no plan): views hats at 11-01 and 11-21 (1/8 + 1/2 = 5/8), bags at 11-11
 *    (1/4) of 7/8 → hats 5/7, bags 2/7.
 * p3 (first visit via email; plan gold): an order of bags at 11-21 (5/2) → bags 1.
 * p4 visits only: no preferences.
 */
const events = [
  event('p1', '2026-11-01T00:00:00Z', 'page', 'Home', { marketing_channel: 'email' }),
  identified('p1', '2026-11-01T00:00:00Z', 'gold'),
  identified('p1', '2026-11-11T00:00:00Z', 'silver'),
  ordered('p1', '2026-11-11T00:00:00Z', ['footwear', 'footwear']),
  viewed('p1', '2026-11-21T00:00:00Z', 'footwear'),
  viewed('p1', '2026-11-21T00:00:00Z', 'hats'),
  event('p2', '2026-10-31T23:59:00Z', 'page', 'Home', { marketing_channel: 'display' }),
  event('p2', '2026-11-01T00:00:00Z', 'page', 'Home', { marketing_channel: 'paid_search' }),
  viewed('p2', '2026-11-01T00:00:00Z', 'hats'),
  viewed('p2', '2026-11-11T00:00:00Z', 'bags'),
  viewed('p2', '2026-11-21T00:00:00Z', 'hats'),
  event('p3', '2026-11-11T00:00:00Z', 'page', 'Home', { marketing_channel: 'email' }),
  identified('p3', '2026-11-21T00:00:00Z', 'gold'),
  ordered('p3', '2026-11-21T00:00:00Z', ['bags']),
  event('p4', '2026-11-12T00:00:00Z', 'page', 'Home', { marketing_channel: 'email' }),
];

const november = { from: '2026-11-01', to: '2026-11-30', half_life_days: '10' };

const affinities = (rows: readonly Record<string, unknown>[]) =>
  rows.map((row) => [row.segment, row.profile_id, row.ranking, row.value, round(row.affinity)]);

describe('preferences analysis', () => {
  let lake: AnalyticsLake;

  beforeAll(async () => {
    lake = await analyticsLake(events);
  });

  afterAll(async () => {
    await lake.close();
  });

  it('ranks the categories of everyone by the mean recency-weighted affinity', async () => {
    // Act
    const result = await lake.run('preferences', november);

    // Assess: 3 people with interactions (p4 has none); the mean of their affinities:
    //   bags (0 + 2/7 + 1) / 3 = 3/7; hats (2/9 + 5/7 + 0) / 3 = 59/189; footwear (7/9 + 0 + 0) / 3 = 7/27.
    //   views: bags 1 (p2), hats 3 (p1 1, p2 2), footwear 1 (p1); purchases (orders): bags 1, footwear 1.
    expect(
      result.rows.map((row) => [
        row.segment,
        row.profile_id,
        row.ranking,
        row.value,
        round(row.affinity),
        row.profiles,
        row.segment_profiles,
        row.views,
        row.purchases,
      ]),
    ).toEqual([
      ['all', null, 1, 'bags', round(3 / 7), 2, 3, 1, 1],
      ['all', null, 2, 'hats', round(59 / 189), 2, 3, 3, 0],
      ['all', null, 3, 'footwear', round(7 / 27), 1, 3, 1, 1],
    ]);
  });

  it('segments by the marketing channel of the first visit in the range, the top per segment', async () => {
    // Act
    const result = await lake.run('preferences', {
      ...november,
      segment_by: 'first_marketing_channel',
      top: '2',
    });

    // Assess: email = p1 and p3: bags (0 + 1) / 2, footwear (7/9) / 2, hats (2/9) / 2 cut by top 2;
    // paid_search = p2 (its display visit of 10-31 is before the range): hats 5/7, bags 2/7
    expect(affinities(result.rows)).toEqual([
      ['email', null, 1, 'bags', 0.5],
      ['email', null, 2, 'footwear', round(7 / 18)],
      ['paid_search', null, 1, 'hats', round(5 / 7)],
      ['paid_search', null, 2, 'bags', round(2 / 7)],
    ]);
  });

  it("segments by a trait's latest value and gives each person's own top affinity", async () => {
    // Act
    const bySegment = await lake.run('preferences', { ...november, segment_by: 'trait', trait: 'plan' });
    const byPerson = await lake.run('preferences', { ...november, per: 'profile', top: '1' });

    // Assess: p1's plan is silver by its latest identify, p3's gold, p2 has none
    expect(affinities(bySegment.rows)).toEqual([
      ['(not set)', null, 1, 'hats', round(5 / 7)],
      ['(not set)', null, 2, 'bags', round(2 / 7)],
      ['gold', null, 1, 'bags', 1],
      ['silver', null, 1, 'footwear', round(7 / 9)],
      ['silver', null, 2, 'hats', round(2 / 9)],
    ]);
    expect(affinities(byPerson.rows)).toEqual([
      ['all', 'p1', 1, 'footwear', round(7 / 9)],
      ['all', 'p2', 1, 'hats', round(5 / 7)],
      ['all', 'p3', 1, 'bags', 1],
    ]);
  });

  it('weighs purchases by purchase_weight: at 0 only views count', async () => {
    // Act
    const result = await lake.run('preferences', { ...november, per: 'profile', purchase_weight: '0' });

    // Assess: p1 footwear 1/2 and hats 1/2 of its views; p3 only bought, so it has no preference
    expect(affinities(result.rows)).toEqual([
      ['all', 'p1', 1, 'footwear', 0.5],
      ['all', 'p1', 2, 'hats', 0.5],
      ['all', 'p2', 1, 'hats', round(5 / 7)],
      ['all', 'p2', 2, 'bags', round(2 / 7)],
    ]);
  });

  it('refuses a trait that is not a plain key, and segment_by trait without one', () => {
    // Act
    const attempts = [
      () => prepareAnalysis('preferences', { segment_by: 'trait', trait: 'a.b' }, today),
      () => prepareAnalysis('preferences', { segment_by: 'trait' }, today),
    ];

    // Assess
    expect(attempts[0]).toThrow(/trait must be a plain key/);
    expect(attempts[1]).toThrow(/segment_by trait needs a trait/);
  });
});

/** To 9 decimals, so that sevenths and ninths compare by value. */
function round(value: unknown): number {
  return Math.round(Number(value) * 1e9) / 1e9;
}
