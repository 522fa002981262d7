/**
 * The daily snapshot of the identity map: the whole graph, read from the profile store, written to the lake
 * as `identity_links/dt=<D>/snapshot-<run>-NNNN.parquet` (a row per identity of every live profile, at the
 * profile's `updatedAt`), after which every `identity_links` object of the days before D-1 is deleted.
 *
 * Why: resolution publishes rows after every batch (publish.ts), so `identity_links` grows with the traffic;
 * the snapshot bounds it to about two days of rows per identifier plus the changes since. The day before D is
 * kept because a row's `dt` is the day of its plan's time, not of its commit or its publication: a batch
 * planned just before midnight may commit after the scan read the profile and publish its rows into D-1 after
 * the snapshot — deleting D-1 would delete the only row of that newer state. A row of D-2 or earlier was
 * planned more than a day before the scan began (a batch runs for minutes at most), so its state was
 * committed before the scan read the profile, and the snapshot holds that state or a later one for every
 * identifier that still belongs to someone. The view takes the latest row per identifier, so the kept day
 * never outvotes the snapshot. The deletes come only after every snapshot file is written; a run that fails
 * or stops before that leaves the old rows, and its partial files only repeat rows that hold.
 *
 * It also derives `identity_merges` rows from the redirect items merged since the day of the previous
 * snapshot (merged_at = the redirect's `updatedAt`, no message id), for merges whose row a crash lost between
 * commit and lake write. They are written as landed files with pending markers into the date of each merge,
 * so that compaction keeps one row per merged profile (the resolver's, which names the message, when both
 * exist).
 *
 * At most once per UTC day: the marker object `_identity_snapshot/last` records the day of the last complete
 * snapshot. Memory is bounded: rows are written every `rowsPerFile`.
 *
 * Virtual profiles (virtual-profile.ts: an identity item whose profile item is not written yet) have no item to
 * scan, so their identity is not in the snapshot. The activity lane writes every one of them within its window,
 * so this only shows when that lane has been down for days (docs/identity.md, "Daily snapshot"); emitting them
 * here would take a Scan of every identity item and a lookup of its profile, for rows that are minutes old.
 */

import { LakeWriteError } from '../lake/errors.ts';
import { writeLandedFile } from '../lake/land.ts';
import { IDENTITY_SNAPSHOT_MARKER, partitionPrefix, snapshotFileKey } from '../lake/layout.ts';
import { encodeParquet } from '../lake/parquet.ts';
import type { LakeRow } from '../lake/rows.ts';
import { utcDate } from '../lake/rows.ts';
import { identityLinksTable, identityMergesTable } from '../lake/schema.ts';
import type { ObjectStore } from '../ports.ts';
import type { StoredProfile } from '../profiles/model.ts';
import { type IdentityMapOptions, identityLinkRows, identityMergeRow, PartitionGroups } from './publish.ts';

/** Reads the whole identity graph: one adapter per backend (the DynamoDB profile store scans its table). */
export interface GraphScanner {
  /** Every stored profile, live or redirect, once each, in no particular order, read consistently. */
  scanProfiles(): AsyncIterable<StoredProfile>;
}

export interface IdentitySnapshotOptions extends IdentityMapOptions {
  /** @default Date.now */
  readonly now?: () => number;
  /** Rows per snapshot file, and merge rows held before they are written. @default 250_000 */
  readonly rowsPerFile?: number;
  /** Asked as the scan goes; `true` abandons the run (nothing deleted, the next run starts again). */
  readonly shouldStop?: () => boolean;
}

export type IdentitySnapshotResult =
  | { readonly status: 'not-due'; readonly lastDate: string }
  | { readonly status: 'stopped'; readonly date: string; readonly runId: string }
  | {
      readonly status: 'done';
      readonly date: string;
      readonly runId: string;
      readonly profiles: number;
      readonly linkRows: number;
      readonly mergeRows: number;
      readonly files: number;
      /** identity_links objects of the days before the day before `date`, deleted. */
      readonly deleted: number;
    };

const DEFAULT_ROWS_PER_FILE = 250_000;
/** Profiles scanned between two questions to `shouldStop`. */
const STOP_CHECK_INTERVAL = 1_000;
const DELETE_CHUNK = 1_000;
const PARQUET_TYPE = 'application/vnd.apache.parquet';

/**
 * Takes the snapshot if none was taken this UTC day.
 * @example await snapshotIdentityMapIfDue(profileStore, lakeStore, { plaintextIdentifiers: false })
 * @throws LakeWriteError when a file cannot be written (nothing old is deleted then); the store's errors.
 */
