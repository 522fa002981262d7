import { describe, expect, it } from 'vitest';
import { messageDigest } from '../../../shared/identity/sequence.ts';
import { countLateEvents, emptyTally, maxRecentLateEvents } from '../../../shared/privacy/late-events.ts';

const late = (sequenceNumber: string, messageId = `m${sequenceNumber}`) => ({ sequenceNumber, messageId });

describe('countLateEvents', () => {
  it('counts new events and remembers the shard mark and the messageId digests', () => {
    // Act
    const { tally, counted } = countLateEvents(emptyTally, 'shard-1', [late('7'), late('9')], new Set());

    // Assess
    expect(counted).toBe(2);
    expect(tally).toEqual({
      version: 0,
      dropped: 2,
      seq: { 'shard-1': '9' },
      recent: [messageDigest('m7'), messageDigest('m9')],
    });
  });

  it('does not count a replay at or below the mark, nor a messageId sent again on another shard', () => {
    // Prepare
    const first = countLateEvents(emptyTally, 'shard-1', [late('7'), late('9')], new Set()).tally;

    // Act
    const replay = countLateEvents(first, 'shard-1', [late('8', 'm8'), late('9')], new Set());
    const resent = countLateEvents(first, 'shard-2', [late('3', 'm7')], new Set());

    // Assess: 8 is below the mark 9 of shard-1, so it was counted (or never dropped) by this shard already.
    expect(replay.counted).toBe(0);
    expect(replay.tally).toBe(first);
    expect(resent.counted).toBe(0);
  });

  it('orders sequence numbers by length first, as Kinesis numbers grow', () => {
    // Prepare
    const first = countLateEvents(emptyTally, 'shard-1', [late('99')], new Set()).tally;

    // Act: '100' > '99' as numbers, though not as text.
    const next = countLateEvents(first, 'shard-1', [late('100')], new Set());

    // Assess
    expect(next.counted).toBe(1);
    expect(next.tally.seq).toEqual({ 'shard-1': '100' });
  });

  it('does not trust a mark this invocation wrote, and falls back on the digests', () => {
    // Prepare: the mark 9 came from a later event of the same batch.
    const first = countLateEvents(emptyTally, 'shard-1', [late('9')], new Set()).tally;

    // Act
    const earlier = countLateEvents(first, 'shard-1', [late('8'), late('9')], new Set(['9']));

    // Assess: 8 is new, 9's digest is known.
    expect(earlier.counted).toBe(1);
    expect(earlier.tally.dropped).toBe(2);
    expect(earlier.tally.seq).toEqual({ 'shard-1': '9' });
  });

  it('keeps the last digests only', () => {
    // Prepare
    const events = Array.from({ length: maxRecentLateEvents + 3 }, (_, index) => late(String(index + 1)));

    // Act
    const { tally } = countLateEvents(emptyTally, 'shard-1', events, new Set());

    // Assess: 35 counted, the digests of 4 … 35 kept.
    expect(tally.dropped).toBe(35);
    expect(tally.recent).toHaveLength(32);
    expect(tally.recent[0]).toBe(messageDigest('m4'));
  });
});
