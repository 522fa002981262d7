/**
 * The local stand-in for S3's events to EventBridge and the rules that invoke functions: an object created in
 * the S3 emulator invokes each function whose bucket trigger matches its bucket, prefix and suffix, with the
 * "Object Created" event EventBridge delivers, asynchronously, and retried twice on error as Lambda retries
 * an asynchronous invocation, then logged (AWS drops the event too, absent a failure destination).
 */
import { randomUUID } from 'node:crypto';
import type { Context, S3ObjectCreatedNotificationEvent } from 'aws-lambda';
import type { BucketTrigger } from '../topology.ts';
import type { S3rverEvent, S3rverRecord } from './emulators.ts';
import {
  functionIdentity,
  invokeWithTimeout,
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  lambdaContext,
} from './lambda-invoke.ts';

export type BucketHandler = (event: S3ObjectCreatedNotificationEvent, context: Context) => Promise<unknown>;

export interface BucketSubscriber {
  readonly functionName: string;
  readonly trigger: BucketTrigger;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly handler: BucketHandler;
}

export interface BucketNotifierOptions {
  /**
   * Waits before the two retries. Lambda waits about one and then two minutes; locally a short wait keeps a
   * failing import visible without holding tests up. @default [1_000, 2_000]
   */
  readonly retryDelaysMs?: readonly number[];
  readonly log: (message: string, fields: Record<string, unknown>) => void;
}

export class BucketNotifier {
  readonly #subscribers: readonly BucketSubscriber[];
  readonly #options: BucketNotifierOptions;
  readonly #running = new Set<Promise<void>>();
  #stopped = false;

  constructor(subscribers: readonly BucketSubscriber[], options: BucketNotifierOptions) {
    this.#subscribers = subscribers;
    this.#options = options;
  }

  /** Invokes the matching functions in the background; `idle()` resolves once they are done. */
  notify(event: S3rverEvent): void {
    if (this.#stopped) return;
    for (const record of event.Records) {
      for (const subscriber of this.#subscribers) {
        if (!matches(subscriber.trigger, record)) continue;
        const invocation = this.#invoke(subscriber, objectCreatedEvent(record)).finally(() => {
          this.#running.delete(invocation);
        });
        this.#running.add(invocation);
      }
    }
  }

  /** Resolves once every invocation started so far, retries included, has ended. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.idle();
  }

  async #invoke(subscriber: BucketSubscriber, event: S3ObjectCreatedNotificationEvent): Promise<void> {
    const delays = this.#options.retryDelaysMs ?? [1_000, 2_000];
    const { key } = event.detail.object;
    for (let attempt = 0; ; attempt += 1) {
      const identity = functionIdentity(
        subscriber.functionName,
        subscriber.memoryMb,
        subscriber.timeoutSeconds,
      );
      const context = lambdaContext(identity, Date.now() + subscriber.timeoutSeconds * 1000);
      try {
        await invokeWithTimeout(subscriber.handler, event, context, identity);
        return;
      } catch (error) {
        const delay = delays[attempt];
        if (delay === undefined || this.#stopped) {
          this.#options.log('bucket notification failed', {
            function: subscriber.functionName,
            key,
            attempts: attempt + 1,
            error: String(error),
          });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}

/** S3's filter: created objects only, under the prefix, with one of the suffixes if any are given. */
export function matches(trigger: BucketTrigger, record: S3rverRecord): boolean {
  const { name } = record.s3.bucket;
  const { key } = record.s3.object;
  return (
    record.eventName.startsWith('ObjectCreated:') &&
    name === trigger.bucket &&
    key.startsWith(trigger.prefix) &&
    (trigger.suffixes === undefined || trigger.suffixes.some((suffix) => key.endsWith(suffix)))
  );
}

const reasons: Record<string, S3ObjectCreatedNotificationEvent['detail']['reason']> = {
  'ObjectCreated:Put': 'PutObject',
  'ObjectCreated:Post': 'POST Object',
  'ObjectCreated:Copy': 'CopyObject',
  'ObjectCreated:CompleteMultipartUpload': 'CompleteMultipartUpload',
};

/** The "Object Created" event EventBridge delivers for one record of s3rver's (keys as stored, not encoded). */
export function objectCreatedEvent(record: S3rverRecord): S3ObjectCreatedNotificationEvent {
  const { bucket, object } = record.s3;
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: LOCAL_ACCOUNT,
    time: record.eventTime.replace(/\.\d{3}Z$/, 'Z'),
    region: LOCAL_REGION,
    resources: [`arn:aws:s3:::${bucket.name}`],
    detail: {
      version: '0',
      bucket: { name: bucket.name },
      object: {
        key: object.key,
        size: object.size ?? 0,
        etag: (object.eTag ?? '').replaceAll('"', ''),
        'version-id': '',
        sequencer: object.sequencer ?? '',
      },
      'request-id': 'local',
      requester: LOCAL_ACCOUNT,
      'source-ip-address': '127.0.0.1',
      reason: reasons[record.eventName] ?? 'PutObject',
    },
  };
}
