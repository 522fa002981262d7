/**
 * The platform's stores, one per entry of the topology — Kinesis streams, S3 buckets, DynamoDB tables — all
 * encrypted with one customer-managed key, and the bucket that receives the buckets' server access logs.
 */
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, type ITable, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type IStream, Stream, StreamEncryption, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import { Bucket, type CfnBucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { BucketName, StreamName, TableName } from '../topology.ts';
import { secureBucketProps } from './bucket-defaults.ts';
import { mapRecord, pascalCase } from './records.ts';

/** What the topology says about a stream. */
export interface StreamDefinition {
  readonly shards: number;
  readonly retentionHours: number;
}

/** What the topology says about a bucket. */
export interface BucketDefinition {
  /** Days after which current objects are deleted (files dropped for import); absent: kept until deleted. */
  readonly expireObjectsAfterDays?: number;
  /** Send object-level events to EventBridge (for bucket triggers). */
  readonly eventBridge?: boolean;
}

/** What the topology says about a table; its keys hold strings, as every key of ours does. */
export interface TableDefinition {
  readonly partitionKey: string;
  readonly sortKey?: string;
  /** Attribute holding each item's expiry (epoch seconds): DynamoDB deletes expired items, free of charge. */
  readonly timeToLiveAttribute?: string;
}

/** The stores functions are granted access to, by their topology names. */
export interface PlatformStores {
  readonly streams: Readonly<Record<StreamName, IStream>>;
  readonly buckets: Readonly<Record<BucketName, IBucket>>;
  readonly tables: Readonly<Record<TableName, ITable>>;
}

export interface DataStoresProps {
  /** The topology's streams (`streams` of infra/topology.ts). */
  readonly streams: Readonly<Record<StreamName, StreamDefinition>>;
  /** The topology's buckets (`buckets` of infra/topology.ts). */
  readonly buckets: Readonly<Record<BucketName, BucketDefinition>>;
  /** The topology's tables (`tables` of infra/topology.ts). */
  readonly tables: Readonly<Record<TableName, TableDefinition>>;
  /**
   * Key for every store. Bring your own, or leave it out and one is created.
   *
   * @default - a new customer-managed key with yearly rotation, retained when the stack is deleted
   */
  readonly encryptionKey?: IKey;
  /**
   * Days a replaced or deleted object version stays recoverable (compaction deletes small files; this is how
   * long a bad compaction can be undone).
   *
   * @default 30
   */
  readonly noncurrentVersionRetentionDays?: number;
  /**
   * Days server access logs are kept.
   *
   * @default 90
   */
  readonly accessLogRetentionDays?: number;
}

export class DataStores extends Construct implements PlatformStores {
  public readonly encryptionKey: IKey;
  public readonly accessLogsBucket: Bucket;
  public readonly streams: Readonly<Record<StreamName, Stream>>;
  public readonly buckets: Readonly<Record<BucketName, Bucket>>;
  public readonly tables: Readonly<Record<TableName, Table>>;

  constructor(scope: Construct, id: string, props: DataStoresProps) {
    super(scope, id);

    this.encryptionKey =
      props.encryptionKey ??
      new Key(this, 'Key', {
        description: 'Encrypts the CDP data at rest: streams, tables, the lake and query results',
        enableKeyRotation: true,
        // Whatever it encrypted is retained with the stack's deletion, so the key must outlive it too.
        removalPolicy: RemovalPolicy.RETAIN,
      });

    this.accessLogsBucket = new Bucket(
      this,
      'AccessLogsBucket',
      secureBucketProps({
        lifecycleRules: [
          { id: 'expire-access-logs', expiration: Duration.days(props.accessLogRetentionDays ?? 90) },
        ],
      }),
    );
    // Buckets of other stacks log here too, and CDK can only scope their log delivery to a source bucket in
    // the same stack: no other account's bucket may deliver its logs into ours.
    this.accessLogsBucket.addToResourcePolicy(
      new PolicyStatement({
        effect: Effect.DENY,
        principals: [new ServicePrincipal('logging.s3.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.accessLogsBucket.arnForObjects('*')],
        conditions: { StringNotEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );

    this.streams = mapRecord(props.streams, (name, definition) => {
      const stream = new Stream(this, `${pascalCase(name)}Stream`, {
        streamMode: StreamMode.PROVISIONED,
        shardCount: definition.shards,
        retentionPeriod: Duration.hours(definition.retentionHours),
        encryption: StreamEncryption.KMS,
        encryptionKey: this.encryptionKey,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      NagSuppressions.addResourceSuppressions(stream, [
        {
          id: 'AwsSolutions-KDS3',
          reason:
            'The stream carries raw events with personal data. With the customer-managed key, reading it takes ' +
            'kms:Decrypt on the one data key as well as Kinesis permissions, key use is audited in CloudTrail, ' +
            'and disabling the key stops every read of the platform at once. The added KMS calls are bounded: ' +
            'Kinesis reuses each data key for minutes.',
        },
      ]);
      return stream;
    });

    this.buckets = mapRecord(props.buckets, (name, definition) => {
      const bucket = new Bucket(
        this,
        `${pascalCase(name)}Bucket`,
        secureBucketProps({
          encryptionKey: this.encryptionKey,
          versioned: true,
          serverAccessLogsBucket: this.accessLogsBucket,
          serverAccessLogsPrefix: `${name}/`,
          lifecycleRules: [
            {
              id: 'expire-noncurrent-versions',
              noncurrentVersionExpiration: Duration.days(props.noncurrentVersionRetentionDays ?? 30),
              expiredObjectDeleteMarker: true,
            },
            ...(definition.expireObjectsAfterDays === undefined
              ? []
              : [{ id: 'expire-objects', expiration: Duration.days(definition.expireObjectsAfterDays) }]),
          ],
        }),
      );
      if (definition.eventBridge) {
        // CloudFormation's own setting, rather than CDK's notifications custom resource (a function of its own).
        (bucket.node.defaultChild as CfnBucket).notificationConfiguration = {
          eventBridgeConfiguration: { eventBridgeEnabled: true },
        };
      }
      return bucket;
    });

    this.tables = mapRecord(
      props.tables,
      (name, table) =>
        new Table(this, `${pascalCase(name)}Table`, {
          partitionKey: { name: table.partitionKey, type: AttributeType.STRING },
          ...(table.sortKey ? { sortKey: { name: table.sortKey, type: AttributeType.STRING } } : {}),
          ...(table.timeToLiveAttribute ? { timeToLiveAttribute: table.timeToLiveAttribute } : {}),
          billingMode: BillingMode.PAY_PER_REQUEST,
          encryption: TableEncryption.CUSTOMER_MANAGED,
          encryptionKey: this.encryptionKey,
          pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
          removalPolicy: RemovalPolicy.RETAIN,
        }),
    );
  }
}
