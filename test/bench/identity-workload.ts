/**
 * A seeded identity-resolution workload: people browsing in sessions of 10–30 events (pages and product
 * events), a fifth of them logging in (an identify with their user id and email after some anonymous events),
 * some of those coming back on a second device and logging in there too, some ordering. Events are laid out in
 * time, so that the stream carries them interleaved as live traffic does; how far apart a person's events are
 * (`meanGapSeconds`) decides how many of them share one resolve batch, and so what a batch costs per event.
 *
 * The same workload feeds the resolver directly (`collectedEvent` → cdp.event/1 envelopes) and the HTTP
 * collector (`segmentMessage`).
 */

import { createHash } from 'node:crypto';
import type { CollectedEvent, Json, JsonObject } from '../../shared/events/model.ts';
import { mulberry32 } from './stats.ts';

/** The fixed shape of every workload: what a session holds and how often people log in, switch device, buy. */
export const workloadShape = {
  sessionEvents: { min: 10, max: 30 },
  /** Share of people who log in during their first session. */
  loginShare: 0.2,
  /** Share of the people logging in who come back on a second device (and log in there). */
  secondDeviceShare: 0.3,
  /** Share of the people logging in who complete an order at the end of their first session. */
  orderShare: 0.5,
  /** Share of a session's other events that are page views; the rest are product events. */
  pageShare: 0.5,
} as const;

export interface IdentityWorkloadOptions {
  readonly people: number;
  readonly seed: number;
  /** Epoch ms at which the first session may start. */
  readonly startMs: number;
  /** People start their first session uniformly over this many seconds. */
  readonly arrivalSeconds: number;
  /**
   * Mean seconds between two events of a session (exponentially distributed). 0 makes each session one burst,
   * its events 1 ms apart, as when a device flushes a queued session or a server replays one.
   */
  readonly meanGapSeconds: number;
  /** Prefix of every id, so that workloads sharing a table never share a person. */
  readonly idPrefix: string;
}

export interface WorkloadSession {
  /** The anonymousId of the device. */
  readonly device: string;
  readonly events: number;
  /** Index of the session's identify (the login), when it has one. */
  readonly loginAt?: number;
}

export interface WorkloadPerson {
  readonly index: number;
  readonly userId?: string;
  readonly email?: string;
  readonly orders: boolean;
  readonly sessions: readonly WorkloadSession[];
}

export interface WorkloadEvent {
  /** Index of the person in `IdentityWorkload.people`. */
  readonly person: number;
  readonly session: number;
  /** Event time, epoch ms; the stream carries events in this order. */
  readonly atMs: number;
  readonly type: 'page' | 'track' | 'identify';
  readonly messageId: string;
  readonly anonymousId: string;
  readonly userId?: string;
  readonly event?: string;
  readonly name?: string;
  readonly properties?: JsonObject;
  readonly traits?: JsonObject;
}

export interface IdentityWorkload {
  readonly people: readonly WorkloadPerson[];
  /** Every event of every person, by time (ties in the order generated). */
  readonly events: readonly WorkloadEvent[];
}

const productEvents = ['Product Viewed', 'Product Added', 'Products Searched', 'Checkout Started'];
const pages = ['Home', 'Category', 'Product', 'Cart', 'Search'];

