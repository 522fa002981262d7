/**
 * Reads a whole stream back from its oldest record, shard by shard, to count what the collector really put on
 * it (records, bytes, arrival times) rather than what it meant to put.
 */
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  type ListShardsCommandInput,
} from '@aws-sdk/client-kinesis';
import type { ShardRecord } from '../../infra/local/kinesis-event.ts';

/** Each shard's records in shard order, by shard id. */
export async function readWholeStream(
  client: KinesisClient,
  streamName: string,
): Promise<Map<string, ShardRecord[]>> {
  const shards = new Map<string, ShardRecord[]>();
  for (const shardId of await shardIds(client, streamName)) {
    shards.set(shardId, await readShard(client, streamName, shardId));
  }
  return shards;
}

async function shardIds(client: KinesisClient, streamName: string): Promise<string[]> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    // ListShards takes either the stream or the token of the previous page, never both.
    const input: ListShardsCommandInput = nextToken ? { NextToken: nextToken } : { StreamName: streamName };
    const output = await client.send(new ListShardsCommand(input));
    for (const shard of output.Shards ?? []) if (shard.ShardId) ids.push(shard.ShardId);
    nextToken = output.NextToken;
  } while (nextToken);
  return ids;
}

async function readShard(client: KinesisClient, streamName: string, shardId: string): Promise<ShardRecord[]> {
  const records: ShardRecord[] = [];
  let { ShardIterator: iterator } = await client.send(
    new GetShardIteratorCommand({
      StreamName: streamName,
      ShardId: shardId,
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  );
  while (iterator) {
    const output = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
    for (const raw of output.Records ?? []) {
      if (!raw.SequenceNumber || raw.PartitionKey === undefined || !raw.Data) continue;
      records.push({
        sequenceNumber: raw.SequenceNumber,
        partitionKey: raw.PartitionKey,
        data: raw.Data,
        approximateArrival: raw.ApproximateArrivalTimestamp ?? new Date(0),
      });
    }
    // Nothing is being written any more: an empty read at the tip means the shard has been read whole.
    if ((output.Records ?? []).length === 0 && (output.MillisBehindLatest ?? 0) === 0) break;
    iterator = output.NextShardIterator;
  }
  return records;
}
