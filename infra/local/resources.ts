/**
 * Creates on the emulators what the CDK stacks create in AWS — the topology's streams, buckets and tables —
 * and is a no-op for those that exist, so a restart over the same data directory keeps everything.
 */
import {
  CreateTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ResourceInUseException as StreamInUseException,
} from '@aws-sdk/client-kinesis';
import { BucketAlreadyOwnedByYou, CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { buckets, streams, type TableSpec, tables } from '../topology.ts';
import { waitUntil } from './emulators.ts';

export interface LocalClients {
  readonly kinesis: KinesisClient;
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
}

/** Returns each stream's ARN, which the event source mappings report in their events. */
export async function createResources(clients: LocalClients): Promise<Record<keyof typeof streams, string>> {
  for (const name of Object.keys(buckets)) {
    try {
      await clients.s3.send(new CreateBucketCommand({ Bucket: name }));
    } catch (error) {
      if (!(error instanceof BucketAlreadyOwnedByYou) && !isNamed(error, 'BucketAlreadyExists')) throw error;
    }
  }
  for (const [name, table] of Object.entries(tables) as [string, TableSpec][]) {
    const keys = [
      { AttributeName: table.partitionKey, KeyType: 'HASH' as const },
      ...(table.sortKey ? [{ AttributeName: table.sortKey, KeyType: 'RANGE' as const }] : []),
    ];
    try {
      await clients.dynamodb.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: keys.map(({ AttributeName }) => ({ AttributeName, AttributeType: 'S' })),
          KeySchema: keys,
        }),
      );
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
      continue;
    }
    if (table.timeToLiveAttribute) {
      await clients.dynamodb.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true },
        }),
      );
    }
  }
  const arns: Partial<Record<keyof typeof streams, string>> = {};
  for (const [name, stream] of Object.entries(streams) as [
    keyof typeof streams,
    (typeof streams)[keyof typeof streams],
  ][]) {
    try {
      await clients.kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: stream.shards }));
    } catch (error) {
      if (!(error instanceof StreamInUseException)) throw error;
    }
    let arn = '';
    await waitUntil(
      async () => {
        const { StreamDescriptionSummary: summary } = await clients.kinesis.send(
          new DescribeStreamSummaryCommand({ StreamName: name }),
        );
        arn = summary?.StreamARN ?? '';
        return summary?.StreamStatus === 'ACTIVE';
      },
      30_000,
      `stream ${name}`,
    );
    arns[name] = arn;
  }
  return arns as Record<keyof typeof streams, string>;
}

function isNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}
