/**
 * The stateless half of the platform: one Lambda function per function of the topology, wired to its
 * triggers as the topology declares them — http routes on one shared HTTP API (here), stream triggers as
 * Kinesis event source mappings and schedules on EventBridge Scheduler (in PlatformFunction). A function or
 * trigger added to the topology needs no edit here.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { RuntimeSettings } from '../../shared/config/settings.ts';
import type { PlatformStores } from '../constructs/data-stores.ts';
import { IngestApi, type IngestApiProps } from '../constructs/ingest-api.ts';
import type { LakeQueryTarget } from '../constructs/lake-query-access.ts';
import { PlatformFunction } from '../constructs/platform-function.ts';
import { mapRecord, pascalCase } from '../constructs/records.ts';
import { type FunctionSpec, functions } from '../topology.ts';

export interface FunctionsStackProps extends StackProps {
  /** Absolute path of the repository root, which the topology's entries are relative to. */
  readonly projectRoot: string;
  /** The streams, buckets and tables the functions are granted access to. */
  readonly stores: PlatformStores;
  /** Passed to every function as JSON in `CDP_SETTINGS`. */
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
   * Throttling of the HTTP API.
   *
   * @default - the defaults of IngestApi
   */
  readonly api?: Omit<IngestApiProps, 'logSourceIp'>;
  /**
   * Where the functions with `lakeQueries` run their SQL (the analytics stack's workgroup and catalog).
   *
   * @default - none: a function with `lakeQueries` is refused
   */
  readonly lakeQueries?: LakeQueryTarget;
}

export class FunctionsStack extends Stack {
  public readonly functions: Readonly<Record<string, PlatformFunction>>;
  /** The HTTP API, when some function has an http trigger. */
  public readonly api: IngestApi | undefined;

  constructor(scope: Construct, id: string, props: FunctionsStackProps) {
    super(scope, id, props);
    const specs: Readonly<Record<string, FunctionSpec>> = props.functions ?? functions;

    const hasRoutes = Object.values(specs).some((spec) => spec.triggers.some((t) => t.kind === 'http'));
    this.api = hasRoutes
      ? new IngestApi(this, 'HttpApi', {
          ...props.api,
          logSourceIp: props.runtimeSettings.privacy.ip === 'full',
        })
      : undefined;

    this.functions = mapRecord(specs, (name, spec) => {
      const fn = new PlatformFunction(this, `${pascalCase(name)}Function`, {
        name,
        spec,
        projectRoot: props.projectRoot,
        stores: props.stores,
        runtimeSettings: props.runtimeSettings,
        tracing: props.tracing,
        lakeQueries: props.lakeQueries,
      });
      for (const trigger of spec.triggers) {
        // hasRoutes made the API exist whenever an http trigger does.
        if (trigger.kind === 'http') this.api?.addRoutes(pascalCase(name), fn.function, trigger.routes);
      }
      return fn;
    });

    if (this.api) {
      new CfnOutput(this, 'ApiUrl', {
        value: this.api.url,
        description: 'Collection endpoint (Segment host)',
      });
    }
  }
}
