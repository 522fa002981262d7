/**
 * Lambda entry of the `collect` function (infra/topology.ts): adapters built once per cold start from validated
 * configuration, so a function with bad configuration fails before it takes any request.
 */

import { resourceEnv } from '../../infra/topology.ts';
import { DynamoDbSourceRegistry } from '../../shared/adapters/dynamodb-source-registry.ts';
import { KinesisEventStream } from '../../shared/adapters/kinesis-event-stream.ts';
import { requiredEnv, runtimeSettingsFromEnv } from '../../shared/config/env.ts';
import { createLogger } from '../../shared/logger.ts';
import { createCollectHandler } from './app.ts';

export const handler = createCollectHandler({
  sources: new DynamoDbSourceRegistry({ tableName: requiredEnv(resourceEnv.table.sources) }),
  stream: new KinesisEventStream({ streamName: requiredEnv(resourceEnv.stream.events) }),
  privacy: runtimeSettingsFromEnv().privacy,
  logger: createLogger('collect'),
});
