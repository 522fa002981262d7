/**
 * The lake half of an erasure: one pass over the lake that removes the rows of every pending erasure at once
 * (lake-match.ts says which rows), as a partition rewrite:
 *
 * - per file, only the matching columns are read; a file without a match is left as it is;
 * - a file with matches is read whole and written again under the same key without those rows, or deleted
 *   when none is left — one file in memory at a time;
 * - in a versioned bucket the replaced object stays as an old version, and so do files compaction deleted
 *   before the erasure: after each partition, its old versions are read the same way and those holding a
 *   match (and every old version of a rewritten key) are deleted;
 * - the stream consumers' failure records (`aws/lambda/…`, JSON with the records' payloads) are rewritten
 *   without the person's records, or deleted when none is left.
 *
 * The pass goes area by area (the lake tables, then the failure records) and, within an area, one folder (a
 * `dt=` partition, a day of failure records) at a time in key order; it can stop between files and resumes
 * at the folder after the last one finished (`LakeCursor`). Folders are the unit because compaction only
 * ever moves rows within a partition: a partition finished stays free of the person's rows (landing drops
 * their late events by then), one not started yet is read whole later.
 */
import { Buffer } from 'node:buffer';
import type { IdentityRules } from '../identity/rules.ts';
import { decodeParquet, encodeParquet } from '../lake/parquet.ts';
import { type LakeTable, lakeTables } from '../lake/schema.ts';
import type { NoncurrentVersion, ObjectStore, ObjectVersionStore } from '../ports.ts';
import type { ErasureMatcher } from './lake-match.ts';
import { addRemovals, type LakeCursor, type LakeRemoval, noLakeRemoval } from './model.ts';

export interface LakePassOptions {
  readonly rules: IdentityRules;
  /** Old versions of the bucket's objects; without it, only current objects are searched. */
  readonly versions?: ObjectVersionStore;
  /** Where an earlier, unfinished pass stopped. */
  readonly cursor?: LakeCursor;
  /** Asked before each file; `true` ends the pass at the last finished folder. */
  readonly shouldStop?: () => boolean;
}

export interface LakePassResult {
  readonly complete: boolean;
  /** Where the next pass resumes, when this one is not complete. */
  readonly cursor: LakeCursor | undefined;
  /** What was removed, by erasure id and area (table name or `failure_records`). */
  readonly removals: ReadonlyMap<string, Readonly<Record<string, LakeRemoval>>>;
  /** Why the pass stopped early, when it failed rather than ran out of time. */
  readonly error?: unknown;
}

/** The area of the stream consumers' failure records, after the lake tables. */
export const FAILURE_RECORDS = 'failure_records';
const FAILURE_RECORDS_PREFIX = 'aws/lambda/';
const PARQUET_TYPE = 'application/vnd.apache.parquet';
/** Versions deleted per request (S3's DeleteObjects limit). */
const VERSION_BATCH = 1000;

/** Who owns each row or record of one object, and the object without the owned ones. */
interface Area {
  readonly name: string;
  readonly prefix: string;
  readonly contentType: string;
  /** The folder `key` is processed with; undefined for keys the pass skips. */
  unitOf(key: string): string | undefined;
  owners(bytes: Uint8Array, key: string): Promise<(string | undefined)[]>;
  /** The object without the owned rows; undefined when nothing is left. */
  without(
    bytes: Uint8Array,
    owners: readonly (string | undefined)[],
    key: string,
  ): Promise<Uint8Array | undefined>;
}

/**
 * Removes the matched rows from the lake, resuming at `options.cursor`.
 * @example const result = await eraseFromLake(store, new ErasureMatcher(targets), { rules, versions: store });
 */
export async function eraseFromLake(
  store: ObjectStore,
  matcher: ErasureMatcher,
  options: LakePassOptions,
): Promise<LakePassResult> {
  const areas = [
    ...lakeTables.map((table) => tableArea(table, matcher, options.rules)),
    failureRecordsArea(matcher, options.rules),
  ];
  const removals = new Removals();
  const shouldStop = options.shouldStop ?? (() => false);
  const startArea = options.cursor ? areas.findIndex((area) => area.name === options.cursor?.area) : 0;
  let cursor = options.cursor;
  const result = (complete: boolean, error?: unknown): LakePassResult => ({
    complete,
    cursor: complete ? undefined : cursor,
    removals: removals.byErasure(),
    ...(error === undefined ? {} : { error }),
  });
  try {
    for (const area of areas.slice(Math.max(0, startArea))) {
      const after = options.cursor?.area === area.name ? options.cursor.after : undefined;
      for await (const { unit, keys } of unitsOf(store, area, options.versions)) {
        if (after !== undefined && unit <= after) continue;
        if (!(await eraseUnit(store, area, unit, keys, removals, options.versions, shouldStop))) {
          return result(false);
        }
        cursor = { area: area.name, after: unit };
      }
    }
  } catch (error) {
    return result(false, error);
  }
  return result(true);
}