export async function snapshotIdentityMapIfDue(
  scanner: GraphScanner,
  store: ObjectStore,
  options: IdentitySnapshotOptions,
): Promise<IdentitySnapshotResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const date = utcDate(new Date(started));
  const lastDate = await lastSnapshotDate(store);
  if (lastDate !== undefined && lastDate >= date) return { status: 'not-due', lastDate };

  const runId = snapshotRunId(started);
  const writer = new SnapshotWriter(store, date, runId, options.rowsPerFile ?? DEFAULT_ROWS_PER_FILE);
  // Redirects older than the previous snapshot's day were derived by it already.
  const mergesSince = lastDate === undefined ? Number.NEGATIVE_INFINITY : Date.parse(`${lastDate}T00:00:00Z`);
  const shouldStop = options.shouldStop ?? (() => false);
  let profiles = 0;
  let scanned = 0;
  for await (const profile of scanner.scanProfiles()) {
    scanned += 1;
    if (profile.kind === 'live') {
      profiles += 1;
      await writer.links(identityLinkRows(profile, options));
    } else if (profile.updatedAt >= mergesSince) {
      await writer.merge(
        identityMergeRow({
          profileId: profile.profileId,
          mergedInto: profile.mergedInto,
          at: profile.updatedAt,
          messageId: null,
        }),
      );
    }
    if (scanned % STOP_CHECK_INTERVAL === 0 && shouldStop()) return { status: 'stopped', date, runId };
  }
  await writer.flush();

  const deleted = await deleteLinksBefore(store, previousDay(date));
  await store.put(
    IDENTITY_SNAPSHOT_MARKER,
    new TextEncoder().encode(JSON.stringify({ date, runId, finishedAt: new Date(now()).toISOString() })),
    'application/json',
  );
  return { status: 'done', date, runId, profiles, ...writer.counts(), deleted };
}

/** The day of the last complete snapshot; `undefined` before the first (or if the marker is unreadable). */
export async function lastSnapshotDate(store: ObjectStore): Promise<string | undefined> {
  const bytes = await store.get(IDENTITY_SNAPSHOT_MARKER);
  if (bytes === undefined) return undefined;
  try {
    const marker: unknown = JSON.parse(new TextDecoder().decode(bytes));
    const date = (marker as { date?: unknown } | null)?.date;
    return typeof date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : undefined;
  } catch {
    // A marker that is not ours means no snapshot is known: taking one more is harmless.
    return undefined;
  }
}

/** `[0-9a-z]` only (layout.ts reads it back): the start time, e.g. `20261122t001500123z`. */
function snapshotRunId(started: number): string {
  return new Date(started)
    .toISOString()
    .replace(/[^0-9A-Za-z]/g, '')
    .toLowerCase();
}

/** Buffers rows and writes them in files of at most `rowsPerFile` rows. */
class SnapshotWriter {
  #links: LakeRow[] = [];
  readonly #merges = new PartitionGroups();
  #linkParts = 0;
  #mergeParts = 0;
  #linkRows = 0;
  #mergeRows = 0;
  #files = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly date: string,
    private readonly runId: string,
    private readonly rowsPerFile: number,
  ) {}

  async links(rows: readonly LakeRow[]): Promise<void> {
    this.#links.push(...rows);
    this.#linkRows += rows.length;
    while (this.#links.length >= this.rowsPerFile) {
      await this.#writeLinks(this.#links.slice(0, this.rowsPerFile));
      this.#links = this.#links.slice(this.rowsPerFile);
    }
  }

  async merge(row: LakeRow): Promise<void> {
    this.#merges.add(identityMergesTable, row);
    this.#mergeRows += 1;
    if (this.#merges.rows >= this.rowsPerFile) await this.#writeMerges();
  }

  async flush(): Promise<void> {
    if (this.#links.length > 0) await this.#writeLinks(this.#links);
    this.#links = [];
    if (this.#merges.rows > 0) await this.#writeMerges();
  }

  counts(): { linkRows: number; mergeRows: number; files: number } {
    return { linkRows: this.#linkRows, mergeRows: this.#mergeRows, files: this.#files };
  }

  async #writeLinks(rows: readonly LakeRow[]): Promise<void> {
    const key = snapshotFileKey(identityLinksTable, this.date, this.runId, this.#linkParts);
    this.#linkParts += 1;
    try {
      await this.store.put(key, encodeParquet(identityLinksTable, rows), PARQUET_TYPE);
    } catch (error) {
      throw new LakeWriteError(`cannot write ${key}`, key, { cause: error });
    }
    this.#files += 1;
  }

  /** As landed files with markers: compaction drops the copies of merges already in the lake. */
  async #writeMerges(): Promise<void> {
    const batch = `snapshot-${this.runId}-${String(this.#mergeParts).padStart(4, '0')}`;
    this.#mergeParts += 1;
    for (const { table, dt, rows } of this.#merges.all()) {
      await writeLandedFile(this.store, table, dt, rows, batch);
      this.#files += 1;
    }
    this.#merges.clear();
  }
}

/** The UTC day before `date` (`YYYY-MM-DD`). */
function previousDay(date: string): string {
  return utcDate(new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000));
}

/** Deletes every identity_links object in a partition before `date`; returns how many. */
async function deleteLinksBefore(store: ObjectStore, date: string): Promise<number> {
  const limit = partitionPrefix(identityLinksTable, date);
  let chunk: string[] = [];
  let deleted = 0;
  for await (const { key } of store.list(identityLinksTable.prefix)) {
    // `identity_links/dt=YYYY-MM-DD/…` orders as its date: a key before `date`'s folder is of an earlier day.
    if (!key.startsWith(`${identityLinksTable.prefix}dt=`) || key >= limit) continue;
    chunk.push(key);
    if (chunk.length >= DELETE_CHUNK) {
      await store.delete(chunk);
      deleted += chunk.length;
      chunk = [];
    }
  }
  if (chunk.length > 0) await store.delete(chunk);
  return deleted + chunk.length;
}
