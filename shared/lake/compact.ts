/**
 * Compaction: merges the small landed files of each partition that has pending markers into larger files,
 * keeping one copy of each row per the table's rule (`compactionRules`, below): one row per messageId for
 * events and quarantine, the latest row per identifier for identity_links, one row per merged profile for
 * identity_merges.
 *
 * One merge step over a partition runs in this order, and a crash after any of them is safe:
 *   1. delete the outputs of an earlier, crashed attempt at this very step (same run id = same input keys):
 *      their rows are all still in the step's landed files, which are only deleted in 3;
 *   2. write the merged rows as `compact-<run>-NNNN.parquet`, `<run>` a digest of the input keys;
 *   3. delete the landed files merged (only those listed at the start, so later landings are kept);
 *   4. delete the markers of those files.
 * A crash between 2 and 4 leaves rows in both a landed and a compacted file until the markers bring the
 * partition back: a run over the same inputs redoes the step from 1; a run over other inputs (files landed
 * meanwhile) counts the crashed outputs as already compacted, and a copy equal to or worse than an already
 * compacted one is dropped. Either way no row is lost, and no compacted file repeats a row another holds, so
 * none is left twice once a run completes.
 * Tables whose rule `supersedes` (identity_links) keep a new copy that is better than the compacted one
 * (a later `resolved_at`) beside it rather than rewriting the older file: the partition's best copy of each key
 * is then unique, and the `identity_map` view reads only the best. The daily identity snapshot's files
 * (`snapshot-…`) count as compacted files.
 * Two compactions must not run at once over the same partition (the function has one scheduled invocation).
 *
 * Memory, per step: the rows of the landed files merged (at most `maxInputBytes` of Parquet: roughly what
 * one partition received since the last hourly run, or one slice of it), plus the key columns of one
 * earlier compacted file at a time. Neither grows with the size of the lake or of the partition's history.
 */
import type { ObjectStore } from '../ports.ts';
import { LakeFileError } from './errors.ts';
import {
  compactedFileKey,
  compactionRunId,
  lakeFile,
  PENDING_PREFIX,
  type PendingMarker,
  partitionPrefix,
  pendingMarker,
} from './layout.ts';
import { decodeParquet, encodeParquet } from './parquet.ts';
import { type LakeRow, type LakeValue, partitionTimeColumn } from './rows.ts';
import {
  eventsTable,
  identityLinksTable,
  identityMergesTable,
  type LakeTable,
  quarantineTable,
} from './schema.ts';

export interface CompactOptions {
  /** Rows per compacted file; a larger merge is split into several files. @default 1_000_000 */
  readonly maxRowsPerFile?: number;
  /** Bytes of landed Parquet merged in one step; a partition with more is merged in several steps. @default 64 MiB */
  readonly maxInputBytes?: number;
  /** Asked before each step; `true` leaves the rest pending for the next run (e.g. near the Lambda timeout). */
  readonly shouldStop?: () => boolean;
}

export interface PartitionCompaction {
  readonly table: string;
  readonly dt: string;
  readonly landedFiles: number;
  readonly rowsIn: number;
  readonly rowsOut: number;
  readonly duplicatesDropped: number;
  readonly outputKeys: readonly string[];
}

export interface CompactionSummary {
  readonly partitions: readonly PartitionCompaction[];
  readonly rowsIn: number;
  readonly rowsOut: number;
  readonly duplicatesDropped: number;
  /** Partitions that failed; their markers stay, so the next run tries again. */
  readonly failures: readonly { readonly table: string; readonly dt: string; readonly reason: string }[];
  /** Partitions left for the next run because `shouldStop` said so. */
  readonly deferred: number;
}

const DEFAULTS = { maxRowsPerFile: 1_000_000, maxInputBytes: 64 * 1024 * 1024 };

/** How compaction tells copies of one row apart and which copy it keeps. */
export interface CompactionRule {
  /** What a row is about: rows with the same key are copies of one another. */
  readonly key: (row: LakeRow) => string;
  /** Negative when `a` is the copy to keep rather than `b`; 0 when either will do (the first seen is kept). */
  readonly prefer: (a: LakeRow, b: LakeRow) => number;
  /** The columns `key` and `prefer` read: all that is decoded of already compacted files. */
  readonly columns: readonly string[];
  /**
   * Whether a new copy that `prefer`s over the partition's compacted copy is kept beside it (readers take the
   * best copy); otherwise the compacted copy always wins and the partition holds each key once.
   */
  readonly supersedes: boolean;
}

/** A message is kept once: the copy received first, and never again once compacted. */
const oncePerMessage: CompactionRule = {
  key: (row) => String(row.message_id),
  prefer: (a, b) => epochMillis(a.received_at) - epochMillis(b.received_at),
  columns: ['message_id'],
  supersedes: false,
};

