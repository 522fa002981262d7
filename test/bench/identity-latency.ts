/**
 * Event-to-profile latency on the running local platform: a workload's events sent over HTTP at a paced rate,
 * each measured from the moment its request was sent until the invocation that resolved it completed — of
 * `resolve` (its person's identities linked: the latency the target is about) and of `activity` (its person's
 * counters updated; in AWS that lane waits up to its 5-minute window, locally the same 1 s as every poller).
 *
 * Which invocation resolved which event: the runtime's `onInvocation` hook hands over each invocation's Kinesis
 * batch and partial batch response; an event is resolved by the first invocation of the function that held it
 * and did not report it as failed.
 *
 * The wait for the resolver to catch up is bounded: an event still unresolved when it ends counts with the
 * time waited so far, a lower bound of its latency, and the percentiles it reaches are lower bounds too.
 */
import { Buffer } from 'node:buffer';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { Invocation, LocalPlatform } from '../../infra/local/runtime.ts';
import { IdleTimeoutError } from '../../infra/local/stream-poller-errors.ts';
import { decodeEnvelope } from '../../shared/lake/envelope.ts';
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
  readonly batchingWindowSeconds: number | 'topology';
  /** How long to wait, after the last request, for every event to be applied. */
  readonly drainTimeoutMs: number;
}

export interface LatencyResult {
  readonly name: string;
  readonly setup: {
    readonly eventsPerSecond: number;
    readonly seconds: number;
    readonly eventsPerRequest: number;
    readonly localBatchingWindowSeconds: number | 'topology';
  };
  readonly events: number;
  readonly requests: number;
  readonly byStatus: Readonly<Record<string, number>>;
  /** From the first request sent to the last sent; the pacing's achieved rate. */
  readonly sentEventsPerSecond: number;
  readonly acceptLatencyMs: Distribution;
  /** Events whose resolve invocation was seen within the wait (all, unless the resolver fell behind). */
  readonly applied: number;
  /** Whether every consumer caught up within the wait. */
  readonly drained: boolean;
  /**
   * Over every event sent; an event not applied within the wait counts with the time waited, so when
   * `applied < events` the percentiles those events reach are lower bounds.
   */
  readonly eventToProfileMs: Distribution;
  /** The same up to the activity invocation that counted the event, over the events it counted in the wait. */
  readonly eventToActivityMs: Distribution;
  /** Events the activity lane counted within the wait. */
  readonly counted: number;
  /** Events resolved per second, from the first request sent to the last event resolved. */
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
  const countedAt = new Map<string, number>();
  const eventsPerInvocation: number[] = [];
  const resolveMs: number[] = [];
  let failedInvocations = 0;
  listen((invocation) => {
    const lane = { resolve: appliedAt, activity: countedAt }[invocation.functionName as string];
    if (lane === undefined) return;
    const now = performance.now();
    const mine = resolvedMessageIds(invocation).filter(
      (messageId) => sentAt.has(messageId) && !lane.has(messageId),
    );
    for (const messageId of mine) lane.set(messageId, now);
    if (invocation.functionName !== 'resolve') return;
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
      eventToActivityMs: distribution(
        [...countedAt].map(([messageId, at]) => at - (sentAt.get(messageId) ?? at)),
      ),
      counted: countedAt.size,
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
  }
}

/** The first `total` events of a workload large enough, with times from now on. */
export function takeEvents(
  options: Pick<LatencyOptions, 'name' | 'seed' | 'seconds' | 'meanGapSeconds'>,
  total: number,
): WorkloadEvent[] {
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
 * The messageIds of the events a stream consumer's invocation resolved: those of its Kinesis batch, but none
 * when it failed and none of the records its partial batch response reports as failed.
 */
export function resolvedMessageIds(invocation: Pick<Invocation, 'failed' | 'event' | 'response'>): string[] {
  if (invocation.failed) return [];
  const records = (invocation.event as KinesisStreamEvent | undefined)?.Records ?? [];
  const failures = (invocation.response as KinesisStreamBatchResponse | undefined)?.batchItemFailures ?? [];
  const failed = new Set(failures.map((failure) => failure.itemIdentifier));
  const ids: string[] = [];
  for (const record of records) {
    if (failed.has(record.kinesis.sequenceNumber)) continue;
    const envelope = decodeEnvelope(Buffer.from(record.kinesis.data, 'base64'));
    if (envelope.schema === 'cdp.event/1') ids.push(envelope.event.messageId);
  }
  return ids;
}

function tally(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
