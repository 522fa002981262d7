import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnalyticsLake, analyticsLake, type EventRow, event } from './analytics-lake.ts';

const categories: Record<string, string> = {
  bread: 'food',
  milk: 'food',
  eggs: 'food',
  diapers: 'baby',
  beer: 'drinks',
  cola: 'drinks',
};

function order(who: string, day: string, orderId: string | null, items: readonly string[]): EventRow {
  const products = items.map((item) => ({
    product_id: item,
    sku: `sku-${item}`,
    category: categories[item],
  }));
  return event(who, `${day}T12:00:00Z`, 'track', 'Order Completed', {
    properties: JSON.stringify({ ...(orderId === null ? {} : { order_id: orderId }), products }),
  });
}

/**
 * The five transactions of Tan, Steinbach & Kumar's textbook example:
 * T1 {bread, milk}  T2 {bread, diapers, beer, eggs}  T3 {milk, diapers, beer, cola}
 * T4 {bread, milk, diapers, beer}  T5 {bread, milk, diapers, cola}
 * written the awkward ways real orders arrive: T1 without an order_id (its messageId is the transaction), T2
 * as two events with the same order_id, T5 with milk on two lines. Not transactions: an order without
 * products, a Product Viewed with products, an order before `from`.
 */
const events = [
  order('a', '2026-11-02', null, ['bread', 'milk']),
  order('b', '2026-11-02', 'o2', ['bread', 'diapers']),
  order('b', '2026-11-03', 'o2', ['beer', 'eggs']),
  order('c', '2026-11-03', 'o3', ['milk', 'diapers', 'beer', 'cola']),
  order('d', '2026-11-04', 'o4', ['bread', 'milk', 'diapers', 'beer']),
  order('e', '2026-11-05', 'o5', ['bread', 'milk', 'diapers', 'cola', 'milk']),
  order('f', '2026-11-05', 'o6', []),
  event('g', '2026-11-05T12:00:00Z', 'track', 'Product Viewed', {
    properties: JSON.stringify({ products: [{ product_id: 'beer' }, { product_id: 'eggs' }] }),
  }),
  order('h', '2026-10-20', 'o0', ['eggs', 'cola']),
];

const range = { from: '2026-11-01', to: '2026-11-30' };

