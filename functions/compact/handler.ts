/**
 * Scheduled: merges the small files of recently landed lake partitions, dropping duplicate rows; then, once
 * per UTC day, snapshots the identity map into the lake (shared/identity/snapshot.ts); last, removes erased
 * people from the lake (shared/privacy/upkeep.ts) — after compaction, so that none runs during a rewrite.
 */
import type { Context } from 'aws-lambda';
import { functions, resourceEnv } from '../../infra/topology.ts';
import { DynamoDbErasureStore } from '../../shared/adapters/dynamodb-erasure-store.ts';
import { DynamoDbProfileStore } from '../../shared/adapters/dynamodb-profile-store.ts';
import { DynamoDbSuppressionList } from '../../shared/adapters/dynamodb-suppression-list.ts';
import { S3ObjectStore } from '../../shared/adapters/s3-object-store.ts';
import { requiredEnv, runtimeSettingsFromEnv } from '../../shared/config/env.ts';
import { identityRules } from '../../shared/identity/rules.ts';
import { snapshotIdentityMapIfDue } from '../../shared/identity/snapshot.ts';
import { type CompactionSummary, compactLake } from '../../shared/lake/compact.ts';
import { CompactionFailedError } from '../../shared/lake/errors.ts';
import { createLogger } from '../../shared/logger.ts';
import { ErasureUpkeepError } from '../../shared/privacy/errors.ts';
import { erasureLakeDelayMs } from '../../shared/privacy/timing.ts';
import { type ErasureUpkeepSummary, runErasureUpkeep } from '../../shared/privacy/upkeep.ts';

const logger = createLogger('compact');
const store = new S3ObjectStore({ bucket: requiredEnv(resourceEnv.bucket.lake) });
const profiles = new DynamoDbProfileStore({ tableName: requiredEnv(resourceEnv.table.profiles) });
const identityMap = {
  plaintextIdentifiers: runtimeSettingsFromEnv().privacy.plaintextIdentifiersInLake,
};
const erasures = {
  people: profiles,
  jobs: new DynamoDbErasureStore({ tableName: requiredEnv(resourceEnv.table.erasures) }),
  suppressions: new DynamoDbSuppressionList({ tableName: requiredEnv(resourceEnv.table.suppressions) }),
  rules: identityRules(runtimeSettingsFromEnv().identity),
  lake: store,
  versions: store,
  lakeDelayMs: erasureLakeDelayMs(functions.land.timeoutSeconds),
};

/** Time kept back from the Lambda timeout: one merge step of a large partition must still fit. */
const RESERVE_MS = 180_000;

/**
 * Takes what EventBridge Scheduler and the local scheduler pass (`time` is only logged). Partitions left
 * when time runs short stay pending for the next run; a failed partition fails the invocation, so it shows
 * in the function's error metric, after the others were compacted.
 */
export async function handler(
  event: { time?: string } = {},
  context?: Context,
): Promise<CompactionSummary & { readonly erasures: ErasureUpkeepSummary }> {
  if (context) logger.addContext(context);
  const shouldStop = () => (context ? context.getRemainingTimeInMillis() < RESERVE_MS : false);
  const summary = await compactLake(store, { shouldStop });
  logger.info('compaction finished', {
    scheduledTime: event.time,
    partitions: summary.partitions.length,
    rowsIn: summary.rowsIn,
    rowsOut: summary.rowsOut,
    duplicatesDropped: summary.duplicatesDropped,
    deferred: summary.deferred,
    failures: summary.failures,
  });
  // Compaction first, as every hourly run must; the daily snapshot gets the time left, and stops in time.
  const snapshot = await snapshotIdentityMapIfDue(profiles, store, { ...identityMap, shouldStop });
  logger.info('identity map snapshot', { ...snapshot });
  const erasure = await runErasureUpkeep({ ...erasures, shouldStop });
  logger.info('erasures upkept', {
    profilesErased: erasure.profilesErased,
    lakePass: erasure.lakePass,
    completed: erasure.completed,
    failed: erasure.failed,
    waiting: erasure.waiting,
  });
  for (const error of erasure.errors) logger.error('erasure step failed', { ...error });
  if (summary.failures.length > 0) throw new CompactionFailedError(summary);
  // A failed step is tried again next run; failing the invocation puts it in the error metric meanwhile.
  const [firstError] = erasure.errors;
  if (firstError) throw new ErasureUpkeepError(`erasure ${firstError.erasureId}: ${firstError.reason}`);
  return { ...summary, erasures: erasure };
}
