/**
 * Scheduled daily: scores every customer as of the last complete UTC day before the scheduled time
 * (shared/scoring/job.ts): SQL over the lake, the models, the `scores` partition of that date, and changed
 * scores onto the profiles. `asOf` in the event (`{"asOf": "2026-11-22"}`) scores another date, e.g. to redo
 * one; a re-run for a date replaces its partition.
 */
import { getHeapStatistics } from 'node:v8';
import type { Context } from 'aws-lambda';
import { resourceEnv } from '../../infra/topology.ts';
import { DynamoDbProfileStore } from '../../shared/adapters/dynamodb-profile-store.ts';
import { S3ObjectStore } from '../../shared/adapters/s3-object-store.ts';
import { requiredEnv } from '../../shared/config/env.ts';
import { createLogger } from '../../shared/logger.ts';
import { ScoringInputError } from '../../shared/scoring/errors.ts';
import { lastCompleteDay, runScoringJob, type ScoringRunSummary } from '../../shared/scoring/job.ts';
import { dayNumber } from '../../shared/scoring/time.ts';
import { openLakeEngine } from './lake-engine.ts';

const logger = createLogger('score');
const lake = new S3ObjectStore({ bucket: requiredEnv(resourceEnv.bucket.lake) });
const profiles = new DynamoDbProfileStore({ tableName: requiredEnv(resourceEnv.table.profiles) });

/** The day a run scores: `asOf` if given, else the UTC day before the scheduled (or current) time. */
export function asOfDate(event: { time?: string; asOf?: string }, now: Date): string {
  if (event.asOf !== undefined) {
    if (dayNumber(event.asOf) === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(event.asOf)) {
      throw new ScoringInputError(`asOf '${event.asOf}' is not a date (write YYYY-MM-DD)`);
    }
    return event.asOf;
  }
  const time = event.time === undefined ? now : new Date(event.time);
  return lastCompleteDay(Number.isNaN(time.getTime()) ? now : time);
}

export async function handler(
  event: { time?: string; asOf?: string } = {},
  context?: Context,
): Promise<ScoringRunSummary> {
  if (context) logger.addContext(context);
  const now = new Date();
  const asOf = asOfDate(event, now);
  const engine = await openLakeEngine();
  try {
    const summary = await runScoringJob({ engine, lake, profiles }, { asOf, now });
    logger.info('scoring finished', {
      scheduledTime: event.time,
      asOf,
      runId: summary.runId,
      customers: summary.customers,
      churnModel: summary.churnModel,
      notes: summary.notes,
      lakeRows: summary.lake.rows,
      ...summary.profiles,
      // A million customers need about 1.3 GB of heap (docs/scoring.md#scale): the limit the runtime gave V8.
      heapLimitMb: Math.round(getHeapStatistics().heap_size_limit / 2 ** 20),
      heapUsedMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
    });
    return summary;
  } finally {
    await engine.close();
  }
}
