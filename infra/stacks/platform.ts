/**
 * The platform as stacks: data (stateful, from the topology), analytics (Glue and Athena over the lake) and
 * functions (stateless, from the topology). Stacks are environment-agnostic: the account and region are the
 * deploying credentials', and synthesis needs neither credentials nor lookups.
 */
import type { Duration, Size, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { RuntimeSettings } from '../../shared/config/settings.ts';
import type { IngestApiProps } from '../constructs/ingest-api.ts';
import type { FunctionSpec } from '../topology.ts';
import { AnalyticsStack } from './analytics-stack.ts';
import { DataStack } from './data-stack.ts';
import { FunctionsStack } from './functions-stack.ts';

export interface PlatformProps {
  /** Absolute path of the repository root, which the topology's entries are relative to. */
  readonly projectRoot: string;
  /** The runtime part of cdp.config.json, passed to every function. */
  readonly runtimeSettings: RuntimeSettings;
  /**
   * The functions to deploy.
   *
   * @default functions of infra/topology.ts
   */
  readonly functions?: Readonly<Record<string, FunctionSpec>>;
  /**
   * Record X-Ray traces of every function.
   *
   * @default false
   */
  readonly tracing?: boolean;
  /**
   * Athena's per-query scan limit.
   *
   * @default Size.gibibytes(10)
   */
  readonly bytesScannedCutoffPerQuery?: Size;
  /**
   * How long Athena query results are kept.
   *
   * @default Duration.days(30)
   */
  readonly queryResultsRetention?: Duration;
  /**
   * Throttling of the HTTP API.
   *
   * @default - the defaults of IngestApi
   */
  readonly api?: Omit<IngestApiProps, 'logSourceIp'>;
}

export interface Platform {
  readonly data: DataStack;
  readonly analytics: AnalyticsStack;
  readonly functions: FunctionsStack;
  readonly stacks: readonly Stack[];
}

export function definePlatform(scope: Construct, props: PlatformProps): Platform {
  const data = new DataStack(scope, 'CdpData', {
    description: 'CDP data: event streams, the lake bucket and the tables of the topology',
  });
  const analytics = new AnalyticsStack(scope, 'CdpAnalytics', {
    description: 'CDP analytics: Glue catalog of the lake and the Athena workgroup',
    lakeBucket: data.stores.buckets.lake,
    encryptionKey: data.stores.encryptionKey,
    serverAccessLogsBucket: data.stores.accessLogsBucket,
    bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
    resultsRetention: props.queryResultsRetention,
  });
  const functions = new FunctionsStack(scope, 'CdpFunctions', {
    description: 'CDP functions of the topology, with the HTTP API, stream mappings and schedules',
    projectRoot: props.projectRoot,
    stores: data.stores,
    runtimeSettings: props.runtimeSettings,
    functions: props.functions,
    tracing: props.tracing,
    api: props.api,
    lakeQueries: {
      workGroupName: analytics.queries.workGroupName,
      databaseName: analytics.catalog.databaseName,
      resultsBucket: analytics.queries.resultsBucket,
    },
  });
  return { data, analytics, functions, stacks: [data, analytics, functions] };
}
