/**
 * An erasure job: the right to be forgotten for one person, from the request to the last lake file rewritten.
 *
 * ```
 * accepted ──(suppressed, removed from DynamoDB)──▶ profile_erased ──(lake pass)──▶ completed
 *     └──────────────────────────── failed (with the reason) ◀────────────────────────┘
 * ```
 *
 * The person's plain identities are needed to find their lake rows, so the job keeps them until it completes
 * and then only their number per type; their digests (`suppressionKeys`) stay, as the suppression list
 * keeps them, to count the late events dropped.
 */
import type { Identity } from '../identity/identifiers.ts';

export const erasureStatuses = ['accepted', 'profile_erased', 'completed', 'failed'] as const;
export type ErasureStatus = (typeof erasureStatuses)[number];

/** What the lake pass removed from one lake table (or from the stream failure records). */
export interface LakeRemoval {
  readonly filesRewritten: number;
  readonly filesDeleted: number;
  readonly rowsRemoved: number;
  /** Old versions of objects (versioned bucket) that held the person's rows, deleted. */
  readonly oldVersionsDeleted: number;
}

export interface ErasureResults {
  /** Identities written to the suppression list by this job (an identity suppressed before is not counted). */
  readonly identitiesSuppressed: number;
  /**
   * Items removed from the profiles table: identities, profiles, redirects, recent events, refusals (what a run
   * removed before it failed midway is not counted).
   */
  readonly dynamoItemsRemoved: number;
  /** By lake table name, and `failure_records` for the stream consumers' failure records. */
  readonly lake: Readonly<Record<string, LakeRemoval>>;
}

/**
 * Where an unfinished lake pass resumes: after the unit (a partition folder such as `events/dt=2026-11-22/`,
 * or a folder of failure records) `after` of the area (a lake table's name, or `failure_records`).
 */
export interface LakeCursor {
  readonly area: string;
  readonly after: string;
}

export interface ErasureJob {
  readonly erasureId: string;
  readonly status: ErasureStatus;
  /** Incremented by every write; writes are conditional on it. */
  readonly version: number;
  /** Epoch ms. */
  readonly requestedAt: number;
  readonly updatedAt: number;
  /**
   * When the last of the person's identities was written to the suppression list: from then on resolution
   * drops their events, and landing does once its cached copy of the list is refreshed.
   */
  readonly suppressedAt?: number;
  readonly profileErasedAt?: number;
  readonly completedAt?: number;
  /** Why the job failed (`failed`), or the last error of a step that will be tried again. */
  readonly reason?: string;
  /** Consecutive upkeep runs whose lake pass failed; the job fails at `maxLakeAttempts`. */
  readonly lakeFailures: number;
  /** The person's live profile and the profiles merged into it (pseudonymous ids, kept for the audit). */
  readonly profileIds: readonly string[];
  /**
   * The person's identities in plain text; emptied when the job completes (a failed job keeps them, so that
   * it can be set back to `profile_erased` and run again once the cause is fixed).
   */
  readonly identities: readonly Identity[];
  /** Identities per type: what stays of `identities`. */
  readonly identityCounts: Readonly<Record<string, number>>;
  /** `suppressionKey` of every identity. */
  readonly suppressionKeys: readonly string[];
  readonly results: ErasureResults;
  /** Set while a lake pass is under way. */
  readonly lakeCursor?: LakeCursor;
}

/** Lake passes that fail in a row before the job is marked `failed`. */
export const maxLakeAttempts = 3;

export const noLakeRemoval: LakeRemoval = {
  filesRewritten: 0,
  filesDeleted: 0,
  rowsRemoved: 0,
  oldVersionsDeleted: 0,
};

export function addRemovals(a: LakeRemoval, b: LakeRemoval): LakeRemoval {
  return {
    filesRewritten: a.filesRewritten + b.filesRewritten,
    filesDeleted: a.filesDeleted + b.filesDeleted,
    rowsRemoved: a.rowsRemoved + b.rowsRemoved,
    oldVersionsDeleted: a.oldVersionsDeleted + b.oldVersionsDeleted,
  };
}

/** What `GET /v1/erasures/{erasureId}` answers: times in ISO-8601, no plain identifier. */
export interface ErasureView {
  readonly erasureId: string;
  readonly status: ErasureStatus;
  readonly requestedAt: string;
  readonly updatedAt: string;
  readonly suppressedAt?: string;
  readonly profileErasedAt?: string;
  readonly completedAt?: string;
  /** The earliest time the lake part may run (see docs/identity.md#erasure); until the job completes. */
  readonly lakePassAfter?: string;
  readonly reason?: string;
  readonly profileIds: readonly string[];
  readonly identities: Readonly<Record<string, number>>;
  readonly results: ErasureResults & { readonly lateEventsDropped: number };
}

export function erasureView(job: ErasureJob, lateEventsDropped: number, lakeDelayMs?: number): ErasureView {
  const iso = (epochMs: number | undefined) =>
    epochMs === undefined ? undefined : new Date(epochMs).toISOString();
  const lakePassAfter =
    lakeDelayMs !== undefined && job.suppressedAt !== undefined && job.status === 'profile_erased'
      ? iso(job.suppressedAt + lakeDelayMs)
      : undefined;
  const optional = {
    suppressedAt: iso(job.suppressedAt),
    profileErasedAt: iso(job.profileErasedAt),
    completedAt: iso(job.completedAt),
    lakePassAfter,
    reason: job.reason,
  };
  return {
    erasureId: job.erasureId,
    status: job.status,
    requestedAt: new Date(job.requestedAt).toISOString(),
    updatedAt: new Date(job.updatedAt).toISOString(),
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
    profileIds: job.profileIds,
    identities: job.identityCounts,
    results: { ...job.results, lateEventsDropped },
  };
}

export function countByType(identities: readonly Identity[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { type } of identities) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}
