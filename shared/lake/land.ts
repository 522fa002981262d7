/**
 * Landing: one batch of stream records → one Parquet file per (table, date partition) the batch touches.
 *
 * Landing is at-least-once: a retried or bisected batch lands its records again. Keys are derived from the
 * batch's place in its shard, so the replay of one batch overwrites its own files; what a different cut of
 * the same records lands twice, the compactor removes (see compact.ts).
 */

import { mapConcurrently } from '../concurrency.ts';
import type { ObjectStore } from '../ports.ts';
import { carriesSuppressedIdentity } from '../privacy/suppression-cache.ts';
import { decodeEnvelope } from './envelope.ts';
import { InvalidStreamRecordError, LakeWriteError } from './errors.ts';
import { batchId, landedFileKey, pendingMarkerKey } from './layout.ts';
import { encodeParquet } from './parquet.ts';
import { defaultLakePrivacy, type LakePrivacy } from './personal-data.ts';
import { type LakeRecord, type LakeRow, lakeRecord } from './rows.ts';
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
  /** Events dropped because they carry an erased person's identity; absent when nothing was screened. */
  readonly suppressed?: number;
}

export interface LandOptions {
  /**
   * Emails and phone numbers as digests only, or in plain text too (`privacy.plaintextIdentifiersInLake`).
   *
   * @default digests only, the identity rules of an empty `identity` section
   */
  readonly privacy?: LakePrivacy;
  /**
   * The suppression list (`suppressionKey` of every erased identity): events carrying one are not landed
   * (docs/identity.md#erasure). @default none: no event is screened
   */
  readonly suppressedKeys?: ReadonlySet<string>;
}

/** How many partition files are written at once; a batch rarely spans more than two dates. */
const WRITE_CONCURRENCY = 4;

/**
 * Lands a batch: decodes each record, drops repeated messageIds (keeping the earliest `received_at`), and
 * writes each (table, dt) group as `<table>/dt=…/land-<batch>.parquet`, then its pending-compaction marker.
 * @throws LakeWriteError when an object cannot be written: the whole batch must be retried.
 */
export async function landBatch(
  store: ObjectStore,
  batch: LandBatch,
  options: LandOptions = {},
): Promise<LandResult> {
  const privacy = options.privacy ?? defaultLakePrivacy;
  const first = batch.records[0];
  const last = batch.records.at(-1);
  if (first === undefined || last === undefined) return { failures: [], files: [], duplicatesDropped: 0 };

  const failures: { sequenceNumber: string; reason: string }[] = [];
  const kept = new Map<string, LakeRecord>();
  let duplicatesDropped = 0;
  let suppressed = 0;
  const { suppressedKeys } = options;
  for (const { sequenceNumber, data } of batch.records) {
    let record: LakeRecord;
    try {
      const envelope = decodeEnvelope(data);
      if (
        suppressedKeys !== undefined &&
        envelope.schema === 'cdp.event/1' &&
        carriesSuppressedIdentity(envelope.event, suppressedKeys, privacy.identityRules)
      ) {
        suppressed += 1;
        continue;
      }
      record = lakeRecord(envelope, privacy);
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
  return { failures, files, duplicatesDropped, ...(suppressedKeys === undefined ? {} : { suppressed }) };
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

function writePartition(store: ObjectStore, group: PartitionGroup, batch: string): Promise<LandedFile> {
  return writeLandedFile(
    store,
    group.table,
    group.dt,
    group.records.map((record) => record.row),
    batch,
  );
}

/**
 * Writes rows of one partition as the landed file of `batch`, then its pending-compaction marker, so that the
 * compactor merges it. The file first: a marker the compactor sees always has its file in place already.
 * Identity resolution publishes the identity map the same way (shared/identity/publish.ts).
 * @throws LakeWriteError when an object cannot be written.
 */
export async function writeLandedFile(
  store: ObjectStore,
  table: LakeTable,
  dt: string,
  rows: readonly LakeRow[],
  batch: string,
): Promise<LandedFile> {
  const key = landedFileKey(table, dt, batch);
  await put(store, key, encodeParquet(table, rows), 'application/vnd.apache.parquet');
  const marker = pendingMarkerKey(table, dt, batch);
  await put(store, marker, new TextEncoder().encode(JSON.stringify({ key })), 'application/json');
  return { table: table.name, dt, key, rows: rows.length };
}

async function put(store: ObjectStore, key: string, body: Uint8Array, contentType: string): Promise<void> {
  try {
    await store.put(key, body, contentType);
  } catch (error) {
    throw new LakeWriteError(`cannot write ${key}`, key, { cause: error });
  }
}
