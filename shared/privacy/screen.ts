/**
 * Screening a resolution batch against the suppression list: an event that carries an erased person's identity
 * is dropped before planning, so it neither re-creates the person nor touches anyone's profile, and it is
 * counted on the suppression entry (shown as `lateEventsDropped` of the erasure).
 *
 * Only identities the graph does not link are looked up: an erased identity is never linked (its item was
 * removed after it was suppressed), so a known person's events cost no suppression read.
 */

import { eventIdentifiers } from '../identity/extract.ts';
import { suppressionKey } from '../identity/hashing.ts';
import { type Identity, identityKey } from '../identity/identifiers.ts';
import { lookups, type ShardEvent } from '../identity/plan.ts';
import type { IdentityGraphReader } from '../identity/ports.ts';
import type { IdentityRules } from '../identity/rules.ts';
import { SuppressionConflictError } from './errors.ts';
import { countLateEvents, type LateEvent } from './late-events.ts';
import type { LateEventTally, SuppressionList } from './ports.ts';

export interface ScreenResult {
  /** Indexes of the events dropped. */
  readonly dropped: ReadonlySet<number>;
  /** Dropped events whose count could not be written: report them as failed, so they are counted again. */
  readonly failures: readonly { readonly sequenceNumber: string; readonly reason: string }[];
}

/** Writes of one entry's tally before the events are reported as failed. */
const maxCountAttempts = 5;

/** One per resolution batch: it remembers the marks it wrote (see `countLateEvents`). */
export class SuppressionScreen {
  private readonly ownMarks = new Set<string>();

  /**
   * @param countsLateEvents whether dropped events are counted on their entries. Of two consumers that read the
   * same shard, only one may count: they share the entry's per-shard mark, so the second would take the first's
   * mark for its own and count nothing (the `resolve` lane drops without counting; `activity` counts).
   */
  constructor(
    private readonly list: SuppressionList,
    private readonly shardId: string,
    private readonly countsLateEvents = true,
  ) {}

  /**
   * Drops the events that carry a suppressed identity among those `isLinked` says the graph does not link.
   * `identitiesPerEvent` are the identities read for each event (`lookups`).
   */
  async screen(
    events: readonly ShardEvent[],
    identitiesPerEvent: readonly (readonly Identity[])[],
    isLinked: (identity: Identity) => boolean,
  ): Promise<ScreenResult> {
    const keysPerEvent = identitiesPerEvent.map((identities) =>
      identities.filter((identity) => !isLinked(identity)).map(suppressionKey),
    );
    const keys = [...new Set(keysPerEvent.flat())];
    if (keys.length === 0) return { dropped: new Set(), failures: [] };
    const found = await this.list.suppressed(keys);
    if (found.size === 0) return { dropped: new Set(), failures: [] };

    const dropped = new Set<number>();
    // Each dropped event is counted once, on its first suppressed identity (strongest first).
    const perKey = new Map<string, { index: number; event: LateEvent }[]>();
    keysPerEvent.forEach((eventKeys, index) => {
      const key = eventKeys.find((candidate) => found.has(candidate));
      const shardEvent = events[index];
      if (key === undefined || shardEvent === undefined) return;
      dropped.add(index);
      const group = perKey.get(key) ?? [];
      group.push({
        index,
        event: { sequenceNumber: shardEvent.sequenceNumber, messageId: shardEvent.event.messageId },
      });
      perKey.set(key, group);
    });

    const failures: { sequenceNumber: string; reason: string }[] = [];
    if (!this.countsLateEvents) return { dropped, failures };
    for (const [key, group] of perKey) {
      const tally = found.get(key)?.late;
      if (tally === undefined) continue;
      try {
        await this.count(
          key,
          tally,
          group.map(({ event }) => event),
        );
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        for (const { event } of group) failures.push({ sequenceNumber: event.sequenceNumber, reason });
      }
    }
    return { dropped, failures };
  }

  /**
   * `screen` for events whose graph links are not at hand (a unit planned again after a conflict): reads the
   * links of their identities first.
   */
  async rescreen(
    reader: Pick<IdentityGraphReader, 'linkedProfiles'>,
    events: readonly ShardEvent[],
    rules: IdentityRules,
  ): Promise<ScreenResult> {
    const identitiesPerEvent = events.map((shardEvent) => lookups(eventIdentifiers(shardEvent.event, rules)));
    const all = identitiesPerEvent.flat();
    const linked = all.length > 0 ? await reader.linkedProfiles(all) : new Map<string, string>();
    return this.screen(events, identitiesPerEvent, (identity) => linked.has(identityKey(identity)));
  }

  private async count(key: string, read: LateEventTally, events: readonly LateEvent[]): Promise<void> {
    let current = read;
    for (let attempt = 0; attempt < maxCountAttempts; attempt += 1) {
      const { tally, counted } = countLateEvents(current, this.shardId, events, this.ownMarks);
      if (counted === 0) return;
      const mark = tally.seq[this.shardId];
      // Known before the write, so that a concurrent screen of this batch never trusts it.
      if (mark !== undefined) this.ownMarks.add(mark);
      if (await this.list.recordLateEvents(key, tally, current.version)) return;
      const again = (await this.list.suppressed([key])).get(key)?.late;
      if (again === undefined) return;
      current = again;
    }
    throw new SuppressionConflictError('the late-event count of a suppression entry kept changing');
  }
}
