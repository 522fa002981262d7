/**
 * `SourceRegistry` on the DynamoDB `sources` table (partition key `writeKey`; attributes name, channel,
 * allowedOrigins), behind a short in-memory cache so the collector's hot path rarely reaches DynamoDB.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { CachedSourceRegistry, type SourceCacheOptions } from '../collect/source-cache.ts';
import { CdpError } from '../errors.ts';
import { channels, type Source, type SourceRegistry } from '../ports.ts';
import { dynamoDbDocuments } from './aws-clients.ts';

/** The sources table holds an item the platform cannot read, or DynamoDB refused the call. */
export class SourceRegistryError extends CdpError {}

const sourceItem = z.object({
  writeKey: z.string().min(1),
  name: z.string().min(1),
  channel: z.enum(channels),
  allowedOrigins: z.array(z.string()).default([]),
});

export interface DynamoDbSourceRegistryOptions {
  /** @default dynamoDbClient() — the shared client of aws-clients.ts */
  readonly client?: DynamoDBClient;
  readonly tableName: string;
  /** Cache settings; `false` reads DynamoDB on every call (tools, tests). @default 60 s, negative 5 s */
  readonly cache?: SourceCacheOptions | false;
}

export class DynamoDbSourceRegistry implements SourceRegistry {
  readonly #lookup: SourceRegistry;

  constructor(options: DynamoDbSourceRegistryOptions) {
    const documents = dynamoDbDocuments(options.client);
    const uncached: SourceRegistry = {
      byWriteKey: (writeKey) => readSource(documents, options.tableName, writeKey),
    };
    this.#lookup = options.cache === false ? uncached : new CachedSourceRegistry(uncached, options.cache);
  }

  byWriteKey(writeKey: string): Promise<Source | undefined> {
    return this.#lookup.byWriteKey(writeKey);
  }
}

async function readSource(
  documents: DynamoDBDocumentClient,
  tableName: string,
  writeKey: string,
): Promise<Source | undefined> {
  // DynamoDB rejects an empty key (and keys over 2 KB) outright; no source can have one.
  if (writeKey === '' || writeKey.length > 1024) return undefined;
  let item: Record<string, unknown> | undefined;
  try {
    ({ Item: item } = await documents.send(new GetCommand({ TableName: tableName, Key: { writeKey } })));
  } catch (error) {
    throw new SourceRegistryError(`cannot read the sources table ${tableName}`, { cause: error });
  }
  if (item === undefined) return undefined;
  const parsed = sourceItem.safeParse(item);
  if (!parsed.success) {
    // The key is deliberately not in the message: it is a credential.
    throw new SourceRegistryError(`a source in ${tableName} is malformed: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/**
 * Creates or replaces a source. Used by the local runtime to seed sources and by `cdp sources add`.
 *
 * @example await putSource(dynamoDbClient(), 'sources', { writeKey, name: 'website', channel: 'web', allowedOrigins: ['*'] });
 */
export async function putSource(client: DynamoDBClient, tableName: string, source: Source): Promise<void> {
  const item = {
    writeKey: source.writeKey,
    name: source.name,
    channel: source.channel,
    allowedOrigins: [...source.allowedOrigins],
  };
  await dynamoDbDocuments(client).send(new PutCommand({ TableName: tableName, Item: item }));
}
