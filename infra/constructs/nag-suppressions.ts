/**
 * The cdk-nag findings CDK's own grants cause on a function's role, suppressed finding by finding: only the
 * wildcards the role really holds, each with its reason.
 */
import { CfnElement, Stack } from 'aws-cdk-lib';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { type NagPackSuppressionAppliesTo, NagSuppressions } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { Access } from '../topology.ts';

/** What a role was granted, as far as it decides which wildcards CDK wrote into its policy. */
export interface GrantedAccess {
  /** The buckets the role may use, with its access to each. */
  readonly buckets: ReadonlyMap<IBucket, Access>;
  /** Whether the role writes to any store encrypted with the data key (a stream, table or bucket). */
  readonly encrypts: boolean;
  /** Whether the function sends X-Ray traces. */
  readonly tracing: boolean;
}

const S3_READ_ACTIONS = ['s3:GetObject*', 's3:GetBucket*', 's3:List*'];
const S3_WRITE_ACTIONS = ['s3:DeleteObject*', 's3:Abort*'];
const KMS_ENCRYPT_ACTIONS = ['kms:GenerateDataKey*', 'kms:ReEncrypt*'];

export function suppressGrantWildcards(role: IConstruct, granted: GrantedAccess): void {
  const suppressions: { id: string; reason: string; appliesTo: NagPackSuppressionAppliesTo[] }[] = [];
  const s3Actions = new Set<string>();
  const objectArns: NagPackSuppressionAppliesTo[] = [];
  for (const [bucket, access] of granted.buckets) {
    if (access !== 'write') for (const action of S3_READ_ACTIONS) s3Actions.add(action);
    if (access !== 'read') for (const action of S3_WRITE_ACTIONS) s3Actions.add(action);
    const logicalId = logicalIdOf(bucket);
    if (logicalId) {
      objectArns.push(
        `Resource::<${logicalId}.Arn>/*`,
        // The same ARN once synthesis has turned it into a cross-stack reference (an intrinsic rendered as
        // JSON that names the bucket's logical id), which cdk-nag sees when an app is synthesized again.
        { regex: `/^Resource::\\{.*${logicalId}.*\\}\\/\\*$/` },
      );
    }
  }
  if (s3Actions.size > 0) {
    suppressions.push({
      id: 'AwsSolutions-IAM5',
      reason:
        "The action groups of CDK's bucket grants (read: GetObject*, GetBucket*, List*; write: DeleteObject*, " +
        'Abort*), on the buckets the topology declares for this function and nothing else.',
      appliesTo: [...s3Actions].map((action) => `Action::${action}`),
    });
  }
  if (objectArns.length > 0) {
    suppressions.push({
      id: 'AwsSolutions-IAM5',
      reason:
        'Object-level access to a declared bucket: the function reads and writes keys it derives at run time ' +
        '(date partitions, failure records), so the resource is the bucket ARN followed by /*.',
      appliesTo: objectArns,
    });
  }
  if (granted.encrypts) {
    suppressions.push({
      id: 'AwsSolutions-IAM5',
      reason:
        "The encrypt half of CDK's grants on the platform's data key, needed to write to SSE-KMS streams, " +
        'tables and buckets; the resource is that one key.',
      appliesTo: KMS_ENCRYPT_ACTIONS.map((action) => `Action::${action}`),
    });
  }
  if (granted.tracing) {
    suppressions.push({
      id: 'AwsSolutions-IAM5',
      reason: 'xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions.',
      appliesTo: ['Resource::*'],
    });
  }
  if (suppressions.length > 0) NagSuppressions.addResourceSuppressions(role, suppressions, true);
}

/** The logical id cdk-nag names a resource's ARN by, when the resource is defined in this app. */
function logicalIdOf(resource: IConstruct): string | undefined {
  const cfn = resource.node.defaultChild;
  return CfnElement.isCfnElement(cfn) ? Stack.of(cfn).resolve(cfn.logicalId) : undefined;
}
