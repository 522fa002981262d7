/**
 * The one description of how the platform is wired. The CDK app builds AWS resources from it and the local
 * runtime (`npm start`) builds the same wiring on emulators, so a change of wiring is one edit here.
 *
 * Resource names are logical: in AWS they become generated physical names passed to functions through the
 * environment variables named in `resourceEnv`; locally the logical name is the physical name.
 */

export type HttpMethod = 'GET' | 'POST' | 'OPTIONS' | 'DELETE' | 'PUT';

export interface HttpRoute {
  readonly method: HttpMethod;
  /** API Gateway route syntax, e.g. `/v1/projects/{writeKey}/settings`. */
  readonly path: string;
  /**
   * `admin`: only operators may call it — an IAM authorizer in AWS (SigV4-signed requests), the admin token
   * (`Authorization: Bearer …`) locally; the function never sees a request that was not authorized.
   * Absent: public, the function authenticates the caller itself (the collector's write keys).
   */
  readonly auth?: 'admin';
}

export interface HttpTrigger {
  readonly kind: 'http';
  readonly routes: readonly HttpRoute[];
}

/** A Kinesis event source mapping, with the settings AWS takes and the local poller honours alike. */
export interface StreamTrigger {
  readonly kind: 'stream';
  readonly stream: StreamName;
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  /** Bounded: never AWS's default of infinite retries. */
  readonly retryAttempts: number;
  /** Bounded: never AWS's default of infinite record age. */
  readonly maxRecordAgeSeconds: number;
  readonly bisectBatchOnError: boolean;
  readonly parallelizationFactor: number;
  /**
   * Where a batch that exhausted its retries is written: an S3 on-failure destination, which names its objects
   * itself (`aws/lambda/<mapping id>/<shard id>/YYYY/MM/DD/…`, the invocation payload included).
   */
  readonly onFailure: { readonly bucket: BucketName };
}

export interface ScheduleTrigger {
  readonly kind: 'schedule';
  /** `rate(n unit)` as EventBridge Scheduler takes it. */
  readonly rate: {
    readonly value: number;
    readonly unit: 'minute' | 'minutes' | 'hour' | 'hours' | 'day' | 'days';
  };
}

/**
 * S3 "Object Created" events of one bucket's keys under `prefix` (and ending in one of `suffixes`), through
 * EventBridge: invoked asynchronously, one object per event, retried twice by Lambda on error. The bucket must
 * send its events to EventBridge (`eventBridge` of its `BucketSpec`).
 */
export interface BucketTrigger {
  readonly kind: 'bucket';
  readonly bucket: BucketName;
  /** Key prefix, e.g. `imports/`. */
  readonly prefix: string;
  /** Key endings that trigger; absent: every key under the prefix. */
  readonly suffixes?: readonly string[];
}

export type Trigger = HttpTrigger | StreamTrigger | ScheduleTrigger | BucketTrigger;

export type Access = 'read' | 'write' | 'readwrite';

export interface FunctionSpec {
  /** Path of the handler module from the repository root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly triggers: readonly Trigger[];
  readonly streams?: Partial<Record<StreamName, Access>>;
  readonly buckets?: Partial<Record<BucketName, Access>>;
  readonly tables?: Partial<Record<TableName, Access>>;
  /**
   * Runs SQL over the lake (`SqlEngine`): in AWS with Athena, in the query workgroup over the Glue catalog
   * (named in the `lakeQueryEnv` variables); locally with DuckDB over the emulator's lake folder.
   */
  readonly lakeQueries?: boolean;
  /**
   * Project files the handler reads at cold start (configuration, mappings), relative to the project root:
   * shipped beside the bundle in AWS (the task root), read from the project locally.
   */
  readonly files?: readonly string[];
  /**
   * Reads secrets at cold start from AWS Secrets Manager, by names under `prefix` (in AWS: the environment
   * variable `CDP_SECRETS_PREFIX` and GetSecretValue on exactly those names). The local runtime sets neither:
   * there the secrets are environment variables (infra/local/secrets.ts).
   */
  readonly secrets?: { readonly prefix: string };
}

export const streams = {
  events: { shards: 1, retentionHours: 24 },
} as const;
export type StreamName = keyof typeof streams;

/** What a bucket keeps, beyond the settings every bucket shares. */
export interface BucketSpec {
  /** Current objects are deleted this many days after their creation; absent: kept until deleted. */
  readonly expireObjectsAfterDays?: number;
  /** Object-level events (created, deleted…) go to EventBridge, where bucket triggers pick them up. */
  readonly eventBridge?: boolean;
}