/**
 * The area's folders in key order, each with its current keys. A folder that holds only old versions (its
 * files were deleted, by compaction or by an earlier pass stopped midway) is one too.
 */
async function* unitsOf(
  store: ObjectStore,
  area: Area,
  versions: ObjectVersionStore | undefined,
): AsyncIterable<{ unit: string; keys: string[] }> {
  let unit: string | undefined;
  let keys: string[] = [];
  for await (const { key, current } of keysInOrder(
    store.list(area.prefix),
    versions?.noncurrentVersions(area.prefix),
  )) {
    const keyUnit = area.unitOf(key);
    if (keyUnit === undefined) continue;
    if (keyUnit !== unit) {
      if (unit !== undefined) yield { unit, keys };
      unit = keyUnit;
      keys = [];
    }
    if (current) keys.push(key);
  }
  if (unit !== undefined) yield { unit, keys };
}

/** The keys of two listings in key order (both list in key order), each marked with the listing it came from. */
async function* keysInOrder(
  current: AsyncIterable<{ readonly key: string }>,
  old: AsyncIterable<{ readonly key: string }> | undefined,
): AsyncIterable<{ key: string; current: boolean }> {
  const currentKeys = current[Symbol.asyncIterator]();
  const oldKeys = old?.[Symbol.asyncIterator]();
  let nextCurrent = await currentKeys.next();
  let nextOld = oldKeys ? await oldKeys.next() : undefined;
  for (;;) {
    const a = nextCurrent.done ? undefined : nextCurrent.value.key;
    const b = nextOld === undefined || nextOld.done ? undefined : nextOld.value.key;
    if (a === undefined && b === undefined) return;
    if (a !== undefined && (b === undefined || a <= b)) {
      yield { key: a, current: true };
      nextCurrent = await currentKeys.next();
    } else if (b !== undefined && oldKeys !== undefined) {
      yield { key: b, current: false };
      nextOld = await oldKeys.next();
    }
  }
}

/** One folder: its current objects, then its old versions. `false` when it stopped before the end. */
async function eraseUnit(
  store: ObjectStore,
  area: Area,
  unit: string,
  keys: readonly string[],
  removals: Removals,
  versions: ObjectVersionStore | undefined,
  shouldStop: () => boolean,
): Promise<boolean> {
  /** Keys rewritten or deleted, with the erasures that caused it. */
  const changed = new Map<string, ReadonlySet<string>>();
  for (const key of keys) {
    if (shouldStop()) return false;
    const bytes = await store.get(key);
    if (bytes === undefined) continue;
    const owners = await area.owners(bytes, key);
    const erasures = ownersOf(owners);
    if (erasures.size === 0) continue;
    const rest = await area.without(bytes, owners, key);
    if (rest === undefined) await store.delete([key]);
    else await store.put(key, rest, area.contentType);
    changed.set(key, erasures);
    for (const erasureId of erasures) {
      removals.add(erasureId, area.name, rest === undefined ? { filesDeleted: 1 } : { filesRewritten: 1 });
    }
    for (const owner of owners) if (owner !== undefined) removals.add(owner, area.name, { rowsRemoved: 1 });
  }
  if (versions === undefined) return true;

  const doomed: NoncurrentVersion[] = [];
  for await (const version of versions.noncurrentVersions(unit)) {
    if (shouldStop()) return false;
    let erasures = changed.get(version.key);
    if (erasures === undefined) {
      if (area.unitOf(version.key) !== unit) continue;
      const bytes = await versions.getVersion(version.key, version.versionId);
      if (bytes === undefined) continue;
      erasures = ownersOf(await area.owners(bytes, version.key));
      if (erasures.size === 0) continue;
    }
    doomed.push(version);
    for (const erasureId of erasures) removals.add(erasureId, area.name, { oldVersionsDeleted: 1 });
  }
  for (let start = 0; start < doomed.length; start += VERSION_BATCH) {
    await versions.deleteVersions(doomed.slice(start, start + VERSION_BATCH));
  }
  return true;
}

