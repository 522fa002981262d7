/**
 * One function of the topology as a Lambda function: Node.js 22 on arm64, bundled locally by esbuild as an
 * ES module with source maps, with its own log group and role. The role holds exactly the access the topology
 * declares, and each declared resource's physical name is in the environment variable `resourceEnv` names.
 * Its stream, schedule and bucket triggers are wired here; http routes belong to the API they share, so the
 * stack adds those.
 */
import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type Grant, type IGrantable, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type ICommandHooks, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { SETTINGS_ENV } from '../../shared/config/env.ts';
import type { RuntimeSettings } from '../../shared/config/settings.ts';
import { SECRETS_PREFIX_ENV } from '../../shared/import/webhook-secrets.ts';
import {
  type Access,
  type BucketName,
  type FunctionSpec,
  lakeQueryEnv,
  resourceEnv,
  type StreamName,
  type TableName,
} from '../topology.ts';
import { BucketEventRule } from './bucket-event-rule.ts';
import type { PlatformStores } from './data-stores.ts';
import { FunctionSchedule } from './function-schedule.ts';
import { grantLakeQueries, type LakeQueryTarget } from './lake-query-access.ts';
import { suppressGrantWildcards } from './nag-suppressions.ts';
import { pascalCase } from './records.ts';
import { grantSecretsUnder } from './secret-access.ts';
import { streamEventSource } from './stream-event-source.ts';

/**
 * Makes `require` exist in the ES module bundle: CommonJS dependencies that esbuild inlines still call it
 * for Node built-ins.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as cdpCreateRequire } from 'node:module'; const require = cdpCreateRequire(import.meta.url);";

export interface PlatformFunctionProps {
  /** The function's name in the topology; also its Powertools service name. */
  readonly name: string;
  /** The function's entry of the topology. */
  readonly spec: FunctionSpec;
  /** Absolute path of the repository root, which `spec.entry` and the lock file are relative to. */
  readonly projectRoot: string;
  /** The stores the topology's access declarations refer to. */
  readonly stores: PlatformStores;
  /** Passed as JSON in `CDP_SETTINGS`. */
  readonly runtimeSettings: RuntimeSettings;
  /**
   * Record X-Ray traces (billed per trace recorded).
   *
   * @default false
   */
  readonly tracing?: boolean;
  /**
   * Where the function's lake queries run, for a spec with `lakeQueries`.
   *
   * @default - none: a spec with `lakeQueries` is refused
   */
  readonly lakeQueries?: LakeQueryTarget;
}

const streamGrants: Record<Access, (stream: IStream, grantee: IGrantable) => Grant> = {
  read: (stream, grantee) => stream.grantRead(grantee),
  write: (stream, grantee) => stream.grantWrite(grantee),
  readwrite: (stream, grantee) => stream.grantReadWrite(grantee),
};

const bucketGrants: Record<Access, (bucket: IBucket, grantee: IGrantable) => Grant> = {
  read: (bucket, grantee) => bucket.grantRead(grantee),
  write: (bucket, grantee) => bucket.grantWrite(grantee),
  readwrite: (bucket, grantee) => bucket.grantReadWrite(grantee),
};

const tableGrants: Record<Access, (table: ITable, grantee: IGrantable) => Grant> = {
  read: (table, grantee) => table.grantReadData(grantee),
  write: (table, grantee) => table.grantWriteData(grantee),
  readwrite: (table, grantee) => table.grantReadWriteData(grantee),
};

export class PlatformFunction extends Construct {
  public readonly function: NodejsFunction;
  public readonly role: Role;
  public readonly logGroup: LogGroup;
  public readonly schedules: readonly FunctionSchedule[];

