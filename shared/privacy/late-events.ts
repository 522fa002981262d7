/**
 * Counting an erased person's late events without counting a replay twice. Kinesis delivers at least once
 * and a client may send a messageId again, so each suppression entry keeps what a profile keeps for the same
 * reason: per shard the sequence number of the last event counted, and the digests of the last messageIds.
 */
import { compareSequenceNumbers, messageDigest } from '../identity/sequence.ts';
import type { LateEventTally } from './ports.ts';

/** messageId digests kept per entry, as a profile keeps them (`profileLimits.maxRecentMessages`). */
export const maxRecentLateEvents = 32;

export const emptyTally: LateEventTally = { version: 0, dropped: 0, seq: {}, recent: [] };

export interface LateEvent {
  readonly sequenceNumber: string;
  readonly messageId: string;
}

/**
 * The tally after `events` (of one shard, in shard order) were dropped, and how many of them were new. An event
 * is not new when the shard's mark is at or past its sequence number — unless this invocation wrote that mark
 * (`ownMarks`: it may come from a later event of the same batch) — or its messageId digest is among the recent.
 *
 * @example countLateEvents(emptyTally, 'shard-1', [{ sequenceNumber: '7', messageId: 'm7' }], new Set())
 *   // { tally: { version: 0, dropped: 1, seq: { 'shard-1': '7' }, recent: [digest('m7')] }, counted: 1 }
 */
export function countLateEvents(
  tally: LateEventTally,
  shardId: string,
  events: readonly LateEvent[],
  ownMarks: ReadonlySet<string>,
): { readonly tally: LateEventTally; readonly counted: number } {
  let mark = tally.seq[shardId];
  const trusted = mark !== undefined && !ownMarks.has(mark) ? mark : undefined;
  const recent = [...tally.recent];
  let counted = 0;
  for (const { sequenceNumber, messageId } of events) {
    const digest = messageDigest(messageId);
    if (trusted !== undefined && compareSequenceNumbers(sequenceNumber, trusted) <= 0) continue;
    if (recent.includes(digest)) continue;
    counted += 1;
    recent.push(digest);
    if (mark === undefined || compareSequenceNumbers(sequenceNumber, mark) > 0) mark = sequenceNumber;
  }
  if (counted === 0) return { tally, counted };
  return {
    tally: {
      version: tally.version,
      dropped: tally.dropped + counted,
      seq: mark === undefined ? tally.seq : { ...tally.seq, [shardId]: mark },
      recent: recent.slice(-maxRecentLateEvents),
    },
    counted,
  };
}