/** Generates a workload; the same options give the same workload. */
export function identityWorkload(options: IdentityWorkloadOptions): IdentityWorkload {
  const random = mulberry32(options.seed);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const { sessionEvents, loginShare, secondDeviceShare, orderShare, pageShare } = workloadShape;
  const sessionLength = () => int(sessionEvents.min, sessionEvents.max);
  const gapMs = () =>
    options.meanGapSeconds > 0 ? -Math.log(1 - random()) * options.meanGapSeconds * 1000 : 1;

  const people: WorkloadPerson[] = [];
  const generated: WorkloadEvent[] = [];
  let messages = 0;
  for (let index = 0; index < options.people; index += 1) {
    const id = `${options.idPrefix}-${String(index).padStart(6, '0')}`;
    const email = `${id}@example.com`;
    const logsIn = random() < loginShare;
    const secondDevice = logsIn && random() < secondDeviceShare;
    const orders = logsIn && random() < orderShare;
    const first = sessionLength();
    const sessions: WorkloadSession[] = [
      {
        device: `${id}-a1`,
        events: first,
        ...(logsIn ? { loginAt: int(2, first - 2) } : {}),
      },
    ];
    if (secondDevice) {
      const events = sessionLength();
      sessions.push({ device: `${id}-a2`, events, loginAt: int(1, events - 2) });
    }
    const person: WorkloadPerson = {
      index,
      ...(logsIn ? { userId: `${id}-u`, email } : {}),
      orders,
      sessions,
    };
    people.push(person);

    let atMs = options.startMs + random() * options.arrivalSeconds * 1000;
    sessions.forEach((session, sessionIndex) => {
      // The second device comes back after a pause as long as a few sessions.
      if (sessionIndex > 0) atMs += 40 * gapMs() + 1;
      for (let position = 0; position < session.events; position += 1) {
        if (position > 0) atMs += gapMs();
        const loggedIn = session.loginAt !== undefined && position >= session.loginAt;
        const common = {
          person: index,
          session: sessionIndex,
          atMs: Math.round(atMs),
          messageId: messageIdOf(options.idPrefix, messages++),
          anonymousId: session.device,
          ...(loggedIn && person.userId ? { userId: person.userId } : {}),
        };
        if (position === session.loginAt) {
          generated.push({
            ...common,
            type: 'identify',
            // The first login names the person; the second device's only says who it is.
            traits: sessionIndex === 0 ? { email, first_name: 'Ann' } : {},
          });
        } else if (orders && sessionIndex === 0 && position === session.events - 1) {
          const revenue = int(1_000, 20_000) / 100;
          generated.push({
            ...common,
            type: 'track',
            event: 'Order Completed',
            properties: { order_id: `${id}-o1`, revenue, currency: 'EUR' },
          });
        } else if (position === 0 || random() < pageShare) {
          generated.push({ ...common, type: 'page', name: pick(random, pages) });
        } else {
          generated.push({
            ...common,
            type: 'track',
            event: pick(random, productEvents),
            properties: { product_id: `sku-${int(1_000, 9_999)}`, price: int(990, 19_990) / 100 },
          });
        }
      }
    });
  }
  // A stable sort keeps a person's events of the same millisecond in the order they happened.
  const events = [...generated].sort((a, b) => a.atMs - b.atMs);
  return { people, events };
}

/** The event as a Segment client sends it (analytics.js fields; no sentAt, so its time is taken as sent). */
export function segmentMessage(event: WorkloadEvent): JsonObject {
  const { type, messageId, anonymousId, userId, event: name, name: pageName, properties, traits } = event;
  const message: Record<string, Json> = {
    type,
    messageId,
    anonymousId,
    timestamp: new Date(event.atMs).toISOString(),
    context: libraryContext(),
  };
  if (userId !== undefined) message.userId = userId;
  if (name !== undefined) message.event = name;
  if (pageName !== undefined) message.name = pageName;
  if (properties !== undefined) message.properties = properties;
  if (traits !== undefined) message.traits = traits;
  return message;
}

/** The event as the collector puts it on the stream: received when it happened, from a web source. */
export function collectedEvent(event: WorkloadEvent, source = 'website'): CollectedEvent {
  const { type, messageId, anonymousId, userId, event: name, name: pageName, properties, traits } = event;
  const timestamp = new Date(event.atMs).toISOString();
  return {
    type,
    messageId,
    anonymousId,
    ...(userId === undefined ? {} : { userId }),
    ...(name === undefined ? {} : { event: name }),
    ...(pageName === undefined ? {} : { name: pageName }),
    ...(properties === undefined ? {} : { properties }),
    ...(traits === undefined ? {} : { traits }),
    context: libraryContext(),
    timestamp,
    originalTimestamp: timestamp,
    receivedAt: timestamp,
    source,
    channel: 'web',
    enrichment: {},
  };
}

function libraryContext(): JsonObject {
  return { library: { name: 'analytics.js', version: 'npm:next-1.77.0' }, locale: 'en-US' };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/**
 * A messageId as random-looking as a client's (analytics.js: `ajs-next-` and 32 hex digits), so that what is
 * stored per event — recent-events items are compressed — is not flattered by sequential ids; derived from the
 * prefix and the counter, so the workload stays the same for the same seed.
 */
function messageIdOf(prefix: string, index: number): string {
  return `${prefix}-${createHash('sha256').update(`${prefix}/${index}`).digest('hex').slice(0, 32)}`;
}
