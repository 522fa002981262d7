/** Events and quarantined inputs as events-stream records. */
import { createHash } from 'node:crypto';
import { encodeEnvelope } from '../events/envelope.ts';
import type { CollectedEvent, QuarantinedEvent } from '../events/model.ts';
import type { StreamRecord } from '../ports.ts';

/** Kinesis takes partition keys of 1 to 256 Unicode characters. */
const maxPartitionKeyLength = 256;

/**
 * The partition key of an event is its sender's most stable identity, `anonymousId ?? userId`, so one person's
 * events stay in order on one shard. The device id comes first because it is stable across the login
 * transition: the anonymous page views before sign-in and the identify and tracks after it carry the same
 * anonymousId, while the userId only appears half way. Server-side events without an anonymousId use the userId.
 */
export function eventPartitionKey(event: CollectedEvent): string {
  return boundedPartitionKey(event.anonymousId ?? event.userId ?? event.messageId);
}

export function eventRecord(event: CollectedEvent): StreamRecord {
  return { partitionKey: eventPartitionKey(event), data: encodeEnvelope({ schema: 'cdp.event/1', event }) };
}

/** Quarantined inputs have no trustworthy identity; their messageId spreads them over the shards. */
export function quarantineRecord(quarantined: QuarantinedEvent): StreamRecord {
  return {
    partitionKey: boundedPartitionKey(quarantined.messageId),
    data: encodeEnvelope({ schema: 'cdp.quarantine/1', quarantined }),
  };
}

/** Over-long ids are replaced by their digest, which is as stable and keeps them on one shard. */
function boundedPartitionKey(key: string): string {
  return key.length <= maxPartitionKeyLength ? key : createHash('sha256').update(key).digest('hex');
}
