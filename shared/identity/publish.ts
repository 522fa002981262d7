/**
 * The identity map in the lake: after each batch, resolution publishes which profile every identifier of the
 * people it touched belongs to (`identity_links`) and the merges it committed (`identity_merges`), so that SQL
 * can stitch all of a person's events — the anonymous browsing before a login included — to one profile id
 * (the `identity_map` and `events_stitched` views, shared/lake/views.ts).
 *
 * Rows are derived from the graph's state, not from the batch's changes: one row per identity of each live
 * profile the batch committed or found its replayed events applied to. A surviving profile holds the union of
 * the merged identities, so a merge re-publishes the merged side's identifiers under the survivor; and a batch
 * replayed after a crash between its commit and its lake write publishes the same mapping again (its events
 * are skipped, and the profiles they resolve to are published with their `updatedAt`). Merge rows come from
 * the commits themselves: a replay has none to give, so a crash in that window loses them — the links stay
 * complete, and the daily snapshot (snapshot.ts) derives merges again from the redirect items.
 *
 * Files are written as landing writes them (one `land-<batch>.parquet` per table and date, then its
 * pending-compaction marker), so the hourly compaction merges them.
 */

import { type LandedFile, writeLandedFile } from '../lake/land.ts';
import { batchId } from '../lake/layout.ts';
import { type LakeRow, partitionTimeColumn, utcDate } from '../lake/rows.ts';
import {
  identityLinksTable,
  identityMergesTable,
  LAKE_SCHEMA_VERSION,
  type LakeTable,
} from '../lake/schema.ts';
import type { ObjectStore } from '../ports.ts';
import type { LiveProfile } from '../profiles/model.ts';
import { hashedInLake, lakeIdentity } from './hashing.ts';
import type { ProfileMerge } from './plan.ts';

export interface IdentityMapOptions {
  /**
   * Publish emails and phone numbers in plain text too, beside their digests
   * (`privacy.plaintextIdentifiersInLake`); by default only as `email_sha256` / `phone_sha256`.
   */
  readonly plaintextIdentifiers: boolean;
}

/** What a batch changed in the graph, as `resolveBatch` reports it. */
export interface IdentityMapChanges {
  readonly profiles: readonly LiveProfile[];
  readonly merges: readonly ProfileMerge[];
}

/** Where the batch sits in its shard: the files are named after it, so a replay overwrites its own. */
export interface IdentityMapBatch {
  /** The function publishing: two consumers of one shard may read the very same records. */
  readonly consumer: string;
  readonly shardId: string;
  readonly firstSequenceNumber: string;
  readonly lastSequenceNumber: string;
}

/**
 * `identity_links` rows of a profile: each identity, as the lake publishes it, with `resolved_at` the
 * profile's `updatedAt` — the time of the graph state the rows describe (a commit sets it to its own time).
 * @example identityLinkRows(profile, { plaintextIdentifiers: false })
 *   // [{ id_type: 'user_id', id_value: 'u1', profile_id, resolved_at, … }, { id_type: 'email_sha256', … }]
 */
export function identityLinkRows(profile: LiveProfile, options: IdentityMapOptions): LakeRow[] {
  const resolvedAt = new Date(profile.updatedAt);
  const rows: LakeRow[] = [];
  for (const [type, values] of Object.entries(profile.identities)) {
    for (const value of values) {
      const published = [lakeIdentity({ type, value })];
      if (options.plaintextIdentifiers && hashedInLake.has(type)) published.push({ type, value });
      for (const identity of published) {
        rows.push({
          id_type: identity.type,
          id_value: identity.value,
          profile_id: profile.profileId,
          resolved_at: resolvedAt,
          schema_version: LAKE_SCHEMA_VERSION,
        });
      }
    }
  }
  return rows;
}

/** The `identity_merges` row of a merge; `messageId` is null when only the redirect item is known (snapshot). */
export function identityMergeRow(merge: {
  readonly profileId: string;
  readonly mergedInto: string;
  readonly at: number;
  readonly messageId: string | null;
}): LakeRow {
  return {
    merged_profile_id: merge.profileId,
    into_profile_id: merge.mergedInto,
    merged_at: new Date(merge.at),
    message_id: merge.messageId,
    schema_version: LAKE_SCHEMA_VERSION,
  };
}

/**
 * Writes the batch's identity map rows: one landed file per (table, dt) and its pending marker.
 * @throws LakeWriteError when a file or marker cannot be written: fail the whole batch, so that it is
 *   delivered again (resolution skips what it applied, and publishes the same rows).
 */
export async function publishIdentityMap(
  store: ObjectStore,
  batch: IdentityMapBatch,
  changes: IdentityMapChanges,
  options: IdentityMapOptions,
): Promise<LandedFile[]> {
  const groups = new PartitionGroups();
  for (const profile of changes.profiles) {
    for (const row of identityLinkRows(profile, options)) groups.add(identityLinksTable, row);
  }
  for (const merge of changes.merges) groups.add(identityMergesTable, identityMergeRow(merge));
  const id = `${batch.consumer}_${batchId(batch.shardId, batch.firstSequenceNumber, batch.lastSequenceNumber)}`;
  const files: LandedFile[] = [];
  // Few files (a batch spans one or two dates): written one after another, each before its marker.
  for (const { table, dt, rows } of groups.all())
    files.push(await writeLandedFile(store, table, dt, rows, id));
  return files;
}

/** Rows grouped by table and `dt` partition: the UTC date of the table's time column (rows.ts). */
export class PartitionGroups {
  readonly #groups = new Map<string, { table: LakeTable; dt: string; rows: LakeRow[] }>();
  #rows = 0;

  /** @throws RangeError when the row's time column holds no time: the row builders above always set it. */
  add(table: LakeTable, row: LakeRow): void {
    const time = row[partitionTimeColumn[table.name] ?? ''];
    const dt = utcDate(time instanceof Date ? time : new Date(Number.NaN));
    const key = `${table.name}/${dt}`;
    const group = this.#groups.get(key) ?? { table, dt, rows: [] };
    group.rows.push(row);
    this.#groups.set(key, group);
    this.#rows += 1;
  }

  /** Rows held, over all groups. */
  get rows(): number {
    return this.#rows;
  }

  all(): { table: LakeTable; dt: string; rows: LakeRow[] }[] {
    return [...this.#groups.values()];
  }

  clear(): void {
    this.#groups.clear();
    this.#rows = 0;
  }
}
