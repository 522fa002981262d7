/** Hand-built lakes for the scoring job's tests: events one Parquet object per UTC day, DuckDB on them. */
import { DuckDbSqlEngine } from '../../../shared/adapters/duckdb-sql-engine.ts';
import type { Transaction } from '../../../shared/scoring/history.ts';
import { type TempLake, tempLake, writeEventsByDay } from '../query/lake-fixture.ts';

export type EventRow = Record<string, string | number | Date | null>;

/** Writes `events` one Parquet object per UTC day, as landing does, and opens DuckDB on the lake. */
export async function lakeOf(
  events: readonly EventRow[],
): Promise<{ lake: TempLake; engine: DuckDbSqlEngine }> {
  const lake = await tempLake();
  writeEventsByDay(lake.lakeDir, events);
  return { lake, engine: await DuckDbSqlEngine.open({ lakeDir: lake.lakeDir }) };
}

let counter = 0;

/** A track call of `userId` (no identity links: its profile_id in events_stitched is the user id). */
export function track(
  userId: string,
  at: string,
  event: string,
  properties: object = {},
  extra: EventRow = {},
): EventRow {
  counter += 1;
  return {
    message_id: `m-${counter}`,
    type: 'track',
    event,
    user_id: userId,
    timestamp: new Date(at),
    channel: 'web',
    properties: JSON.stringify(properties),
    ...extra,
  };
}

/** Transactions as `Order Completed` events of user `c<customer id>`, spread over their day. */
export function orderEvents(transactions: readonly Transaction[]): EventRow[] {
  return transactions.map((transaction, i) =>
    track(
      `c${transaction.customerId}`,
      new Date(transaction.day * 86_400_000 + (i % 1440) * 60_000).toISOString(),
      'Order Completed',
      { revenue: transaction.amount },
    ),
  );
}
