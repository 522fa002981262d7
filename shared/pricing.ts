/**
 * The AWS list prices the platform reports costs with, kept in one table so a price change is one edit. They
 * are on-demand USD prices for one region as published in the month given; other regions and discounts
 * differ, so treat every cost computed from them as an estimate.
 *
 * AWS bills data in binary units (1 MB = 2^20 bytes, 1 TB = 2^40 bytes).
 */

const MB = 2 ** 20;
const TB = 2 ** 40;

export const awsListPrices = {
  asOf: '2026-11',
  region: 'us-east-1',
  athena: {
    /** SQL queries (DML), per TB scanned. DDL statements and failed queries are free. */
    usdPerTbScanned: 5,
    /** Each query's scanned bytes are rounded up to a whole MB… */
    billingIncrementBytes: MB,
    /** …with a minimum of 10 MB per query. */
    minimumBytesPerQuery: 10 * MB,
  },
} as const;

/**
 * What one Athena query that scanned `bytesScanned` costs at list price, e.g.
 * `athenaQueryCostUsd(2 ** 40) === 5` and, for any small query, `athenaQueryCostUsd(1) === athenaQueryCostUsd(10 * 2 ** 20)`.
 */
export function athenaQueryCostUsd(bytesScanned: number): number {
  const { usdPerTbScanned, billingIncrementBytes, minimumBytesPerQuery } = awsListPrices.athena;
  const billed = Math.max(
    Math.ceil(bytesScanned / billingIncrementBytes) * billingIncrementBytes,
    minimumBytesPerQuery,
  );
  return (billed / TB) * usdPerTbScanned;
}
