import { describe, expect, it } from 'vitest';
import { applyEvent } from '../../../shared/profiles/apply.ts';
import { mergeProfiles } from '../../../shared/profiles/merge.ts';
import { emptyProfile, type LiveProfile } from '../../../shared/profiles/model.ts';
import { profileView } from '../../../shared/profiles/view.ts';
import { event, rulesOf } from './fixtures.ts';

const rules = rulesOf({ traitPrecedence: ['crm'] });
const at = (iso: string) => Date.parse(iso);

function profileWith(...events: Parameters<typeof event>[0][]): LiveProfile {
  const profile = emptyProfile('p1', 0);
  for (const overrides of events) applyEvent(profile, event(overrides), rules);
  return profile;
}

describe('a profile', () => {
  it('counts events per channel and per name, with first and last seen by event time', () => {
    // Act
    const profile = profileWith(
      { timestamp: '2026-11-22T10:00:00.000Z' },
      { timestamp: '2026-11-20T08:00:00.000Z', event: 'Signed Up' },
      { type: 'page', event: undefined, name: 'Home', channel: 'app', timestamp: '2026-11-23T00:00:00.000Z' },
    );

    // Assess
    expect(profile.channels).toEqual({
      web: { first: at('2026-11-20T08:00:00.000Z'), last: at('2026-11-22T10:00:00.000Z'), count: 2 },
      app: { first: at('2026-11-23T00:00:00.000Z'), last: at('2026-11-23T00:00:00.000Z'), count: 1 },
    });
    expect(profile.eventCounts).toEqual({ 'Product Viewed': 1, 'Signed Up': 1 });
    expect(profile.typeCounts).toEqual({ track: 2, page: 1 });
  });

  it('sums orders from revenue, else total, with the first and last order date', () => {
    // Act
    const profile = profileWith(
      {
        event: 'Order Completed',
        properties: { revenue: 42.5, total: 50 },
        timestamp: '2026-11-22T10:00:00.000Z',
      },
      { event: 'Order Completed', properties: { total: 10.1 }, timestamp: '2026-11-01T10:00:00.000Z' },
      { event: 'Order Completed', properties: { revenue: 'lots' }, timestamp: '2026-11-05T10:00:00.000Z' },
    );

    // Assess
    expect(profile.orders).toEqual({
      count: 3,
      revenue: 52.6,
      first: at('2026-11-01T10:00:00.000Z'),
      last: at('2026-11-22T10:00:00.000Z'),
    });
  });

  it('keeps the trait of the latest event time, whatever the arrival order', () => {
    // Act
    const profile = profileWith(
      { type: 'identify', traits: { plan: 'pro' }, timestamp: '2026-11-22T10:00:00.000Z' },
      { type: 'identify', traits: { plan: 'free' }, timestamp: '2026-11-21T10:00:00.000Z' },
      { context: { traits: { city: 'Lyon' } }, timestamp: '2026-11-20T10:00:00.000Z' },
    );

    // Assess
    expect(profileView(profile, rules).traits).toEqual({ plan: 'pro', city: 'Lyon' });
  });

  it('lets a source with precedence win over later values of other sources', () => {
    // Act
    const profile = profileWith(
      {
        type: 'identify',
        source: 'crm',
        traits: { name: 'Ann Smith' },
        timestamp: '2026-11-01T00:00:00.000Z',
      },
      { type: 'identify', traits: { name: 'annie' }, timestamp: '2026-11-22T00:00:00.000Z' },
    );

    // Assess
    expect(profile.traits.name?.value).toBe('Ann Smith');
  });

  it('keeps consent by purpose, latest by event time', () => {
    // Act
    const profile = profileWith(
      {
        context: { consent: { categoryPreferences: { Advertising: false, Analytics: true } } },
        timestamp: '2026-11-22T00:00:00.000Z',
      },
      {
        context: { consent: { categoryPreferences: { Advertising: true } } },
        timestamp: '2026-11-01T00:00:00.000Z',
      },
    );

    // Assess
    expect(profileView(profile, rules).consent).toEqual({
      Advertising: { granted: false, updatedAt: '2026-11-22T00:00:00.000Z' },
      Analytics: { granted: true, updatedAt: '2026-11-22T00:00:00.000Z' },
    });
  });

  it('keeps no empty name, which the table could not store', () => {
    // Act
    const profile = profileWith({
      type: 'identify',
      traits: { '': 'x', plan: 'pro' },
      context: { consent: { categoryPreferences: { '': true } } },
    });
    applyEvent(profile, event({ event: '' }), rules);

    // Assess
    expect(Object.keys(profile.traits)).toEqual(['plan']);
    expect(profile.consent).toEqual({});
    expect(profile.eventCounts).toEqual({});
  });

  it('adds up with another profile of the same person in a merge', () => {
    // Prepare
    const survivor = profileWith({ event: 'Order Completed', properties: { revenue: 10 } });
    survivor.identities = { anonymous_id: ['a1'] };
    survivor.seq = { s1: '00005' };
    const loser = emptyProfile('p2', 1);
    applyEvent(loser, event({ event: 'Order Completed', properties: { revenue: 5 }, channel: 'app' }), rules);
    loser.identities = { anonymous_id: ['a2'], user_id: ['u1'] };
    loser.seq = { s1: '00009', s2: '00001' };

    // Act
    mergeProfiles(survivor, loser, rules);

    // Assess
    expect(survivor.identities).toEqual({ anonymous_id: ['a1', 'a2'], user_id: ['u1'] });
    expect(survivor.orders.count).toBe(2);
    expect(survivor.orders.revenue).toBe(15);
    expect(Object.keys(survivor.channels).sort()).toEqual(['app', 'web']);
    // Marks hold for the union only up to the lower one; a shard only one side has a mark for is unknown.
    expect(survivor.seq).toEqual({ s1: '00005' });
    expect(survivor.merged).toEqual(['p2']);
  });

  it('is shown with ISO times, the identities as a list and an empty place for scores', () => {
    // Prepare
    const profile = profileWith({ timestamp: '2026-11-22T10:00:00.000Z' });
    profile.identities = { anonymous_id: ['a1'], user_id: ['u1'] };

    // Act
    const view = profileView(profile, rules);

    // Assess
    expect(view).toMatchObject({
      profileId: 'p1',
      identities: [
        { type: 'user_id', value: 'u1' },
        { type: 'anonymous_id', value: 'a1' },
      ],
      firstSeen: '2026-11-22T10:00:00.000Z',
      lastSeen: '2026-11-22T10:00:00.000Z',
      events: { total: 1, byName: { 'Product Viewed': 1 }, byType: { track: 1 } },
      orders: { count: 0, revenue: 0 },
      scores: {},
    });
  });
});
