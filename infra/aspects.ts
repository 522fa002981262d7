/**
 * House policies, applied once to the whole app instead of repeated in every construct: tags, one log
 * retention, and the rule that no stream consumer may retry forever.
 */
import { Annotations, AspectPriority, Aspects, type IAspect, Tags, Token } from 'aws-cdk-lib';
import { CfnEventSourceMapping } from 'aws-cdk-lib/aws-lambda';
import { CfnLogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';

export interface HousePolicyProps {
  /**
   * Retention of every log group of the app: function logs and API access logs.
   *
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

export const HOUSE_TAGS: Readonly<Record<string, string>> = { project: 'cdp' };

export function applyHousePolicies(scope: IConstruct, props: HousePolicyProps = {}): void {
  for (const [key, value] of Object.entries(HOUSE_TAGS)) Tags.of(scope).add(key, value);
  Aspects.of(scope).add(new LogRetentionPolicy(props.logRetention ?? RetentionDays.ONE_MONTH), {
    priority: AspectPriority.MUTATING,
  });
  Aspects.of(scope).add(new BoundedStreamConsumers(), { priority: AspectPriority.READONLY });
}

/** Gives every log group the house retention, so no log is kept (and billed) forever by omission. */
export class LogRetentionPolicy implements IAspect {
  constructor(private readonly retention: RetentionDays) {
    if (retention === RetentionDays.INFINITE || !Object.values(RetentionDays).includes(retention)) {
      throw new Error(`LogRetentionPolicy: ${retention} is not a finite CloudWatch Logs retention`);
    }
  }

  visit(node: IConstruct): void {
    if (node instanceof CfnLogGroup) node.retentionInDays = this.retention;
  }
}

/**
 * Fails synthesis when a stream event source mapping keeps AWS's defaults of infinite retries and infinite
 * record age, or has nowhere to put a batch it gives up on, or cannot report partial batch failures: one
 * bad record would otherwise block its shard until the record expires.
 */
export class BoundedStreamConsumers implements IAspect {
  visit(node: IConstruct): void {
    // Only stream sources have a starting position.
    if (!(node instanceof CfnEventSourceMapping) || node.startingPosition === undefined) return;
    const problems: string[] = [];
    if (!isBounded(node.maximumRetryAttempts)) problems.push('MaximumRetryAttempts is not bounded');
    if (!isBounded(node.maximumRecordAgeInSeconds)) problems.push('MaximumRecordAgeInSeconds is not bounded');
    if (node.destinationConfig === undefined) problems.push('DestinationConfig.OnFailure is missing');
    if (
      !Token.isUnresolved(node.functionResponseTypes) &&
      !node.functionResponseTypes?.includes('ReportBatchItemFailures')
    ) {
      problems.push('FunctionResponseTypes lacks ReportBatchItemFailures');
    }
    for (const problem of problems) {
      Annotations.of(node).addError(`Stream consumers must be bounded: ${problem}`);
    }
  }
}

function isBounded(value: number | undefined): boolean {
  return value !== undefined && (Token.isUnresolved(value) || value >= 0);
}
