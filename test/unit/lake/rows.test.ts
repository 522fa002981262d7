import { describe, expect, it } from 'vitest';
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
      schema_version: 1,
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
      schema_version: 1,
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
