import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Stream } from 'aws-cdk-lib/aws-kinesis';
import { Code, Function as LambdaFunction, Runtime, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { applyHousePolicies, HOUSE_TAGS, LogRetentionPolicy } from '../../infra/aspects.ts';
import { synthPlatform, testApp } from './platform.ts';

function consumerStack(bounded: boolean): Stack {
  const app = testApp({ '@aws-cdk/core:annotationsInValidationReport': false });
  const stack = new Stack(app, 'Consumer');
  const stream = new Stream(stack, 'Stream');
  const handler = new LambdaFunction(stack, 'Handler', {
    runtime: Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: Code.fromInline('export const handler = async () => ({});'),
    logGroup: new LogGroup(stack, 'Logs'),
  });
  handler.addEventSource(
    new KinesisEventSource(stream, {
      startingPosition: StartingPosition.TRIM_HORIZON,
      ...(bounded
        ? { retryAttempts: 2, maxRecordAge: Duration.hours(1), reportBatchItemFailures: true }
        : {}),
    }),
  );
  applyHousePolicies(app);
  return stack;
}

describe('the house policies', () => {
  it('give every log group of every stack the house retention', () => {
    // Prepare
    const platform = synthPlatform();

    // Act
    const logGroups = platform.stacks.flatMap((stack) =>
      Object.values(platform.template(stack).findResources('AWS::Logs::LogGroup')),
    );

    // Assess
    expect(logGroups.length).toBeGreaterThan(0);
    for (const logGroup of logGroups)
      expect(logGroup.Properties.RetentionInDays).toBe(RetentionDays.ONE_MONTH);
  });

  it('take a chosen log retention', () => {
    // Prepare
    const app = testApp();
    const stack = new Stack(app, 'Logs');
    new LogGroup(stack, 'Logs', { retention: RetentionDays.TWO_YEARS });

    // Act
    applyHousePolicies(app, { logRetention: RetentionDays.THREE_MONTHS });

    // Assess
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  it('refuse to keep logs forever', () => {
    expect(() => new LogRetentionPolicy(RetentionDays.INFINITE)).toThrow(/finite/);
    expect(() => new LogRetentionPolicy(45 as RetentionDays)).toThrow(/finite/);
  });

  it('tag every stack with the project', () => {
    // Prepare
    const platform = synthPlatform();

    // Act
    const streams = platform.template(platform.data).findResources('AWS::Kinesis::Stream');
    const functions = platform.template(platform.functions).findResources('AWS::Lambda::Function');

    // Assess
    for (const resource of [...Object.values(streams), ...Object.values(functions)]) {
      expect(resource.Properties.Tags).toEqual(
        expect.arrayContaining(Object.entries(HOUSE_TAGS).map(([Key, Value]) => ({ Key, Value }))),
      );
    }
  });

  it('fail a stream consumer that would retry a bad record until it expires', () => {
    // Act
    const errors = Annotations.fromStack(consumerStack(false)).findError(
      '*',
      Match.stringLikeRegexp('Stream consumers must be bounded'),
    );

    // Assess
    expect(errors.map((error) => String(error.entry.data))).toEqual(
      expect.arrayContaining([
        expect.stringContaining('MaximumRetryAttempts'),
        expect.stringContaining('MaximumRecordAgeInSeconds'),
        expect.stringContaining('DestinationConfig'),
        expect.stringContaining('ReportBatchItemFailures'),
      ]),
    );
  });

  it('pass a bounded stream consumer except for its missing failure destination', () => {
    // Act
    const errors = Annotations.fromStack(consumerStack(true)).findError(
      '*',
      Match.stringLikeRegexp('Stream consumers must be bounded'),
    );

    // Assess
    expect(errors.map((error) => String(error.entry.data))).toEqual([
      expect.stringContaining('DestinationConfig.OnFailure is missing'),
    ]);
  });
});
