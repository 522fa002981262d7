/**
 * Realistic collector traffic: half the requests as @segment/analytics-node 3.x posts them (`/v1/batch`, Basic
 * auth, JSON), half as analytics.js 2.0's batched dispatcher does (`/v1/b`, write key in the body, text/plain,
 * an Origin), with the fields those libraries put on every event. Seeded, so runs compare like with like;
 * every event gets a fresh messageId, so the lake keeps each one.
 */
import { Buffer } from 'node:buffer';
import { mulberry32 } from './stats.ts';

export interface WriteKeys {
  /** Key of a server-side source (analytics-node authenticates with it). */
  readonly server: string;
  /** Key of a web source whose allowed origins include `pageOrigin`. */
  readonly web: string;
}

export interface BenchRequest {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly events: number;
}

export const pageOrigin = 'https://shop.example.com';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const userAgents = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:132.0) Gecko/20100101 Firefox/132.0',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36',
];
const campaigns = [
  '?utm_source=newsletter&utm_medium=email&utm_campaign=black_friday&utm_content=hero',
  '?utm_source=google&utm_medium=cpc&utm_campaign=brand&utm_term=running+shoes',
  '?utm_source=facebook&utm_medium=paid_social&utm_campaign=retargeting',
  '',
  '',
];
const referrers = [
  'https://www.google.com/',
  'https://www.facebook.com/',
  '',
  'https://news.example.org/article',
];
const categories = ['shoes', 'apparel', 'accessories', 'outdoor'];
const serverEvents = ['Order Completed', 'Subscription Renewed', 'Payment Succeeded'];
const browserEvents = ['Product Viewed', 'Product Added', 'Checkout Started'];

/** Generates requests of a given number of events, alternating server-side and browser-side senders. */
export class SegmentTraffic {
  readonly #random: () => number;
  readonly #keys: WriteKeys;
  readonly #now: () => number;
  #requests = 0;

  constructor(keys: WriteKeys, seed = 1, now: () => number = Date.now) {
    this.#random = mulberry32(seed);
    this.#keys = keys;
    this.#now = now;
  }

  next(eventsPerRequest: number): BenchRequest {
    this.#requests += 1;
    return this.#requests % 2 === 1
      ? this.#serverRequest(eventsPerRequest)
      : this.#browserRequest(eventsPerRequest);
  }

  #serverRequest(size: number): BenchRequest {
    const batch = Array.from({ length: size }, () => this.#serverEvent());
    return {
      path: '/v1/batch',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'analytics-node-next/latest',
        authorization: `Basic ${Buffer.from(`${this.#keys.server}:`).toString('base64')}`,
      },
      body: JSON.stringify({ batch, writeKey: this.#keys.server, sentAt: this.#iso(0) }),
      events: size,
    };
  }

  #browserRequest(size: number): BenchRequest {
    const userAgent = this.#pick(userAgents);
    const anonymousId = this.#uuid();
    const batch = Array.from({ length: size }, () => this.#browserEvent(anonymousId, userAgent));
    return {
      path: '/v1/b',
      headers: { 'content-type': 'text/plain', origin: pageOrigin, 'user-agent': userAgent },
      body: JSON.stringify({ writeKey: this.#keys.web, batch, sentAt: this.#iso(0) }),
      events: size,
    };
  }

  /** What analytics-node's EventFactory and Segment.io plugin put on a track or identify call. */
  #serverEvent(): Json {
    const userId = `user-${String(this.#int(1, 50_000)).padStart(6, '0')}`;
    const common = {
      userId,
      messageId: `node-next-${this.#now()}-${this.#uuid()}`,
      timestamp: this.#iso(this.#int(0, 5_000)),
      context: { library: { name: '@segment/analytics-node', version: '3.1.0' } },
      integrations: {},
      _metadata: { nodeVersion: '20.19.0', jsRuntime: 'node' },
    };
    if (this.#random() < 0.2) {
      return {
        type: 'identify',
        traits: {
          email: `${userId}@example.com`,
          first_name: 'Ann',
          last_name: 'Example',
          plan: this.#pick(['free', 'pro', 'business']),
          company: 'Acme GmbH',
          country: 'DE',
          created_at: this.#iso(86_400_000 * this.#int(1, 900)),
          logins: this.#int(1, 300),
        },
        ...common,
      };
    }
    const total = this.#int(1_000, 40_000) / 100;
    return {
      type: 'track',
      event: this.#pick(serverEvents),
      properties: {
        order_id: `ord-${this.#int(100_000, 999_999)}`,
        total,
        revenue: Math.round(total * 84) / 100,
        tax: Math.round(total * 16) / 100,
        shipping: 4.9,
        discount: 0,
        coupon: this.#random() < 0.3 ? 'WINTER10' : null,
        currency: 'EUR',
        payment_method: this.#pick(['card', 'paypal', 'invoice']),
        products: this.#int(1, 4),
      },
      ...common,
    };
  }

  /** What analytics.js 2.0 sends from a product page: a page view or a track with the page in the context. */
  #browserEvent(anonymousId: string, userAgent: string): Json {
    const sku = `sku-${this.#int(1_000, 9_999)}`;
    const search = this.#pick(campaigns);
    const url = `${pageOrigin}/products/${sku}${search}`;
    const referrer = this.#pick(referrers);
    const page = { path: `/products/${sku}`, referrer, search, title: `Trail Runner ${sku} | Shop`, url };
    const common = {
      anonymousId,
      messageId: `ajs-next-${this.#now()}-${this.#uuid()}`,
      timestamp: this.#iso(this.#int(0, 2_000)),
      context: {
        page,
        userAgent,
        locale: 'en-US',
        timezone: 'Europe/Berlin',
        library: { name: 'analytics.js', version: 'npm:next-1.77.0' },
      },
      integrations: {},
      writeKey: this.#keys.web,
      _metadata: { bundled: ['Segment.io'], unbundled: [], bundledIds: [] },
    };
    if (this.#random() < 0.4)
      return { type: 'page', properties: { ...page, category: 'product' }, ...common };
    const price = this.#int(1_990, 19_990) / 100;
    return {
      type: 'track',
      event: this.#pick(browserEvents),
      properties: {
        product_id: sku,
        sku,
        category: this.#pick(categories),
        name: `Trail Runner ${sku}`,
        brand: 'Acme',
        variant: this.#pick(['black', 'blue', 'red']),
        price,
        quantity: this.#int(1, 3),
        currency: 'EUR',
        position: this.#int(1, 24),
        url,
      },
      ...common,
    };
  }

  #iso(msAgo: number): string {
    return new Date(this.#now() - msAgo).toISOString();
  }

  #int(min: number, max: number): number {
    return min + Math.floor(this.#random() * (max - min + 1));
  }

  #pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.#random() * items.length)] as T;
  }

  #uuid(): string {
    const hex = Array.from({ length: 32 }, () => Math.floor(this.#random() * 16).toString(16)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
  }
}
