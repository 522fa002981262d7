/**
 * Hand-built lakes for the analysis tests: events written as s3rver stores the lake bucket (one Parquet object
 * per dt partition), opened with the DuckDB engine the CLI uses, and the analyses run through the same path as
 * `cdp query <analysis>`.
 */
import { DuckDbSqlEngine } from '../../../shared/adapters/duckdb-sql-engine.ts';
import { prepareAnalysis, runAnalysis } from '../../../shared/analytics/run.ts';
import type { QueryResult } from '../../../shared/ports.ts';
import { type LakeValue, type TempLake, tempLake, writeEventsByDay } from '../query/lake-fixture.ts';

export type EventRow = Record<string, LakeValue>;

/** The day the analyses think it is: relative defaults are taken from it. */
export const today = new Date('2026-11-30T12:00:00Z');

let counter = 0;

/**
 * One event. `who` is a user id, or `anon:<id>` for an anonymous id; `what` is the event name of a track call,
 * else the page or screen name.
 */
export function event(
  who: string,
  at: string,
  type: 'track' | 'page' | 'screen' | 'identify',
  what: string | null,
  extra: EventRow = {},
): EventRow {
  counter += 1;
  return {
    message_id: `m-${counter}`,
    type,
    ...(who.startsWith('anon:') ? { anonymous_id: who.slice(5) } : { user_id: who }),
    timestamp: new Date(at),
    ...(type === 'track' ? { event: what } : type === 'identify' ? {} : { name: what }),
    ...extra,
  };
}

export interface AnalyticsLake {
  run(analysis: string, params: Readonly<Record<string, unknown>>): Promise<QueryResult>;
  readonly engine: DuckDbSqlEngine;
  readonly lake: TempLake;
  close(): Promise<void>;
}

/** Writes the events into a fresh lake, one object per UTC day (the dt partition), and opens DuckDB on it. */
export async function analyticsLake(events: readonly EventRow[]): Promise<AnalyticsLake> {
  const lake = await tempLake();
  writeEventsByDay(lake.lakeDir, events);
  const engine = await DuckDbSqlEngine.open({ lakeDir: lake.lakeDir });
  return {
    engine,
    lake,
    run: async (analysis, params) =>
      (await runAnalysis(engine, prepareAnalysis(analysis, params, today))).result,
    close: async () => {
      await engine.close();
      await lake.remove();
    },
  };
}
