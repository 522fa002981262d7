import { describe, expect, it } from 'vitest';
import { athenaQueryCostUsd, awsListPrices } from '../../../shared/pricing.ts';

describe('Athena query cost', () => {
  it('costs $5 for a TB scanned', () => {
    expect(athenaQueryCostUsd(2 ** 40)).toBe(5);
  });

  it('bills at least 10 MB per query', () => {
    expect(athenaQueryCostUsd(0)).toBe(athenaQueryCostUsd(10 * 2 ** 20));
    expect(athenaQueryCostUsd(1)).toBeCloseTo((10 / 2 ** 20) * 5, 15);
  });

  it('rounds the bytes scanned up to a whole MB', () => {
    expect(athenaQueryCostUsd(100 * 2 ** 20 + 1)).toBe(athenaQueryCostUsd(101 * 2 ** 20));
    expect(athenaQueryCostUsd(101 * 2 ** 20)).toBeCloseTo((101 / 2 ** 20) * 5, 15);
  });

  it('says which prices it uses', () => {
    expect([awsListPrices.asOf, awsListPrices.region]).toEqual(['2026-11', 'us-east-1']);
  });
});
