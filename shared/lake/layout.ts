/**
 * Where the lake's objects live in the bucket. Landed files and compacted files share a partition folder,
 * told apart by name; the pending-compaction markers sit outside every table's prefix (and start with `_`,
 * which Athena skips), so queries never see them.
 *
 * ```
 * events/dt=2026-11-22/land-<batch>.parquet                  one per landed stream batch and partition
 * events/dt=2026-11-22/compact-<run>-0000.parquet            merged and deduplicated by the compactor
 * identity_links/dt=2026-11-22/snapshot-<run>-0000.parquet   the daily snapshot of the identity map
 * _compaction/pending/events/dt=2026-11-22/<batch>           "this partition has a landed file to merge"
 * _identity_snapshot/last                                    the day of the last identity map snapshot
 * ```
 *
 * The compactor treats snapshot files as it treats its own compacted files: rows already merged, never
 * inputs (shared/identity/snapshot.ts writes them whole and only ever deletes them with their partition).
 */
import { createHash } from 'node:crypto';
import { type LakeTable, lakeTables } from './schema.ts';

export const PENDING_PREFIX = '_compaction/pending/';
const LANDED = 'land-';
const COMPACTED = 'compact-';
const SNAPSHOT = 'snapshot-';
const PARQUET = '.parquet';
const DT = /^\d{4}-\d{2}-\d{2}$/;

export function partitionPrefix(table: LakeTable, dt: string): string {
  return `${table.prefix}dt=${dt}/`;
}

/**
 * Names a stream batch by where it sits in its shard, so a replay of the same batch names the same objects
 * and overwrites them.
 * @example batchId('shardId-000000000000', '4959…01', '4959…99') // 'shardId-000000000000_4959…01_4959…99'
 */
export function batchId(shardId: string, firstSequenceNumber: string, lastSequenceNumber: string): string {
  return [shardId, firstSequenceNumber, lastSequenceNumber].map(safeSegment).join('_');
}

export function landedFileKey(table: LakeTable, dt: string, batch: string): string {
  return `${partitionPrefix(table, dt)}${LANDED}${batch}${PARQUET}`;
}

export function pendingMarkerKey(table: LakeTable, dt: string, batch: string): string {
  return `${PENDING_PREFIX}${table.name}/dt=${dt}/${batch}`;
}

/** Names a compaction run by its inputs, so a re-run over the same inputs rewrites the same outputs. */
export function compactionRunId(landedKeys: readonly string[]): string {
  const digest = createHash('sha256');
  for (const key of [...landedKeys].sort()) digest.update(`${key}\n`);
  return digest.digest('hex').slice(0, 24);
}

export function compactedFileKey(table: LakeTable, dt: string, runId: string, part: number): string {
  return `${partitionPrefix(table, dt)}${COMPACTED}${runId}-${String(part).padStart(4, '0')}${PARQUET}`;
}

/**
 * Names a snapshot file: `snapshot-<run>-NNNN.parquet`, `runId` made of `[0-9a-z]` so that `lakeFile` can
 * read it back.
 * @example snapshotFileKey(identityLinksTable, '2026-11-22', '20261122t001500z', 0)
 *   // 'identity_links/dt=2026-11-22/snapshot-20261122t001500z-0000.parquet'
 */
export function snapshotFileKey(table: LakeTable, dt: string, runId: string, part: number): string {
  return `${partitionPrefix(table, dt)}${SNAPSHOT}${runId}-${String(part).padStart(4, '0')}${PARQUET}`;
}

/** Where the identity map snapshot records the UTC day it last ran (outside every table's prefix). */
export const IDENTITY_SNAPSHOT_MARKER = '_identity_snapshot/last';

export type LakeFile =
  | { readonly kind: 'landed'; readonly batch: string }
  | { readonly kind: 'compacted'; readonly runId: string }
  | { readonly kind: 'snapshot'; readonly runId: string }
  | { readonly kind: 'other' };

/** What a key inside a partition folder is. */
export function lakeFile(key: string): LakeFile {
  const name = key.slice(key.lastIndexOf('/') + 1);
  if (!name.endsWith(PARQUET)) return { kind: 'other' };
  const stem = name.slice(0, -PARQUET.length);
  if (stem.startsWith(LANDED)) return { kind: 'landed', batch: stem.slice(LANDED.length) };
  const compacted = /^compact-([0-9a-f]+)-\d+$/.exec(stem);
  if (compacted?.[1] !== undefined) return { kind: 'compacted', runId: compacted[1] };
  const snapshot = /^snapshot-([0-9a-z]+)-\d+$/.exec(stem);
  if (snapshot?.[1] !== undefined) return { kind: 'snapshot', runId: snapshot[1] };
  return { kind: 'other' };
}

export interface PendingMarker {
  readonly key: string;
  readonly table: LakeTable;
  readonly dt: string;
  readonly batch: string;
}

/** Reads a marker key back; `undefined` for keys under the prefix that are not markers of a known table. */
export function pendingMarker(key: string): PendingMarker | undefined {
  if (!key.startsWith(PENDING_PREFIX)) return undefined;
  const [tableName, partition, batch, ...rest] = key.slice(PENDING_PREFIX.length).split('/');
  const table = lakeTables.find((candidate) => candidate.name === tableName);
  const dt = partition?.startsWith('dt=') ? partition.slice(3) : undefined;
  if (!table || dt === undefined || !DT.test(dt) || !batch || rest.length > 0) return undefined;
  return { key, table, dt, batch };
}

/** Shard ids and sequence numbers are `[A-Za-z0-9-]` in Kinesis; anything else is kept out of keys. */
function safeSegment(text: string): string {
  return text.replace(/[^A-Za-z0-9-]/g, '-');
}
