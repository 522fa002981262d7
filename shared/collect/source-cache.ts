/** A short-lived cache in front of a source registry, so the hot path does not look every request up. */
import type { Source, SourceRegistry } from '../ports.ts';

export interface SourceCacheOptions {
  /** How long a found source is reused. @default 60_000 */
  readonly ttlMs?: number;
  /** How long "no such key" is reused: short, so a newly created key works soon. @default 5_000 */
  readonly negativeTtlMs?: number;
  /** Bound on remembered keys, so a stream of random keys cannot grow memory. @default 1_000 */
  readonly maxEntries?: number;
  /** Clock in milliseconds; injectable for tests. @default Date.now */
  readonly now?: () => number;
}

interface Entry {
  readonly lookup: Promise<Source | undefined>;
  /** `Infinity` while the lookup is in flight: concurrent requests for one key share it. */
  expiresAt: number;
}

/**
 * Wraps a registry with a time-bounded cache. Failed lookups are not cached, so the next request retries.
 *
 * @example const sources = new CachedSourceRegistry(new DynamoDbSourceRegistry(...), { ttlMs: 60_000 });
 */
export class CachedSourceRegistry implements SourceRegistry {
  readonly #inner: SourceRegistry;
  readonly #ttlMs: number;
  readonly #negativeTtlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();

  constructor(inner: SourceRegistry, options: SourceCacheOptions = {}) {
    this.#inner = inner;
    this.#ttlMs = options.ttlMs ?? 60_000;
    this.#negativeTtlMs = options.negativeTtlMs ?? 5_000;
    this.#maxEntries = Math.max(1, options.maxEntries ?? 1_000);
    this.#now = options.now ?? Date.now;
  }

  byWriteKey(writeKey: string): Promise<Source | undefined> {
    const cached = this.#entries.get(writeKey);
    if (cached !== undefined && cached.expiresAt > this.#now()) return cached.lookup;
    this.#entries.delete(writeKey);
    const entry: Entry = { lookup: this.#inner.byWriteKey(writeKey), expiresAt: Number.POSITIVE_INFINITY };
    this.#remember(writeKey, entry);
    entry.lookup.then(
      (source) => {
        entry.expiresAt = this.#now() + (source === undefined ? this.#negativeTtlMs : this.#ttlMs);
      },
      () => {
        if (this.#entries.get(writeKey) === entry) this.#entries.delete(writeKey);
      },
    );
    return entry.lookup;
  }

  #remember(writeKey: string, entry: Entry): void {
    this.#entries.set(writeKey, entry);
    // A Map iterates in insertion order: the first key is the least recently (re)loaded.
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
  }
}