export const buckets = {
  /** The Parquet lake: `events/`, `quarantine/`, and the failure records of stream consumers. */
  lake: {},
  /**
   * Files dropped for import (`imports/<source>/…`) and their runs (`runs/…`: summary, rejects, checkpoint).
   * Raw exports hold personal data that the lake keeps in its own form, so they expire (docs/import.md).
   */
  imports: { expireObjectsAfterDays: 30, eventBridge: true },
} as const satisfies Record<string, BucketSpec>;
export type BucketName = keyof typeof buckets;

/** A DynamoDB table; every key attribute holds strings. */
export interface TableSpec {
  readonly partitionKey: string;
  readonly sortKey?: string;
  /** Attribute holding an item's expiry time (epoch seconds), for DynamoDB TTL. */
  readonly timeToLiveAttribute?: string;
}

export const tables = {
  /** Write key → source (name, channel, allowed origins). */
  sources: { partitionKey: 'writeKey' },
  /** The identity graph and the profiles (docs/identity.md). */
  profiles: { partitionKey: 'pk', sortKey: 'sk', timeToLiveAttribute: 'expiresAt' },
  /** Digests of erased people's identities (`suppressionKey`): their late events are dropped and counted. */
  suppressions: { partitionKey: 'hash' },
  /** Erasure jobs and their status (docs/identity.md#erasure). */
  erasures: { partitionKey: 'erasureId' },
} as const satisfies Record<string, TableSpec>;
export type TableName = keyof typeof tables;

/** The environment variable through which a function learns each resource's physical name. */
export const resourceEnv = {
  stream: { events: 'EVENTS_STREAM_NAME' },
  bucket: { lake: 'LAKE_BUCKET', imports: 'IMPORTS_BUCKET' },
  table: {
    sources: 'SOURCES_TABLE',
    profiles: 'PROFILES_TABLE',
    suppressions: 'SUPPRESSIONS_TABLE',
    erasures: 'ERASURES_TABLE',
  },
} as const satisfies {
  stream: Record<StreamName, string>;
  bucket: Record<BucketName, string>;
  table: Record<TableName, string>;
};

/** Where a function with `lakeQueries` learns its engine: Athena's in AWS, the local lake folder locally. */
export const lakeQueryEnv = {
  workgroup: 'LAKE_QUERY_WORKGROUP',
  database: 'LAKE_QUERY_DATABASE',
  /** Set by the local runtime only: the folder DuckDB reads the lake from instead of Athena. */
  localLakeDir: 'LAKE_QUERY_LOCAL_DIR',
} as const;

const collectorRoutes: HttpRoute[] = [
  ...[
    'track',
    'identify',
    'page',
    'screen',
    'group',
    'alias',
    'batch',
    't',
    'i',
    'p',
    's',
    'g',
    'a',
    'b',
    'import',
  ].flatMap((path): HttpRoute[] => [
    { method: 'POST', path: `/v1/${path}` },
    { method: 'OPTIONS', path: `/v1/${path}` },
  ]),
  { method: 'GET', path: '/v1/projects/{writeKey}/settings' },
  { method: 'OPTIONS', path: '/v1/projects/{writeKey}/settings' },
];

/**
 * What every consumer of the events stream shares: records kept no longer than the stream keeps them useful,
 * a poison record isolated by bisection, failed batches written to the lake bucket, and one batch per shard at
 * a time, which keeps each shard's records in order (resolution's idempotency marks rely on it).
 */
const eventsConsumer = {
  kind: 'stream',
  stream: 'events',
  maxRecordAgeSeconds: 6 * 3600,
  bisectBatchOnError: true,
  parallelizationFactor: 1,
  onFailure: { bucket: 'lake' },
} as const;

