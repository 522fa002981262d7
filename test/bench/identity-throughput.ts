/**
 * Resolution throughput and DynamoDB capacity: a workload's events, encoded as the collector puts them on the
 * stream, cut into batches for each of the two functions that resolve them (`resolve`: identity work, a short
 * window; `activity`: everything, a window of minutes) as their event source mappings would cut them, and
 * resolved with `resolveBatch` against DynamoDB Local through one `CapacityMeter` per lane. The batches of both
 * lanes run one after the other in the order their windows close (one shard), as the functions would meet them.
 */
import { functions } from '../../infra/topology.ts';
import { DynamoDbProfileStore } from '../../shared/adapters/dynamodb-profile-store.ts';
import { encodeEnvelope } from '../../shared/events/envelope.ts';
import { LinkCache } from '../../shared/identity/link-cache.ts';
import { type ResolveRecord, resolveBatch } from '../../shared/identity/resolve.ts';
import type { IdentityRules } from '../../shared/identity/rules.ts';
import { type LambdaUsage, lambdaUsage } from './cost-model.ts';
import { CapacityMeter, type OperationCapacity } from './identity-capacity.ts';
import { collectedEvent, identityWorkload, type WorkloadEvent } from './identity-workload.ts';
import { simulateBatches } from './land-batching.ts';
import { type Distribution, distribution } from './stats.ts';

export interface CapacityScenario {
  /** Key in the report, e.g. `live`. */
  readonly name: string;
  readonly description: string;
  readonly people: number;
  readonly seed: number;
  readonly arrivalSeconds: number;
  readonly meanGapSeconds: number;
}

/** One function reading the stream to resolve it, with its trigger's settings from the topology. */
export interface ResolverLane {
  readonly name: 'resolve' | 'activity';
  readonly identityOnly: boolean;
  readonly batchSize: number;
  readonly windowSeconds: number;
  readonly memoryMb: number;
}

/** Both lanes as infra/topology.ts configures them. */
export function topologyLanes(): ResolverLane[] {
  return (['resolve', 'activity'] as const).map((name) => {
    const [trigger] = functions[name].triggers;
    return {
      name,
      identityOnly: name === 'resolve',
      batchSize: trigger.batchSize,
      windowSeconds: trigger.maxBatchingWindowSeconds,
      memoryMb: functions[name].memoryMb,
    };
  });
}

export interface ResolverSettings {
  readonly tableName: string;
  readonly rules: IdentityRules;
  readonly lanes: readonly ResolverLane[];
}

/** What one lane did and cost in a capacity run. */
export interface LaneRun {
  readonly lane: ResolverLane['name'];
  readonly batches: number;
  readonly meanEventsPerBatch: number;
  /** Events per (person, batch) pair: in the activity lane, a person's events in one batch share one write. */
  readonly eventsPerPersonBatch: number;
  readonly resolveSeconds: number;
  readonly batchMs: Distribution;
  /** The batches as invocations of the lane's function, each billed for the time `resolveBatch` took here. */
  readonly lambda: LambdaUsage;
  readonly writeUnitsPerEvent: number;
  readonly readUnitsPerEvent: number;
}

export interface CapacityRun {
  readonly scenario: string;
  readonly description: string;
  readonly people: number;
  readonly events: number;
  /** Mean events per second of event time on the stream. */
  readonly streamEventsPerSecond: number;
  /** Per lane: `resolve` first. */
  readonly lanes: readonly LaneRun[];
  /** Wall time of the `resolveBatch` calls of both lanes. */
  readonly resolveSeconds: number;
  /** Events through the resolver: all events / wall time of the `resolve` lane's batches. */
  readonly eventsPerSecond: number;
  /** Of the activity lane (one write per person per batch). */
  readonly eventsPerPersonBatch: number;
  readonly outcome: {
    readonly applied: number;
    readonly skipped: number;
    readonly unresolved: number;
    readonly merged: number;
    readonly refused: number;
    readonly commits: number;
    readonly conflicts: number;
    readonly failedRecords: number;
    readonly sideWriteErrors: number;
  };
  /** Both lanes, as AWS bills them (see identity-capacity.ts). */
  readonly writeUnitsPerEvent: number;
  readonly readUnitsPerEvent: number;
  /** As DynamoDB Local reported them. */
  readonly reported: { readonly writeUnitsPerEvent: number; readonly readUnitsPerEvent: number };
  /** Sizes of the profile items written, by DynamoDB's rules. */
  readonly profileItemBytes: Distribution;
  /** Operations of both lanes, each named after its lane, e.g. `resolve: commit PutItem`. */
  readonly operations: readonly (OperationCapacity & {
    readonly billedUnitsPerEvent: number;
  })[];
}

