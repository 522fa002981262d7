import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../../shared/config/settings.ts';
import { type LakePrivacy, lakePrivacy } from '../../../shared/lake/personal-data.ts';
import { eventRow, lakeRecord, quarantineRow, utcDate } from '../../../shared/lake/rows.ts';
import { eventsTable, quarantineTable } from '../../../shared/lake/schema.ts';
import { collectedEvent, quarantinedEvent } from './envelopes.ts';

describe('eventRow', () => {
  it('maps every field of a collected event to its snake_case column', () => {
    // Prepare
    const event = collectedEvent({
      messageId: 'm-42',
      type: 'page',
      event: undefined,
      name: 'Pricing',
      category: 'Docs',
      userId: 'u-1',
      anonymousId: 'a-1',
      groupId: 'g-1',
      previousId: 'p-1',
      properties: { revenue: 3, tags: ['x'] },
      traits: { plan: 'pro' },
      context: { locale: 'de-DE' },
      integrations: { All: false },
      timestamp: '2026-11-22T10:00:00.000Z',
      originalTimestamp: '2026-11-22T10:00:05.000Z',
      sentAt: '2026-11-22T10:00:06.000Z',
      receivedAt: '2026-11-22T10:00:01.000Z',
      source: 'website',
      channel: 'web',
      enrichment: {
        ip: '203.0.113.0',
        userAgent: {
          browser: 'Firefox',
          browserVersion: '128',
          os: 'Linux',
          osVersion: '6',
          deviceType: 'desktop',
        },
        campaign: { source: 'newsletter', medium: 'email', name: 'winter', term: 'boots', content: 'hero' },
        marketingChannel: 'email',
        page: {
          url: 'https://shop.example/pricing?a=1',
          path: '/pricing',
          referrer: 'https://mail.example/',
          host: 'shop.example',
        },
      },
    });

    // Act
    const row = eventRow(event);

    // Assess
    expect(row).toEqual({
      message_id: 'm-42',
      type: 'page',
      event: null,
      name: 'Pricing',
      category: 'Docs',
      user_id: 'u-1',
      anonymous_id: 'a-1',
      group_id: 'g-1',
      previous_id: 'p-1',
      timestamp: new Date(Date.UTC(2026, 10, 22, 10, 0, 0)),
      original_timestamp: new Date(Date.UTC(2026, 10, 22, 10, 0, 5)),
      sent_at: new Date(Date.UTC(2026, 10, 22, 10, 0, 6)),
      received_at: new Date(Date.UTC(2026, 10, 22, 10, 0, 1)),
      source: 'website',
      channel: 'web',
      marketing_channel: 'email',
      utm_source: 'newsletter',
      utm_medium: 'email',
      utm_campaign: 'winter',
      utm_term: 'boots',
      utm_content: 'hero',
      page_url: 'https://shop.example/pricing?a=1',
      page_path: '/pricing',
      page_referrer: 'https://mail.example/',
      ip: '203.0.113.0',
      browser: 'Firefox',
      os: 'Linux',
      device_type: 'desktop',
      properties: '{"revenue":3,"tags":["x"]}',
      traits: '{"plan":"pro"}',
      context: '{"locale":"de-DE"}',
      integrations: '{"All":false}',
      schema_version: 2,
      email_sha256: null,
      phone_sha256: null,
    });
  });

  it('has exactly the columns of the events table', () => {
    // Prepare
    const expected = eventsTable.columns.map((column) => column.name).sort();

    // Act
    const columns = Object.keys(eventRow(collectedEvent())).sort();

    // Assess
    expect(columns).toEqual(expected);
  });

  it('writes null for what the event does not carry', () => {
    // Prepare
    const event = collectedEvent({
      properties: undefined,
      originalTimestamp: undefined,
      sentAt: undefined,
      userId: undefined,
      enrichment: {},
    });

    // Act
    const row = eventRow(event);

    // Assess
    expect([
      row.properties,
      row.original_timestamp,
      row.sent_at,
      row.user_id,
      row.utm_source,
      row.browser,
    ]).toEqual([null, null, null, null, null, null]);
  });
});

/** The digest by node:crypto directly, of the normalised value written out by hand. */
function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function privacySettings(privacy: object, identity: object = {}): LakePrivacy {
  return lakePrivacy(
    parseSettings({ sources: [{ name: 'website', channel: 'web' }], privacy, identity }, 'test'),
  );
}

const hashedOnly = privacySettings({});
const plaintextToo = privacySettings({ plaintextIdentifiersInLake: true });

