/** The errors the local stand-in for Lambda's Kinesis event source mapping raises on purpose. */
import { CdpError } from '../../shared/errors.ts';

export class StreamPollerError extends CdpError {}

/** The handler ran past the function's timeout; Lambda counts that as a function error. */
export class FunctionTimeoutError extends StreamPollerError {
  constructor(
    readonly functionName: string,
    readonly timeoutSeconds: number,
  ) {
    super(`${functionName} timed out after ${timeoutSeconds} s`);
  }
}

/** `idle()` gave up before every shard had caught up with the stream. */
export class IdleTimeoutError extends StreamPollerError {
  constructor(
    readonly functionName: string,
    readonly timeoutMs: number,
  ) {
    super(`the stream consumed by ${functionName} did not drain within ${timeoutMs} ms`);
  }
}

/** A checkpoint file that is not one this poller wrote. */
export class CheckpointError extends StreamPollerError {
  constructor(
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(`unreadable checkpoint ${path}`, options);
  }
}
