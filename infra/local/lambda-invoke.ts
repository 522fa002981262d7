/** Calling a handler as the Lambda runtime does: with a context object, and no longer than the timeout. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { FunctionTimeoutError, StreamPollerError } from './stream-poller-errors.ts';

/**
 * A stream consumer's handler. Its response is read as Lambda reads it, whatever it is: a partial batch response
 * (`KinesisStreamBatchResponse`) or nothing, so it is typed `unknown` and checked at run time.
 */
export type StreamHandler = (event: KinesisStreamEvent, context: Context) => Promise<unknown>;

export interface FunctionIdentity {
  readonly functionName: string;
  readonly functionArn: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** One per runtime process, as one per execution environment in AWS. */
  readonly logStreamName: string;
}

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

/** A function as the local runtime runs it: one execution environment per function and process. */
export function functionIdentity(
  functionName: string,
  memoryMb: number,
  timeoutSeconds: number,
  region: string = LOCAL_REGION,
  account: string = LOCAL_ACCOUNT,
): FunctionIdentity {
  return {
    functionName,
    functionArn: `arn:aws:lambda:${region}:${account}:function:${functionName}`,
    memoryMb,
    timeoutSeconds,
    logStreamName: `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${randomBytes(16).toString('hex')}`,
  };
}

/** The context of one invocation that must end by `deadline` (milliseconds since the epoch). */
export function lambdaContext(
  fn: FunctionIdentity,
  deadline: number,
  requestId: string = randomUUID(),
  now: () => number = Date.now,
): Context {
  const unsupported = (): never => {
    throw new StreamPollerError('callback-style completion (context.done/succeed/fail) is not supported');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: fn.functionArn,
    memoryLimitInMB: String(fn.memoryMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${fn.functionName}`,
    logStreamName: fn.logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

/**
 * Resolves with the handler's response, or rejects with its error or a `FunctionTimeoutError`. A handler past
 * its timeout cannot be killed in-process; it runs on, but its result is ignored, as Lambda ignores it.
 */
export async function invokeWithTimeout<E, R>(
  handler: (event: E, context: Context) => Promise<R>,
  event: E,
  context: Context,
  fn: FunctionIdentity,
): Promise<R> {
  const running = Promise.resolve().then(() => handler(event, context));
  // Once the timeout has won the race nobody awaits the handler; keep its late rejection from crashing the process.
  running.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new FunctionTimeoutError(fn.functionName, fn.timeoutSeconds)),
      fn.timeoutSeconds * 1000,
    );
  });
  try {
    return await Promise.race([running, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
