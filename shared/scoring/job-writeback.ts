/**
 * Writing scores back to profiles: only the people whose scores changed, with bounded reads and writes in
 * flight, overlapping.
 *
 * What a profile holds (`scores`, docs/scoring.md#write-back) is rounded to what is worth showing (probabilities
 * and expected purchases to 3 decimals, money to cents), so that a change means a visible change, and carries
 * `asOf`, the date of the run that last changed it: a later run that computes the same values leaves the
 * profile (and that date) alone, which is why `asOf` is not compared.
 *
 * The scores are their own small item beside the profile (docs/identity.md): a write costs one write unit
 * whatever the profile's size, and never touches the item resolution commits with version conditions.
 *
 * Merged people: the SQL reads `events_stitched`, whose profile ids follow the lake's identity map; a profile
 * merged since the map was published is a redirect. Its scores are not written to the survivor, whose own row
 * in the same run (if any) was computed without the merged purchases and would be overwritten by a partial
 * view either way; the run counts it as `redirected`, and the next run, once the map has caught up, scores the
 * survivor with all the purchases. A profile merged between the read and the write gets its scores item all
 * the same: nobody sees it (the profile API follows the redirect to the survivor and reads the survivor's),
 * and erasure removes it with the rest of the merged profile's partition.
 */
import { mapConcurrently } from '../concurrency.ts';
import type { Json, JsonObject } from '../events/model.ts';

/** What the write-back needs to know of a profile before writing its scores. */
export interface ScoreTarget {
  /** `redirect`: merged into another profile. */
  readonly kind: 'live' | 'redirect';
  /** The scores the profile has now, if any. */
  readonly scores?: JsonObject;
}

/** The profile store as the scoring job uses it: one adapter per backend (DynamoDB). */
export interface ScoreWriter {
  /** The profiles of `profileIds` that exist (live or redirect), with their scores. */
  scoreTargets(profileIds: readonly string[]): Promise<ReadonlyMap<string, ScoreTarget>>;
  /**
   * Replaces the profile's scores. Throttling is the adapter's to retry; a write it cannot make throws, so the
   * run fails rather than losing it (the next run finds those scores changed and writes them).
   */
  writeScores(profileId: string, scores: JsonObject): Promise<void>;
}

export interface WriteBackResult {
  readonly written: number;
  readonly unchanged: number;
  /** Profiles that are redirects (merged into another): skipped. */
  readonly redirected: number;
  /** Profile ids with no profile item (e.g. a user id resolution has not seen): skipped. */
  readonly missing: number;
}

export interface WriteBackOptions {
  /** People per read (one BatchGetItem reads their profile and scores items: 100 keys). @default 50 */
  readonly batchSize?: number;
  /** Reads in flight at once; each batch then writes its changed people. @default 8 */
  readonly readConcurrency?: number;
  /** Writes in flight at once, over all batches. @default 32 */
  readonly concurrency?: number;
}

/** The scores of one person as the profile keeps them. */
export interface ProfileScores {
  readonly profileId: string;
  readonly scores: JsonObject;
}

/**
 * Writes each person's scores where they differ from what the profile holds (ignoring `asOf`). Batches are
 * read `readConcurrency` at a time and each writes its own changed people as soon as it has read them, so reads
 * and writes overlap; at most `concurrency` writes are in flight (`concurrency / readConcurrency` per batch).
 */
export async function writeBackScores(
  writer: ScoreWriter,
  people: readonly ProfileScores[],
  options: WriteBackOptions = {},
): Promise<WriteBackResult> {
  const batchSize = options.batchSize ?? 50;
  const readConcurrency = options.readConcurrency ?? 8;
  const writesPerBatch = Math.max(1, Math.floor((options.concurrency ?? 32) / readConcurrency));
  const batches: (readonly ProfileScores[])[] = [];
  for (let start = 0; start < people.length; start += batchSize) {
    batches.push(people.slice(start, start + batchSize));
  }
  let written = 0;
  let unchanged = 0;
  let redirected = 0;
  let missing = 0;
  await mapConcurrently(batches, readConcurrency, async (batch) => {
    const stored = await writer.scoreTargets(batch.map((person) => person.profileId));
    const changed: ProfileScores[] = [];
    for (const person of batch) {
      const target = stored.get(person.profileId);
      if (target === undefined) missing += 1;
      else if (target.kind === 'redirect') redirected += 1;
      else if (sameScores(target.scores, person.scores)) unchanged += 1;
      else changed.push(person);
    }
    await mapConcurrently(changed, writesPerBatch, async (person) => {
      await writer.writeScores(person.profileId, person.scores);
      written += 1;
    });
  });
  return { written, unchanged, redirected, missing };
}

/** Whether two scores objects hold the same values, `asOf` aside and key order ignored. */
export function sameScores(stored: JsonObject | undefined, next: JsonObject): boolean {
  if (stored === undefined) return false;
  const { asOf: _storedAsOf, ...before } = stored;
  const { asOf: _nextAsOf, ...after } = next;
  return canonical(before) === canonical(after);
}

function canonical(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(value[key] as Json)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
