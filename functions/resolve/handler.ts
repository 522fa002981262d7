/**
 * Lambda entry of the `resolve` function (infra/topology.ts): Kinesis `events` → identity graph and profiles,
 * and the identity map in the lake.
 * Adapters and rules are built once per cold start from validated configuration.
 */
import { resourceEnv } from '../../infra/topology.ts';
import { DynamoDbProfileStore } from '../../shared/adapters/dynamodb-profile-store.ts';
import { DynamoDbSuppressionList } from '../../shared/adapters/dynamodb-suppression-list.ts';
import { S3ObjectStore } from '../../shared/adapters/s3-object-store.ts';
import { requiredEnv, runtimeSettingsFromEnv } from '../../shared/config/env.ts';
import { identityRules } from '../../shared/identity/rules.ts';
import { createLogger } from '../../shared/logger.ts';
import { createResolveHandler } from './app.ts';

const settings = runtimeSettingsFromEnv();

export const handler = createResolveHandler({
  store: new DynamoDbProfileStore({ tableName: requiredEnv(resourceEnv.table.profiles) }),
  lake: new S3ObjectStore({ bucket: requiredEnv(resourceEnv.bucket.lake) }),
  identityMap: { plaintextIdentifiers: settings.privacy.plaintextIdentifiersInLake },
  rules: identityRules(settings.identity),
  suppressions: new DynamoDbSuppressionList({ tableName: requiredEnv(resourceEnv.table.suppressions) }),
  logger: createLogger('resolve'),
});
