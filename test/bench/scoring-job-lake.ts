/**
 * A synthetic lake for the scoring job's benchmark: a million buyers' `Order Completed` events, a little web
 * traffic in the last 90 days, and the identity map that stitches them, as Parquet in s3rver's layout.
 *
 * The purchases are drawn in TypeScript with the domain's own seeded generator (BG/NBD with CDNOW's published
 * parameters for the purchase days, Gamma-Gamma for their values, on CDNOW's calendar: first purchases over 12
 * weeks, 272 days of history to the as-of date), because DuckDB has no Gamma or Beta variates; the draws go to
 * a CSV of (buyer, day, cents) and DuckDB turns that into event rows and writes the partitions, which is what
 * makes a million buyers take seconds.
 *
 * The orders are server-side calls (channel `server`) with a user id only, as an order system sends them;
 * resolution has linked every user id (and the web traffic's anonymous ids) to a profile, so `events_stitched`
 * finds each buyer's profile through the identity map (one snapshot file) rather than falling back to the user
 * id. Profile ids look like the platform's (26 characters, the first ten a creation time), so the churn
 * model's sample (ordered by the random part) is drawn as in production.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDbSqlEngine } from '../../shared/adapters/duckdb-sql-engine.ts';
import { s3rverObjectSuffix } from '../../shared/lake/duckdb-views.ts';
import { eventsTable, identityLinksTable } from '../../shared/lake/schema.ts';
import type { BgNbdParameters } from '../../shared/scoring/bgnbd.ts';
import type { GammaGammaParameters } from '../../shared/scoring/gamma-gamma.ts';
import { type Random, simulateBgNbdPurchases } from '../../shared/scoring/simulate.ts';

/** CDNOW's calendar: first purchases over the first 12 weeks, the as-of date 272 days after the first day. */
export const buyerCalendar = { cohortDays: 84, historyDays: 272 } as const;
export const cdnowBgNbd: BgNbdParameters = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
export const cdnowGammaGamma: GammaGammaParameters = { p: 6.25, q: 3.74, v: 15.44 };

/** One buyer's purchase occasions: strictly increasing day numbers (day 0 = the calendar's first day), cents. */
export interface BuyerPurchases {
  readonly days: readonly number[];
  readonly cents: readonly number[];
}

/**
 * Draws one buyer: the first purchase on a uniform day of the cohort's 12 weeks, repeat purchases from BG/NBD
 * (rates per week) up to the end of the history, floored to days with same-day purchases merged into one
 * occasion, and each occasion's value from Gamma-Gamma, rounded to cents and at least one cent.
 */
export function drawBuyer(
  random: Random,
  bgnbd: BgNbdParameters = cdnowBgNbd,
  gammaGamma: GammaGammaParameters = cdnowGammaGamma,
): BuyerPurchases {
  const firstDay = Math.floor(random.uniform() * buyerCalendar.cohortDays);
  const days = [firstDay];
  for (const weeks of simulateBgNbdPurchases(random, bgnbd, (buyerCalendar.historyDays - firstDay) / 7)) {
    const day = Math.min(firstDay + Math.floor(weeks * 7), buyerCalendar.historyDays);
    if (day > (days[days.length - 1] as number)) days.push(day);
  }
  const nu = random.gamma(gammaGamma.q, gammaGamma.v);
  const cents = days.map(() => Math.max(1, Math.round(100 * random.gamma(gammaGamma.p, nu))));
  return { days, cents };
}

/** The (x, t_x, T) in days and the cents the job's SQL must find for a buyer (docs/scoring.md). */
export function expectedSummary(buyer: BuyerPurchases): {
  x: number;
  txDays: number;
  tDays: number;
  totalCents: number;
  repeatCents: number;
} {
  const first = buyer.days[0] as number;
  const last = buyer.days[buyer.days.length - 1] as number;
  const totalCents = buyer.cents.reduce((sum, cents) => sum + cents, 0);
  return {
    x: buyer.days.length - 1,
    txDays: last - first,
    tDays: buyerCalendar.historyDays - first,
    totalCents,
    repeatCents: totalCents - (buyer.cents[0] as number),
  };
}

/**
 * The profile id resolution gave buyer `index`: 26 characters like a ULID, a fixed creation time and 16 hex
 * digits of a hash of the index (distinct for a million buyers: a collision among 10^6 64-bit values has a
 * chance of about 3 · 10^-8). Written in DuckDB SQL, the same expression as `profileIdSql`.
 */
export const profileIdSql = (index: string) => `'01JDZ8Q4MP' || upper(md5('buyer-' || ${index})[1:16])`;

export interface OrdersLakeOptions {
  readonly lakeDir: string;
  /** A scratch folder for the draws' CSV. */
  readonly workDir: string;
  readonly buyers: number;
  /** Page views and email events in the 90 days to the as-of date, spread over the buyers. */
  readonly otherEvents: number;
  /** The as-of date, `YYYY-MM-DD`: day 272 of the calendar. */
  readonly asOf: string;
  readonly random: Random;
}

export interface OrdersLake {
  readonly orders: number;
  readonly otherEvents: number;
  readonly identityLinks: number;
  readonly drawSeconds: number;
  readonly writeSeconds: number;
}

