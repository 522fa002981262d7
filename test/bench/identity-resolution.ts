/**
 * Identity resolution: what it costs in DynamoDB units per event, how fast the resolver goes, and how soon an
 * event shows in its person's profile.
 *
 * (a) Capacity and throughput: seeded workloads resolved with `resolveBatch` against DynamoDB Local, in batches
 * cut as the topology's event source mappings cut them for its two lanes (`resolve`: identities, a 1 s window;
 * `activity`: everything else, a 5-minute window): once as live web traffic (a person's events about 15 s
 * apart), once with each session arriving at once (the best case). Write and read units are given as AWS bills
 * them and as DynamoDB Local reported them (identity-capacity.ts says where those differ), per lane and
 * operation.
 * (b) Latency: the local platform takes the workload over HTTP at a paced rate; each event is timed from its
 * request until the resolve invocation that resolved it completed (and the activity invocation that counted
 * it). First at a rate the local stack keeps up with, then at the target's 1,000 events/s for 30 s.
 *
 * Both run in a child process (identity-run.ts) with a platform of their own.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { count, ms } from './format.ts';
import type { LatencyResult } from './identity-latency.ts';
import type { IdentityRunOptions, IdentityRunResult, RunMessage } from './identity-protocol.ts';
import type { CapacityRun } from './identity-throughput.ts';
import type { BenchSection, Target } from './report.ts';

export const targetWriteUnitsPerEvent = 0.3;
export const targetP99Ms = 2_000;

/** The scenario the write-unit target is checked against. */
export const liveScenario = 'live';
/** The latency run the p99 target is checked against. */
export const targetRateRun = 'targetRate';

const runOptions: IdentityRunOptions = {
  // As in AWS: resolve waits 1 s, land 30 s, activity 5 minutes — longer than a run, so activity's batch of
  // the run's events (and its DynamoDB load) comes after it, as it would in AWS; its latency is its window.
  localBatchingWindowSeconds: 'topology',
  scenarios: [
    {
      name: liveScenario,
      description:
        'live web traffic: 80 people arriving over 30 s, a person’s events 15 s apart on average (exponential)',
      people: 80,
      seed: 7,
      arrivalSeconds: 30,
      meanGapSeconds: 15,
    },
    {
      name: 'sessionAtOnce',
      description:
        'each session arrives at once (a device flushing its queue, a server replaying a session): the best case',
      people: 200,
      seed: 11,
      arrivalSeconds: 20,
      meanGapSeconds: 0,
    },
  ],
  latency: [
    {
      name: 'lowRate',
      eventsPerSecond: 50,
      seconds: 12,
      eventsPerRequest: 10,
      meanGapSeconds: 15,
      seed: 29,
      drainTimeoutMs: 10_000,
    },
    {
      name: targetRateRun,
      eventsPerSecond: 1_000,
      seconds: 30,
      eventsPerRequest: 10,
      meanGapSeconds: 15,
      seed: 23,
      // Locally the resolver falls far behind at this rate (see the notes): what is still unapplied after this
      // counts as a lower bound, and waiting longer would only raise the bound.
      drainTimeoutMs: 5_000,
    },
  ],
  paced: [{ name: targetRateRun, eventsPerSecond: 1_000, seconds: 30, meanGapSeconds: 15, seed: 31 }],
};

/** How long the child may take before it is stopped. */
const runTimeoutMs = 300_000;

export type IdentityResolutionResult = IdentityRunResult & { readonly notes: readonly string[] };

export const identityResolution: BenchSection<IdentityResolutionResult> = {
  name: 'identityResolution',
  title: 'Identity resolution: DynamoDB units per event, resolver events/s, event-to-profile latency (local)',
  async run(context) {
    const dataDir = mkdtempSync(join(tmpdir(), 'cdp-bench-identity-'));
    const removeDataDir = context.onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));
    const child = fork(
      resolve(import.meta.dirname, 'identity-run.ts'),
      [dataDir, resolve(context.repoRoot, 'cdp.config.json'), JSON.stringify(runOptions)],
      {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        // The functions log each batch at INFO; the summary on stdout should stay readable.
        env: { ...process.env, POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN' },
      },
    );
    const stopChild = context.onCleanup(() => terminate(child));
    try {
      const message = await answerOf(child);
      if (!message.ok) throw new Error(`the identity benchmark failed: ${message.error}`);
      const result: IdentityResolutionResult = { ...message.result, notes: notes(message.result) };
      return { result, summary: summary(result), targets: targets(result) };
    } finally {
      await stopChild();
      await removeDataDir();
    }
  },
};

