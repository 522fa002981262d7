import type { PutRecordsCommand, PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import {
  KinesisEventStream,
  KinesisEventStreamError,
  type PutRecordsClient,
} from '../../../shared/adapters/kinesis-event-stream.ts';
import type { StreamRecord } from '../../../shared/ports.ts';

/** A Kinesis client stand-in at the SDK boundary: each call's answer is scripted, each request recorded. */
class ScriptedKinesis implements PutRecordsClient {
  readonly calls: string[][] = [];
  readonly #script: ((keys: string[]) => PutRecordsCommandOutput | Error)[];

  constructor(...script: ((keys: string[]) => PutRecordsCommandOutput | Error)[]) {
    this.#script = script;
  }

  async send(command: PutRecordsCommand): Promise<PutRecordsCommandOutput> {
    const keys = (command.input.Records ?? []).map((entry) => entry.PartitionKey ?? '');
    this.calls.push(keys);
    const answer = (this.#script[this.calls.length - 1] ?? allStored)(keys);
    if (answer instanceof Error) throw answer;
    return answer;
  }
}

/** Every record stored. */
function allStored(keys: string[]): PutRecordsCommandOutput {
  return {
    $metadata: {},
    FailedRecordCount: 0,
    Records: keys.map((_, index) => ({ SequenceNumber: String(index), ShardId: 'shardId-000000000000' })),
  };
}

/** The records whose partition key is in `failing` fail with a throughput error, the others are stored. */
function failing(...failingKeys: string[]) {
  return (keys: string[]): PutRecordsCommandOutput => ({
    $metadata: {},
    FailedRecordCount: keys.filter((key) => failingKeys.includes(key)).length,
    Records: keys.map((key, index) =>
      failingKeys.includes(key)
        ? { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard' }
        : { SequenceNumber: String(index), ShardId: 'shardId-000000000000' },
    ),
  });
}

function sdkError(name: string, fault: 'client' | 'server'): Error {
  return Object.assign(new Error(name), { name, $fault: fault, $metadata: {} });
}

function records(...keys: string[]): StreamRecord[] {
  return keys.map((key) => ({ partitionKey: key, data: new TextEncoder().encode(`{"k":"${key}"}`) }));
}

function stream(client: PutRecordsClient, maxAttempts = 4) {
  const delays: number[] = [];
  const adapter = new KinesisEventStream({
    client,
    streamName: 'events',
    maxAttempts,
    sleep: async (milliseconds) => {
      delays.push(milliseconds);
    },
  });
  return { adapter, delays };
}

describe('KinesisEventStream', () => {
  it('retries only the records a partial failure reported, and then reports none failed', async () => {
    // Prepare
    const kinesis = new ScriptedKinesis(failing('b', 'd'));
    const { adapter, delays } = stream(kinesis);

    // Act
    const result = await adapter.put(records('a', 'b', 'c', 'd'));

    // Assess
    expect(result.failed).toEqual([]);
    expect(kinesis.calls).toEqual([
      ['a', 'b', 'c', 'd'],
      ['b', 'd'],
    ]);
    expect(delays).toHaveLength(1);
  });

  it('returns the records still failing after the last attempt', async () => {
    // Prepare
    const kinesis = new ScriptedKinesis(failing('b', 'c'), failing('c'), failing('c'));
    const { adapter } = stream(kinesis, 3);
    const input = records('a', 'b', 'c');

    // Act
    const result = await adapter.put(input);

    // Assess
    expect(result.failed).toEqual([input[2]]);
    expect(kinesis.calls).toEqual([['a', 'b', 'c'], ['b', 'c'], ['c']]);
  });

  it('waits a jittered, growing, bounded delay between attempts', async () => {
    // Prepare
    const kinesis = new ScriptedKinesis(failing('a'), failing('a'), failing('a'), failing('a'), failing('a'));
    const { adapter, delays } = stream(kinesis, 5);

    // Act
    await adapter.put(records('a'));

    // Assess: attempt n waits a random share of min(1000, 50 · 2ⁿ) ms.
    expect(delays).toHaveLength(4);
    for (const [index, delay] of delays.entries()) {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(Math.min(1_000, 50 * 2 ** (index + 1)));
    }
  });

  it('starts no retry after its retry budget is spent, and reports the records still failing', async () => {
    // Prepare: every call fails and takes 1.5 s of a fake clock; the budget is 4 s from the first call.
    let clock = 0;
    const slow = (keys: string[]) => {
      clock += 1_500;
      return failing('a')(keys);
    };
    const kinesis = new ScriptedKinesis(slow, slow, slow, slow, slow);
    const adapter = new KinesisEventStream({
      client: kinesis,
      streamName: 'events',
      maxAttempts: 5,
      retryBudgetMs: 4_000,
      now: () => clock,
      sleep: async (milliseconds) => {
        clock += milliseconds;
      },
    });
    const input = records('a');

    // Act
    const result = await adapter.put(input);

    // Assess: the first two calls end at 1.5 s + 1.5 s plus backoffs under 100 + 200 ms, so the third starts
    // before 3.3 s; it ends after 4.5 s, past the budget, so no fourth starts of the 5 attempts allowed.
    expect(result.failed).toEqual(input);
    expect(kinesis.calls).toHaveLength(3);
  });

  it('splits more than 500 records into calls of at most 500, in order', async () => {
    // Prepare
    const kinesis = new ScriptedKinesis();
    const { adapter } = stream(kinesis);
    const keys = Array.from({ length: 1_201 }, (_, index) => `k${index}`);

    // Act
    const result = await adapter.put(records(...keys));

    // Assess
    expect(result.failed).toEqual([]);
    expect(kinesis.calls.map((call) => call.length)).toEqual([500, 500, 201]);
    expect(kinesis.calls.flat()).toEqual(keys);
  });

  it('splits calls that would exceed 5 MiB', async () => {
    // Prepare: six records of 1,000,000 bytes of data and a one-byte key; five fit in 5 MiB, six do not.
    const kinesis = new ScriptedKinesis();
    const { adapter } = stream(kinesis);
    const big = Array.from({ length: 6 }, (_, index) => ({
      partitionKey: String(index),
      data: new Uint8Array(1_000_000),
    }));

    // Act
    await adapter.put(big);

    // Assess
    expect(kinesis.calls.map((call) => call.length)).toEqual([5, 1]);
  });

  it('stops at the first chunk that stays failing and reports every later record failed without sending it', async () => {
    // Prepare
    const kinesis = new ScriptedKinesis(failing('k0'), failing('k0'));
    const { adapter } = stream(kinesis, 2);
    const keys = Array.from({ length: 600 }, (_, index) => `k${index}`);
    const input = records(...keys);

    // Act
    const result = await adapter.put(input);

    // Assess
    expect(kinesis.calls).toHaveLength(2);
    expect(result.failed).toEqual([input[0], ...input.slice(500)]);
  });

  it('treats throttling and server errors of the whole call as failed records after retrying them', async () => {
    // Prepare
    const kinesis = new ScriptedKinesis(
      () => sdkError('ProvisionedThroughputExceededException', 'client'),
      () => sdkError('InternalFailureException', 'server'),
      () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    );
    const { adapter } = stream(kinesis, 3);
    const input = records('a', 'b');

    // Act
    const result = await adapter.put(input);

    // Assess
    expect(result.failed).toEqual(input);
    expect(kinesis.calls).toHaveLength(3);
  });

  it('throws for a client error that retrying cannot fix, such as a missing stream', async () => {
    // Prepare
    const kinesis = new ScriptedKinesis(() => sdkError('ResourceNotFoundException', 'client'));
    const { adapter } = stream(kinesis);

    // Act
    const attempt = adapter.put(records('a'));

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(KinesisEventStreamError);
    expect(kinesis.calls).toHaveLength(1);
  });

  it('refuses a record over the 1 MiB Kinesis limit before sending anything', async () => {
    // Prepare
    const kinesis = new ScriptedKinesis();
    const { adapter } = stream(kinesis);

    // Act
    const attempt = adapter.put([{ partitionKey: 'k', data: new Uint8Array(1024 * 1024) }]);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(KinesisEventStreamError);
    expect(kinesis.calls).toEqual([]);
  });

  it('makes no call for no records', async () => {
    // Prepare
    const kinesis = new ScriptedKinesis();
    const { adapter } = stream(kinesis);

    // Act
    const result = await adapter.put([]);

    // Assess
    expect(result.failed).toEqual([]);
    expect(kinesis.calls).toEqual([]);
  });
});