/** Draws the buyers and writes the lake (see the module comment). */
export async function writeOrdersLake(options: OrdersLakeOptions): Promise<OrdersLake> {
  let started = performance.now();
  const csvPath = join(options.workDir, 'orders.csv');
  const orders = writeDrawsCsv(csvPath, options.buyers, options.random);
  const drawSeconds = (performance.now() - started) / 1000;

  started = performance.now();
  const engine = await DuckDbSqlEngine.open({ lakeDir: options.lakeDir });
  try {
    // Lets DuckDB write the partitions in parallel; the row order of a file does not matter here.
    await engine.query('SET preserve_insertion_order = false');
    const file = `FILE_EXTENSION 'parquet${s3rverObjectSuffix}'`;
    await engine.query(
      `COPY (${ordersSql(csvPath)} UNION ALL BY NAME ${trafficSql}) TO '${join(options.lakeDir, eventsTable.prefix)}' ` +
        `(FORMAT parquet, PARTITION_BY (dt), FILENAME_PATTERN 'bench_{i}', ${file})`,
      [options.asOf, options.buyers, options.asOf, options.otherEvents],
    );
    await engine.query(
      `COPY (${identityLinksSql}) TO '${join(options.lakeDir, identityLinksTable.prefix)}' ` +
        `(FORMAT parquet, PARTITION_BY (dt), FILENAME_PATTERN 'snapshot-bench-{i}', ${file})`,
      [options.asOf, options.asOf, options.buyers],
    );
  } finally {
    await engine.close();
  }
  return {
    orders,
    otherEvents: options.otherEvents,
    identityLinks: 2 * options.buyers,
    drawSeconds,
    writeSeconds: (performance.now() - started) / 1000,
  };
}

/** Writes `buyer,day,cents` lines for `buyers` draws; returns the number of orders. */
function writeDrawsCsv(path: string, buyers: number, random: Random): number {
  const fd = openSync(path, 'w');
  let orders = 0;
  try {
    let chunk: string[] = [];
    for (let buyer = 0; buyer < buyers; buyer++) {
      const { days, cents } = drawBuyer(random);
      for (let k = 0; k < days.length; k++) chunk.push(`${buyer},${days[k]},${cents[k]}\n`);
      orders += days.length;
      if (chunk.length >= 50_000) {
        writeSync(fd, chunk.join(''));
        chunk = [];
      }
    }
    writeSync(fd, chunk.join(''));
  } finally {
    closeSync(fd);
  }
  return orders;
}

/**
 * Orders from the CSV at `csvPath` (a path this module chose; parameter: the as-of date). An order's time is a
 * pseudo-random second of its day; its value `properties.revenue` in currency units with two decimals.
 */
const ordersSql = (csvPath: string) => `
SELECT
  'o-' || buyer || '-' || day AS message_id,
  'track' AS type,
  'Order Completed' AS event,
  'user-' || buyer AS user_id,
  ts AS "timestamp",
  ts + INTERVAL 1 SECOND AS received_at,
  'order-service' AS source,
  'server' AS channel,
  '{"order_id":"o-' || buyer || '-' || day || '","revenue":' || printf('%.2f', cents / 100) || ',"currency":"USD"}' AS properties,
  1 AS schema_version,
  strftime(ts, '%Y-%m-%d') AS dt
FROM (
  SELECT
    buyer,
    day,
    cents,
    CAST(CAST(? AS DATE) AS TIMESTAMP) - to_days(${buyerCalendar.historyDays} - day)
      + to_seconds(CAST(hash(buyer * 1000 + day) % 86400 AS BIGINT)) AS ts
  FROM read_csv('${csvPath.replaceAll("'", "''")}', header = false, columns = {'buyer': 'BIGINT', 'day': 'INTEGER', 'cents': 'BIGINT'})
)
`;

/**
 * Web traffic of signed-in buyers (parameters: events, buyers, the as-of date): page views, email opens and
 * clicks, over the 90 days to the as-of date, each with the buyer's user id and anonymous id.
 */
const trafficSql = `
SELECT
  'w-' || i AS message_id,
  CASE WHEN i % 4 = 0 THEN 'track' ELSE 'page' END AS type,
  CASE WHEN i % 4 = 0 THEN CASE WHEN i % 8 = 0 THEN 'Email Opened' ELSE 'Email Link Clicked' END END AS event,
  CASE WHEN i % 4 <> 0 THEN 'Product' END AS name,
  'user-' || buyer AS user_id,
  'anon-' || buyer AS anonymous_id,
  ts AS "timestamp",
  ts + INTERVAL 1 SECOND AS received_at,
  'website' AS source,
  'web' AS channel,
  NULL AS properties,
  1 AS schema_version,
  strftime(ts, '%Y-%m-%d') AS dt
FROM (
  SELECT
    i,
    CAST(hash(i) % CAST(? AS BIGINT) AS BIGINT) AS buyer,
    CAST(CAST(? AS DATE) AS TIMESTAMP) + INTERVAL 1 DAY - to_seconds(CAST(1 + hash(i * 7 + 1) % (90 * 86400) AS BIGINT)) AS ts
  FROM range(CAST(? AS BIGINT)) AS t (i)
)
`;

/** The identity map's daily snapshot (parameters: buyers, the as-of date): each buyer's user id and anonymous id. */
const identityLinksSql = `
SELECT
  id_type,
  CASE WHEN id_type = 'user_id' THEN 'user-' ELSE 'anon-' END || i AS id_value,
  ${profileIdSql('i')} AS profile_id,
  CAST(CAST(? AS DATE) AS TIMESTAMP) - INTERVAL 1 HOUR AS resolved_at,
  1 AS schema_version,
  strftime(CAST(CAST(? AS DATE) AS TIMESTAMP) - INTERVAL 1 HOUR, '%Y-%m-%d') AS dt
FROM range(CAST(? AS BIGINT)) AS t (i), (VALUES ('user_id'), ('anonymous_id')) AS k (id_type)
`;
