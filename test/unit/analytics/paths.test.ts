import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnalyticsLake, analyticsLake, type EventRow, event } from './analytics-lake.ts';

/** A session of `steps`, one minute apart from 10:00 on 2026-11-05. */
function session(who: string, steps: readonly string[], startMinute = 0): EventRow[] {
  return steps.map((step, i) => {
    const minute = String(startMinute + i).padStart(2, '0');
    return event(who, `2026-11-05T10:${minute}:00Z`, step === 'Cart' ? 'track' : 'page', step);
  });
}

/**
 * Seven sessions:
 * u1: Home, Shoes, Shoes (a reload), Product, Cart    u2: Home, Shoes, Product    u3: Home, Sale, Product, Cart
 * u4: Shoes, Home, Shoes                              u5: Home
 * u6: Home at 10:00, then Cart at 10:45: two sessions (45 minutes apart), "Home" and "Cart".
 */
const events = [
  ...session('u1', ['Home', 'Shoes', 'Shoes', 'Product', 'Cart']),
  ...session('u2', ['Home', 'Shoes', 'Product']),
  ...session('u3', ['Home', 'Sale', 'Product', 'Cart']),
  ...session('u4', ['Shoes', 'Home', 'Shoes']),
  ...session('u5', ['Home']),
  ...session('u6', ['Home']),
  ...session('u6', ['Cart'], 45),
];

const range = { from: '2026-11-05', to: '2026-11-05' };

describe('paths analysis', () => {
  let lake: AnalyticsLake;

  beforeAll(async () => {
    lake = await analyticsLake(events);
  });

  afterAll(async () => {
    await lake.close();
  });

  it('finds the top paths from the session start and their transitions, with the drop-off', async () => {
    // Act
    const result = await lake.run('paths', { ...range, steps: '3' });

    // Assess
    // Paths of 3 steps, u1's reload collapsed: Home > Shoes > Product (u1, u2), Home (u5, u6), Cart (u6),
    // Home > Sale > Product (u3), Shoes > Home > Shoes (u4): 7 sessions; ties by path text.
    // Depth 1, from step 1 to step 2: Home → Shoes 2, Home → (end) 2, Cart → (end) 1, Home → Sale 1,
    // Shoes → Home 1; Home has 5 sessions at step 1, so Home → Shoes is 2/5.
    // Depth 2: Shoes → Product 2 (of 2 at Shoes), Home → Shoes 1, Sale → Product 1.
    expect(result.rows).toEqual([
      path(1, 'Home', 2, 2 / 7),
      path(2, 'Home > Shoes > Product', 2, 2 / 7),
      path(3, 'Cart', 1, 1 / 7),
      path(4, 'Home > Sale > Product', 1, 1 / 7),
      path(5, 'Shoes > Home > Shoes', 1, 1 / 7),
      edge(1, 1, 'Home', 'Shoes', 2, 2 / 5),
      edge(1, 2, 'Home', null, 2, 2 / 5),
      edge(1, 3, 'Cart', null, 1, 1),
      edge(1, 4, 'Home', 'Sale', 1, 1 / 5),
      edge(1, 5, 'Shoes', 'Home', 1, 1),
      edge(2, 1, 'Shoes', 'Product', 2, 1),
      edge(2, 2, 'Home', 'Shoes', 1, 1),
      edge(2, 3, 'Sale', 'Product', 1, 1),
    ]);
  });

  it('keeps a step repeated back to back when asked to', async () => {
    // Act
    const result = await lake.run('paths', { ...range, steps: '3', collapse_repeats: 'false' });

    // Assess: u1 is now Home > Shoes > Shoes, apart from u2's Home > Shoes > Product
    const paths = result.rows.filter((row) => row.kind === 'path').map((row) => [row.path, row.sessions]);
    expect(paths).toEqual([
      ['Home', 2],
      ['Cart', 1],
      ['Home > Sale > Product', 1],
      ['Home > Shoes > Product', 1],
      ['Home > Shoes > Shoes', 1],
      ['Shoes > Home > Shoes', 1],
    ]);
  });

  it('finds the paths ending at an anchor, in time order, with where the sessions began', async () => {
    // Act
    const result = await lake.run('paths', { ...range, anchor: 'Product', direction: 'before', steps: '4' });

    // Assess
    // Ending at the last Product of u1, u2, u3 (3 sessions): Home > Shoes > Product (u1, u2), Home > Sale >
    // Product (u3). Depth 1 (the step before → Product): Shoes 2 of 3, Sale 1 of 3. Depth 2 (→ the step before
    // that): Home → Shoes 2 of 2, Home → Sale 1. Depth 3: every session began at Home (from_step NULL).
    expect(result.rows).toEqual([
      path(1, 'Home > Shoes > Product', 2, 2 / 3),
      path(2, 'Home > Sale > Product', 1, 1 / 3),
      edge(1, 1, 'Shoes', 'Product', 2, 2 / 3),
      edge(1, 2, 'Sale', 'Product', 1, 1 / 3),
      edge(2, 1, 'Home', 'Shoes', 2, 1),
      edge(2, 2, 'Home', 'Sale', 1, 1),
      edge(3, 1, null, 'Home', 3, 1),
    ]);
  });

  it('starts at the first occurrence of an anchor and shows the drop-off after a step', async () => {
    // Act
    const result = await lake.run('paths', { ...range, anchor: 'Shoes', steps: '3', top: '2' });
    const all = await lake.run('paths', { ...range, anchor: 'Shoes', steps: '3' });

    // Assess
    // From the first Shoes of u1, u2, u4: Shoes > Product > Cart, Shoes > Product, Shoes > Home > Shoes, one
    // session each; top = 2 keeps the first two by sessions, then text. Depth 1: Shoes → Product 2 of 3,
    // Shoes → Home 1. Depth 2: at Home (1 session) one went to Shoes; at Product (2) one went on to Cart (1/2)
    // and one ended there (the drop-off, 1/2), which top = 2 cuts.
    expect(result.rows).toEqual([
      path(1, 'Shoes > Home > Shoes', 1, 1 / 3),
      path(2, 'Shoes > Product', 1, 1 / 3),
      edge(1, 1, 'Shoes', 'Product', 2, 2 / 3),
      edge(1, 2, 'Shoes', 'Home', 1, 1 / 3),
      edge(2, 1, 'Home', 'Shoes', 1, 1),
      edge(2, 2, 'Product', 'Cart', 1, 1 / 2),
    ]);
    expect(all.rows).toContainEqual(edge(2, 3, 'Product', null, 1, 1 / 2));
  });
});

function path(ranking: number, text: string, sessions: number, share: number) {
  return { kind: 'path', depth: 0, ranking, path: text, from_step: null, to_step: null, sessions, share };
}

function edge(
  depth: number,
  ranking: number,
  from: string | null,
  to: string | null,
  sessions: number,
  share: number,
) {
  return { kind: 'transition', depth, ranking, path: null, from_step: from, to_step: to, sessions, share };
}