/**
 * The rule of each table, in one place. identity_links: the latest row per identifier (`resolved_at`, then the
 * smaller — older — profile id, as the `identity_map` view orders them); identity_merges: one row per merged
 * profile, the earliest `merged_at`, a row that names the linking message before one that does not (the
 * snapshot's).
 */
export const compactionRules: Readonly<Record<string, CompactionRule>> = {
  [eventsTable.name]: oncePerMessage,
  [quarantineTable.name]: oncePerMessage,
  [identityLinksTable.name]: {
    key: (row) => `${String(row.id_type)}:${String(row.id_value)}`,
    prefer: (a, b) =>
      epochMillis(b.resolved_at) - epochMillis(a.resolved_at) ||
      compareText(String(a.profile_id), String(b.profile_id)),
    columns: ['id_type', 'id_value', 'profile_id', 'resolved_at'],
    supersedes: true,
  },
  [identityMergesTable.name]: {
    key: (row) => String(row.merged_profile_id),
    prefer: (a, b) =>
      epochMillis(a.merged_at) - epochMillis(b.merged_at) ||
      Number(a.message_id === null) - Number(b.message_id === null),
    columns: ['merged_profile_id'],
    supersedes: false,
  },
};

function compactionRule(table: LakeTable): CompactionRule {
  return compactionRules[table.name] ?? oncePerMessage;
}

/**
 * Compacts every partition that has pending markers; one partition's failure does not stop the others.
 * @example const summary = await compactLake(new S3ObjectStore({ bucket }), { shouldStop: () => false });
 */
