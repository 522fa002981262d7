import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { encodeEnvelope } from '../../../shared/events/envelope.ts';
import { resolvedMessageIds } from '../../bench/identity-latency.ts';
import { event } from '../identity/fixtures.ts';

/** A Kinesis batch as Lambda hands it over: each record's data base64. */
function kinesisBatch(messageIds: readonly string[]) {
  return {
    Records: messageIds.map((messageId, index) => ({
      eventID: `shardId-000000000000:${index}`,
      kinesis: {
        sequenceNumber: String(100 + index),
        data: Buffer.from(encodeEnvelope({ schema: 'cdp.event/1', event: event({ messageId }) })).toString(
          'base64',
        ),
      },
    })),
  };
}

describe('the events a stream consumer invocation resolved', () => {
  it('are those of its batch but the records its partial batch response reports as failed', () => {
    // Prepare
    const invocation = {
      failed: false,
      event: kinesisBatch(['m1', 'm2', 'm3']),
      response: { batchItemFailures: [{ itemIdentifier: '101' }] },
    };

    // Act / Assess
    expect(resolvedMessageIds(invocation)).toEqual(['m1', 'm3']);
  });

  it('are none when the invocation failed', () => {
    // Act / Assess
    expect(resolvedMessageIds({ failed: true, event: kinesisBatch(['m1']), response: undefined })).toEqual(
      [],
    );
  });

  it('are all of its batch when it answered without failures', () => {
    // Act / Assess
    expect(
      resolvedMessageIds({
        failed: false,
        event: kinesisBatch(['m1', 'm2']),
        response: { batchItemFailures: [] },
      }),
    ).toEqual(['m1', 'm2']);
  });
});
