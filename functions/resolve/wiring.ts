/**
 * Cold-start wiring of the two stream consumers that resolve events (docs/identity.md#two-lanes): `resolve`
 * (identity work only, within seconds) and `activity` (everything, over a window of minutes). They differ
 * only in `identityOnly`; adapters and rules are built once per cold start from validated configuration.
 */
import { resourceEnv } from '../../infra/topology.ts';
import { DynamoDbProfileStore } from '../../shared/adapters/dynamodb-profile-store.ts';
import { DynamoDbSuppressionList } from '../../shared/adapters/dynamodb-suppression-list.ts';
import { S3ObjectStore } from '../../shared/adapters/s3-object-store.ts';
import { requiredEnv, runtimeSettingsFromEnv } from '../../shared/config/env.ts';
import { LinkCache } from '../../shared/identity/link-cache.ts';
import { identityRules } from '../../shared/identity/rules.ts';
import { createLogger } from '../../shared/logger.ts';
import { createResolveHandler, type ResolveHandler } from './app.ts';

export function resolveHandlerFromEnv(lane: 'resolve' | 'activity'): ResolveHandler {
  const settings = runtimeSettingsFromEnv();
  return createResolveHandler({
    store: new DynamoDbProfileStore({ tableName: requiredEnv(resourceEnv.table.profiles) }),
    lake: new S3ObjectStore({ bucket: requiredEnv(resourceEnv.bucket.lake) }),
    identityMap: { plaintextIdentifiers: settings.privacy.plaintextIdentifiersInLake },
    rules: identityRules(settings.identity),
    suppressions: new DynamoDbSuppressionList({ tableName: requiredEnv(resourceEnv.table.suppressions) }),
    identityOnly: lane === 'resolve',
    // Lives as long as the warm function: the same people come back batch after batch.
    ...(lane === 'resolve' ? { linkCache: new LinkCache() } : {}),
    logger: createLogger(lane),
  });
}
