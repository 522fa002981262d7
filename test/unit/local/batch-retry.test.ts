import { describe, expect, it } from 'vitest';
import {
  type BatchEffects,
  type DiscardedRecords,
  type InvocationOutcome,
  processBatch,
  type RetryPolicy,
} from '../../../infra/local/batch-retry.ts';
import type { ShardRecord } from '../../../infra/local/kinesis-event.ts';
import { arrivedAt, indexesOf, shardRecord, shardRecords } from './shard-records.ts';

const policy: RetryPolicy = { retryAttempts: 2, maxRecordAgeSeconds: 3600, bisectBatchOnError: false };

/** Effects that answer each invocation with `respond` and remember everything the batch did, by record index. */
function recordingEffects(respond: (records: readonly ShardRecord[], call: number) => InvocationOutcome) {
  const invocations: number[][] = [];
  const checkpoints: number[] = [];
  const discarded: { indexes: number[]; discarded: DiscardedRecords }[] = [];
  let now = arrivedAt + 1_000;
  const effects: BatchEffects = {
    invoke: async (records) => {
      invocations.push(indexesOf(records));
      return respond(records, invocations.length);
    },
    discard: async (records) => {
      discarded.push({ indexes: indexesOf(records.records), discarded: records });
    },
    checkpoint: async (record) => {
      checkpoints.push(indexesOf([record])[0] ?? -1);
    },
    now: () => now,
  };
  return {
    effects,
    invocations,
    checkpoints,
    discarded,
    advanceClock: (ms: number) => {
      now += ms;
    },
  };
}

const poisonAt =
  (poison: number) =>
  (records: readonly ShardRecord[]): InvocationOutcome =>
    indexesOf(records).includes(poison) ? { kind: 'error', error: new Error('poison') } : { kind: 'success' };

