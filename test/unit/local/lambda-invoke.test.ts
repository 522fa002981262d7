import type { KinesisStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  type FunctionIdentity,
  invokeWithTimeout,
  lambdaContext,
} from '../../../infra/local/lambda-invoke.ts';
import { mappingIdFor } from '../../../infra/local/stream-poller.ts';
import { FunctionTimeoutError } from '../../../infra/local/stream-poller-errors.ts';

const fn: FunctionIdentity = {
  functionName: 'land',
  functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:land',
  memoryMb: 1024,
  timeoutSeconds: 0.05,
  logStreamName: '2026/03/01/[$LATEST]0123456789abcdef0123456789abcdef',
};
const event: KinesisStreamEvent = { Records: [] };

describe('lambdaContext', () => {
  it('describes the function and the invocation as the Lambda runtime does', () => {
    // Act
    const context = lambdaContext(fn, 10_000, 'c9b8fa9f-5a7f-4a4c-af9c-0c604cde93a5', () => 7_500);

    // Assess
    expect(context).toMatchObject({
      functionName: 'land',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:land',
      memoryLimitInMB: '1024',
      awsRequestId: 'c9b8fa9f-5a7f-4a4c-af9c-0c604cde93a5',
      logGroupName: '/aws/lambda/land',
      logStreamName: '2026/03/01/[$LATEST]0123456789abcdef0123456789abcdef',
    });
    expect(context.getRemainingTimeInMillis()).toBe(2_500);
  });

  it('reports no time left, never a negative time, past the deadline', () => {
    // Act
    const context = lambdaContext(fn, 10_000, 'c9b8fa9f-5a7f-4a4c-af9c-0c604cde93a5', () => 12_000);

    // Assess
    expect(context.getRemainingTimeInMillis()).toBe(0);
  });

  it('gives every invocation its own request id', () => {
    // Act
    const ids = new Set([lambdaContext(fn, 0).awsRequestId, lambdaContext(fn, 0).awsRequestId]);

    // Assess
    expect(ids.size).toBe(2);
  });
});

describe('invokeWithTimeout', () => {
  it("resolves with the handler's response", async () => {
    // Prepare
    const handler = async () => ({ batchItemFailures: [{ itemIdentifier: '4901' }] });

    // Act
    const response = await invokeWithTimeout(handler, event, lambdaContext(fn, 0), fn);

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '4901' }] });
  });

  it("rejects with the handler's error", async () => {
    // Prepare
    const handler = async () => {
      throw new RangeError('bad record');
    };

    // Act
    const invocation = invokeWithTimeout(handler, event, lambdaContext(fn, 0), fn);

    // Assess
    await expect(invocation).rejects.toThrow(RangeError);
  });

  it('rejects with a timeout error when the handler runs past the timeout', async () => {
    // Prepare
    const handler = () => new Promise<never>(() => undefined);

    // Act
    const invocation = invokeWithTimeout(handler, event, lambdaContext(fn, 0), fn);

    // Assess
    await expect(invocation).rejects.toBeInstanceOf(FunctionTimeoutError);
  });
});

describe('mappingIdFor', () => {
  it('names a mapping with a UUID that stays the same for the same function and stream', () => {
    // Act
    const first = mappingIdFor('land', 'arn:aws:kinesis:us-east-1:000000000000:stream/events');
    const again = mappingIdFor('land', 'arn:aws:kinesis:us-east-1:000000000000:stream/events');
    const other = mappingIdFor('resolve', 'arn:aws:kinesis:us-east-1:000000000000:stream/events');

    // Assess
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(again).toBe(first);
    expect(other).not.toBe(first);
  });
});
