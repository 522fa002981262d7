/**
 * Lambda entry of the `profiles` function (infra/topology.ts): the admin profile API. Adapters and rules are
 * built once per cold start from validated configuration.
 */
import { resourceEnv } from '../../infra/topology.ts';
import { DynamoDbProfileStore } from '../../shared/adapters/dynamodb-profile-store.ts';
import { requiredEnv, runtimeSettingsFromEnv } from '../../shared/config/env.ts';
import { identityRules } from '../../shared/identity/rules.ts';
import { createLogger } from '../../shared/logger.ts';
import { createProfilesHandler } from './app.ts';

export const handler = createProfilesHandler({
  profiles: new DynamoDbProfileStore({ tableName: requiredEnv(resourceEnv.table.profiles) }),
  rules: identityRules(runtimeSettingsFromEnv().identity),
  logger: createLogger('profiles'),
});
