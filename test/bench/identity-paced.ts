/**
 * The resolver's own event-to-profile latency at a given rate: the stream's records arrive at their event
 * times, an event source mapping cuts them into batches and hands one batch at a time to the `resolve` lane,
 * which resolves it in-process against DynamoDB Local; an event's latency is from its arrival on the stream to
 * the end of the invocation that resolved it. Nothing else runs in the process, so this is the resolver's
 * latency with the emulator's speed, where the full local stack (identity-latency.ts) also measures the
 * collector, kinesalite and the other consumers sharing the machine's cores.
 *
 * The simulation replays time rather than waiting for it: only the batches' resolution takes real time.
 */
import { encodeEnvelope } from '../../shared/events/envelope.ts';
import { LinkCache } from '../../shared/identity/link-cache.ts';
import type { IdentityGraphStore } from '../../shared/identity/ports.ts';
import { type ResolveRecord, resolveBatch } from '../../shared/identity/resolve.ts';
import type { IdentityRules } from '../../shared/identity/rules.ts';
import { takeEvents } from './identity-latency.ts';
import { collectedEvent } from './identity-workload.ts';
import { type Distribution, distribution } from './stats.ts';

export interface Arrival {
  /** When the record reached the shard, ms from the start. */
  readonly arrivalMs: number;
}

export interface ConsumerSettings {
  readonly batchSize: number;
  readonly windowSeconds: number;
}

export interface PacedBatch {
  readonly start: number;
  readonly end: number;
  /** When the invocation starts, ms from the start. */
  readonly startsAtMs: number;
}

/**
 * Runs a shard's consumer over `arrivals` (in order): a batch starts when the consumer is free and either
 * `batchSize` records wait or the window opened by the oldest waiting record has passed — so a consumer that
 * has fallen behind takes full batches at once, as the event source mapping does. `invoke` resolves a batch
 * and answers how long it took (ms). Resolves with each record's latency: end of its invocation − arrival.
 *
 * @example await runConsumer([{ arrivalMs: 0 }, { arrivalMs: 500 }], { batchSize: 10, windowSeconds: 1 }, async () => 200)
 *   // one batch starting at 1,000 ms, done at 1,200: latencies [1200, 700]
 */
export async function runConsumer(
  arrivals: readonly Arrival[],
  settings: ConsumerSettings,
  invoke: (batch: PacedBatch) => Promise<number>,
): Promise<number[]> {
  const latencies: number[] = [];
  const windowMs = settings.windowSeconds * 1000;
  let free = 0;
  let next = 0;
  while (next < arrivals.length) {
    const oldest = arrivals[next]?.arrivalMs ?? 0;
    const fillAt = arrivals[Math.min(next + settings.batchSize, arrivals.length) - 1]?.arrivalMs ?? oldest;
    const full = next + settings.batchSize <= arrivals.length;
    // The batch goes when it is full or its window has passed, whichever is first, once the consumer is free.
    const ready = full ? Math.min(fillAt, oldest + windowMs) : oldest + windowMs;
    const startsAtMs = Math.max(free, ready);
    let end = next;
    while (
      end < arrivals.length &&
      end - next < settings.batchSize &&
      (arrivals[end]?.arrivalMs ?? 0) <= startsAtMs
    ) {
      end += 1;
    }
    const duration = await invoke({ start: next, end, startsAtMs });
    free = startsAtMs + duration;
    for (let index = next; index < end; index += 1) latencies.push(free - (arrivals[index]?.arrivalMs ?? 0));
    next = end;
  }
  return latencies;
}

export interface PacedOptions {
  /** Key of the run in the report. */
  readonly name: string;
  readonly eventsPerSecond: number;
  readonly seconds: number;
  readonly meanGapSeconds: number;
  readonly seed: number;
}

export interface PacedResult {
  readonly name: string;
  readonly setup: PacedOptions & ConsumerSettings;
  readonly events: number;
  readonly invocations: number;
  readonly eventsPerInvocation: Distribution;
  readonly invocationMs: Distribution;
  /** From arrival on the stream to the end of the resolve invocation that resolved the event. */
  readonly eventToProfileMs: Distribution;
  readonly failedRecords: number;
}

/**
 * The `resolve` lane (identityOnly) at `eventsPerSecond` for `seconds`, paced as the HTTP latency run paces its
 * requests, against the store — see the module comment.
 */
export async function measurePacedResolver(
  store: IdentityGraphStore,
  rules: IdentityRules,
  consumer: ConsumerSettings,
  options: PacedOptions,
): Promise<PacedResult> {
  const events = takeEvents(options, options.eventsPerSecond * options.seconds);
  const records: ResolveRecord[] = events.map((event, index) => ({
    sequenceNumber: `4970${String(index).padStart(20, '0')}`,
    data: encodeEnvelope({ schema: 'cdp.event/1', event: collectedEvent(event) }),
  }));
  const arrivals = events.map((_, index) => ({ arrivalMs: (index * 1000) / options.eventsPerSecond }));
  const sizes: number[] = [];
  const durations: number[] = [];
  let failedRecords = 0;
  const linkCache = new LinkCache();
  const latencies = await runConsumer(arrivals, consumer, async ({ start, end }) => {
    const started = performance.now();
    const result = await resolveBatch(
      store,
      { shardId: `shardId-paced-${options.name}`, records: records.slice(start, end) },
      { rules, identityOnly: true, linkCache },
    );
    const duration = performance.now() - started;
    sizes.push(end - start);
    durations.push(duration);
    failedRecords += result.failures.length;
    return duration;
  });
  return {
    name: options.name,
    setup: { ...options, ...consumer },
    events: events.length,
    invocations: durations.length,
    eventsPerInvocation: distribution(sizes),
    invocationMs: distribution(durations),
    eventToProfileMs: distribution(latencies),
    failedRecords,
  };
}
