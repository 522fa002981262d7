/**
 * Event-to-profile latency on the running local platform: a workload's events sent over HTTP at a paced rate,
 * each measured from the moment its request was sent until the `resolve` invocation that applied it completed.
 *
 * Which invocation applied which event: resolve writes each applied event's messageId to its person's
 * recent-events list before the invocation returns. A middleware on the process's DynamoDB client (the one the
 * handlers use, `dynamoDbClient()`) collects those messageIds, and the runtime's `onInvocation` hook stamps the
 * ones collected since the previous resolve invocation with its completion time. The local runtime runs one
 * batch per shard at a time and the stream has one shard, so the attribution is exact.
 *
 * The wait for the resolver to catch up is bounded: an event still unapplied when it ends counts with the
 * time waited so far, a lower bound of its latency, and the percentiles it reaches are lower bounds too.
 */
import { Buffer } from 'node:buffer';
import type { Invocation, LocalPlatform } from '../../infra/local/runtime.ts';
import { IdleTimeoutError } from '../../infra/local/stream-poller-errors.ts';
import { dynamoDbClient } from '../../shared/adapters/aws-clients.ts';
import { identityWorkload, segmentMessage, type WorkloadEvent } from './identity-workload.ts';
import { type Distribution, distribution } from './stats.ts';

export interface LatencyOptions {
  /** Key of the run in the report, e.g. `atTarget`. */
  readonly name: string;
  readonly eventsPerSecond: number;
  readonly seconds: number;
  readonly eventsPerRequest: number;
  readonly meanGapSeconds: number;
  readonly seed: number;
  /** Write key of the web source the events are sent with. */
  readonly writeKey: string;
  /** The local pollers' batching window, for the report. */
  readonly batchingWindowSeconds: number;
  /** How long to wait, after the last request, for every event to be applied. */
  readonly drainTimeoutMs: number;
}

export interface LatencyResult {
  readonly name: string;
  readonly setup: {
    readonly eventsPerSecond: number;
    readonly seconds: number;
    readonly eventsPerRequest: number;
    readonly localBatchingWindowSeconds: number;
  };
  readonly events: number;
  readonly requests: number;
  readonly byStatus: Readonly<Record<string, number>>;
  /** From the first request sent to the last sent; the pacing's achieved rate. */
  readonly sentEventsPerSecond: number;
  readonly acceptLatencyMs: Distribution;
  /** Events whose applying invocation was seen within the wait (all, unless the resolver fell behind). */
  readonly applied: number;
  /** Whether every consumer caught up within the wait. */
  readonly drained: boolean;
  /**
   * Over every event sent; an event not applied within the wait counts with the time waited, so when
   * `applied < events` the percentiles those events reach are lower bounds.
   */
  readonly eventToProfileMs: Distribution;
  /** Events applied per second, from the first request sent to the last event applied. */
  readonly appliedEventsPerSecond: number;
  readonly resolve: {
    readonly invocations: number;
    readonly failedInvocations: number;
    readonly eventsPerInvocation: Distribution;
    readonly durationMs: Distribution;
  };
}

/** Lets the caller route the runtime's `onInvocation` to whoever listens now. */
export type InvocationListener = (invocation: Invocation) => void;

const middlewareName = 'benchAppliedEvents';

