/**
 * Writing scores back to profiles: only the people whose scores changed, in batches, with a bounded number of
 * writes in flight.
 *
 * What a profile holds (`scores`, docs/scoring.md#write-back) is rounded to what is worth showing (probabilities
 * and expected purchases to 3 decimals, money to cents), so that a change means a visible change, and carries
 * `asOf`, the date of the run that last changed it: a later run that computes the same values leaves the
 * profile (and that date) alone, which is why `asOf` is not compared.
 *
 * Merged people: the SQL reads `events_stitched`, whose profile ids follow the lake's identity map; a profile
 * merged since the map was published is a redirect. Its scores are not written to the survivor, whose own row
 * in the same run (if any) was computed without the merged purchases and would be overwritten by a partial
 * view either way; the run counts it as `redirected`, and the next run, once the map has caught up, scores the
 * survivor with all the purchases. The write itself is conditioned on the profile still being live, so a
 * merge between the read and the write is counted the same way.
 */
import { mapConcurrently } from '../concurrency.ts';
import type { Json, JsonObject } from '../events/model.ts';
import type { StoredProfile } from '../profiles/model.ts';

/** The profile store as the scoring job uses it: one adapter per backend (DynamoDB). */
export interface ScoreWriter {
  /** The stored profiles (live or redirect) of `profileIds` that exist, read consistently. */
  profiles(profileIds: readonly string[]): Promise<ReadonlyMap<string, StoredProfile>>;
  /** Sets the profile's `scores` if it is still a live profile; `false` when it is not (merged or gone). */
  writeScores(profileId: string, scores: JsonObject): Promise<boolean>;
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
  /** Profiles read per batch (one BatchGetItem). @default 100 */
  readonly batchSize?: number;
  /** Writes in flight at once. @default 8 */
  readonly concurrency?: number;
}

/** The scores of one person as the profile keeps them. */
export interface ProfileScores {
  readonly profileId: string;
  readonly scores: JsonObject;
}

/** Writes each person's scores where they differ from what the profile holds (ignoring `asOf`). */
export async function writeBackScores(
  writer: ScoreWriter,
  people: readonly ProfileScores[],
  options: WriteBackOptions = {},
): Promise<WriteBackResult> {
  const batchSize = options.batchSize ?? 100;
  const concurrency = options.concurrency ?? 8;
  let written = 0;
  let unchanged = 0;
  let redirected = 0;
  let missing = 0;
  for (let start = 0; start < people.length; start += batchSize) {
    const batch = people.slice(start, start + batchSize);
    const stored = await writer.profiles(batch.map((person) => person.profileId));
    const changed: ProfileScores[] = [];
    for (const person of batch) {
      const profile = stored.get(person.profileId);
      if (profile === undefined) missing += 1;
      else if (profile.kind === 'redirect') redirected += 1;
      else if (sameScores(profile.scores, person.scores)) unchanged += 1;
      else changed.push(person);
    }
    const outcomes = await mapConcurrently(changed, concurrency, (person) =>
      writer.writeScores(person.profileId, person.scores),
    );
    for (const ok of outcomes) {
      if (ok) written += 1;
      else redirected += 1;
    }
  }
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
