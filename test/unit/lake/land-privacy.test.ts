import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../../shared/config/settings.ts';
import { landBatch } from '../../../shared/lake/land.ts';
import { lakePrivacy } from '../../../shared/lake/personal-data.ts';
import { eventsTable } from '../../../shared/lake/schema.ts';
import { eventBatch } from './envelopes.ts';
import { MemoryObjectStore } from './memory-object-store.ts';
import { rowsUnder } from './read-lake.ts';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** An identify call carrying an email and a phone number where resolution reads them. */
const identify = {
  messageId: 'id-1',
  type: 'identify',
  event: undefined,
  properties: undefined,
  traits: { email: 'Ann@Example.com', phone: '(415) 555-2671' },
  context: { traits: { email: 'ann@example.com' } },
} as const;

describe('landBatch and personal data', () => {
  it('lands emails and phone numbers as digests only when no options are given', async () => {
    // Prepare
    const store = new MemoryObjectStore();

    // Act
    await landBatch(store, eventBatch(1, [identify]));

    // Assess
    const [row] = await rowsUnder(store, eventsTable, 'events/');
    expect(row).toMatchObject({
      traits: '{}',
      context: '{"traits":{}}',
      email_sha256: sha256('ann@example.com'),
      phone_sha256: sha256('+14155552671'),
    });
  });

  it('lands the plain values too when the settings keep plain text in the lake', async () => {
    // Prepare
    const store = new MemoryObjectStore();
    const settings = parseSettings(
      { sources: [{ name: 'website', channel: 'web' }], privacy: { plaintextIdentifiersInLake: true } },
      'test',
    );

    // Act
    await landBatch(store, eventBatch(1, [identify]), { privacy: lakePrivacy(settings) });

    // Assess
    const [row] = await rowsUnder(store, eventsTable, 'events/');
    expect(row).toMatchObject({
      traits: '{"email":"Ann@Example.com","phone":"(415) 555-2671"}',
      context: '{"traits":{"email":"ann@example.com"}}',
      email_sha256: sha256('ann@example.com'),
      phone_sha256: sha256('+14155552671'),
    });
  });
});