/** The capacity run of the live scenario: the cost model prices resolution from it. */
export function liveCapacity(result: IdentityRunResult): CapacityRun {
  const run = result.capacity.find((candidate) => candidate.scenario === liveScenario);
  if (run === undefined) throw new Error(`the ${liveScenario} scenario did not run`);
  return run;
}

function answerOf(child: ChildProcess): Promise<RunMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no answer within ${runTimeoutMs / 1000} s`)),
      runTimeoutMs,
    );
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve(message as RunMessage);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the identity benchmark exited (${signal ?? `code ${code}`}) without an answer`));
    });
  });
}

/** Asks the child to stop its platform; kills it if it has not within 15 s. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

function latencyRun(result: IdentityRunResult, name: string): LatencyResult {
  const run = result.latency.find((candidate) => candidate.name === name);
  if (run === undefined) throw new Error(`the ${name} latency run did not run`);
  return run;
}

function targets(result: IdentityRunResult): Target[] {
  const capacity = liveCapacity(result);
  const latency = latencyRun(result, targetRateRun);
  const allApplied = latency.applied === latency.events;
  return [
    {
      name: `identity resolution, DynamoDB write units per event (${liveScenario} traffic, as AWS bills them)`,
      target: `<= ${targetWriteUnitsPerEvent.toFixed(2)}`,
      actual: capacity.writeUnitsPerEvent,
      met: capacity.writeUnitsPerEvent <= targetWriteUnitsPerEvent,
    },
    {
      name:
        `event-to-profile latency (identities resolved) p99 at ${count(latency.setup.eventsPerSecond)} events/s on the local platform, ms` +
        (allApplied
          ? ''
          : ` (a lower bound: ${count(latency.events - latency.applied)} events not applied in time)`),
      target: `<= ${targetP99Ms}`,
      actual: latency.eventToProfileMs.p99,
      met: allApplied && latency.eventToProfileMs.p99 <= targetP99Ms,
    },
    ...result.paced.map((run) => ({
      name: `event-to-profile latency p99 of the resolve lane alone, its stream paced at ${count(run.setup.eventsPerSecond)} events/s against DynamoDB Local, ms`,
      target: `<= ${targetP99Ms}`,
      actual: run.eventToProfileMs.p99,
      met: run.failedRecords === 0 && run.eventToProfileMs.p99 <= targetP99Ms,
    })),
  ];
}

function notes(result: IdentityRunResult): string[] {
  const lanes = result.topology
    .map((lane) => `${lane.name}: batch size ${lane.batchSize}, window ${lane.windowSeconds} s`)
    .join('; ');
  const identityLane = result.topology.find((lane) => lane.name === 'resolve');
  const window = result.latency[0]?.setup.localBatchingWindowSeconds;
  return [
    `Capacity runs cut the stream as the topology's mappings do (${lanes}; records arrive at their event time) and run the batches of both lanes one at a time in the order their windows close, as for one shard.`,
    'Units "as AWS bills them" follow DynamoDB\'s documented rules. DynamoDB Local sums a transaction\'s items before rounding (AWS rounds each item up to 1 KB and bills it twice) and reports 0 for a key it does not find (AWS bills the read), so its own figures are lower; AWS also bills conditional writes that failed, which no response reports: they are counted from their items.',
    "The resolve lane writes only when the graph changes: a new visitor's identity, a login's links, a merge. The activity lane writes each (person, batch) pair once: the profile and a recent-events item, about 2 units, so its units per event fall with the events a person has in one of its batches — about window / think time at low traffic, batch size / people active at once at high traffic.",
    `Latency: the local pollers wait ${window === 'topology' ? "as the topology's triggers say" : `${window} s`} for a batch (resolve ${identityLane?.windowSeconds ?? '?'} s; activity its window, so its counters lag by up to that much — locally \`npm start\` uses 1 s for every poller); one shard, so one batch per function runs at a time; collect, land, resolve, activity and the emulators share this machine's cores, and DynamoDB Local answers a few hundred requests per second; at 1,000 events/s activity's batches fill to ${result.topology.find((lane) => lane.name === 'activity')?.batchSize ?? '?'} records every 10 s and their writes queue resolve's reads at the emulator. So the full stack's latency here is the emulation's, not DynamoDB's.`,
    'Resolver events/s is of the resolve lane, measured in-process against DynamoDB Local, one batch at a time (8 units of a batch commit concurrently, as in the function).',
    "Two latency figures: the full local stack over HTTP (collector, kinesalite, pollers and every function's handler share one Node.js event loop here — in AWS each function has its own — and the emulators share the second core), and the resolve lane alone, its stream paced at the same rate in-process (identity-paced.ts): arrival on the stream to the end of the invocation that resolved the event, with the event source mapping's batching and the emulator's speed. The first is what this machine's emulation can do; the second is the resolver's own latency.",
  ];
}

function summary(result: IdentityRunResult): string[] {
  const capacity = result.capacity.map(
    (run) =>
      `${run.scenario}: ${count(run.events)} events of ${count(run.people)} people: ` +
      `${run.writeUnitsPerEvent.toFixed(3)} write and ${run.readUnitsPerEvent.toFixed(3)} read units per event as AWS ` +
      `bills (DynamoDB Local reported ${run.reported.writeUnitsPerEvent.toFixed(3)} / ` +
      `${run.reported.readUnitsPerEvent.toFixed(3)}) — ` +
      run.lanes
        .map(
          (lane) =>
            `${lane.lane} ${lane.writeUnitsPerEvent.toFixed(3)} W / ${lane.readUnitsPerEvent.toFixed(3)} R in ` +
            `${count(lane.batches)} batches (${lane.eventsPerPersonBatch.toFixed(1)} events per person per batch)`,
        )
        .join(', ') +
      `; ${count(run.eventsPerSecond)} events/s through the resolve lane; ${count(run.outcome.commits)} commits, ` +
      `${count(run.outcome.conflicts)} conflicts, ${count(run.outcome.merged)} merges; profile items p99 ` +
      `${count(run.profileItemBytes.p99)} B`,
  );
  const breakdown = liveCapacity(result)
    .operations.filter((line) => line.kind === 'write')
    .map((line) => `${line.operation} ${line.billedUnitsPerEvent.toFixed(3)}`)
    .join(', ');
  const latency = result.latency.map(
    (run) =>
      `latency at ${count(run.sentEventsPerSecond)} events/s sent (${count(run.events)} events, ` +
      `${run.setup.eventsPerRequest} per request): event to profile (identities resolved) p50 ` +
      `${ms(run.eventToProfileMs.p50)}, p99 ${ms(run.eventToProfileMs.p99)}` +
      (run.applied === run.events
        ? ''
        : ` (lower bounds: ${count(run.events - run.applied)} of them were not applied by the end of the wait)`) +
      (run.counted > 0
        ? `; counted by activity p50 ${ms(run.eventToActivityMs.p50)}, p99 ${ms(run.eventToActivityMs.p99)} ` +
          `(${count(run.counted)} counted in the wait)`
        : '; activity counts them when its window closes, after the run') +
      `; resolver applied ${count(run.appliedEventsPerSecond)} events/s in ${count(run.resolve.invocations)} ` +
      `invocations (p50 ${ms(run.resolve.durationMs.p50)}); accept p99 ${ms(run.acceptLatencyMs.p99)}`,
  );
  const paced = result.paced.map(
    (run) =>
      `resolve lane alone, paced at ${count(run.setup.eventsPerSecond)} events/s in-process against DynamoDB Local ` +
      `(${count(run.events)} events, batch size ${run.setup.batchSize}, window ${run.setup.windowSeconds} s): stream to ` +
      `profile p50 ${ms(run.eventToProfileMs.p50)}, p99 ${ms(run.eventToProfileMs.p99)}; ${count(run.invocations)} ` +
      `invocations of p50 ${count(run.eventsPerInvocation.p50)} events, p50 ${ms(run.invocationMs.p50)}, p99 ` +
      `${ms(run.invocationMs.p99)}` +
      (run.failedRecords > 0 ? `; ${count(run.failedRecords)} records failed` : ''),
  );
  return [
    ...capacity,
    `${liveScenario} write units per event by operation: ${breakdown}`,
    ...latency,
    ...paced,
  ];
}
