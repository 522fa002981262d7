/**
 * Resolution throughput and DynamoDB capacity: a workload's events, encoded as the collector puts them on the
 * stream, cut into batches as the topology's event source mapping would cut them (batch size, window), resolved
 * one batch after the other (one shard) with `resolveBatch` against DynamoDB Local, through a `CapacityMeter`.
 */
import { functions } from '../../infra/topology.ts';
import { DynamoDbProfileStore } from '../../shared/adapters/dynamodb-profile-store.ts';
import { encodeEnvelope } from '../../shared/events/envelope.ts';
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

export interface ResolverSettings {
  readonly tableName: string;
  readonly rules: IdentityRules;
  /** The topology's `functions.resolve.triggers[0]` settings. */
  readonly batchSize: number;
  readonly windowSeconds: number;
}

export interface CapacityRun {
  readonly scenario: string;
  readonly description: string;
  readonly people: number;
  readonly events: number;
  /** Mean events per second of event time on the stream. */
  readonly streamEventsPerSecond: number;
  readonly batches: number;
  readonly meanEventsPerBatch: number;
  /** Events per (person, batch) pair: a person's events in one batch share one profile write. */
  readonly eventsPerPersonBatch: number;
  /** Wall time of the `resolveBatch` calls. */
  readonly resolveSeconds: number;
  readonly eventsPerSecond: number;
  readonly batchMs: Distribution;
  /** The batches as resolve invocations, each billed for the time `resolveBatch` took here. */
  readonly lambda: LambdaUsage;
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
  /** As AWS bills them (see identity-capacity.ts). */
  readonly writeUnitsPerEvent: number;
  /** What one person's events in one batch cost to write, however many they are. */
  readonly writeUnitsPerPersonBatch: number;
  readonly readUnitsPerEvent: number;
  /** As DynamoDB Local reported them. */
  readonly reported: { readonly writeUnitsPerEvent: number; readonly readUnitsPerEvent: number };
  /** Sizes of the profile items written, by DynamoDB's rules. */
  readonly profileItemBytes: Distribution;
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
  const batches = cutBatches(events, settings);
  const meter = new CapacityMeter(
    (observe) => new DynamoDbProfileStore({ tableName: settings.tableName, onConsumedCapacity: observe }),
  );
  const shardId = `shardId-bench-${scenario.name}`;
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
  const batchMs: number[] = [];
  let personBatches = 0;
  let offset = 0;
  for (const batch of batches) {
    const records: ResolveRecord[] = batch.map((event, index) => ({
      sequenceNumber: sequenceNumber(offset + index),
      data: encodeEnvelope({ schema: 'cdp.event/1', event: collectedEvent(event) }),
    }));
    offset += batch.length;
    personBatches += new Set(batch.map((event) => event.person)).size;
    const started = performance.now();
    const result = await resolveBatch(meter, { shardId, records }, { rules: settings.rules });
    batchMs.push(performance.now() - started);
    totals.applied += result.applied;
    totals.skipped += result.skipped;
    totals.unresolved += result.unresolved;
    totals.merged += result.merged;
    totals.refused += result.refused;
    totals.commits += result.commits;
    totals.conflicts += result.conflicts;
    totals.failedRecords += result.failures.length;
    totals.sideWriteErrors += result.sideWriteErrors.length;
  }
  const resolveSeconds = batchMs.reduce((total, value) => total + value, 0) / 1000;
  const first = events[0]?.atMs ?? 0;
  const last = events.at(-1)?.atMs ?? 0;
  const perEvent = (units: number) => units / events.length;
  return {
    scenario: scenario.name,
    description: scenario.description,
    people: scenario.people,
    events: events.length,
    streamEventsPerSecond: events.length / Math.max(0.001, (last - first) / 1000),
    batches: batches.length,
    meanEventsPerBatch: events.length / batches.length,
    eventsPerPersonBatch: events.length / personBatches,
    resolveSeconds,
    eventsPerSecond: events.length / resolveSeconds,
    batchMs: distribution(batchMs),
    lambda: lambdaUsage(batchMs, functions.resolve.memoryMb),
    outcome: totals,
    writeUnitsPerEvent: perEvent(meter.total('write')),
    writeUnitsPerPersonBatch: meter.total('write') / personBatches,
    readUnitsPerEvent: perEvent(meter.total('read')),
    reported: {
      writeUnitsPerEvent: perEvent(meter.total('write', true)),
      readUnitsPerEvent: perEvent(meter.total('read', true)),
    },
    profileItemBytes: distribution(meter.profileItemBytes),
    operations: meter
      .operations()
      .map((line) => ({ ...line, billedUnitsPerEvent: perEvent(line.billedUnits) })),
  };
}

/**
 * Cuts the stream as the event source mapping would: a batch closes at the batch size or when the window
 * opened by its first record has passed (records arrive at their event time; the 6 MB payload limit is far).
 */
export function cutBatches(
  events: readonly WorkloadEvent[],
  settings: Pick<ResolverSettings, 'batchSize' | 'windowSeconds'>,
): WorkloadEvent[][] {
  const sizes = simulateBatches(
    events.map((event) => ({ arrivalMs: event.atMs, eventBytes: 0, partition: '' })),
    {
      batchSize: settings.batchSize,
      windowSeconds: settings.windowSeconds,
      maxPayloadBytes: Number.POSITIVE_INFINITY,
      envelopeBytes: 0,
    },
  );
  const batches: WorkloadEvent[][] = [];
  let start = 0;
  for (const { records } of sizes) {
    batches.push(events.slice(start, start + records));
    start += records;
  }
  return batches;
}

/** Kinesis-like sequence numbers: decimal, of one length, growing. */
function sequenceNumber(index: number): string {
  return `4960${String(index).padStart(20, '0')}`;
}