  constructor(scope: Construct, id: string, props: PlatformFunctionProps) {
    super(scope, id);
    const { spec, stores } = props;

    // An explicit log group and role instead of AWSLambdaBasicExecutionRole, whose logs:* on every log group
    // of the account is more than one function needs. The house aspect sets the log group's retention.
    this.logGroup = new LogGroup(this, 'LogGroup');
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${props.name} function`,
    });
    this.logGroup.grantWrite(this.role);

    const environment: Record<string, string> = {
      [SETTINGS_ENV]: JSON.stringify(props.runtimeSettings),
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: props.name,
    };
    const bucketAccess = new Map<IBucket, Access>();
    let encrypts = false;
    for (const [name, access] of declared<StreamName>(spec.streams)) {
      const stream = stores.streams[name];
      streamGrants[access](stream, this.role);
      environment[resourceEnv.stream[name]] = stream.streamName;
      encrypts ||= access !== 'read';
    }
    for (const [name, access] of declared<BucketName>(spec.buckets)) {
      const bucket = stores.buckets[name];
      bucketGrants[access](bucket, this.role);
      environment[resourceEnv.bucket[name]] = bucket.bucketName;
      bucketAccess.set(bucket, combine(bucketAccess.get(bucket), access));
      encrypts ||= access !== 'read';
    }
    for (const [name, access] of declared<TableName>(spec.tables)) {
      const table = stores.tables[name];
      tableGrants[access](table, this.role);
      environment[resourceEnv.table[name]] = table.tableName;
      encrypts ||= access !== 'read';
    }

    if (spec.lakeQueries) {
      if (!props.lakeQueries) {
        throw new Error(`PlatformFunction ${props.name}: the spec has lakeQueries but no lakeQueries target`);
      }
      const target = props.lakeQueries;
      grantLakeQueries(this.role, target);
      bucketGrants.readwrite(target.resultsBucket, this.role);
      bucketAccess.set(target.resultsBucket, 'readwrite');
      encrypts = true;
      environment[lakeQueryEnv.workgroup] = target.workGroupName;
      environment[lakeQueryEnv.database] = target.databaseName;
    }
    if (spec.secrets) {
      grantSecretsUnder(this.role, spec.secrets.prefix);
      environment[SECRETS_PREFIX_ENV] = spec.secrets.prefix;
    }

    this.function = new NodejsFunction(this, 'Function', {
      entry: join(props.projectRoot, spec.entry),
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: join(props.projectRoot, 'package-lock.json'),
      description: spec.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      tracing: props.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      environment,
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        // Error classes name themselves after their constructor (CdpError): minified names would lie.
        keepNames: true,
        sourceMap: true,
        sourcesContent: false,
        // The SDK is bundled, not taken from the runtime, so AWS runs the versions the local mode tests.
        externalModules: [],
        ...(spec.files?.length ? { commandHooks: shippedFiles(spec.files) } : {}),
      },
    });

    const schedules: FunctionSchedule[] = [];
    for (const trigger of spec.triggers) {
      if (trigger.kind === 'stream') {
        this.function.addEventSource(streamEventSource(trigger, stores));
        // The S3 on-failure destination grants read and write on its bucket.
        const destination = stores.buckets[trigger.onFailure.bucket];
        bucketAccess.set(destination, 'readwrite');
        encrypts = true;
      } else if (trigger.kind === 'bucket') {
        new BucketEventRule(this, `${pascalCase(trigger.bucket)}Objects`, {
          function: this.function,
          bucket: stores.buckets[trigger.bucket],
          trigger,
        });
      } else if (trigger.kind === 'schedule') {
        const { value, unit } = trigger.rate;
        schedules.push(
          new FunctionSchedule(this, `Every${value}${pascalCase(unit)}`, {
            function: this.function,
            trigger,
          }),
        );
      }
    }
    this.schedules = schedules;
    if (schedules.length > 0) {
      // Scheduler invokes asynchronously, and Lambda would repeat a failed run twice on its own. Like the local
      // scheduler, a failed run is not repeated: it shows in the Errors metric and the next run picks up the
      // work, so runs never pile up behind the retries of a long one.
      this.function.configureAsyncInvoke({ retryAttempts: 0 });
    } else if (spec.triggers.some((trigger) => trigger.kind === 'bucket')) {
      // An object event is delivered once: a failed run is repeated twice (the local runtime does the same), and
      // a run that stopped at its timeout goes on from its checkpoint in the repeat.
      this.function.configureAsyncInvoke({ retryAttempts: 2 });
    }

    suppressGrantWildcards(this.role, { buckets: bucketAccess, encrypts, tracing: props.tracing ?? false });
    NagSuppressions.addResourceSuppressions(this.function, [
      {
        id: 'AwsSolutions-L1',
        reason:
          'Node.js 22 is the runtime the product specifies and the local mode and CI test on; the runtime ' +
          'moves to a newer LTS deliberately, with the handlers tested on it, not whenever Lambda adds one.',
      },
    ]);
  }
}

/** Copies the topology's `files` from the project root into the bundle, where the handler finds them. */
function shippedFiles(files: readonly string[]): ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir, outputDir) =>
      files.map((file) => `cp -R "${inputDir}/${file}" "${outputDir}/${file}"`),
  };
}

/** The declared (name, access) pairs of one kind of resource. */
function declared<Name extends string>(access: Partial<Record<Name, Access>> | undefined): [Name, Access][] {
  return (Object.entries(access ?? {}) as [Name, Access | undefined][]).filter(
    (entry): entry is [Name, Access] => entry[1] !== undefined,
  );
}

function combine(granted: Access | undefined, access: Access): Access {
  return granted === undefined || granted === access ? access : 'readwrite';
}
