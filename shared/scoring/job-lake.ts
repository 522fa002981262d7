/**
 * The lake's `scores` table (shared/lake/schema.ts): one partition per as-of date, written whole by a run as
 * `scores/dt=<as-of>/run-<run>-NNNN.parquet`. A re-run for the same date replaces the partition: its files are
 * written first and the earlier runs' files of that partition deleted after, so the date never reads empty.
 * Only earlier runs' files (run ids sort by start time) are deleted: of two runs that overlap, the later one
 * removes the other's files, never the reverse, so the partition is never left empty;
 * should the run stop in between, the next run for that date removes the leftovers. (A query in that gap may
 * count a person twice; `run_id` tells the runs apart.) No pending-compaction marker is written: the files are
 * already whole, so the compactor leaves them alone.
 */
import { LakeWriteError } from '../lake/errors.ts';
import { partitionPrefix } from '../lake/layout.ts';
import { encodeParquet } from '../lake/parquet.ts';
import type { LakeRow } from '../lake/rows.ts';
import { LAKE_SCHEMA_VERSION, scoresTable } from '../lake/schema.ts';
import type { ObjectStore } from '../ports.ts';
import { ScoringInputError } from './errors.ts';

const PARQUET_TYPE = 'application/vnd.apache.parquet';
const DEFAULT_ROWS_PER_FILE = 250_000;

export interface ScoresPartitionResult {
  readonly keys: readonly string[];
  readonly rows: number;
  /** Objects of earlier runs for the same date that were deleted. */
  readonly replaced: number;
}

/** The key of part `part` of run `runId`'s file for `dt`; `runId` is `[0-9a-z]`. */
export function scoresFileKey(dt: string, runId: string, part: number): string {
  return `${partitionPrefix(scoresTable, dt)}run-${runId}-${String(part).padStart(4, '0')}.parquet`;
}

/**
 * Writes `rows` as the `dt` partition of `scores`, replacing what earlier runs wrote there.
 * @throws LakeWriteError when a file cannot be written (the earlier files are then kept).
 */
export function writeScoresPartition(
  store: ObjectStore,
  dt: string,
  runId: string,
  rows: readonly LakeRow[],
  rowsPerFile = DEFAULT_ROWS_PER_FILE,
): Promise<ScoresPartitionResult> {
  return writeScoresFiles(store, dt, runId, rows.length, (start, end) => rows.slice(start, end), rowsPerFile);
}

/**
 * `writeScoresPartition` for `total` rows built a file at a time by `rowsOf(start, end)`: only one file's rows
 * exist at once.
 */
export async function writeScoresFiles(
  store: ObjectStore,
  dt: string,
  runId: string,
  total: number,
  rowsOf: (start: number, end: number) => readonly LakeRow[],
  rowsPerFile = DEFAULT_ROWS_PER_FILE,
): Promise<ScoresPartitionResult> {
  if (!/^[0-9a-z]+$/.test(runId)) throw new ScoringInputError(`run id '${runId}' is not [0-9a-z]`);
  const keys: string[] = [];
  for (let start = 0, part = 0; start < total; start += rowsPerFile, part += 1) {
    const key = scoresFileKey(dt, runId, part);
    const rows = rowsOf(start, Math.min(start + rowsPerFile, total));
    try {
      await store.put(key, encodeParquet(scoresTable, rows), PARQUET_TYPE);
    } catch (error) {
      throw new LakeWriteError(`cannot write ${key}`, key, { cause: error });
    }
    keys.push(key);
  }
  const written = new Set(keys);
  const stale: string[] = [];
  for await (const object of store.list(partitionPrefix(scoresTable, dt))) {
    const run = /\/run-([0-9a-z]+)-\d+\.parquet$/.exec(object.key)?.[1];
    if (!written.has(object.key) && (run === undefined || run < runId)) stale.push(object.key);
  }
  if (stale.length > 0) await store.delete(stale);
  return { keys, rows: total, replaced: stale.length };
}

/** Stamps a row with the lake schema version. */
export function withSchemaVersion(row: Record<string, LakeRow[string]>): LakeRow {
  return { ...row, schema_version: LAKE_SCHEMA_VERSION };
}
