/**
 * The object an S3 "Object Created" event names, as EventBridge delivers it to the function. Unlike the
 * records of S3's direct notifications, EventBridge's `detail.object.key` is the key as stored, not
 * URL-encoded (S3's own examples show `:` in keys as it is).
 */
import type { S3ObjectCreatedNotificationEvent } from 'aws-lambda';

export interface CreatedObject {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
}

/** `undefined` for any other event (another source or detail type reaching the function by mistake). */
export function createdObject(event: S3ObjectCreatedNotificationEvent): CreatedObject | undefined {
  if (event.source !== 'aws.s3' || event['detail-type'] !== 'Object Created') return undefined;
  const { bucket, object } = event.detail;
  return { bucket: bucket.name, key: object.key, size: object.size ?? 0 };
}
