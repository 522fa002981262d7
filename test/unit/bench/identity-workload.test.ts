import { describe, expect, it } from 'vitest';
import { encodeEnvelope } from '../../../shared/events/envelope.ts';
import { decodeEnvelope } from '../../../shared/lake/envelope.ts';
import {
  collectedEvent,
  type IdentityWorkloadOptions,
  identityWorkload,
  segmentMessage,
  type WorkloadEvent,
  workloadShape,
} from '../../bench/identity-workload.ts';

const options: IdentityWorkloadOptions = {
  people: 2_000,
  seed: 42,
  startMs: Date.parse('2026-11-20T10:00:00.000Z'),
  arrivalSeconds: 60,
  meanGapSeconds: 15,
  idPrefix: 't',
};

/** Within `sds` binomial standard deviations of `n × p` successes. */
function withinBinomial(successes: number, n: number, p: number, sds = 4): boolean {
  return Math.abs(successes - n * p) <= sds * Math.sqrt(n * p * (1 - p));
}

function sessionEvents(events: readonly WorkloadEvent[], person: number, session: number): WorkloadEvent[] {
  return events.filter((event) => event.person === person && event.session === session);
}

describe('the identity-resolution workload', () => {
  it('lets about a fifth of the people log in', () => {
    // Act
    const { people } = identityWorkload(options);

    // Assess: 2,000 Bernoulli(0.2) draws have sd √(2,000 × 0.2 × 0.8) ≈ 17.9, so 400 ± 72 at 4 sd.
    const loggingIn = people.filter((person) => person.userId !== undefined).length;
    expect(withinBinomial(loggingIn, people.length, workloadShape.loginShare)).toBe(true);
    expect(loggingIn).toBeGreaterThan(0);
  });

  it('makes every session 10 to 30 events long and carries every event of it', () => {
    // Act
    const { people, events } = identityWorkload(options);

    // Assess
    const lengths = people.flatMap((person) => person.sessions.map((session) => session.events));
    expect(Math.min(...lengths)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(30);
    expect(events).toHaveLength(lengths.reduce((total, length) => total + length, 0));
    for (const person of people.slice(0, 50)) {
      person.sessions.forEach((session, index) => {
        expect(sessionEvents(events, person.index, index)).toHaveLength(session.events);
      });
    }
  });

  it('logs a person in with an identify of user id and email after anonymous events', () => {
    // Prepare
    const { people, events } = identityWorkload(options);
    const person = people.find((candidate) => candidate.userId !== undefined);
    if (person === undefined) throw new Error('no one logs in');
    const [first] = person.sessions;

    // Act
    const session = sessionEvents(events, person.index, 0);

    // Assess
    const loginAt = first?.loginAt ?? -1;
    expect(loginAt).toBeGreaterThanOrEqual(2);
    expect(session[loginAt]).toMatchObject({
      type: 'identify',
      userId: person.userId,
      anonymousId: first?.device,
      traits: { email: person.email },
    });
    expect(session.slice(0, loginAt).every((event) => event.userId === undefined)).toBe(true);
    expect(session.slice(loginAt).every((event) => event.userId === person.userId)).toBe(true);
  });

  it('brings some of the people logging in back on a second device under the same user id', () => {
    // Act
    const { people, events } = identityWorkload(options);

    // Assess: of about 400 logging in, 30 % ± 4 sd (√(400 × 0.3 × 0.7) ≈ 9.2).
    const loggingIn = people.filter((person) => person.userId !== undefined);
    const twoDevices = loggingIn.filter((person) => person.sessions.length === 2);
    expect(withinBinomial(twoDevices.length, loggingIn.length, workloadShape.secondDeviceShare)).toBe(true);
    const [person] = twoDevices;
    if (person === undefined) throw new Error('no one has a second device');
    const second = sessionEvents(events, person.index, 1);
    expect(new Set(second.map((event) => event.anonymousId))).toEqual(new Set([person.sessions[1]?.device]));
    expect(person.sessions[1]?.device).not.toBe(person.sessions[0]?.device);
    expect(second.find((event) => event.type === 'identify')?.userId).toBe(person.userId);
    // Only people who log in have a second device.
    expect(people.every((candidate) => candidate.sessions.length === 1 || candidate.userId)).toBe(true);
  });

  it('ends the first session of a person who orders with an Order Completed', () => {
    // Act
    const { people, events } = identityWorkload(options);

    // Assess
    const buyers = people.filter((person) => person.orders);
    expect(buyers.length).toBeGreaterThan(0);
    for (const person of buyers.slice(0, 20)) {
      const last = sessionEvents(events, person.index, 0).at(-1);
      expect(last).toMatchObject({ type: 'track', event: 'Order Completed', userId: person.userId });
    }
    expect(
      events
        .filter((event) => event.event === 'Order Completed')
        .every((event) => people[event.person]?.orders),
    ).toBe(true);
  });

  it('carries the events in time order', () => {
    // Act
    const { events } = identityWorkload(options);

    // Assess
    expect(events.every((event, index) => index === 0 || (events[index - 1]?.atMs ?? 0) <= event.atMs)).toBe(
      true,
    );
  });

  it('sends a session as one burst, 1 ms apart, when the gap is 0', () => {
    // Act
    const { events } = identityWorkload({ ...options, people: 20, meanGapSeconds: 0 });

    // Assess
    const session = sessionEvents(events, 0, 0);
    expect(session.slice(1).map((event, index) => event.atMs - (session[index]?.atMs ?? 0))).toEqual(
      Array.from({ length: session.length - 1 }, () => 1),
    );
  });

  it('gives the same workload for the same seed and another for another seed', () => {
    // Act
    const once = identityWorkload({ ...options, people: 200 });
    const again = identityWorkload({ ...options, people: 200 });
    const other = identityWorkload({ ...options, people: 200, seed: 43 });

    // Assess
    expect(again).toEqual(once);
    expect(other.events.map((event) => event.messageId)).not.toEqual(
      once.events.map((event) => event.messageId),
    );
  });

  it('encodes events as envelopes the lake and the resolver decode, and as Segment messages', () => {
    // Prepare
    const { events } = identityWorkload({ ...options, people: 50 });
    const identify = events.find((event) => event.type === 'identify');
    if (identify === undefined) throw new Error('no identify');

    // Act
    const envelope = decodeEnvelope(
      encodeEnvelope({ schema: 'cdp.event/1', event: collectedEvent(identify) }),
    );
    const message = segmentMessage(identify);

    // Assess
    expect(envelope).toMatchObject({
      schema: 'cdp.event/1',
      event: {
        type: 'identify',
        messageId: identify.messageId,
        userId: identify.userId,
        anonymousId: identify.anonymousId,
        timestamp: new Date(identify.atMs).toISOString(),
        channel: 'web',
      },
    });
    expect(message).toMatchObject({
      type: 'identify',
      messageId: identify.messageId,
      userId: identify.userId,
      traits: identify.traits,
    });
  });
});
