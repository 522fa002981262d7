import { Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { synthPlatform, testApp } from './platform.ts';

const awsSolutions = Match.stringLikeRegexp('AwsSolutions-.*');

function findings(stack: Stack) {
  const annotations = Annotations.fromStack(stack);
  return {
    errors: annotations.findError('*', awsSolutions).map((m) => `${m.id}: ${String(m.entry.data)}`),
    warnings: annotations.findWarning('*', awsSolutions).map((m) => `${m.id}: ${String(m.entry.data)}`),
  };
}

describe('cdk-nag AwsSolutions', () => {
  it.each([
    ['without tracing', false],
    ['with X-Ray tracing', true],
  ])('reports no unsuppressed error or warning on any stack %s', (_label, tracing) => {
    // Prepare
    const platform = synthPlatform({ tracing });

    // Act
    const reports = platform.stacks.map((stack) => ({ stack: stack.stackName, ...findings(stack) }));

    // Assess
    expect(reports).toEqual(
      platform.stacks.map((stack) => ({ stack: stack.stackName, errors: [], warnings: [] })),
    );
  });

  it('reports what it finds, so the check above can fail', () => {
    // Prepare: a bucket without logging or TLS enforcement, in an app that reports instead of failing.
    const app = testApp({ '@aws-cdk/core:annotationsInValidationReport': false });
    const stack = new Stack(app, 'Careless');
    new Bucket(stack, 'Bucket');
    Aspects.of(app).add(new AwsSolutionsChecks());

    // Act
    const { errors } = findings(stack);

    // Assess
    expect(errors.some((error) => error.includes('AwsSolutions-S1'))).toBe(true);
    expect(errors.some((error) => error.includes('AwsSolutions-S10'))).toBe(true);
  });
});
