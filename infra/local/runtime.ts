/**
 * The whole platform on one machine: emulators in place of DynamoDB, Kinesis and S3, and the topology's
 * functions wired to them exactly as the CDK app wires them in AWS — routes through the local gateway,
 * streams through event source mapping pollers, schedules through the local scheduler, S3 notifications
 * through the bucket notifier. The handlers are the very modules Lambda runs; only the SDK endpoints differ.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { dynamoDbClient, kinesisClient, s3Client } from '../../shared/adapters/aws-clients.ts';
import { putSource } from '../../shared/adapters/dynamodb-source-registry.ts';
import { S3ObjectStore } from '../../shared/adapters/s3-object-store.ts';
import { SETTINGS_ENV } from '../../shared/config/env.ts';
import { loadSettingsFile, runtimeSettings, type Settings } from '../../shared/config/settings.ts';
import { secretEnvName } from '../../shared/import/ingest-sources.ts';
import {
  type FunctionName,
  type FunctionSpec,
  functions,
  lakeQueryEnv,
  resourceEnv,
  type StreamTrigger,
  type Trigger,
} from '../topology.ts';
import { type BucketHandler, BucketNotifier, type BucketSubscriber } from './bucket-notifier.ts';
import { EMULATOR_CREDENTIALS, type Emulators, startEmulators } from './emulators.ts';
import { type Gateway, type GatewayRoute, type HttpHandler, startGateway } from './gateway.ts';
import { LOCAL_REGION } from './lambda-invoke.ts';
import { type LocalPaths, localBucketDir, localPaths } from './paths.ts';
import { createResources } from './resources.ts';
import { type ScheduledHandler, Scheduler } from './scheduler.ts';
import { type LocalSecrets, localSecrets } from './secrets.ts';
import { type StreamHandler, StreamPoller } from './stream-poller.ts';

export interface LocalPlatformOptions {
  /** HTTP port of the gateway; 0 picks a free one. Default `PORT` or 8080. */
  readonly port?: number;
  /** Default `CDP_DATA_DIR` or `.cdp`. */
  readonly dataDir?: string;
  /** Default `cdp.config.json` in the working directory. */
  readonly configFile?: string;
  /**
   * Batching window of the local stream pollers, in seconds. AWS waits up to the topology's window to fill a
   * batch (fewer, larger Parquet files, one profile write per session); locally a short wait keeps `npm start`
   * responsive. `topology`: each poller waits as its trigger says (the benchmark measures latency so). Default 1.
   */
  readonly batchingWindowSeconds?: number | 'topology';
  /** Start the schedules' timers (tests run scheduled functions on demand instead). Default true. */
  readonly schedules?: boolean;
  readonly log?: (message: string, fields: Record<string, unknown>) => void;
  /** Told of every function invocation, with what Lambda would bill: the benchmark's cost model counts these. */
  readonly onInvocation?: (invocation: Invocation) => void;
}

export interface Invocation {
  readonly functionName: FunctionName;
  readonly memoryMb: number;
  readonly durationMs: number;
  readonly failed: boolean;
  /** What the handler was invoked with, e.g. a Kinesis batch. */
  readonly event: unknown;
  /** What it answered (undefined when it failed), e.g. a partial batch response. */
  readonly response: unknown;
}

export interface LocalPlatform {
  readonly url: string;
  readonly paths: LocalPaths;
  readonly secrets: LocalSecrets;
  readonly settings: Settings;
  readonly endpoints: Emulators['endpoints'];
  /** Resolves once every stream consumer has caught up with its stream. */
  drain(timeoutMs?: number): Promise<void>;
  /** Runs a scheduled function now, as its schedule would. */
  runScheduled(functionName: FunctionName): Promise<unknown>;
  /** Forgets a stream consumer's checkpoints so it re-reads its stream from the oldest record (a replay). */
  replay(functionName: FunctionName): Promise<void>;
  stop(): Promise<void>;
}

const repoRoot = resolve(import.meta.dirname, '..', '..');

