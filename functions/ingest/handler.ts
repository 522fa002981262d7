/**
 * Lambda entry of the `ingest` function (infra/topology.ts): the configuration, the mappings and the webhook
 * secrets are read once per cold start, so a source with a broken mapping fails the function before it takes
 * any request. The configuration and the mappings are files shipped beside the bundle (the topology's
 * `files`); locally they are the project's own, read from the working directory.
 */
import { join } from 'node:path';
import { resourceEnv } from '../../infra/topology.ts';
import { DynamoDbSourceRegistry } from '../../shared/adapters/dynamodb-source-registry.ts';
import { KinesisEventStream } from '../../shared/adapters/kinesis-event-stream.ts';
import { SecretsManagerSecretStore } from '../../shared/adapters/secrets-manager.ts';
import { requiredEnv } from '../../shared/config/env.ts';
import { loadSettingsFile } from '../../shared/config/settings.ts';
import { ingestSources } from '../../shared/import/ingest-sources.ts';
import { webhookSecrets } from '../../shared/import/webhook-secrets.ts';
import { createLogger } from '../../shared/logger.ts';
import { createIngestHandler } from './app.ts';

/** Lambda's task root holds the bundle and the shipped files; locally the project root is the working directory. */
const projectRoot = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
const settings = loadSettingsFile(process.env.CDP_CONFIG_FILE ?? join(projectRoot, 'cdp.config.json'));
const logger = createLogger('ingest');
// In AWS from Secrets Manager (CDP_SECRETS_PREFIX), locally from CDP_SECRET_<REFERENCE>: read once, before the
// first request, so a rotated secret takes effect at the next cold start (docs/import.md#webhooks).
const secrets = await webhookSecrets(settings.sources, {
  env: process.env,
  store: () => new SecretsManagerSecretStore(),
  logger,
});

export const handler = createIngestHandler({
  sources: new DynamoDbSourceRegistry({ tableName: requiredEnv(resourceEnv.table.sources) }),
  ingestSources: ingestSources(settings.sources, projectRoot, (reference) => secrets.get(reference)),
  stream: new KinesisEventStream({ streamName: requiredEnv(resourceEnv.stream.events) }),
  privacy: settings.privacy.ip,
  logger,
});
