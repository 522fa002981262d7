/**
 * Lambda entry of the `profiles` function (infra/topology.ts): the admin profile API and erasure requests.
 * Adapters and rules are built once per cold start from validated configuration.
 */
import { functions, resourceEnv } from '../../infra/topology.ts';
import { DynamoDbErasureStore } from '../../shared/adapters/dynamodb-erasure-store.ts';
import { DynamoDbProfileStore } from '../../shared/adapters/dynamodb-profile-store.ts';
import { DynamoDbSuppressionList } from '../../shared/adapters/dynamodb-suppression-list.ts';
import { requiredEnv, runtimeSettingsFromEnv } from '../../shared/config/env.ts';
import { identityRules } from '../../shared/identity/rules.ts';
import { createLogger } from '../../shared/logger.ts';
import { erasureLakeDelayMs } from '../../shared/privacy/timing.ts';
import { createProfilesHandler } from './app.ts';

const profiles = new DynamoDbProfileStore({ tableName: requiredEnv(resourceEnv.table.profiles) });

export const handler = createProfilesHandler({
  profiles,
  rules: identityRules(runtimeSettingsFromEnv().identity),
  logger: createLogger('profiles'),
  erasures: {
    people: profiles,
    jobs: new DynamoDbErasureStore({ tableName: requiredEnv(resourceEnv.table.erasures) }),
    suppressions: new DynamoDbSuppressionList({ tableName: requiredEnv(resourceEnv.table.suppressions) }),
    lakeDelayMs: erasureLakeDelayMs(functions.land.timeoutSeconds),
  },
});