export async function startLocalPlatform(options: LocalPlatformOptions = {}): Promise<LocalPlatform> {
  const log = options.log ?? ((message, fields) => console.error(JSON.stringify({ message, ...fields })));
  const paths = localPaths(options.dataDir ? { ...process.env, CDP_DATA_DIR: options.dataDir } : process.env);
  const configFile = resolve(options.configFile ?? 'cdp.config.json');
  const settings = loadSettingsFile(configFile);
  const ready = { emulators: false, resources: false, functions: false, gateway: false };

  // Objects created before the functions are wired trigger nothing, as before a notification is configured.
  let notifier: BucketNotifier | undefined;
  const emulators = await startEmulators(paths, { onS3Event: (event) => notifier?.notify(event) });
  ready.emulators = true;
  const stoppers: (() => Promise<void>)[] = [() => emulators.stop()];
  try {
    // Handlers read their configuration at cold start, so the environment is complete before any is loaded.
    Object.assign(process.env, functionEnvironment(emulators.endpoints, settings), {
      // The ingest function reads the configuration file itself (its sources' mappings and webhooks).
      CDP_CONFIG_FILE: configFile,
      // Functions with lakeQueries run their SQL with DuckDB over the emulator's lake folder, not Athena.
      [lakeQueryEnv.localLakeDir]: localBucketDir(paths, 'lake'),
    });
    const clients = { kinesis: kinesisClient(), s3: s3Client(), dynamodb: dynamoDbClient() };
    const streamArns = await createResources(clients);
    const secrets = localSecrets(paths.secrets, settings.sources);
    // Webhook secrets by reference, as the ingest function resolves them at cold start.
    for (const [reference, value] of Object.entries(secrets.webhookSecrets))
      process.env[secretEnvName(reference)] = value;
    for (const source of settings.sources) {
      const writeKey = secrets.writeKeys[source.name] ?? '';
      await putSource(clients.dynamodb, 'sources', { ...source, writeKey });
    }
    ready.resources = true;

    const routes: GatewayRoute[] = [];
    const pollers = new Map<FunctionName, StreamPoller>();
    const scheduled: ConstructorParameters<typeof Scheduler>[0][number][] = [];
    const bucketSubscribers: BucketSubscriber[] = [];
    for (const [name, spec] of Object.entries(functions) as [FunctionName, FunctionSpec][]) {
      const handler = metered(name, spec, await loadHandler(spec), options.onInvocation);
      for (const trigger of spec.triggers as readonly Trigger[]) {
        if (trigger.kind === 'http') {
          for (const route of trigger.routes) {
            routes.push({ ...route, functionName: name, ...limits(spec), handler: handler as HttpHandler });
          }
        } else if (trigger.kind === 'stream') {
          pollers.set(
            name,
            streamPoller(name, spec, trigger, handler, streamArns[trigger.stream], paths, options),
          );
        } else if (trigger.kind === 'bucket') {
          bucketSubscribers.push({
            functionName: name,
            trigger,
            ...limits(spec),
            handler: handler as BucketHandler,
          });
        } else {
          scheduled.push({
            functionName: name,
            trigger,
            ...limits(spec),
            handler: handler as ScheduledHandler,
          });
        }
      }
    }
    ready.functions = true;
    const bucketEvents = new BucketNotifier(bucketSubscribers, { log });
    notifier = bucketEvents;
    stoppers.unshift(() => bucketEvents.stop());

    for (const poller of pollers.values()) await poller.start();
    stoppers.unshift(async () => {
      await Promise.all([...pollers.values()].map((poller) => poller.stop()));
    });
    const scheduler = new Scheduler(scheduled, log);
    if (options.schedules ?? true) scheduler.start();
    stoppers.unshift(() => scheduler.stop());

    const gateway: Gateway = await startGateway({
      port: options.port ?? Number(process.env.PORT || 8080),
      routes,
      health: () => ({ ready: Object.values(ready).every(Boolean), components: { ...ready } }),
      log,
      adminToken: secrets.adminToken,
      runScheduled: (functionName, input) => scheduler.run(functionName, new Date(), input),
    });
    ready.gateway = true;
    stoppers.unshift(() => gateway.close());
    writeFileSync(
      paths.endpoints,
      `${JSON.stringify({ api: gateway.url, ...emulators.endpoints }, null, 2)}\n`,
    );
    stoppers.unshift(async () => rmSync(paths.endpoints, { force: true }));

    return {
      url: gateway.url,
      paths,
      secrets,
      settings,
      endpoints: emulators.endpoints,
      drain: async (timeoutMs = 60_000) => {
        // Imports of dropped files put events on the stream: they finish before the consumers can catch up.
        await bucketEvents.idle();
        await Promise.all([...pollers.values()].map((poller) => poller.idle(timeoutMs)));
      },
      runScheduled: (functionName) => scheduler.run(functionName),
      replay: async (functionName) => {
        const poller = pollers.get(functionName);
        if (!poller) throw new Error(`${functionName} has no stream trigger`);
        await poller.stop();
        await poller.resetCheckpoints();
        await poller.start();
      },
      stop: async () => {
        for (const stop of stoppers) await stop();
      },
    };
  } catch (error) {
    for (const stop of stoppers) await stop().catch(() => undefined);
    throw error;
  }
}