function ownersOf(owners: readonly (string | undefined)[]): Set<string> {
  return new Set(owners.filter((owner): owner is string => owner !== undefined));
}

/** A lake table: its Parquet files, folder by `dt=` partition. */
function tableArea(table: LakeTable, matcher: ErasureMatcher, rules: IdentityRules): Area {
  const partitionStart = `${table.prefix}dt=`;
  return {
    name: table.name,
    prefix: table.prefix,
    contentType: PARQUET_TYPE,
    unitOf(key) {
      if (!key.startsWith(partitionStart) || !key.endsWith('.parquet')) return undefined;
      const end = key.indexOf('/', partitionStart.length);
      return end < 0 ? undefined : key.slice(0, end + 1);
    },
    async owners(bytes, key) {
      const rows = await decodeParquet(table, bytes, { key, columns: matcher.columns(table) });
      return rows.map((row) => matcher.rowOwner(table, row, rules));
    },
    async without(bytes, owners, key) {
      // Rows come back in file order whichever columns are read, so `owners` lines up with them.
      const kept = (await decodeParquet(table, bytes, { key })).filter(
        (_, index) => owners[index] === undefined,
      );
      return kept.length === 0 ? undefined : encodeParquet(table, kept);
    },
  };
}

/** The shape of a failure record as far as the pass reads it (infra/local/failure-record.ts has it whole). */
interface FailureRecord {
  payload?: { Records?: { kinesis?: { data?: unknown } }[] };
}

/**
 * The failure records Lambda writes for the stream consumers (`aws/lambda/<mapping>/<shard>/YYYY/MM/DD/…`):
 * JSON whose `payload.Records[].kinesis.data` are the records' base64 payloads, folder by day.
 */
function failureRecordsArea(matcher: ErasureMatcher, rules: IdentityRules): Area {
  const parse = (bytes: Uint8Array): FailureRecord | undefined => {
    try {
      const parsed: unknown = JSON.parse(new TextDecoder().decode(bytes));
      return typeof parsed === 'object' && parsed !== null ? (parsed as FailureRecord) : undefined;
    } catch {
      return undefined;
    }
  };
  const recordsOf = (document: FailureRecord | undefined) => document?.payload?.Records;
  return {
    name: FAILURE_RECORDS,
    prefix: FAILURE_RECORDS_PREFIX,
    contentType: 'application/json',
    unitOf(key) {
      const end = key.lastIndexOf('/');
      return end < FAILURE_RECORDS_PREFIX.length ? undefined : key.slice(0, end + 1);
    },
    async owners(bytes) {
      const records = recordsOf(parse(bytes));
      // Not a failure record as Lambda writes them: searched as text, and deleted whole when it matches.
      if (!Array.isArray(records)) return [matcher.recordOwner(bytes, rules)];
      return records.map((record) => {
        const data = record?.kinesis?.data;
        return typeof data === 'string' ? matcher.recordOwner(Buffer.from(data, 'base64'), rules) : undefined;
      });
    },
    async without(bytes, owners) {
      const document = parse(bytes);
      const records = recordsOf(document);
      if (document === undefined || !Array.isArray(records)) return undefined;
      const kept = records.filter((_, index) => owners[index] === undefined);
      if (kept.length === 0) return undefined;
      const rewritten = { ...document, payload: { ...document.payload, Records: kept } };
      return new TextEncoder().encode(JSON.stringify(rewritten));
    },
  };
}

/** What the pass removed, summed per erasure and area. */
class Removals {
  readonly #byErasure = new Map<string, Record<string, LakeRemoval>>();

  add(erasureId: string, area: string, counts: Partial<LakeRemoval>): void {
    const areas = this.#byErasure.get(erasureId) ?? {};
    areas[area] = addRemovals(areas[area] ?? noLakeRemoval, { ...noLakeRemoval, ...counts });
    this.#byErasure.set(erasureId, areas);
  }

  byErasure(): ReadonlyMap<string, Readonly<Record<string, LakeRemoval>>> {
    return this.#byErasure;
  }
}
