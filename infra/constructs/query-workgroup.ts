/**
 * The Athena workgroup analysts and `cdp query` run in, with its results bucket. The workgroup's settings are
 * enforced, so a client cannot write unencrypted results elsewhere or lift the per-query scan limit.
 */
import { Aws, Duration, Size } from 'aws-cdk-lib';
import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { secureBucketProps } from './bucket-defaults.ts';

/** Athena refuses a smaller per-query limit. */
const MIN_BYTES_SCANNED_CUTOFF = Size.mebibytes(10);

export interface QueryWorkgroupProps {
  /** Encrypts query results (SSE-KMS), in the bucket and as Athena writes them. */
  readonly encryptionKey: IKey;
  /** Bucket that receives the results bucket's server access logs. */
  readonly serverAccessLogsBucket: IBucket;
  /**
   * Name of the workgroup.
   *
   * @default 'cdp'
   */
  readonly workGroupName?: string;
  /**
   * A query that would scan more than this is cancelled: the cost ceiling of one query ($5 per TB scanned).
   *
   * @default Size.gibibytes(10)
   */
  readonly bytesScannedCutoffPerQuery?: Size;
  /**
   * How long query results are kept; they can be recomputed from the lake.
   *
   * @default Duration.days(30)
   */
  readonly resultsRetention?: Duration;
}

export class QueryWorkgroup extends Construct {
  public readonly workGroup: CfnWorkGroup;
  public readonly workGroupName: string;
  public readonly resultsBucket: Bucket;

  constructor(scope: Construct, id: string, props: QueryWorkgroupProps) {
    super(scope, id);
    this.workGroupName = props.workGroupName ?? 'cdp';
    const cutoff = props.bytesScannedCutoffPerQuery ?? Size.gibibytes(10);
    if (cutoff.toBytes() < MIN_BYTES_SCANNED_CUTOFF.toBytes()) {
      throw new Error('QueryWorkgroup: bytesScannedCutoffPerQuery must be at least 10 MiB');
    }

    this.resultsBucket = new Bucket(
      this,
      'ResultsBucket',
      secureBucketProps({
        encryptionKey: props.encryptionKey,
        serverAccessLogsBucket: props.serverAccessLogsBucket,
        serverAccessLogsPrefix: 'athena-results/',
        lifecycleRules: [
          { id: 'expire-query-results', expiration: props.resultsRetention ?? Duration.days(30) },
        ],
      }),
    );

    this.workGroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroupName,
      description: 'Queries over the CDP lake',
      state: 'ENABLED',
      // Lets the stack delete the workgroup although it holds saved queries and history.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: cutoff.toBytes(),
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${this.resultsBucket.bucketName}/results/`,
          expectedBucketOwner: Aws.ACCOUNT_ID,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.encryptionKey.keyArn },
        },
      },
    });
  }
}
