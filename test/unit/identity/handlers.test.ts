import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, KinesisStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createProfilesHandler, eventsRoute, profileRoute } from '../../../functions/profiles/app.ts';
import { createResolveHandler } from '../../../functions/resolve/app.ts';
import { encodeEnvelope } from '../../../shared/events/envelope.ts';
import { resolveBatch } from '../../../shared/identity/resolve.ts';
import { MemoryObjectStore } from '../lake/memory-object-store.ts';
import { batchOf, event, MemoryGraphStore, rulesOf } from './fixtures.ts';

const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
const rules = rulesOf();

function kinesisEvent(records: { sequenceNumber: string; data: Uint8Array }[]): KinesisStreamEvent {
  return {
    Records: records.map(({ sequenceNumber, data }) => ({
      eventID: `shardId-000000000000:${sequenceNumber}`,
      kinesis: { sequenceNumber, data: Buffer.from(data).toString('base64') },
    })),
  } as KinesisStreamEvent;
}

function request(routeKey: string, idType: string, idValue: string, limit?: string): APIGatewayProxyEventV2 {
  return {
    routeKey,
    pathParameters: { idType, idValue },
    ...(limit === undefined ? {} : { queryStringParameters: { limit } }),
    requestContext: { requestId: 'r1' },
  } as unknown as APIGatewayProxyEventV2;
}

describe('the resolve handler', () => {
  it('resolves the records of its shard and reports the ones that are not events', async () => {
    // Prepare
    const store = new MemoryGraphStore();
    const handler = createResolveHandler({
      store,
      lake: new MemoryObjectStore(),
      identityMap: { plaintextIdentifiers: false },
      rules,
      logger,
    });
    const good = {
      sequenceNumber: '2',
      data: encodeEnvelope({ schema: 'cdp.event/1', event: event({ anonymousId: 'a1' }) }),
    };
    const poison = { sequenceNumber: '1', data: new TextEncoder().encode('{}') };

    // Act
    const response = await handler(kinesisEvent([poison, good]));

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '1' }] });
    expect(store.profileOf('anonymous_id', 'a1')?.seq).toEqual({ 'shardId-000000000000': '2' });
  });
});

describe('the profile API handler', () => {
  async function prepared() {
    const store = new MemoryGraphStore();
    await resolveBatch(
      store,
      batchOf([
        event({ messageId: 'm1', anonymousId: 'a1', timestamp: '2026-11-01T00:00:00.000Z' }),
        event({
          messageId: 'm2',
          type: 'identify',
          anonymousId: 'a1',
          userId: 'u1',
          traits: { email: 'ann@example.com' },
          timestamp: '2026-11-02T00:00:00.000Z',
        }),
      ]),
      { rules },
    );
    return { store, handler: createProfilesHandler({ profiles: store, rules, logger }) };
  }

  it('answers the profile of a normalised identifier', async () => {
    // Prepare
    const { handler } = await prepared();

    // Act
    const response = await handler(request(profileRoute, 'email', ' ANN@example.com '));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(String(response.body))).toMatchObject({
      identities: [
        { type: 'user_id', value: 'u1' },
        { type: 'email', value: 'ann@example.com' },
        { type: 'anonymous_id', value: 'a1' },
      ],
      events: { total: 2 },
    });
  });

  it('answers the recent events, newest first, at most the limit', async () => {
    // Prepare
    const { handler } = await prepared();

    // Act
    const response = await handler(request(eventsRoute, 'user_id', 'u1', '1'));

    // Assess
    expect(JSON.parse(String(response.body)).events).toEqual([
      {
        messageId: 'm2',
        type: 'identify',
        event: 'Product Viewed',
        timestamp: '2026-11-02T00:00:00.000Z',
        source: 'website',
        channel: 'web',
      },
    ]);
  });

  it('answers 404 for an identifier no one has, and for a blocked value', async () => {
    // Prepare
    const { handler } = await prepared();

    // Act
    const statuses = await Promise.all([
      handler(request(profileRoute, 'email', 'bob@example.com')),
      handler(request(profileRoute, 'user_id', 'null')),
    ]);

    // Assess
    expect(statuses.map((response) => response.statusCode)).toEqual([404, 404]);
  });

  it('answers 400 for a type that is no identifier type and for a bad limit', async () => {
    // Prepare
    const { handler } = await prepared();

    // Act
    const statuses = await Promise.all([
      handler(request(profileRoute, 'E-Mail', 'ann@example.com')),
      handler(request(eventsRoute, 'user_id', 'u1', '1000')),
      handler(request(eventsRoute, 'user_id', 'u1', 'many')),
    ]);

    // Assess
    expect(statuses.map((response) => response.statusCode)).toEqual([400, 400, 400]);
  });

  it('answers 500 without internals when the store fails', async () => {
    // Prepare
    const { store } = await prepared();
    store.linkedProfiles = async () => {
      throw new Error('connection reset by 10.0.0.7');
    };
    const handler = createProfilesHandler({ profiles: store, rules, logger });

    // Act
    const response = await handler(request(profileRoute, 'user_id', 'u1'));

    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.body).toBe('{"message":"internal error"}');
  });
});
