/** What the profile API reads: the identity graph, and the recent-events lists. */
import type { JsonObject } from '../events/model.ts';
import type { IdentityGraphReader } from '../identity/ports.ts';
import type { EventSummary } from './model.ts';

export interface ProfileReader extends IdentityGraphReader {
  /**
   * The most recent events (by event time) recorded for any of `profileIds` — a person's profile and the
   * profiles merged into it — newest first, at most `limit`, each messageId once.
   */
  recentEvents(profileIds: readonly string[], limit: number): Promise<EventSummary[]>;
  /** The scores the scoring job keeps for `profileId` (docs/scoring.md#write-back); `undefined` if none. */
  scores(profileId: string): Promise<JsonObject | undefined>;
}
