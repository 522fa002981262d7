/**
 * The identity-resolution measurements, run in a child process of the benchmark (identity-resolution.ts forks
 * it): the AWS SDK clients of aws-clients.ts are created once per process and keep the endpoint of the first
 * emulator they reached, so a second local platform in the benchmark's own process would talk to the first
 * one's stopped emulators. Here everything is fresh.
 *
 * Usage: `identity-run.ts <data dir> <config file> <options JSON>`; answers one `RunMessage` over IPC.
 */
import { startLocalPlatform } from '../../infra/local/runtime.ts';
import { resourceEnv } from '../../infra/topology.ts';
import { DynamoDbProfileStore } from '../../shared/adapters/dynamodb-profile-store.ts';
import { identityRules } from '../../shared/identity/rules.ts';
import { type InvocationListener, type LatencyOptions, measureLatency } from './identity-latency.ts';
import { measurePacedResolver } from './identity-paced.ts';
import type { IdentityRunOptions, IdentityRunResult, RunMessage } from './identity-protocol.ts';
import { runCapacityScenario, topologyLanes } from './identity-throughput.ts';

const [dataDir, configFile, optionsJson] = process.argv.slice(2);
if (!dataDir || !configFile || !optionsJson || !process.send) {
  console.error('usage: identity-run.ts <data dir> <config file> <options JSON>, forked with IPC');
  process.exit(2);
}
const options = JSON.parse(optionsJson) as IdentityRunOptions;

let listener: InvocationListener | undefined;
const platform = await startLocalPlatform({
  dataDir,
  port: 0,
  configFile,
  batchingWindowSeconds: options.localBatchingWindowSeconds,
  schedules: false,
  log: () => {},
  onInvocation: (invocation) => listener?.(invocation),
});
let stopping: Promise<void> | undefined;
const stop = () => {
  stopping ??= platform.stop();
  return stopping;
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void stop().finally(() => process.exit(1)));
}

let message: RunMessage;
try {
  const settings = {
    tableName: process.env[resourceEnv.table.profiles] ?? 'profiles',
    rules: identityRules(platform.settings.identity),
    lanes: topologyLanes(),
  };
  const capacity = [];
  for (const scenario of options.scenarios) capacity.push(await runCapacityScenario(scenario, settings));
  const listen = (next: InvocationListener | undefined) => {
    listener = next;
  };
  const latency = [];
  for (const run of options.latency) {
    const latencyOptions: LatencyOptions = {
      ...run,
      writeKey: platform.secrets.writeKeys.website ?? '',
      batchingWindowSeconds: options.localBatchingWindowSeconds,
    };
    latency.push(await measureLatency(platform, listen, latencyOptions));
  }
  const identityLane = settings.lanes.find((lane) => lane.name === 'resolve') ?? settings.lanes[0];
  const paced = [];
  for (const run of options.paced) {
    paced.push(
      await measurePacedResolver(
        new DynamoDbProfileStore({ tableName: settings.tableName }),
        settings.rules,
        { batchSize: identityLane?.batchSize ?? 1000, windowSeconds: identityLane?.windowSeconds ?? 1 },
        run,
      ),
    );
  }
  const result: IdentityRunResult = {
    topology: settings.lanes,
    capacity,
    latency,
    paced,
  };
  message = { ok: true, result };
} catch (error) {
  message = { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
} finally {
  await stop();
}
await new Promise<void>((resolve) => process.send?.(message, () => resolve()));
// Keep-alive sockets of the SDK clients would hold the process open.
process.exit(0);
