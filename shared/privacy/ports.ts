/**
 * What erasure and suppression read and write, one adapter per backend (shared/adapters/dynamodb-*.ts; in
 * memory in the tests).
 */
import type { Identity } from '../identity/identifiers.ts';
import type { IdentityGraphReader } from '../identity/ports.ts';
import type { ErasureJob } from './model.ts';

/** The identity graph, with what removing a person from it takes. */
export interface PersonStore extends IdentityGraphReader {
  /** Removes the identity items; resolves with how many of them existed. */
  removeIdentities(identities: readonly Identity[]): Promise<number>;
  /**
   * Removes the items of a profile's partition — recent events, refused links and, unless `keepProfileItem`,
   * the profile (or redirect) item itself; resolves with how many were removed.
   */
  removeProfileItems(profileId: string, options: { readonly keepProfileItem: boolean }): Promise<number>;
  /**
   * Removes the profile item if it is still at `expectedVersion`; `false` when it changed or is gone (a
   * resolution wrote it meanwhile: the caller reads again). At version 0 — a virtual profile, which has no
   * item — puts a short-lived tombstone in its place instead, if no profile item is there (a resolution that
   * read its identity earlier cannot create it then); `false` when a profile item is there.
   */
  removeProfile(profileId: string, expectedVersion: number): Promise<boolean>;
}

export interface ErasureStore {
  /** Stores a new job. */
  create(job: ErasureJob): Promise<void>;
  get(erasureId: string): Promise<ErasureJob | undefined>;
  /**
   * Replaces the job if it is still at `expectedVersion` (the stored job's version); `false` when another run
   * changed it first.
   */
  save(job: ErasureJob, expectedVersion: number): Promise<boolean>;
  /** Jobs still `accepted` or `profile_erased`. */
  unfinished(): Promise<ErasureJob[]>;
}

/**
 * Late events counted on one suppression entry, idempotently as profiles count events (shared/profiles/model.ts):
 * per shard the sequence number of the last event counted, and the digests of the last messageIds.
 */
export interface LateEventTally {
  readonly version: number;
  readonly dropped: number;
  readonly seq: Readonly<Record<string, string>>;
  readonly recent: readonly string[];
}

/** One erased identity: `key` is its `suppressionKey`, never the identity itself. */
export interface Suppression {
  readonly key: string;
  readonly erasureId: string;
  readonly suppressedAt: number;
  readonly late: LateEventTally;
}

/** The suppression list as resolution reads it: only the entries asked for, read consistently. */
export interface SuppressionList {
  /** The suppressed ones among `keys`, by key. */
  suppressed(keys: readonly string[]): Promise<ReadonlyMap<string, Suppression>>;
  /** Writes the tally if the entry is still at `expectedVersion`; `false` when another writer got there first. */
  recordLateEvents(key: string, tally: LateEventTally, expectedVersion: number): Promise<boolean>;
}

/** Adding entries: the erasure's first step. */
export interface SuppressionWriter {
  /**
   * Adds an entry per key for `erasureId` (an existing entry is kept as it is); resolves with how many were
   * new.
   */
  suppress(keys: readonly string[], erasureId: string, at: number): Promise<number>;
}

/** The whole list at once, for a caller that screens every event of a batch against it (landing). */
export interface SuppressionSnapshot {
  allKeys(): Promise<ReadonlySet<string>>;
}