/** What each function's environment holds in AWS, pointed at the emulators. */
function functionEnvironment(endpoints: Emulators['endpoints'], settings: Settings): Record<string, string> {
  const names: Record<string, string> = {};
  for (const group of Object.values(resourceEnv)) {
    for (const [logical, variable] of Object.entries(group)) names[variable] = logical;
  }
  return {
    ...names,
    [SETTINGS_ENV]: JSON.stringify(runtimeSettings(settings)),
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_KINESIS: endpoints.kinesis,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
  };
}

async function loadHandler(spec: FunctionSpec): Promise<(...args: unknown[]) => Promise<unknown>> {
  const module = (await import(pathToFileURL(resolve(repoRoot, spec.entry)).href)) as { handler?: unknown };
  if (typeof module.handler !== 'function')
    throw new Error(`${spec.entry} does not export a handler function`);
  return module.handler as (...args: unknown[]) => Promise<unknown>;
}

function metered(
  functionName: FunctionName,
  spec: FunctionSpec,
  handler: (...args: unknown[]) => Promise<unknown>,
  onInvocation: LocalPlatformOptions['onInvocation'],
): (...args: unknown[]) => Promise<unknown> {
  if (!onInvocation) return handler;
  return async (...args) => {
    const started = performance.now();
    let failed = false;
    let response: unknown;
    try {
      response = await handler(...args);
      return response;
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      onInvocation({
        functionName,
        memoryMb: spec.memoryMb,
        durationMs: performance.now() - started,
        failed,
        event: args[0],
        response,
      });
    }
  };
}

function limits(spec: FunctionSpec) {
  return { memoryMb: spec.memoryMb, timeoutSeconds: spec.timeoutSeconds };
}

function streamPoller(
  functionName: FunctionName,
  spec: FunctionSpec,
  trigger: StreamTrigger,
  handler: unknown,
  streamArn: string,
  paths: LocalPaths,
  options: LocalPlatformOptions,
): StreamPoller {
  return new StreamPoller({
    functionName,
    trigger,
    timeoutSeconds: spec.timeoutSeconds,
    client: kinesisClient(),
    streamName: trigger.stream,
    streamArn,
    region: LOCAL_REGION,
    handler: handler as StreamHandler,
    memoryMb: spec.memoryMb,
    failureDestination: new S3ObjectStore({ client: s3Client(), bucket: trigger.onFailure.bucket }),
    checkpointDir: paths.checkpoints,
    ...(options.batchingWindowSeconds === 'topology'
      ? {}
      : { batchingWindowSeconds: options.batchingWindowSeconds ?? 1 }),
  });
}