describe('processBatch', () => {
  it('invokes a healthy batch once and checkpoints its last record', async () => {
    // Prepare
    const run = recordingEffects(() => ({ kind: 'success' }));

    // Act
    const result = await processBatch(shardRecords(4), policy, run.effects);

    // Assess
    expect(result).toBe('completed');
    expect(run.invocations).toEqual([[0, 1, 2, 3]]);
    expect(run.checkpoints).toEqual([3]);
    expect(run.discarded).toEqual([]);
  });

  it('resumes a partial failure at the lowest failed record and checkpoints the records before it', async () => {
    // Prepare
    const run = recordingEffects((_records, call) =>
      call === 1 ? { kind: 'partial', failedFrom: 2 } : { kind: 'success' },
    );

    // Act
    await processBatch(shardRecords(5), policy, run.effects);

    // Assess
    expect(run.invocations).toEqual([
      [0, 1, 2, 3, 4],
      [2, 3, 4],
    ]);
    expect(run.checkpoints).toEqual([1, 4]);
  });

  it('retries a failing batch exactly retryAttempts times, then discards it and moves past it', async () => {
    // Prepare
    const run = recordingEffects(() => ({ kind: 'error', error: new Error('down') }));

    // Act
    const result = await processBatch(shardRecords(3), policy, run.effects);

    // Assess
    expect(result).toBe('completed');
    expect(run.invocations).toEqual([
      [0, 1, 2],
      [0, 1, 2],
      [0, 1, 2],
    ]);
    expect(
      run.discarded.map(({ indexes, discarded }) => [
        indexes,
        discarded.condition,
        discarded.approximateInvokeCount,
      ]),
    ).toEqual([[[0, 1, 2], 'RetryAttemptsExhausted', 3]]);
    expect(run.checkpoints).toEqual([2]);
  });

  it('discards after the first invocation when no retries are allowed', async () => {
    // Prepare
    const run = recordingEffects(() => ({ kind: 'error', error: new Error('down') }));

    // Act
    await processBatch(shardRecords(2), { ...policy, retryAttempts: 0 }, run.effects);

    // Assess
    expect(run.invocations).toEqual([[0, 1]]);
    expect(run.discarded.map(({ indexes }) => indexes)).toEqual([[0, 1]]);
  });

  it('counts the retry after a partial failure against the quota and discards only the failed remainder', async () => {
    // Prepare
    const run = recordingEffects((records) => ({ kind: 'partial', failedFrom: records.length - 2 }));

    // Act
    await processBatch(shardRecords(6), { ...policy, retryAttempts: 1 }, run.effects);

    // Assess
    expect(run.invocations).toEqual([
      [0, 1, 2, 3, 4, 5],
      [4, 5],
    ]);
    expect(run.checkpoints).toEqual([3, 5]);
    expect(run.discarded).toHaveLength(1);
    expect(run.discarded[0]?.indexes).toEqual([4, 5]);
    expect(run.discarded[0]?.discarded.lastOutcome).toEqual({ kind: 'partial', failedFrom: 0 });
  });

  it('isolates a poison record by bisecting, without using the retry quota for the splits', async () => {
    // Prepare
    const run = recordingEffects(poisonAt(5));

    // Act
    await processBatch(shardRecords(8), { ...policy, bisectBatchOnError: true }, run.effects);

    // Assess
    expect(run.invocations).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7],
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [4, 5],
      [4],
      [5],
      [5],
      [5],
      [6, 7],
    ]);
    expect(
      run.discarded.map(({ indexes, discarded }) => [
        indexes,
        discarded.condition,
        discarded.approximateInvokeCount,
      ]),
    ).toEqual([[[5], 'RetryAttemptsExhausted', 6]]);
    expect(run.checkpoints).toEqual([3, 4, 5, 7]);
  });

  it('retries each half of a bisected batch from the retry count the batch had', async () => {
    // Prepare: the first invocation reports a partial failure at record 0 (a retry), then every invocation throws.
    const run = recordingEffects((_records, call) =>
      call === 1 ? { kind: 'partial', failedFrom: 0 } : { kind: 'error', error: new Error('down') },
    );

    // Act
    await processBatch(
      shardRecords(2),
      { ...policy, retryAttempts: 1, bisectBatchOnError: true },
      run.effects,
    );

    // Assess: one retry was used before the split, so each single record fails once and is discarded.
    expect(run.invocations).toEqual([[0, 1], [0, 1], [0], [1]]);
    expect(run.discarded.map(({ indexes }) => indexes)).toEqual([[0], [1]]);
  });

  it('discards records older than the maximum age without sending them to the function', async () => {
    // Prepare
    const records = [
      shardRecord(0, arrivedAt - 7_200_000),
      shardRecord(1, arrivedAt - 7_200_000),
      shardRecord(2),
    ];
    const run = recordingEffects(() => ({ kind: 'success' }));

    // Act
    await processBatch(records, policy, run.effects);

    // Assess
    expect(
      run.discarded.map(({ indexes, discarded }) => [
        indexes,
        discarded.condition,
        discarded.approximateInvokeCount,
      ]),
    ).toEqual([[[0, 1], 'RecordAgeExceeded', 0]]);
    expect(run.discarded[0]?.discarded.lastOutcome).toBeUndefined();
    expect(run.invocations).toEqual([[2]]);
    expect(run.checkpoints).toEqual([1, 2]);
  });

  it('stops retrying records that grew too old between retries', async () => {
    // Prepare
    const run = recordingEffects(() => {
      run.advanceClock(3_600_000);
      return { kind: 'error', error: new Error('down') };
    });

    // Act
    await processBatch(shardRecords(2), { ...policy, retryAttempts: 5 }, run.effects);

    // Assess
    expect(run.invocations).toEqual([[0, 1]]);
    expect(
      run.discarded.map(({ indexes, discarded }) => [
        indexes,
        discarded.condition,
        discarded.approximateInvokeCount,
      ]),
    ).toEqual([[[0, 1], 'RecordAgeExceeded', 1]]);
  });

  it('treats a negative retryAttempts as unbounded retries', async () => {
    // Prepare
    const run = recordingEffects((_records, call) =>
      call < 20 ? { kind: 'error', error: new Error('down') } : { kind: 'success' },
    );

    // Act
    await processBatch(shardRecords(1), { ...policy, retryAttempts: -1 }, run.effects);

    // Assess
    expect(run.invocations).toHaveLength(20);
    expect(run.discarded).toEqual([]);
    expect(run.checkpoints).toEqual([0]);
  });

  it('stops between invocations once the signal aborts, leaving the checkpoint where it got to', async () => {
    // Prepare
    const controller = new AbortController();
    const run = recordingEffects(poisonAt(0));
    run.effects.invoke = async (records) => {
      run.invocations.push(indexesOf(records));
      controller.abort();
      return { kind: 'error', error: new Error('down') };
    };

    // Act
    const result = await processBatch(shardRecords(4), policy, run.effects, controller.signal);

    // Assess
    expect(result).toBe('interrupted');
    expect(run.invocations).toEqual([[0, 1, 2, 3]]);
    expect(run.checkpoints).toEqual([]);
  });

  it('does nothing with an empty batch', async () => {
    // Prepare
    const run = recordingEffects(() => ({ kind: 'success' }));

    // Act
    const result = await processBatch([], policy, run.effects);

    // Assess
    expect(result).toBe('completed');
    expect(run.invocations).toEqual([]);
    expect(run.checkpoints).toEqual([]);
  });
});
