import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeEnvelope } from '../../../shared/events/envelope.ts';
import {
  eventsTable,
  identityLinksTable,
  identityMergesTable,
  quarantineTable,
  scoresTable,
} from '../../../shared/lake/schema.ts';
import { ErasureMatcher } from '../../../shared/privacy/lake-match.ts';
import { event, rulesOf } from '../identity/fixtures.ts';
import { quarantinedEvent } from '../lake/envelopes.ts';

const rules = rulesOf();
/** Computed here with node:crypto, independently of the code under test. */
const hex = (text: string) => createHash('sha256').update(text).digest('hex');

const ann = {
  erasureId: 'e-ann',
  profileIds: ['p-ann', 'p-ann-merged'],
  identities: [
    { type: 'user_id', value: 'u-ann' },
    { type: 'anonymous_id', value: 'a-ann' },
    { type: 'email', value: 'ann@example.com' },
    { type: 'phone', value: '+14155552671' },
  ],
};
const dan = {
  erasureId: 'e-dan',
  profileIds: ['p-dan'],
  identities: [
    { type: 'anonymous_id', value: 'a-dan' },
    { type: 'email_sha256', value: hex('dan@example.com') },
  ],
};
const matcher = new ErasureMatcher([ann, dan]);

describe('ErasureMatcher', () => {
  it.each([
    ['user_id', { user_id: 'u-ann' }, 'e-ann'],
    ['anonymous_id', { anonymous_id: 'a-ann' }, 'e-ann'],
    ['previous_id of an alias', { previous_id: 'a-ann' }, 'e-ann'],
    ['a user id sent with spaces around it', { user_id: ' u-ann ' }, 'e-ann'],
    ['an anonymous id sent with spaces around it', { anonymous_id: '\ta-ann ' }, 'e-ann'],
    ['a previous_id sent with spaces around it', { previous_id: ' u-ann' }, 'e-ann'],
    ['email digest', { email_sha256: hex('ann@example.com') }, 'e-ann'],
    ['phone digest', { phone_sha256: hex('+14155552671') }, 'e-ann'],
    ['digest of a client-hashed email', { email_sha256: hex('dan@example.com') }, 'e-dan'],
    ['another erasure', { anonymous_id: 'a-dan' }, 'e-dan'],
    ['another person', { user_id: 'u-bob', anonymous_id: 'a-bob' }, undefined],
    ['a value in the column of another type', { anonymous_id: 'u-ann' }, undefined],
    ['a plain email in a digest column', { email_sha256: 'ann@example.com' }, undefined],
  ])('matches an events row by %s', (_, row, owner) => {
    // Act / Assess
    expect(matcher.rowOwner(eventsTable, { user_id: null, anonymous_id: null, ...row }, rules)).toBe(owner);
  });

  it.each([
    ['a user id', '{"type":"track","userId":"u-ann"}', 'e-ann'],
    ['an email in other case', '{"traits":{"email":"ANN@Example.com"}}', 'e-ann'],
    ['a longer value that contains one', '{"userId":"u-anna"}', undefined],
    ['nothing of theirs', '{"userId":"u-bob"}', undefined],
  ])('matches a quarantine row whose raw input holds %s', (_, raw, owner) => {
    // Act / Assess
    expect(matcher.rowOwner(quarantineTable, { raw }, rules)).toBe(owner);
  });

  it.each([
    ['their profile', { id_type: 'device_id', id_value: 'd-1', profile_id: 'p-ann-merged' }, 'e-ann'],
    ['their identity', { id_type: 'anonymous_id', id_value: 'a-ann', profile_id: 'p-other' }, 'e-ann'],
    [
      'their email as published',
      { id_type: 'email_sha256', id_value: hex('ann@example.com'), profile_id: 'p-x' },
      'e-ann',
    ],
    [
      'their value under another type',
      { id_type: 'user_id', id_value: 'a-ann', profile_id: 'p-x' },
      undefined,
    ],
  ])('matches an identity_links row naming %s', (_, row, owner) => {
    // Act / Assess
    expect(matcher.rowOwner(identityLinksTable, row, rules)).toBe(owner);
  });

  it('matches an identity_merges row naming one of their profiles on either side', () => {
    // Act / Assess
    expect(
      matcher.rowOwner(
        identityMergesTable,
        { merged_profile_id: 'p-ann-merged', into_profile_id: 'p-ann' },
        rules,
      ),
    ).toBe('e-ann');
    expect(
      matcher.rowOwner(identityMergesTable, { merged_profile_id: 'p-x', into_profile_id: 'p-dan' }, rules),
    ).toBe('e-dan');
    expect(
      matcher.rowOwner(identityMergesTable, { merged_profile_id: 'p-x', into_profile_id: 'p-y' }, rules),
    ).toBeUndefined();
  });

  it('matches a scores row of one of their profiles, merged ones included', () => {
    // Act / Assess
    expect(matcher.rowOwner(scoresTable, { profile_id: 'p-ann-merged' }, rules)).toBe('e-ann');
    expect(matcher.rowOwner(scoresTable, { profile_id: 'p-dan' }, rules)).toBe('e-dan');
    expect(matcher.rowOwner(scoresTable, { profile_id: 'p-bob' }, rules)).toBeUndefined();
  });

  it('matches a stream record by the identifiers resolution reads from it, or by its text', () => {
    // Prepare
    const byEmail = encodeEnvelope({
      schema: 'cdp.event/1',
      event: event({ anonymousId: 'a-new', context: { traits: { email: ' Ann@Example.com ' } } }),
    });
    const other = encodeEnvelope({ schema: 'cdp.event/1', event: event({ userId: 'u-bob' }) });
    const quarantined = encodeEnvelope({
      schema: 'cdp.quarantine/1',
      quarantined: quarantinedEvent({ raw: '{"anonymousId":"a-dan"}' }),
    });
    const poison = new TextEncoder().encode('not json "u-ann"');

    // Act / Assess
    expect(matcher.recordOwner(byEmail, rules)).toBe('e-ann');
    expect(matcher.recordOwner(other, rules)).toBeUndefined();
    expect(matcher.recordOwner(quarantined, rules)).toBe('e-dan');
    expect(matcher.recordOwner(poison, rules)).toBe('e-ann');
  });
});