export async function runCapacityScenario(
  scenario: CapacityScenario,
  settings: ResolverSettings,
): Promise<CapacityRun> {
  const workload = identityWorkload({
    people: scenario.people,
    seed: scenario.seed,
    startMs: Date.parse('2026-11-20T10:00:00.000Z'),
    arrivalSeconds: scenario.arrivalSeconds,
    meanGapSeconds: scenario.meanGapSeconds,
    idPrefix: `bench-${scenario.name}`,
  });
  const { events } = workload;
  const records: ResolveRecord[] = events.map((event, index) => ({
    sequenceNumber: sequenceNumber(index),
    data: encodeEnvelope({ schema: 'cdp.event/1', event: collectedEvent(event) }),
  }));
  const shardId = `shardId-bench-${scenario.name}`;
  const lanes = settings.lanes.map((lane) => ({
    lane,
    meter: new CapacityMeter(
      (observe) => new DynamoDbProfileStore({ tableName: settings.tableName, onConsumedCapacity: observe }),
    ),
    // One warm function per lane: the resolve lane remembers the links it read (LinkCache).
    linkCache: lane.identityOnly ? new LinkCache() : undefined,
    batchMs: [] as number[],
    personBatches: 0,
    batches: 0,
  }));
  const schedule = lanes
    .flatMap((state) => cutBatches(events, state.lane).map((batch) => ({ state, ...batch })))
    .sort((a, b) => a.closesAtMs - b.closesAtMs || a.start - b.start);
  const totals = {
    applied: 0,
    skipped: 0,
    unresolved: 0,
    merged: 0,
    refused: 0,
    commits: 0,
    conflicts: 0,
    failedRecords: 0,
    sideWriteErrors: 0,
  };
  for (const { state, start, end } of schedule) {
    state.batches += 1;
    state.personBatches += new Set(events.slice(start, end).map((event) => event.person)).size;
    const started = performance.now();
    const result = await resolveBatch(
      state.meter,
      { shardId, records: records.slice(start, end) },
      {
        rules: settings.rules,
        identityOnly: state.lane.identityOnly,
        ...(state.linkCache ? { linkCache: state.linkCache } : {}),
      },
    );
    state.batchMs.push(performance.now() - started);
    // Events are counted by the activity lane; both lanes may link, merge and refuse.
    if (!state.lane.identityOnly) {
      totals.applied += result.applied;
      totals.skipped += result.skipped;
      totals.unresolved += result.unresolved;
    }
    totals.merged += result.merged;
    totals.refused += result.refused;
    totals.commits += result.commits;
    totals.conflicts += result.conflicts;
    totals.failedRecords += result.failures.length;
    totals.sideWriteErrors += result.sideWriteErrors.length;
  }
  const first = events[0]?.atMs ?? 0;
  const last = events.at(-1)?.atMs ?? 0;
  const perEvent = (units: number) => units / events.length;
  const seconds = (batchMs: readonly number[]) => batchMs.reduce((total, value) => total + value, 0) / 1000;
  const laneRuns: LaneRun[] = lanes.map(({ lane, meter, batchMs, personBatches, batches }) => ({
    lane: lane.name,
    batches,
    meanEventsPerBatch: events.length / batches,
    eventsPerPersonBatch: events.length / personBatches,
    resolveSeconds: seconds(batchMs),
    batchMs: distribution(batchMs),
    lambda: lambdaUsage(batchMs, lane.memoryMb),
    writeUnitsPerEvent: perEvent(meter.total('write')),
    readUnitsPerEvent: perEvent(meter.total('read')),
  }));
  const sum = (units: (meter: CapacityMeter) => number) =>
    lanes.reduce((total, { meter }) => total + units(meter), 0);
  const identityLane = laneRuns.find((run) => run.lane === 'resolve');
  const activityLane = laneRuns.find((run) => run.lane === 'activity');
  return {
    scenario: scenario.name,
    description: scenario.description,
    people: scenario.people,
    events: events.length,
    streamEventsPerSecond: events.length / Math.max(0.001, (last - first) / 1000),
    lanes: laneRuns,
    resolveSeconds: seconds(lanes.flatMap(({ batchMs }) => batchMs)),
    eventsPerSecond: events.length / (identityLane?.resolveSeconds ?? Number.NaN),
    eventsPerPersonBatch: activityLane?.eventsPerPersonBatch ?? Number.NaN,
    outcome: totals,
    writeUnitsPerEvent: perEvent(sum((meter) => meter.total('write'))),
    readUnitsPerEvent: perEvent(sum((meter) => meter.total('read'))),
    reported: {
      writeUnitsPerEvent: perEvent(sum((meter) => meter.total('write', true))),
      readUnitsPerEvent: perEvent(sum((meter) => meter.total('read', true))),
    },
    profileItemBytes: distribution(lanes.flatMap(({ meter }) => meter.profileItemBytes)),
    operations: lanes.flatMap(({ lane, meter }) =>
      meter.operations().map((line) => ({
        ...line,
        operation: `${lane.name}: ${line.operation}`,
        billedUnitsPerEvent: perEvent(line.billedUnits),
      })),
    ),
  };
}

/**
 * Cuts the stream as the event source mapping would: a batch closes at the batch size or when the window
 * opened by its first record has passed (records arrive at their event time; the 6 MB payload limit is far).
 * Each batch is `events.slice(start, end)`, invoked at `closesAtMs`.
 */
export function cutBatches(
  events: readonly WorkloadEvent[],
  settings: Pick<ResolverLane, 'batchSize' | 'windowSeconds'>,
): { start: number; end: number; closesAtMs: number }[] {
  const sizes = simulateBatches(
    events.map((event) => ({ arrivalMs: event.atMs, eventBytes: 0, partition: '' })),
    {
      batchSize: settings.batchSize,
      windowSeconds: settings.windowSeconds,
      maxPayloadBytes: Number.POSITIVE_INFINITY,
      envelopeBytes: 0,
    },
  );
  const batches: { start: number; end: number; closesAtMs: number }[] = [];
  let start = 0;
  for (const { records, closedBy } of sizes) {
    const end = start + records;
    const opened = events[start]?.atMs ?? 0;
    // A full batch goes when its last record arrives; otherwise when its window runs out.
    const closesAtMs =
      closedBy === 'window' ? opened + settings.windowSeconds * 1000 : (events[end - 1]?.atMs ?? opened);
    batches.push({ start, end, closesAtMs });
    start = end;
  }
  return batches;
}

/** Kinesis-like sequence numbers: decimal, of one length, growing. */
function sequenceNumber(index: number): string {
  return `4960${String(index).padStart(20, '0')}`;
}