describe('eventRow and personal data', () => {
  it('by default keeps emails and phone numbers only as digests of their normalised value', () => {
    // Prepare
    const event = collectedEvent({
      type: 'identify',
      event: undefined,
      properties: undefined,
      traits: { email: ' Ann@Example.COM ', phone: '(415) 555-2671', plan: 'pro' },
      context: {
        traits: { email: 'ann@example.com', phone: '+1 415 555 2671', name: 'Ann' },
        locale: 'en-US',
      },
    });

    // Act
    const row = eventRow(event, hashedOnly);

    // Assess
    expect(row).toMatchObject({
      traits: '{"plan":"pro"}',
      context: '{"traits":{"name":"Ann"},"locale":"en-US"}',
      email_sha256: sha256('ann@example.com'),
      phone_sha256: sha256('+14155552671'),
    });
  });

  it('by default removes email and phone from the properties of a track call and the traits of a group call', () => {
    // Prepare
    const track = collectedEvent({
      type: 'track',
      properties: { email: 'ann@example.com', phone: '+14155552671', revenue: 3 },
    });
    const group = collectedEvent({
      type: 'group',
      event: undefined,
      properties: undefined,
      groupId: 'acme',
      traits: { email: 'billing@acme.example', name: 'Acme' },
    });

    // Act
    const rows = [eventRow(track, hashedOnly), eventRow(group, hashedOnly)];

    // Assess: neither is the person's identifier as resolution reads them, so neither fills a digest.
    expect(rows.map((row) => [row.properties, row.traits, row.email_sha256, row.phone_sha256])).toEqual([
      ['{"revenue":3}', null, null, null],
      [null, '{"name":"Acme"}', null, null],
    ]);
  });

  it('by default leaves no plain email of an imported ESP event in its JSON columns', () => {
    // Prepare: mappings/esp.json maps `traits.email` of its track events to `context.traits.email`.
    const event = collectedEvent({
      type: 'track',
      event: 'Email Opened',
      userId: undefined,
      anonymousId: 'email-ann@example.com',
      properties: { email_id: 'sg-1', email_subject: 'Winter sale' },
      context: { traits: { email: 'ann@example.com' } },
      source: 'esp',
      channel: 'email',
    });

    // Act
    const row = eventRow(event, hashedOnly);

    // Assess: the id the mapping builds from the email is an id, kept as it is (docs/lake.md says so).
    expect([row.properties, row.context, row.email_sha256, row.anonymous_id]).toEqual([
      '{"email_id":"sg-1","email_subject":"Winter sale"}',
      '{"traits":{}}',
      sha256('ann@example.com'),
      'email-ann@example.com',
    ]);
  });

  it('keeps the plain values beside the digests when the settings ask for plain text', () => {
    // Prepare
    const event = collectedEvent({
      type: 'identify',
      event: undefined,
      properties: { email: 'ann@example.com' },
      traits: { email: 'Ann@Example.com', phone: '(415) 555-2671' },
      context: {
        traits: { email: 'ann@example.com' },
        externalIds: [{ id: 'Ann@Example.com', type: 'email', collection: 'users', encoding: 'none' }],
      },
    });

    // Act
    const row = eventRow(event, plaintextToo);

    // Assess
    expect(row).toMatchObject({
      properties: '{"email":"ann@example.com"}',
      traits: '{"email":"Ann@Example.com","phone":"(415) 555-2671"}',
      context:
        '{"traits":{"email":"ann@example.com"},"externalIds":[{"id":"Ann@Example.com","type":"email","collection":"users","encoding":"none"}]}',
      email_sha256: sha256('ann@example.com'),
      phone_sha256: sha256('+14155552671'),
    });
  });

  it('gives one digest for a phone number however it is written', () => {
    // Prepare: the default region is US, whose international dialling prefix is 011.
    const spellings = ['+1 415 555 2671', '(415) 555-2671', '011 1 415 555 2671', '1-415-555-2671'];

    // Act
    const digests = spellings.map(
      (phone) => eventRow(collectedEvent({ context: { traits: { phone } } }), hashedOnly).phone_sha256,
    );

    // Assess
    expect(digests).toEqual(spellings.map(() => sha256('+14155552671')));
  });

  it("reads numbers without a country code in the settings' phone region", () => {
    // Prepare
    const british = privacySettings({}, { phoneDefaultRegion: 'GB' });
    const event = collectedEvent({ context: { traits: { phone: '020 7946 0958' } } });

    // Act
    const row = eventRow(event, british);

    // Assess
    expect(row.phone_sha256).toBe(sha256('+442079460958'));
  });

  it('has no digest for a blocked email or an invalid phone number, and still removes them', () => {
    // Prepare
    const event = collectedEvent({ context: { traits: { email: 'Test@Test.com', phone: '12' } } });

    // Act
    const row = eventRow(event, hashedOnly);

    // Assess
    expect([row.email_sha256, row.phone_sha256, row.context]).toEqual([null, null, '{"traits":{}}']);
  });

  it('hashes the email and phone entries of context.externalIds the Segment way and drops those that identify no one', () => {
    // Prepare
    const event = collectedEvent({
      context: {
        externalIds: [
          { id: 'Ann@Example.com', type: 'email', collection: 'users', encoding: 'none' },
          { id: 'crm-7', type: 'crm_id', collection: 'users' },
          { id: '(415) 555-2671', type: 'Phone' },
          { id: 'unknown', type: 'email', collection: 'users' },
        ],
      },
    });

    // Act
    const row = eventRow(event, hashedOnly);

    // Assess
    expect(JSON.parse(row.context)).toEqual({
      externalIds: [
        { id: sha256('ann@example.com'), type: 'email', collection: 'users', encoding: 'sha256' },
        { id: 'crm-7', type: 'crm_id', collection: 'users' },
        { id: sha256('+14155552671'), type: 'Phone', encoding: 'sha256' },
      ],
    });
    expect([row.email_sha256, row.phone_sha256]).toEqual([sha256('ann@example.com'), sha256('+14155552671')]);
  });

  it('takes a digest the client already made when the event has no plain email', () => {
    // Prepare: SHA-256 of 'abc', the FIPS 180-2 test vector, standing for a client's digest.
    const abc = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    const event = collectedEvent({
      context: { externalIds: [{ id: abc, type: 'email', collection: 'users', encoding: 'sha256' }] },
    });

    // Act
    const row = eventRow(event, hashedOnly);

    // Assess
    expect([row.email_sha256, JSON.parse(row.context).externalIds[0].id]).toEqual([abc, abc]);
  });

  it("digests the strongest email in resolution's order when an event carries several", () => {
    // Prepare: equal in type, resolution orders them by value.
    const event = collectedEvent({
      type: 'identify',
      event: undefined,
      traits: { email: 'zoe@example.com' },
      context: { traits: { email: 'bob@example.com' } },
    });

    // Act
    const row = eventRow(event, hashedOnly);

    // Assess
    expect(row.email_sha256).toBe(sha256('bob@example.com'));
  });

  it('leaves an event without emails and phone numbers as it is', () => {
    // Prepare
    const event = collectedEvent({ properties: { revenue: 1 }, context: { locale: 'de-DE' } });

    // Act
    const row = eventRow(event, hashedOnly);

    // Assess
    expect([row.properties, row.context, row.email_sha256, row.phone_sha256]).toEqual([
      '{"revenue":1}',
      '{"locale":"de-DE"}',
      null,
      null,
    ]);
  });

  it('hashes by default when no privacy options are given', () => {
    // Prepare
    const event = collectedEvent({ context: { traits: { email: 'ann@example.com' } } });

    // Act
    const record = lakeRecord({ schema: 'cdp.event/1', event });

    // Assess
    expect([record.row.context, record.row.email_sha256]).toEqual([
      '{"traits":{}}',
      sha256('ann@example.com'),
    ]);
  });
});