export async function compactLake(
  store: ObjectStore,
  options: CompactOptions = {},
): Promise<CompactionSummary> {
  const shouldStop = options.shouldStop ?? (() => false);
  const partitions: PartitionCompaction[] = [];
  const failures: { table: string; dt: string; reason: string }[] = [];
  let deferred = 0;
  for (const { table, dt, markers } of await pendingPartitions(store)) {
    if (shouldStop()) {
      deferred += 1;
      continue;
    }
    try {
      partitions.push(await compactPartition(store, table, dt, markers, options));
    } catch (error) {
      failures.push({
        table: table.name,
        dt,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return {
    partitions,
    rowsIn: sum(partitions, (partition) => partition.rowsIn),
    rowsOut: sum(partitions, (partition) => partition.rowsOut),
    duplicatesDropped: sum(partitions, (partition) => partition.duplicatesDropped),
    failures,
    deferred,
  };
}

/**
 * Merges the landed files of one partition. `markers` are the partition's markers as listed before its
 * files were: each is deleted once its file is merged, or at once when its file was merged already.
 */
export async function compactPartition(
  store: ObjectStore,
  table: LakeTable,
  dt: string,
  markers: readonly PendingMarker[],
  options: CompactOptions = {},
): Promise<PartitionCompaction> {
  const { maxRowsPerFile, maxInputBytes } = { ...DEFAULTS, ...options };
  const shouldStop = options.shouldStop ?? (() => false);
  const landed: { key: string; size: number; batch: string }[] = [];
  let compacted: string[] = [];
  for await (const object of store.list(partitionPrefix(table, dt))) {
    const file = lakeFile(object.key);
    if (file.kind === 'landed') landed.push({ ...object, batch: file.batch });
    if (file.kind === 'compacted' || file.kind === 'snapshot') compacted.push(object.key);
  }
  landed.sort((a, b) => compareText(a.key, b.key));

  // A marker whose file is gone was written after an earlier run listed the markers but before it listed the
  // files; that run merged the file.
  const landedBatches = new Set(landed.map((file) => file.batch));
  await deleteAll(
    store,
    markers.filter((marker) => !landedBatches.has(marker.batch)).map((marker) => marker.key),
  );

  const totals = { landedFiles: 0, rowsIn: 0, rowsOut: 0, outputKeys: [] as string[] };
  for (const [index, step] of slicesBySize(landed, maxInputBytes).entries()) {
    if (index > 0 && shouldStop()) break;
    const stepKeys = step.map((file) => file.key);
    const merged = await mergeStep(store, table, dt, stepKeys, compacted, maxRowsPerFile);
    await deleteAll(store, stepKeys);
    const stepBatches = new Set(step.map((file) => file.batch));
    await deleteAll(
      store,
      markers.filter((marker) => stepBatches.has(marker.batch)).map((marker) => marker.key),
    );
    compacted = [...merged.compactedAfter];
    totals.landedFiles += step.length;
    totals.rowsIn += merged.rowsIn;
    totals.rowsOut += merged.rowsOut;
    totals.outputKeys.push(...merged.outputKeys);
  }
  return {
    table: table.name,
    dt,
    ...totals,
    duplicatesDropped: totals.rowsIn - totals.rowsOut,
  };
}

interface MergeResult {
  readonly rowsIn: number;
  readonly rowsOut: number;
  readonly outputKeys: readonly string[];
  /** The partition's compacted files once this step's outputs are written. */
  readonly compactedAfter: readonly string[];
}

async function mergeStep(
  store: ObjectStore,
  table: LakeTable,
  dt: string,
  landedKeys: readonly string[],
  compacted: readonly string[],
  maxRowsPerFile: number,
): Promise<MergeResult> {
  const runId = compactionRunId(landedKeys);
  const ofThisRun = (key: string) => {
    const file = lakeFile(key);
    return file.kind === 'compacted' && file.runId === runId;
  };

  // Within the step, the copy the rule prefers wins; ties go to the first file in key order, so a re-run of
  // the same step keeps the same copies.
  const rule = compactionRule(table);
  const candidates = new Map<string, LakeRow>();
  let rowsIn = 0;
  for (const key of landedKeys) {
    const bytes = await store.get(key);
    // A landed file listed with its marker and now gone was merged by another run: going on would overwrite
    // that run's output with part of its rows. Fail the partition; its markers stay for the next run.
    if (bytes === undefined) throw new LakeFileError('a landed file disappeared during compaction', key);
    for (const row of await decodeParquet(table, bytes, { key })) {
      rowsIn += 1;
      const id = rule.key(row);
      const earlier = candidates.get(id);
      if (earlier === undefined || rule.prefer(row, earlier) < 0) candidates.set(id, row);
    }
  }

  // An already compacted copy wins over a new one, unless the rule lets a better new copy supersede it.
  // Outputs of a crashed attempt at this very step are not "already compacted": they are replaced from the
  // same inputs.
  const earlierAttempt = compacted.filter(ofThisRun);
  const previous = compacted.filter((key) => !ofThisRun(key));
  for (const key of previous) {
    if (candidates.size === 0) break;
    const bytes = await store.get(key);
    if (bytes === undefined) continue;
    for (const row of await decodeParquet(table, bytes, { key, columns: rule.columns })) {
      const id = rule.key(row);
      const candidate = candidates.get(id);
      if (candidate === undefined) continue;
      if (!rule.supersedes || rule.prefer(candidate, row) >= 0) candidates.delete(id);
    }
  }

  const timeColumn = partitionTimeColumn[table.name] ?? 'received_at';
  const rows = [...candidates.values()].sort(byTimeThenKey(timeColumn, rule));
  // The earlier attempt may have cut its rows into other parts, so its files go before the new ones are written.
  await deleteAll(store, earlierAttempt);
  const outputKeys: string[] = [];
  for (let start = 0, part = 0; start < rows.length; start += maxRowsPerFile, part += 1) {
    const key = compactedFileKey(table, dt, runId, part);
    await store.put(key, encodeParquet(table, rows.slice(start, start + maxRowsPerFile)), PARQUET_TYPE);
    outputKeys.push(key);
  }
  return { rowsIn, rowsOut: rows.length, outputKeys, compactedAfter: [...previous, ...outputKeys] };
}

const PARQUET_TYPE = 'application/vnd.apache.parquet';

interface PendingPartition {
  readonly table: LakeTable;
  readonly dt: string;
  readonly markers: PendingMarker[];
}

/** The partitions with markers, in table and date order. */
async function pendingPartitions(store: ObjectStore): Promise<PendingPartition[]> {
  const partitions = new Map<string, PendingPartition>();
  for await (const object of store.list(PENDING_PREFIX)) {
    const marker = pendingMarker(object.key);
    if (marker === undefined) continue;
    const id = `${marker.table.name}/${marker.dt}`;
    const partition = partitions.get(id) ?? { table: marker.table, dt: marker.dt, markers: [] };
    partition.markers.push(marker);
    partitions.set(id, partition);
  }
  return [...partitions.entries()].sort(([a], [b]) => compareText(a, b)).map(([, partition]) => partition);
}

async function deleteAll(store: ObjectStore, keys: readonly string[]): Promise<void> {
  if (keys.length > 0) await store.delete(keys);
}

/** Consecutive slices of at most `maxBytes` each; a file larger than that is a slice of its own. */
function slicesBySize<T extends { readonly size: number }>(files: readonly T[], maxBytes: number): T[][] {
  const slices: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const file of files) {
    if (current.length > 0 && bytes + file.size > maxBytes) {
      slices.push(current);
      current = [];
      bytes = 0;
    }
    current.push(file);
    bytes += file.size;
  }
  if (current.length > 0) slices.push(current);
  return slices;
}

function byTimeThenKey(timeColumn: string, rule: CompactionRule): (a: LakeRow, b: LakeRow) => number {
  return (a, b) =>
    epochMillis(a[timeColumn]) - epochMillis(b[timeColumn]) || compareText(rule.key(a), rule.key(b));
}

function epochMillis(value: LakeValue | undefined): number {
  return value instanceof Date ? value.getTime() : Number.POSITIVE_INFINITY;
}

/** Code-unit order, independent of the locale, so outputs are the same wherever the compactor runs. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}
