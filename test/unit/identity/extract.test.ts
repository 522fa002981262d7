import { describe, expect, it } from 'vitest';
import { eventIdentifiers, maxIdentitiesPerEvent } from '../../../shared/identity/extract.ts';
import { event, rulesOf } from './fixtures.ts';

describe('the identifiers of an event', () => {
  const rules = rulesOf();

  it('come from the ids, traits, device and externalIds, strongest first', () => {
    // Prepare
    const identify = event({
      type: 'identify',
      userId: 'u1',
      anonymousId: 'a1',
      traits: { email: 'Ann@Example.com', phone: '(415) 555-2671', plan: 'pro' },
      context: {
        device: { id: 'dev-1' },
        externalIds: [
          { id: 'ga-123', type: 'ga_client_id', collection: 'users', encoding: 'none' },
          { id: 'acct-9', type: 'salesforce_id', collection: 'accounts' },
        ],
      },
    });

    // Act
    const { identities, dropped } = eventIdentifiers(identify, rules);

    // Assess: user_id, email, phone, then the other types by name, then device_id and anonymous_id.
    expect(identities).toEqual([
      { type: 'user_id', value: 'u1' },
      { type: 'email', value: 'ann@example.com' },
      { type: 'phone', value: '+14155552671' },
      { type: 'ga_client_id', value: 'ga-123' },
      { type: 'device_id', value: 'dev-1' },
      { type: 'anonymous_id', value: 'a1' },
    ]);
    expect(dropped).toBe(1);
  });

  it('take email and phone from context.traits on any call, but not the traits of a group', () => {
    // Prepare
    const track = event({ userId: 'u1', context: { traits: { email: 'ann@example.com' } } });
    const group = event({
      type: 'group',
      userId: 'u1',
      groupId: 'g1',
      traits: { email: 'billing@acme.com' },
    });

    // Act
    const fromTrack = eventIdentifiers(track, rules).identities;
    const fromGroup = eventIdentifiers(group, rules).identities;

    // Assess
    expect(fromTrack).toEqual([
      { type: 'user_id', value: 'u1' },
      { type: 'email', value: 'ann@example.com' },
    ]);
    expect(fromGroup).toEqual([{ type: 'user_id', value: 'u1' }]);
  });

  it('take the trait keys declared as identifiers for the event source, and for every source', () => {
    // Prepare
    const declared = rulesOf({ traitIdentifiers: { crm: ['crm_id'], '*': ['member_id'] } });
    const traits = { crm_id: 'C-7', member_id: 'M-1' };

    // Act
    const fromCrm = eventIdentifiers(
      event({ type: 'identify', userId: 'u1', source: 'crm', traits }),
      declared,
    );
    const fromWeb = eventIdentifiers(event({ type: 'identify', userId: 'u1', traits }), declared);

    // Assess
    expect(fromCrm.identities.map((identity) => identity.type)).toEqual(['user_id', 'crm_id', 'member_id']);
    expect(fromWeb.identities.map((identity) => identity.type)).toEqual(['user_id', 'member_id']);
  });

  it('name hashed externalIds by their encoding and skip types that cannot be names', () => {
    // Prepare
    const hashed = event({
      anonymousId: 'a1',
      context: {
        externalIds: [
          { id: 'ab12', type: 'email', encoding: 'sha256' },
          { id: 'x', type: '9lives' },
          { id: 'ann@example.com', type: 'Email' },
        ],
      },
    });

    // Act
    const { identities, dropped } = eventIdentifiers(hashed, rules);

    // Assess
    expect(identities).toEqual([
      { type: 'email', value: 'ann@example.com' },
      { type: 'email_sha256', value: 'ab12' },
      { type: 'anonymous_id', value: 'a1' },
    ]);
    expect(dropped).toBe(1);
  });

  it('leave out junk values and count them', () => {
    // Act
    const { identities, dropped } = eventIdentifiers(
      event({ userId: 'null', anonymousId: 'a1', context: { traits: { email: 'unknown' } } }),
      rules,
    );

    // Assess
    expect(identities).toEqual([{ type: 'anonymous_id', value: 'a1' }]);
    expect(dropped).toBe(2);
  });

  it("keep an alias's previousId apart, as its type depends on the graph", () => {
    // Act
    const identifiers = eventIdentifiers(event({ type: 'alias', userId: 'u2', previousId: ' a9 ' }), rules);

    // Assess
    expect(identifiers.identities).toEqual([{ type: 'user_id', value: 'u2' }]);
    expect(identifiers.previousId).toBe('a9');
  });

  it('follow the configured priority, with * for the types it does not list', () => {
    // Prepare
    const emailFirst = rulesOf({ priority: ['email', 'anonymous_id', '*'] });

    // Act
    const { identities } = eventIdentifiers(
      event({ userId: 'u1', anonymousId: 'a1', context: { traits: { email: 'ann@example.com' } } }),
      emailFirst,
    );

    // Assess
    expect(identities.map((identity) => identity.type)).toEqual(['email', 'anonymous_id', 'user_id']);
  });

  it(`keep at most ${maxIdentitiesPerEvent} identities, the strongest`, () => {
    // Prepare
    const externalIds = Array.from({ length: 30 }, (_, index) => ({ id: `v${index}`, type: 'ext' }));

    // Act
    const { identities, dropped } = eventIdentifiers(
      event({ userId: 'u1', context: { externalIds } }),
      rules,
    );

    // Assess
    expect(identities).toHaveLength(maxIdentitiesPerEvent);
    expect(identities[0]).toEqual({ type: 'user_id', value: 'u1' });
    expect(dropped).toBe(6);
  });
});
