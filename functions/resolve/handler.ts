/**
 * Lambda entry of the `resolve` function (infra/topology.ts): Kinesis `events` → identity graph and profiles.
 * Adapters and rules are built once per cold start from validated configuration.
 */
import { resourceEnv } from '../../infra/topology.ts';
import { DynamoDbProfileStore } from '../../shared/adapters/dynamodb-profile-store.ts';
import { requiredEnv, runtimeSettingsFromEnv } from '../../shared/config/env.ts';
import { identityRules } from '../../shared/identity/rules.ts';
import { createLogger } from '../../shared/logger.ts';
import { createResolveHandler } from './app.ts';

export const handler = createResolveHandler({
  store: new DynamoDbProfileStore({ tableName: requiredEnv(resourceEnv.table.profiles) }),
  rules: identityRules(runtimeSettingsFromEnv().identity),
  logger: createLogger('resolve'),
});
