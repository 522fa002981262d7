/** Records as the local stream poller reads them from a shard, numbered so tests can name them by hand. */
import type { ShardRecord } from '../../../infra/local/kinesis-event.ts';

export const arrivedAt = Date.parse('2026-03-01T12:00:00.000Z');

/** Record `index` of a shard: sequence number `49000…<index>`, key `key-<index % 2>`, data `record <index>`. */
export function shardRecord(index: number, arrival = arrivedAt + index): ShardRecord {
  return {
    sequenceNumber: `49000000000000000000000000000000000000000000000000${String(index).padStart(6, '0')}`,
    partitionKey: `key-${index % 2}`,
    data: new TextEncoder().encode(`record ${index}`),
    approximateArrival: new Date(arrival),
  };
}

export function shardRecords(count: number): ShardRecord[] {
  return Array.from({ length: count }, (_, index) => shardRecord(index));
}

/** The indexes of records made by `shardRecord`, to compare batches by hand. */
export function indexesOf(records: readonly ShardRecord[]): number[] {
  return records.map((record) => Number(record.sequenceNumber.slice(-6)));
}
