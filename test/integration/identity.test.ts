import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../infra/cli/cli.ts';
import { DynamoDbProfileStore } from '../../shared/adapters/dynamodb-profile-store.ts';
import { encodeEnvelope } from '../../shared/events/envelope.ts';
import type { CollectedEvent } from '../../shared/events/model.ts';
import { resolveBatch } from '../../shared/identity/resolve.ts';
import { identityRules } from '../../shared/identity/rules.ts';
import { findProfile } from '../../shared/profiles/lookup.ts';
import { emptyProfile } from '../../shared/profiles/model.ts';
import { profileView } from '../../shared/profiles/view.ts';
import { basicAuth, post, startTestPlatform, type TestPlatform } from './local-platform.ts';

const config = {
  sources: [
    { name: 'website', channel: 'web', allowedOrigins: ['*'] },
    { name: 'backend', channel: 'server' },
    { name: 'mobile', channel: 'app' },
    { name: 'crm', channel: 'crm' },
  ],
  identity: { traitIdentifiers: { crm: ['crm_id'] }, traitPrecedence: ['crm'] },
};

describe('identity resolution and the profile API on the local stack', () => {
  let platform: TestPlatform;
  let admin: Record<string, string>;

  beforeAll(async () => {
    platform = await startTestPlatform({ config });
    admin = { authorization: `Bearer ${platform.secrets.adminToken}` };
  });

  afterAll(async () => {
    await platform?.dispose();
  });

  /** Sends events from a source, one request each and in order, as a person's devices would. */
  async function send(source: string, ...messages: Record<string, unknown>[]): Promise<void> {
    const auth = { authorization: basicAuth(platform.secrets.writeKeys[source] ?? '') };
    for (const message of messages) {
      const response = await post(platform, '/v1/batch', { batch: [message] }, auth);
      expect(response.status).toBe(200);
    }
  }

  async function get(path: string, headers: Record<string, string> = admin) {
    const response = await fetch(`${platform.url}${path}`, { headers });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  async function profile(type: string, value: string) {
    return get(`/v1/profiles/${type}/${encodeURIComponent(value)}`);
  }

  it('makes one person of an anonymous visit, a login, a second device by email and the app by user id', async () => {
    // Act
    await send(
      'website',
      { type: 'page', anonymousId: 'a-laptop', name: 'Home', timestamp: '2026-11-20T10:00:00.000Z' },
      {
        type: 'identify',
        anonymousId: 'a-laptop',
        userId: 'u-ann',
        traits: { email: 'ann@example.com', name: 'Ann' },
        timestamp: '2026-11-20T10:01:00.000Z',
      },
      { type: 'page', anonymousId: 'a-phone', name: 'Home', timestamp: '2026-11-21T08:00:00.000Z' },
      {
        type: 'identify',
        anonymousId: 'a-phone',
        traits: { email: ' Ann@Example.com' },
        timestamp: '2026-11-21T08:01:00.000Z',
      },
    );
    await send('mobile', {
      type: 'track',
      userId: 'u-ann',
      event: 'Order Completed',
      properties: { revenue: 42.5 },
      context: { device: { id: 'ios-ann' } },
      timestamp: '2026-11-22T09:00:00.000Z',
    });
    await platform.drain();
    const byEmail = await profile('email', 'Ann@Example.com ');
    const byDevice = await profile('device_id', 'ios-ann');

    // Assess
    expect(byEmail.status).toBe(200);
    expect(byEmail.json).toMatchObject({
      identities: [
        { type: 'user_id', value: 'u-ann' },
        { type: 'email', value: 'ann@example.com' },
        { type: 'device_id', value: 'ios-ann' },
        { type: 'anonymous_id', value: 'a-laptop' },
        { type: 'anonymous_id', value: 'a-phone' },
      ],
      // Traits are kept as sent, the latest by event time; identities are normalised.
      traits: { email: ' Ann@Example.com', name: 'Ann' },
      firstSeen: '2026-11-20T10:00:00.000Z',
      lastSeen: '2026-11-22T09:00:00.000Z',
      events: { total: 5, byName: { 'Order Completed': 1 }, byType: { page: 2, identify: 2, track: 1 } },
      orders: { count: 1, revenue: 42.5, firstOrderAt: '2026-11-22T09:00:00.000Z' },
      scores: {},
    });
    expect(Object.keys(byEmail.json.channels as object).sort()).toEqual(['app', 'web']);
    expect(byDevice.json.profileId).toBe(byEmail.json.profileId);
  });

  it('answers the recent events of a person stitched across devices, newest first', async () => {
    // Act
    const { status, json } = await get('/v1/profiles/anonymous_id/a-phone/events?limit=3');

    // Assess
    expect(status).toBe(200);
    const events = json.events as { type: string; event?: string; timestamp: string; channel: string }[];
    expect(
      events.map(({ type, event, timestamp, channel }) => ({ type, event, timestamp, channel })),
    ).toEqual([
      { type: 'track', event: 'Order Completed', timestamp: '2026-11-22T09:00:00.000Z', channel: 'app' },
      { type: 'identify', event: undefined, timestamp: '2026-11-21T08:01:00.000Z', channel: 'web' },
      { type: 'page', event: undefined, timestamp: '2026-11-21T08:00:00.000Z', channel: 'web' },
    ]);
  });

  it('keeps two people who log in on one shared device apart', async () => {
    // Act
    await send(
      'website',
      { type: 'page', anonymousId: 'a-kiosk', name: 'Home' },
      { type: 'identify', anonymousId: 'a-kiosk', userId: 'u-bob' },
      { type: 'identify', anonymousId: 'a-kiosk', userId: 'u-carl' },
    );
    await platform.drain();
    const bob = await profile('user_id', 'u-bob');
    const carl = await profile('user_id', 'u-carl');

    // Assess
    expect(bob.json.identities).toEqual([
      { type: 'user_id', value: 'u-bob' },
      { type: 'anonymous_id', value: 'a-kiosk' },
    ]);
    expect(carl.json.identities).toEqual([{ type: 'user_id', value: 'u-carl' }]);
    expect(carl.json.profileId).not.toBe(bob.json.profileId);
  });

  it('links the previous id of an alias call', async () => {
    // Act
    await send(
      'website',
      { type: 'track', anonymousId: 'a-dave', event: 'Clicked' },
      { type: 'alias', userId: 'u-dave', previousId: 'a-dave' },
    );
    await platform.drain();
    const dave = await profile('user_id', 'u-dave');

    // Assess
    expect(dave.json.identities).toEqual([
      { type: 'user_id', value: 'u-dave' },
      { type: 'anonymous_id', value: 'a-dave' },
    ]);
  });

  it('never links anyone through a blocked value, and finds no one by it', async () => {
    // Act
    await send(
      'backend',
      { type: 'identify', userId: 'u-erin', traits: { email: 'none', phone: '0000' } },
      { type: 'identify', userId: 'u-fay', traits: { email: 'none', phone: '0000' } },
    );
    await platform.drain();
    const erin = await profile('user_id', 'u-erin');
    const fay = await profile('user_id', 'u-fay');
    const byJunk = await profile('email', 'none');

    // Assess
    expect(erin.json.identities).toEqual([{ type: 'user_id', value: 'u-erin' }]);
    expect(fay.json.identities).toEqual([{ type: 'user_id', value: 'u-fay' }]);
    expect(byJunk.status).toBe(404);
  });

  it('makes one person of a phone number written three ways, and finds them by a CRM id', async () => {
    // Act
    await send(
      'website',
      { type: 'identify', anonymousId: 'a-p1', traits: { phone: '+1 415 555 2671' } },
      { type: 'identify', anonymousId: 'a-p2', traits: { phone: '(415) 555-2671' } },
    );
    await send('crm', {
      type: 'identify',
      userId: 'u-gus',
      traits: { phone: '415.555.2671', crm_id: 'C-1' },
    });
    await platform.drain();
    const byPhone = await profile('phone', '415-555-2671');
    const byCrmId = await profile('crm_id', 'C-1');

    // Assess
    expect(byPhone.json.identities).toEqual([
      { type: 'user_id', value: 'u-gus' },
      { type: 'phone', value: '+14155552671' },
      { type: 'crm_id', value: 'C-1' },
      { type: 'anonymous_id', value: 'a-p1' },
      { type: 'anonymous_id', value: 'a-p2' },
    ]);
    expect(byCrmId.json.profileId).toBe(byPhone.json.profileId);
  });

  it('changes no profile when the stream is replayed or a client sends a message again', async () => {
    // Prepare
    const before = await profile('email', 'ann@example.com');
    const resent = {
      type: 'track',
      messageId: 'resent-1',
      userId: 'u-ann',
      event: 'Order Completed',
      properties: { revenue: 10 },
    };

    // Act
    await platform.replay('resolve');
    await platform.replay('activity');
    await platform.drain();
    const replayed = await profile('email', 'ann@example.com');
    await send('mobile', resent);
    await platform.drain();
    const once = await profile('email', 'ann@example.com');
    await send('mobile', resent);
    await platform.drain();
    const twice = await profile('email', 'ann@example.com');

    // Assess: the replay wrote nothing at all; the message sent twice counted once.
    expect(replayed.json).toEqual(before.json);
    expect(once.json.orders).toMatchObject({ count: 2, revenue: 52.5 });
    expect(twice.json).toEqual(once.json);
  });

  it('answers only the admin, 404 for no one and 400 for a bad request', async () => {
    // Act
    const anonymous = await get('/v1/profiles/email/ann%40example.com', {});
    const wrongToken = await get('/v1/profiles/email/ann%40example.com', {
      authorization: 'Bearer adm_nope',
    });
    const unknown = await profile('email', 'nobody@example.com');
    const badType = await profile('E-Mail', 'ann@example.com');
    const badLimit = await get('/v1/profiles/email/ann%40example.com/events?limit=0');

    // Assess
    expect([anonymous.status, wrongToken.status, unknown.status, badType.status, badLimit.status]).toEqual([
      401, 401, 404, 400, 400,
    ]);
  });

  it('prints a profile with `cdp profile get`, from the running platform and from the table', async () => {
    // Prepare
    let viaApi = '';
    let viaTable = '';
    const io = (write: (text: string) => void) => ({ stdout: write, stderr: () => {}, env: process.env });

    // Act
    const apiCode = await runCli(
      ['profile', 'get', 'email:Ann@Example.com', '--data-dir', platform.paths.root],
      io((text) => (viaApi += text)),
    );
    const tableCode = await runCli(
      ['profile', 'get', 'user_id:u-ann', '--table', 'profiles', '--events', '--limit', '1'],
      io((text) => (viaTable += text)),
    );
    const missingCode = await runCli(
      ['profile', 'get', 'user_id:nobody', '--data-dir', platform.paths.root],
      {
        stdout: () => {},
        stderr: () => {},
        env: process.env,
      },
    );

    // Assess
    const expected = await profile('user_id', 'u-ann');
    expect([apiCode, tableCode, missingCode]).toEqual([0, 0, 1]);
    expect(JSON.parse(viaApi)).toEqual(expected.json);
    expect(JSON.parse(viaTable)).toMatchObject({
      profileId: expected.json.profileId,
      events: [{ type: 'track' }],
    });
  });

  it('converges on one profile with no lost update when two shards link the same people at once', async () => {
    // Prepare: two shards of 40 events each; every event links its own anonymous id to one email.
    const store = new DynamoDbProfileStore({ tableName: 'profiles' });
    const rules = identityRules(platform.settings.identity);
    const shard = (name: string) =>
      Array.from(
        { length: 40 },
        (_, index): CollectedEvent =>
          serverEvent({
            messageId: `${name}-${index}`,
            type: 'identify',
            anonymousId: `${name}-anon-${index % 20}`,
            traits: { email: 'race@example.com' },
          }),
      );
    const consume = async (name: string) => {
      const events = shard(name);
      for (let start = 0; start < events.length; start += 4) {
        const records = events.slice(start, start + 4).map((event, index) => ({
          sequenceNumber: String(start + index + 1).padStart(20, '0'),
          data: encodeEnvelope({ schema: 'cdp.event/1', event }),
        }));
        const result = await resolveBatch(store, { shardId: name, records }, { rules });
        expect(result.failures).toEqual([]);
      }
    };

    // Act
    await Promise.all([consume('race-a'), consume('race-b')]);

    // Assess
    const found = await findProfile(store, 'email', 'race@example.com', rules);
    const view = found && profileView(found, rules);
    expect(view?.events.total).toBe(80);
    expect(view?.identities).toHaveLength(41);
    for (const anon of ['race-a-anon-0', 'race-b-anon-19']) {
      expect((await findProfile(store, 'anonymous_id', anon, rules))?.profileId).toBe(view?.profileId);
    }
  });

  it('writes a new visitor as one PutItem of its identity item, and its profile with the second identity', async () => {
    // Prepare: the identity lane's plans at a fixed time, so the new profile's id encodes that time.
    const commits: string[] = [];
    const store = new DynamoDbProfileStore({
      tableName: 'profiles',
      onConsumedCapacity: (usage) => {
        if (usage.operation === 'commit') commits.push(usage.request);
      },
    });
    const rules = identityRules(platform.settings.identity);
    const options = { rules, identityOnly: true, now: () => 1_800_000_000_000 };
    const visit = (sequence: number, fields: Partial<CollectedEvent>) => ({
      shardId: 'lazy',
      records: [
        {
          sequenceNumber: String(sequence).padStart(20, '0'),
          data: encodeEnvelope({
            schema: 'cdp.event/1',
            event: serverEvent({
              messageId: `lazy-${sequence}`,
              event: 'Viewed',
              anonymousId: 'lazy-anon',
              ...fields,
            }),
          }),
        },
      ],
    });

    // Act
    await resolveBatch(store, visit(1, {}), options);
    const virtual = await findProfile(store, 'anonymous_id', 'lazy-anon', rules);
    const itemsBefore = await store.profiles([virtual?.profileId ?? '']);
    await resolveBatch(store, visit(2, { type: 'identify', traits: { email: 'lazy@example.com' } }), options);

    // Assess
    expect(commits).toEqual(['PutItem', 'TransactWriteItems']);
    expect(virtual).toMatchObject({
      version: 0,
      createdAt: 1_800_000_000_000,
      identities: { anonymous_id: ['lazy-anon'] },
    });
    expect(itemsBefore.size).toBe(0);
    const materialised = await findProfile(store, 'email', 'lazy@example.com', rules);
    expect(materialised).toMatchObject({
      profileId: virtual?.profileId,
      version: 1,
      createdAt: 1_800_000_000_000,
      identities: { anonymous_id: ['lazy-anon'], email: ['lazy@example.com'] },
    });
  });

  it("keeps an erased virtual profile's tombstone from being overwritten by a create or a redirect", async () => {
    // Prepare
    const store = new DynamoDbProfileStore({ tableName: 'profiles' });
    const person = (profileId: string) => ({
      ...emptyProfile(profileId, 0),
      version: 1,
      identities: { anonymous_id: [`${profileId}-anon`] },
    });
    const only = { creates: [], updates: [], redirects: [], links: [] };
    await store.commit({ ...only, creates: [person('lazy-created')] });

    // Act
    const tombstoned = await store.removeProfile('lazy-erased', 0);
    const again = await store.removeProfile('lazy-erased', 0);
    const created = await store.commit({ ...only, creates: [person('lazy-erased')] });
    const redirected = await store.commit({
      ...only,
      redirects: [{ profileId: 'lazy-erased', expectedVersion: 0, mergedInto: 'lazy-created' }],
    });
    const onAProfile = await store.removeProfile('lazy-created', 0);

    // Assess
    expect([tombstoned, again, created, redirected, onAProfile]).toEqual([true, true, false, false, false]);
    expect([...(await store.profiles(['lazy-erased', 'lazy-created'])).keys()]).toEqual(['lazy-created']);
  });
});

/** An event as the collector would put it on the stream for the backend source. */
function serverEvent(fields: Partial<CollectedEvent> & Pick<CollectedEvent, 'messageId'>): CollectedEvent {
  return {
    type: 'track',
    context: {},
    timestamp: '2026-11-22T10:00:00.000Z',
    receivedAt: '2026-11-22T10:00:00.000Z',
    source: 'backend',
    channel: 'server',
    enrichment: {},
    ...fields,
  };
}
