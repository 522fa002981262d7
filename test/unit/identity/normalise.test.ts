import { describe, expect, it } from 'vitest';
import { normaliseIdentifier } from '../../../shared/identity/normalise.ts';
import { rulesOf } from './fixtures.ts';

describe('identifier normalisation', () => {
  const rules = rulesOf();

  it('trims and lower-cases emails', () => {
    expect(normaliseIdentifier('email', '  Ann@Example.COM ', rules)).toEqual({
      ok: true,
      value: 'ann@example.com',
    });
  });

  it('refuses an email without one @ between two parts', () => {
    expect(normaliseIdentifier('email', 'ann.example.com', rules)).toEqual({ ok: false, reason: 'invalid' });
    expect(normaliseIdentifier('email', 'ann@', rules)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('writes a phone number written three ways as one E.164 number, in the default region', () => {
    // Act
    const values = ['+1 415 555 2671', '(415) 555-2671', '415.555.2671'].map((text) =>
      normaliseIdentifier('phone', text, rules),
    );

    // Assess
    expect(values).toEqual([
      { ok: true, value: '+14155552671' },
      { ok: true, value: '+14155552671' },
      { ok: true, value: '+14155552671' },
    ]);
  });

  it('reads a national number in the configured default region', () => {
    // Prepare
    const british = rulesOf({ phoneDefaultRegion: 'GB' });

    // Act
    const normalised = normaliseIdentifier('phone', '020 7946 0958', british);

    // Assess
    expect(normalised).toEqual({ ok: true, value: '+442079460958' });
  });

  it('refuses a phone number that is not one', () => {
    expect(normaliseIdentifier('phone', '123', rules)).toEqual({ ok: false, reason: 'invalid' });
  });

  it.each([
    '',
    '   ',
    'null',
    'NULL',
    'undefined',
    'None',
    '0',
    '-1',
    'anonymous',
    'Unknown',
    'test',
    '0000',
    '---',
    '00000000-0000-0000-0000-000000000000',
  ])('blocks the junk value "%s"', (value) => {
    expect(normaliseIdentifier('anonymous_id', value, rules)).toEqual({ ok: false, reason: 'blocked' });
  });

  it('blocks junk emails and the values the settings add', () => {
    // Prepare
    const extended = rulesOf({ blockedValues: ['guest-user', 'Nobody@Example.com'] });

    // Act and assess
    expect(normaliseIdentifier('email', 'test@test.com', rules)).toEqual({ ok: false, reason: 'blocked' });
    expect(normaliseIdentifier('user_id', 'GUEST-USER', extended)).toEqual({ ok: false, reason: 'blocked' });
    expect(normaliseIdentifier('email', 'nobody@example.com', extended)).toEqual({
      ok: false,
      reason: 'blocked',
    });
    expect(normaliseIdentifier('user_id', 'guest-user', rules)).toEqual({ ok: true, value: 'guest-user' });
  });

  it('keeps the case of other identifiers and takes numbers as their decimal text', () => {
    expect(normaliseIdentifier('user_id', ' User-42 ', rules)).toEqual({ ok: true, value: 'User-42' });
    expect(normaliseIdentifier('user_id', 42, rules)).toEqual({ ok: true, value: '42' });
  });

  it('refuses values that are not strings or numbers, and overlong values', () => {
    expect(normaliseIdentifier('user_id', { id: 1 }, rules)).toEqual({ ok: false, reason: 'invalid' });
    expect(normaliseIdentifier('user_id', true, rules)).toEqual({ ok: false, reason: 'invalid' });
    expect(normaliseIdentifier('user_id', 'x'.repeat(257), rules)).toEqual({ ok: false, reason: 'invalid' });
  });
});