export async function measureLatency(
  platform: LocalPlatform,
  listen: (listener: InvocationListener | undefined) => void,
  options: LatencyOptions,
): Promise<LatencyResult> {
  const total = options.eventsPerSecond * options.seconds;
  const events = takeEvents(options, total);
  const requests: WorkloadEvent[][] = [];
  for (let start = 0; start < events.length; start += options.eventsPerRequest) {
    requests.push(events.slice(start, start + options.eventsPerRequest));
  }

  const sentAt = new Map<string, number>();
  const appliedAt = new Map<string, number>();
  let applying: string[] = [];
  const eventsPerInvocation: number[] = [];
  const resolveMs: number[] = [];
  let failedInvocations = 0;
  const client = dynamoDbClient();
  client.middlewareStack.add(
    (next) => async (args) => {
      const output = await next(args);
      applying.push(...recentEventIds(args.input));
      return output;
    },
    { step: 'initialize', name: middlewareName },
  );
  listen((invocation) => {
    if (invocation.functionName !== 'resolve') return;
    const now = performance.now();
    const mine = applying.filter((messageId) => sentAt.has(messageId) && !appliedAt.has(messageId));
    for (const messageId of mine) appliedAt.set(messageId, now);
    applying = [];
    eventsPerInvocation.push(mine.length);
    resolveMs.push(invocation.durationMs);
    if (invocation.failed) failedInvocations += 1;
  });
  try {
    const auth = `Basic ${Buffer.from(`${options.writeKey}:`).toString('base64')}`;
    const intervalMs = (1000 * options.eventsPerRequest) / options.eventsPerSecond;
    const answers: Promise<{ status: number; ms: number }>[] = [];
    const started = performance.now();
    let lastSent = started;
    for (const [index, batch] of requests.entries()) {
      const wait = started + index * intervalMs - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const body = JSON.stringify({ batch: batch.map(segmentMessage) });
      lastSent = performance.now();
      for (const event of batch) sentAt.set(event.messageId, lastSent);
      answers.push(send(`${platform.url}/v1/batch`, auth, body, lastSent));
    }
    const answered = await Promise.all(answers);
    let drained = true;
    try {
      await platform.drain(options.drainTimeoutMs);
    } catch (error) {
      if (!(error instanceof IdleTimeoutError)) throw error;
      drained = false;
    }
    const stoppedWaiting = performance.now();

    const latencies = [...sentAt].map(
      ([messageId, sent]) => (appliedAt.get(messageId) ?? stoppedWaiting) - sent,
    );
    const lastApplied = Math.max(started, ...appliedAt.values());
    return {
      name: options.name,
      setup: {
        eventsPerSecond: options.eventsPerSecond,
        seconds: options.seconds,
        eventsPerRequest: options.eventsPerRequest,
        localBatchingWindowSeconds: options.batchingWindowSeconds,
      },
      events: events.length,
      requests: requests.length,
      byStatus: tally(answered.map((answer) => String(answer.status))),
      sentEventsPerSecond: events.length / Math.max(0.001, (lastSent - started) / 1000),
      acceptLatencyMs: distribution(answered.map((answer) => answer.ms)),
      applied: appliedAt.size,
      drained,
      eventToProfileMs: distribution(latencies),
      appliedEventsPerSecond: appliedAt.size / Math.max(0.001, (lastApplied - started) / 1000),
      resolve: {
        invocations: resolveMs.length,
        failedInvocations,
        eventsPerInvocation: distribution(eventsPerInvocation),
        durationMs: distribution(resolveMs),
      },
    };
  } finally {
    listen(undefined);
    client.middlewareStack.remove(middlewareName);
  }
}

/** The first `total` events of a workload large enough, with times from now on. */
function takeEvents(options: LatencyOptions, total: number): WorkloadEvent[] {
  // About 21 events per person (a fifth log in, some of them on a second device): more than enough people.
  const workload = identityWorkload({
    people: Math.ceil(total / 15),
    seed: options.seed,
    startMs: Date.now(),
    arrivalSeconds: options.seconds,
    meanGapSeconds: options.meanGapSeconds,
    idPrefix: `latency-${options.name}`,
  });
  return workload.events.slice(0, total);
}

async function send(
  url: string,
  authorization: string,
  body: string,
  sent: number,
): Promise<{ status: number; ms: number }> {
  const status = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body,
  }).then(
    async (response) => {
      await response.arrayBuffer();
      return response.status;
    },
    () => 0,
  );
  return { status, ms: performance.now() - sent };
}

/**
 * The messageIds of the recent-events items a BatchWriteItem puts (`sk = event#…`, `events` = tuples whose
 * first element is the messageId), in the document client's plain form or marshalled, whichever the middleware
 * sees.
 */
export function recentEventIds(input: unknown): string[] {
  const requestItems = (input as { RequestItems?: unknown } | undefined)?.RequestItems;
  if (typeof requestItems !== 'object' || requestItems === null) return [];
  const ids: string[] = [];
  for (const requests of Object.values(requestItems)) {
    if (!Array.isArray(requests)) continue;
    for (const request of requests) {
      const item = (request as { PutRequest?: { Item?: Record<string, unknown> } }).PutRequest?.Item;
      const sk = plain(item?.sk);
      if (typeof sk !== 'string' || !sk.startsWith('event#')) continue;
      const tuples = plain(item?.events);
      if (!Array.isArray(tuples)) continue;
      for (const tuple of tuples) {
        const fields = plain(tuple);
        const messageId = Array.isArray(fields) ? plain(fields[0]) : undefined;
        if (typeof messageId === 'string') ids.push(messageId);
      }
    }
  }
  return ids;
}

/** A marshalled `{ S }` or `{ L }` attribute value as its plain value; anything else as it is. */
function plain(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  if ('S' in value) return (value as { S: unknown }).S;
  if ('L' in value) return (value as { L: unknown }).L;
  return value;
}

function tally(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