describe('association analysis', () => {
  let lake: AnalyticsLake;

  beforeAll(async () => {
    lake = await analyticsLake(events);
  });

  afterAll(async () => {
    await lake.close();
  });

  it('finds every rule with confidence 1 at support 0.4, with its measures', async () => {
    // Act
    const result = await lake.run('association', {
      ...range,
      min_support: '0.4',
      min_confidence: '1',
      min_lift: '0',
    });

    // Assess
    // N = 5; min count ceil(0.4 × 5) = 2. Item counts: bread 4, milk 4, diapers 4, beer 3, cola 2, eggs 1.
    // Confidence 1 means count(X ∪ y) = count(X): beer ⇒ diapers (3 of 3), cola ⇒ milk and cola ⇒ diapers
    // (2 of 2), and {bread, beer}, {beer, milk} ⇒ diapers, {cola, milk} ⇒ diapers, {cola, diapers} ⇒ milk
    // (2 of 2 each). Every consequent has support 4/5, so lift = 1 / 0.8 = 1.25, and leverage =
    // support − support(X) × 0.8: 0.6 − 0.6 × 0.8 = 0.12 for beer ⇒ diapers, 0.4 − 0.4 × 0.8 = 0.08 otherwise.
    // Order: lift, confidence, count (3 first), then antecedent and consequent text.
    expect(result.rows.map((row) => [row.antecedent, row.consequent, row.size, row.transactions])).toEqual([
      [['beer'], 'diapers', 2, 3],
      [['beer', 'bread'], 'diapers', 3, 2],
      [['beer', 'milk'], 'diapers', 3, 2],
      [['cola'], 'diapers', 2, 2],
      [['cola'], 'milk', 2, 2],
      [['cola', 'diapers'], 'milk', 3, 2],
      [['cola', 'milk'], 'diapers', 3, 2],
    ]);
    for (const row of result.rows) {
      expect(row.support).toBeCloseTo(Number(row.transactions) / 5, 12);
      expect(row.confidence).toBe(1);
      expect(row.lift).toBeCloseTo(1.25, 12);
      expect(row.leverage).toBeCloseTo(row.transactions === 3 ? 0.12 : 0.08, 12);
      expect(row.conviction).toBe('Infinity');
    }
  });

  it('gives the textbook measures of {milk, diapers} ⇒ beer', async () => {
    // Act
    const result = await lake.run('association', {
      ...range,
      min_support: '0.4',
      min_confidence: '0.6',
      min_lift: '0',
    });

    // Assess: count({milk, diapers, beer}) = 2 (T3, T4), count({milk, diapers}) = 3 (T3, T4, T5), support(beer)
    // = 3/5: support 0.4, confidence 2/3, lift (2/3) / 0.6 = 1.111…, leverage 0.4 − 0.6 × 0.6 = 0.04,
    // conviction (1 − 0.6) / (1 − 2/3) = 1.2
    const rule = result.rows.find(
      (row) => JSON.stringify(row.antecedent) === '["diapers","milk"]' && row.consequent === 'beer',
    );
    expect(rule).toBeDefined();
    expect(rule?.transactions).toBe(2);
    expect(rule?.support).toBeCloseTo(0.4, 12);
    expect(rule?.confidence).toBeCloseTo(2 / 3, 12);
    expect(rule?.lift).toBeCloseTo(10 / 9, 12);
    expect(rule?.leverage).toBeCloseTo(0.04, 12);
    expect(rule?.conviction).toBeCloseTo(1.2, 12);
  });

  it('keeps only rules of the lengths asked for, and at least min_lift', async () => {
    // Act
    const pairs = await lake.run('association', {
      ...range,
      min_support: '0.4',
      min_confidence: '1',
      min_lift: '0',
      max_length: '2',
    });
    const lifted = await lake.run('association', {
      ...range,
      min_support: '0.4',
      min_confidence: '0',
      min_lift: '1.2',
      min_length: '3',
    });

    // Assess: the pair rules of the first test. Of the 3-item rules (from {bread, milk, diapers}, {bread,
    // diapers, beer}, {milk, diapers, beer}, {milk, diapers, cola}, 2 transactions each), lift ≥ 1.2 keeps
    // {diapers, milk} ⇒ cola, (2/3) / (2/5) = 5/3, and the four of lift 1.25; the others have confidence 2/3
    // and lift (2/3) / 0.6 = 1.11 or (2/3) / 0.8 = 0.83
    expect(pairs.rows.map((row) => row.antecedent)).toEqual([['beer'], ['cola'], ['cola']]);
    expect(lifted.rows.map((row) => [row.antecedent, row.consequent])).toEqual([
      [['diapers', 'milk'], 'cola'],
      [['beer', 'bread'], 'diapers'],
      [['beer', 'milk'], 'diapers'],
      [['cola', 'diapers'], 'milk'],
      [['cola', 'milk'], 'diapers'],
    ]);
    expect(lifted.rows[0]?.lift).toBeCloseTo(5 / 3, 12);
  });

  it('reads the item field asked for: categories', async () => {
    // Act
    const result = await lake.run('association', {
      ...range,
      item: 'category',
      min_support: '0.4',
      min_confidence: '1',
      min_lift: '1.1',
    });

    // Assess: by category the transactions are {food} (T1) and {food, baby, drinks} (T2 to T5): baby ⇒ drinks
    // and drinks ⇒ baby have confidence 4/4 and lift 1 / (4/5) = 1.25, as do {baby, food} ⇒ drinks and
    // {drinks, food} ⇒ baby; anything ⇒ food has lift 1 (food is in every transaction)
    expect(result.rows.map((row) => [row.antecedent, row.consequent, row.transactions])).toEqual([
      [['baby'], 'drinks', 4],
      [['baby', 'food'], 'drinks', 4],
      [['drinks'], 'baby', 4],
      [['drinks', 'food'], 'baby', 4],
    ]);
  });

  it('returns no rules when no item is frequent', async () => {
    // Act
    const result = await lake.run('association', { ...range, min_support: '0.9' });

    // Assess
    expect(result.rows).toEqual([]);
    expect(result.columns.map((column) => column.name)).toContain('antecedent');
  });
});