export const functions = {
  collect: {
    entry: 'functions/collect/handler.ts',
    description: 'Segment-compatible collector: validates, enriches and puts events on the events stream',
    memoryMb: 512,
    timeoutSeconds: 10,
    triggers: [{ kind: 'http', routes: collectorRoutes }],
    streams: { events: 'write' },
    tables: { sources: 'read' },
  },
  ingest: {
    entry: 'functions/ingest/handler.ts',
    description:
      'Bulk import (NDJSON/CSV over HTTP) and signed webhooks, through the source mapping onto the events stream',
    memoryMb: 1024,
    // API Gateway cuts HTTP integrations off at 30 s.
    timeoutSeconds: 29,
    triggers: [
      {
        kind: 'http',
        routes: [
          { method: 'POST', path: '/v1/import/{source}' },
          { method: 'POST', path: '/v1/webhooks/{source}' },
        ],
      },
    ],
    streams: { events: 'write' },
    tables: { sources: 'read' },
    files: ['cdp.config.json', 'mappings'],
    // The webhook sources' secrets: `<prefix><reference>` for each `sources[].webhook.secret`.
    secrets: { prefix: 'cdp/webhooks/' },
  },
  import: {
    entry: 'functions/import/handler.ts',
    description:
      'Imports files dropped under imports/<source>/ in the imports bucket through the source mapping onto the events stream',
    memoryMb: 1024,
    // Lambda's most; a file that needs longer goes on from its checkpoint in Lambda's retry (docs/import.md).
    timeoutSeconds: 900,
    triggers: [{ kind: 'bucket', bucket: 'imports', prefix: 'imports/' }],
    streams: { events: 'write' },
    // readwrite: the runs (checkpoint, summary, rejects) are kept beside the files.
    buckets: { imports: 'readwrite' },
    files: ['cdp.config.json', 'mappings'],
  },
  land: {
    entry: 'functions/land/handler.ts',
    description: 'Writes events from the stream to the Parquet lake, partitioned by event date',
    memoryMb: 1024,
    timeoutSeconds: 120,
    triggers: [
      {
        ...eventsConsumer,
        batchSize: 5000,
        maxBatchingWindowSeconds: 30,
        retryAttempts: 3,
      },
    ],
    streams: { events: 'read' },
    buckets: { lake: 'readwrite' },
    tables: { suppressions: 'read' },
  },
  resolve: {
    entry: 'functions/resolve/handler.ts',
    description:
      'Resolves the identities of the events on the stream into the identity graph within seconds: new people, links, merges',
    memoryMb: 1024,
    timeoutSeconds: 120,
    triggers: [
      {
        ...eventsConsumer,
        // Identity work only: it writes when the graph changes, so a short window costs reads, not writes.
        batchSize: 1000,
        maxBatchingWindowSeconds: 1,
        retryAttempts: 5,
      },
    ],
    streams: { events: 'read' },
    // Its merge rows only (docs/identity.md#identity-map-in-the-lake).
    buckets: { lake: 'write' },
    // suppressions: reads erased identities to drop their late events (activity counts them).
    tables: { profiles: 'readwrite', suppressions: 'read' },
  },
  activity: {
    entry: 'functions/activity/handler.ts',
    description:
      "Folds each person's events into their profile: traits, activity, counters, orders, consent, recent events",
    memoryMb: 1024,
    timeoutSeconds: 300,
    triggers: [
      {
        ...eventsConsumer,
        // A person's events in one batch cost one profile write: the longest window (5 min) and the largest
        // batch coalesce a session's events into one or two writes (docs/identity.md#cost).
        batchSize: 10_000,
        maxBatchingWindowSeconds: 300,
        retryAttempts: 5,
      },
    ],
    streams: { events: 'read' },
    buckets: { lake: 'write' },
    // suppressions: reads erased identities, and counts the late events it drops on their entries.
    tables: { profiles: 'readwrite', suppressions: 'readwrite' },
  },
  profiles: {
    entry: 'functions/profiles/handler.ts',
    description:
      'Profile API: a person by any identifier, their recent events, and their erasure (admin only)',
    memoryMb: 512,
    timeoutSeconds: 10,
    triggers: [
      {
        kind: 'http',
        routes: [
          { method: 'GET', path: '/v1/profiles/{idType}/{idValue}', auth: 'admin' },
          { method: 'GET', path: '/v1/profiles/{idType}/{idValue}/events', auth: 'admin' },
          { method: 'DELETE', path: '/v1/profiles/{idType}/{idValue}', auth: 'admin' },
          { method: 'GET', path: '/v1/erasures/{erasureId}', auth: 'admin' },
        ],
      },
    ],
    tables: { profiles: 'readwrite', suppressions: 'readwrite', erasures: 'readwrite' },
  },
  compact: {
    entry: 'functions/compact/handler.ts',
    description:
      'Lake upkeep: merges small Parquet files, snapshots the identity map daily, removes erased people',
    memoryMb: 2048,
    timeoutSeconds: 900,
    triggers: [{ kind: 'schedule', rate: { value: 1, unit: 'hour' } }],
    buckets: { lake: 'readwrite' },
    tables: { profiles: 'readwrite', suppressions: 'readwrite', erasures: 'readwrite' },
  },
  score: {
    entry: 'functions/score/handler.ts',
    description:
      'Daily customer scoring: SQL aggregates over the lake, RFM/BG-NBD/CLV/churn, scores to the lake and profiles',
    memoryMb: 2048,
    timeoutSeconds: 900,
    triggers: [{ kind: 'schedule', rate: { value: 1, unit: 'day' } }],
    buckets: { lake: 'readwrite' },
    tables: { profiles: 'readwrite' },
    lakeQueries: true,
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof functions;
