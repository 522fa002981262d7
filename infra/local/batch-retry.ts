/**
 * What Lambda's event source mapping does with one batch read from a shard: invoke, honour a partial batch
 * response, bisect on function errors, retry a bounded number of times, discard records that are too old or out
 * of retries to the on-failure destination, and checkpoint as it goes. The effects are injected, so the rules
 * can be exercised with fakes.
 *
 * The rules, as AWS documents them:
 * - a partial batch response checkpoints before the lowest failed record and retries from it; that retry uses
 *   the retry quota;
 * - a function error (throw or timeout) with bisect on splits the batch in two halves, first half first, and
 *   splitting does not use the retry quota; a single record cannot be split, so it is retried instead;
 * - records older than the maximum age are never sent to the function again;
 * - a negative `retryAttempts` or `maxRecordAgeSeconds` means unbounded, as in AWS.
 */
import type { ShardRecord } from './kinesis-event.ts';

export interface RetryPolicy {
  readonly retryAttempts: number;
  readonly maxRecordAgeSeconds: number;
  readonly bisectBatchOnError: boolean;
}

export type InvocationOutcome =
  | { readonly kind: 'success' }
  /** `failedFrom` is the index of the lowest failed record; 0 when the whole batch failed. */
  | { readonly kind: 'partial'; readonly failedFrom: number }
  | { readonly kind: 'error'; readonly error: unknown };

export type DiscardCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

export interface DiscardedRecords {
  readonly records: readonly ShardRecord[];
  readonly condition: DiscardCondition;
  /** How many invocations these records were part of. */
  readonly approximateInvokeCount: number;
  /** The last time these records were sent to the function, if they ever were. */
  readonly lastOutcome?: Exclude<InvocationOutcome, { kind: 'success' }>;
}

export interface BatchEffects {
  invoke(records: readonly ShardRecord[]): Promise<InvocationOutcome>;
  /** Resolves once the failure destination holds the records; the batch moves past them only then. */
  discard(discarded: DiscardedRecords): Promise<void>;
  /** This record and every one before it are done with. */
  checkpoint(record: ShardRecord): Promise<void>;
  /** Milliseconds since the epoch, for the record age. */
  now(): number;
}

/** `interrupted` when the signal stopped the batch between two invocations; the checkpoint tells how far it got. */
export type BatchResult = 'completed' | 'interrupted';

interface Segment {
  readonly records: readonly ShardRecord[];
  readonly retries: number;
  readonly invokes: number;
  readonly lastOutcome?: Exclude<InvocationOutcome, { kind: 'success' }>;
}

export async function processBatch(
  records: readonly ShardRecord[],
  policy: RetryPolicy,
  effects: BatchEffects,
  signal?: AbortSignal,
): Promise<BatchResult> {
  // A stack keeps the stream order: the first half of a bisected segment is pushed last and so runs first.
  const pending: Segment[] = records.length > 0 ? [{ records, retries: 0, invokes: 0 }] : [];
  for (let segment = pending.pop(); segment !== undefined; segment = pending.pop()) {
    if (signal?.aborted) return 'interrupted';
    const fresh = await discardExpired(segment, policy, effects);
    if (fresh.length === 0) continue;
    const outcome = await effects.invoke(fresh);
    const invoked: Segment = { ...segment, records: fresh, invokes: segment.invokes + 1 };
    const next = await settle(invoked, outcome, policy, effects);
    pending.push(...next.reverse());
  }
  return 'completed';
}

/** What is left to do with a segment after an invocation, in stream order. */
async function settle(
  segment: Segment,
  outcome: InvocationOutcome,
  policy: RetryPolicy,
  effects: BatchEffects,
): Promise<Segment[]> {
  const { records } = segment;
  if (outcome.kind === 'success') {
    await effects.checkpoint(lastOf(records));
    return [];
  }
  if (outcome.kind === 'error' && policy.bisectBatchOnError && records.length > 1) {
    const middle = Math.ceil(records.length / 2);
    return [
      { ...segment, records: records.slice(0, middle), lastOutcome: outcome },
      { ...segment, records: records.slice(middle), lastOutcome: outcome },
    ];
  }
  const failedFrom = outcome.kind === 'partial' ? outcome.failedFrom : 0;
  const before = records[failedFrom - 1];
  if (before !== undefined) await effects.checkpoint(before);
  const failed = { ...segment, records: records.slice(failedFrom), lastOutcome: outcome };
  if (policy.retryAttempts < 0 || segment.retries < policy.retryAttempts) {
    return [{ ...failed, retries: segment.retries + 1 }];
  }
  await discard(failed, 'RetryAttemptsExhausted', effects);
  return [];
}

/** Discards the leading records past the maximum age and returns the rest; a shard's records arrive in order. */
async function discardExpired(
  segment: Segment,
  policy: RetryPolicy,
  effects: BatchEffects,
): Promise<readonly ShardRecord[]> {
  if (policy.maxRecordAgeSeconds < 0) return segment.records;
  const oldest = effects.now() - policy.maxRecordAgeSeconds * 1000;
  const expired = segment.records.findIndex((record) => record.approximateArrival.getTime() >= oldest);
  const count = expired < 0 ? segment.records.length : expired;
  if (count === 0) return segment.records;
  await discard({ ...segment, records: segment.records.slice(0, count) }, 'RecordAgeExceeded', effects);
  return segment.records.slice(count);
}

async function discard(segment: Segment, condition: DiscardCondition, effects: BatchEffects): Promise<void> {
  await effects.discard({
    records: segment.records,
    condition,
    approximateInvokeCount: segment.invokes,
    ...(segment.lastOutcome ? { lastOutcome: segment.lastOutcome } : {}),
  });
  await effects.checkpoint(lastOf(segment.records));
}

function lastOf(records: readonly ShardRecord[]): ShardRecord {
  const last = records.at(-1);
  if (last === undefined) throw new RangeError('a segment is never empty');
  return last;
}