describe('quarantineRow', () => {
  it('maps a quarantined input to the quarantine columns', () => {
    // Prepare
    const quarantined = quarantinedEvent({ receivedAt: '2026-11-22T23:00:00.000Z' });

    // Act
    const row = quarantineRow(quarantined);

    // Assess
    expect(row).toEqual({
      message_id: 'bad-1',
      reason: 'event is required for track',
      path: 'batch[0].event',
      raw: '{"type":"track"}',
      received_at: new Date(Date.UTC(2026, 10, 22, 23)),
      source: 'website',
      channel: 'web',
      schema_version: 2,
    });
    expect(Object.keys(row).sort()).toEqual(quarantineTable.columns.map((column) => column.name).sort());
  });
});

describe('lakeRecord', () => {
  it('partitions an event by the UTC date of its corrected timestamp, not of its arrival', () => {
    // Prepare: corrected to just before midnight, received just after.
    const event = collectedEvent({
      timestamp: '2026-11-22T23:59:59.999Z',
      receivedAt: '2026-11-23T00:00:02.000Z',
    });

    // Act
    const record = lakeRecord({ schema: 'cdp.event/1', event });

    // Assess
    expect({ table: record.table.name, dt: record.dt }).toEqual({ table: 'events', dt: '2026-11-22' });
  });

  it('partitions a quarantined input by the UTC date it was received', () => {
    // Prepare
    const quarantined = quarantinedEvent({ receivedAt: '2026-11-23T00:00:00.000Z' });

    // Act
    const record = lakeRecord({ schema: 'cdp.quarantine/1', quarantined });

    // Assess
    expect({ table: record.table.name, dt: record.dt }).toEqual({ table: 'quarantine', dt: '2026-11-23' });
  });

  it('reads times with an offset as the UTC instant they denote', () => {
    // Prepare: 01:30 at +02:00 is 23:30 UTC the day before.
    const event = collectedEvent({ timestamp: '2026-11-23T01:30:00+02:00' });

    // Act
    const record = lakeRecord({ schema: 'cdp.event/1', event });

    // Assess
    expect(record.dt).toBe('2026-11-22');
  });
});

describe('utcDate', () => {
  it('is the date at UTC on both sides of midnight', () => {
    expect(utcDate(new Date(Date.UTC(2026, 10, 22, 23, 59, 59, 999)))).toBe('2026-11-22');
    expect(utcDate(new Date(Date.UTC(2026, 10, 23, 0, 0, 0, 0)))).toBe('2026-11-23');
  });
});
