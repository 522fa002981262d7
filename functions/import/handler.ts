/**
 * Lambda entry of the `import` function (infra/topology.ts): the configuration and the mappings are read once
 * per cold start, from the files shipped beside the bundle (the topology's `files`); locally they are the
 * project's own.
 */
import { join } from 'node:path';
import { resourceEnv } from '../../infra/topology.ts';
import { KinesisEventStream } from '../../shared/adapters/kinesis-event-stream.ts';
import { S3ObjectReader } from '../../shared/adapters/s3-object-reader.ts';
import { S3ObjectStore } from '../../shared/adapters/s3-object-store.ts';
import { requiredEnv } from '../../shared/config/env.ts';
import { loadSettingsFile } from '../../shared/config/settings.ts';
import { ingestSources, secretEnvName } from '../../shared/import/ingest-sources.ts';
import { createLogger } from '../../shared/logger.ts';
import { createImportHandler } from './app.ts';

/** Lambda's task root holds the bundle and the shipped files; locally the project root is the working directory. */
const projectRoot = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
const settings = loadSettingsFile(process.env.CDP_CONFIG_FILE ?? join(projectRoot, 'cdp.config.json'));
const bucket = requiredEnv(resourceEnv.bucket.imports);

export const handler = createImportHandler({
  bucket,
  objects: new S3ObjectStore({ bucket }),
  reader: new S3ObjectReader({ bucket }),
  stream: new KinesisEventStream({ streamName: requiredEnv(resourceEnv.stream.events) }),
  configuredSources: new Set(settings.sources.map((source) => source.name)),
  importable: ingestSources(settings.sources, projectRoot, (name) => process.env[secretEnvName(name)]),
  privacy: settings.privacy.ip,
  location: `s3://${bucket}/`,
  logger: createLogger('import'),
});
