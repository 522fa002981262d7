/**
 * A topology bucket trigger as an EventBridge rule: S3's "Object Created" events of the bucket's keys under
 * the prefix (and with one of the suffixes) invoke the function asynchronously. Through EventBridge because
 * the bucket lives in the data stack and the function here: an S3 notification names its function in the
 * bucket's own configuration, so either the data stack would depend on this one (a cycle), or CDK's
 * notifications custom resource (a function with an AWS managed policy, outside the topology) would set it.
 * The bucket only has to send its events to EventBridge (`eventBridge` in the topology).
 */
import { Duration } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { BucketTrigger } from '../topology.ts';

export interface BucketEventRuleProps {
  /** The function to invoke. */
  readonly function: IFunction;
  /** The bucket the trigger names; it must send its events to EventBridge. */
  readonly bucket: IBucket;
  /** The topology's bucket trigger. */
  readonly trigger: BucketTrigger;
  /**
   * How long EventBridge keeps retrying to deliver an event it could not hand to Lambda (throttling, service
   * errors; the function's own errors are Lambda's retries).
   *
   * @default Duration.hours(24)
   */
  readonly maxEventAge?: Duration;
}

export class BucketEventRule extends Construct {
  public readonly rule: Rule;

  constructor(scope: Construct, id: string, props: BucketEventRuleProps) {
    super(scope, id);
    const { prefix, suffixes } = props.trigger;
    this.rule = new Rule(this, 'Rule', {
      description: `Objects created under ${prefix} invoke the function`,
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [props.bucket.bucketName] },
          object: { key: keyFilters(prefix, suffixes) },
        },
      },
      targets: [
        new LambdaFunction(props.function, {
          retryAttempts: 185,
          maxEventAge: props.maxEventAge ?? Duration.hours(24),
        }),
      ],
    });
  }
}

/** EventBridge content filters: the prefix alone, or a wildcard per suffix (`imports/*.csv`). */
export function keyFilters(prefix: string, suffixes: readonly string[] | undefined): unknown[] {
  if (suffixes === undefined || suffixes.length === 0) return [{ prefix }];
  const literal = (text: string) => text.replaceAll('\\', '\\\\').replaceAll('*', '\\*');
  return suffixes.map((suffix) => ({ wildcard: `${literal(prefix)}*${literal(suffix)}` }));
}
