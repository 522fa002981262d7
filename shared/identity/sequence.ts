/** Idempotency marks: Kinesis sequence numbers and short messageId digests. */
import { createHash } from 'node:crypto';

/**
 * Orders two sequence numbers of one shard. They are decimal strings of up to 128 digits, growing within a
 * shard, so the longer is the larger and equal lengths compare as text.
 */
export function compareSequenceNumbers(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A 6-byte digest of a messageId in base64url (8 characters): enough to tell apart the last few dozen
 * messages of one person, small enough to keep dozens in a profile.
 */
export function messageDigest(messageId: string): string {
  return createHash('sha256').update(messageId).digest().subarray(0, 6).toString('base64url');
}
