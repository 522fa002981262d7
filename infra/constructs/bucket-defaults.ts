/** The settings every bucket of the platform shares, so a new bucket cannot forget one of them. */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  BucketEncryption,
  type BucketProps,
  type IBucket,
  type LifecycleRule,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';

export interface SecureBucketOptions {
  /**
   * Customer-managed key for SSE-KMS, with an S3 Bucket Key so objects do not each cost a KMS request.
   *
   * @default - SSE-S3, which is also the only default encryption a server-access-log target bucket accepts
   */
  readonly encryptionKey?: IKey;
  /**
   * Bucket that receives this bucket's server access logs.
   *
   * @default - no access logs: only for the access-log bucket itself
   */
  readonly serverAccessLogsBucket?: IBucket;
  /**
   * Key prefix of this bucket's access logs in `serverAccessLogsBucket`.
   *
   * @default - the log bucket's root
   */
  readonly serverAccessLogsPrefix?: string;
  /**
   * Lifecycle rules in addition to the shared one that aborts incomplete multipart uploads.
   *
   * @default - none
   */
  readonly lifecycleRules?: readonly LifecycleRule[];
  /**
   * @default false
   */
  readonly versioned?: boolean;
}

/** Days after which a multipart upload that never completed is aborted; its parts are billed until then. */
export const INCOMPLETE_UPLOAD_DAYS = 7;

export function secureBucketProps(options: SecureBucketOptions = {}): BucketProps {
  return {
    encryption: options.encryptionKey ? BucketEncryption.KMS : BucketEncryption.S3_MANAGED,
    encryptionKey: options.encryptionKey,
    bucketKeyEnabled: options.encryptionKey ? true : undefined,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    versioned: options.versioned ?? false,
    serverAccessLogsBucket: options.serverAccessLogsBucket,
    serverAccessLogsPrefix: options.serverAccessLogsPrefix,
    lifecycleRules: [
      {
        id: 'abort-incomplete-multipart-uploads',
        abortIncompleteMultipartUploadAfter: Duration.days(INCOMPLETE_UPLOAD_DAYS),
      },
      ...(options.lifecycleRules ?? []),
    ],
    // Data outlives a stack: deleting the stack must never delete what was collected.
    removalPolicy: RemovalPolicy.RETAIN,
  };
}
