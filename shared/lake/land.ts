/**
 * Landing: one batch of stream records → one Parquet file per (table, date partition) the batch touches.
 *
 * Landing is at-least-once: a retried or bisected batch lands its records again. Keys are derived from the
 * batch's place in its shard, so the replay of one batch overwrites its own files; what a different cut of
 * the same records lands twice, the compactor removes (see compact.ts).
 */

import { mapConcurrently } from '../concurrency.ts';
import type { ObjectStore } from '../ports.ts';
import { decodeEnvelope } from './envelope.ts';
import { InvalidStreamRecordError, LakeWriteError } from './errors.ts';
import { batchId, landedFileKey, pendingMarkerKey } from './layout.ts';
import { encodeParquet } from './parquet.ts';
import { type LakeRecord, lakeRecord } from './rows.ts';
import type { LakeTable } from './schema.ts';

export interface LandRecord {
  readonly sequenceNumber: string;
  /** The record's payload: a JSON `StreamEnvelope`. */
  readonly data: Uint8Array;
}

/** The records of one shard, in shard order. */
export interface LandBatch {
  readonly shardId: string;
  readonly records: readonly LandRecord[];
}

export interface LandedFile {
  readonly table: string;
  readonly dt: string;
  readonly key: string;
  readonly rows: number;
}

export interface LandResult {
  /** Records that are not a known envelope: report them back so the stream takes them to its failure destination. */
  readonly failures: readonly { readonly sequenceNumber: string; readonly reason: string }[];
  readonly files: readonly LandedFile[];
  readonly duplicatesDropped: number;
}

/** How many partition files are written at once; a batch rarely spans more than two dates. */
const WRITE_CONCURRENCY = 4;

/**
 * Lands a batch: decodes each record, drops repeated messageIds (keeping the earliest `received_at`), and
 * writes each (table, dt) group as `<table>/dt=…/land-<batch>.parquet`, then its pending-compaction marker.
 * @throws LakeWriteError when an object cannot be written: the whole batch must be retried.
 */
export async function landBatch(store: ObjectStore, batch: LandBatch): Promise<LandResult> {
  const first = batch.records[0];
  const last = batch.records.at(-1);
  if (first === undefined || last === undefined) return { failures: [], files: [], duplicatesDropped: 0 };

  const failures: { sequenceNumber: string; reason: string }[] = [];
  const kept = new Map<string, LakeRecord>();
  let duplicatesDropped = 0;
  for (const { sequenceNumber, data } of batch.records) {
    let record: LakeRecord;
    try {
      record = lakeRecord(decodeEnvelope(data));
    } catch (error) {
      if (!(error instanceof InvalidStreamRecordError)) throw error;
      failures.push({ sequenceNumber, reason: error.message });
      continue;
    }
    // A messageId is one row per table, whatever date its copies' corrected times fall on.
    const identity = `${record.table.name}\n${record.messageId}`;
    const earlier = kept.get(identity);
    if (earlier !== undefined) duplicatesDropped += 1;
    if (earlier === undefined || record.receivedAt < earlier.receivedAt) kept.set(identity, record);
  }

  const id = batchId(batch.shardId, first.sequenceNumber, last.sequenceNumber);
  const groups = groupByPartition(kept.values());
  const files = await mapConcurrently(groups, WRITE_CONCURRENCY, (group) => writePartition(store, group, id));
  return { failures, files, duplicatesDropped };
}

interface PartitionGroup {
  readonly table: LakeTable;
  readonly dt: string;
  readonly records: LakeRecord[];
}

function groupByPartition(records: Iterable<LakeRecord>): PartitionGroup[] {
  const groups = new Map<string, PartitionGroup>();
  for (const record of records) {
    const key = `${record.table.name}/${record.dt}`;
    const group = groups.get(key) ?? { table: record.table, dt: record.dt, records: [] };
    group.records.push(record);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** The file first, then its marker: a marker the compactor sees always has its file in place already. */
async function writePartition(store: ObjectStore, group: PartitionGroup, batch: string): Promise<LandedFile> {
  const key = landedFileKey(group.table, group.dt, batch);
  const body = encodeParquet(
    group.table,
    group.records.map((record) => record.row),
  );
  await put(store, key, body, 'application/vnd.apache.parquet');
  const marker = pendingMarkerKey(group.table, group.dt, batch);
  await put(store, marker, new TextEncoder().encode(JSON.stringify({ key })), 'application/json');
  return { table: group.table.name, dt: group.dt, key, rows: group.records.length };
}

async function put(store: ObjectStore, key: string, body: Uint8Array, contentType: string): Promise<void> {
  try {
    await store.put(key, body, contentType);
  } catch (error) {
    throw new LakeWriteError(`cannot write ${key}`, key, { cause: error });
  }
}
