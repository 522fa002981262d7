/**
 * Landing screens every event of a batch against the suppression list. Reading the entries of each batch's
 * identities would cost a read per new visitor; instead the land function keeps the whole list (digests only,
 * about 100 bytes an entry) for a bounded time. An event that lands within that time after an erasure began
 * is removed again by the erasure's lake pass, which therefore waits until every cached copy has expired
 * (`erasureLakeDelayMs`).
 */
import type { CollectedEvent } from '../events/model.ts';
import { eventIdentifiers } from '../identity/extract.ts';
import { suppressionKey } from '../identity/hashing.ts';
import { lookups } from '../identity/plan.ts';
import type { IdentityRules } from '../identity/rules.ts';
import type { SuppressionSnapshot } from './ports.ts';

/**
 * Whether the event carries an identity whose suppression key is in `keys` (an alias's previousId in both
 * of its readings, as resolution reads it).
 *
 * @example carriesSuppressedIdentity(event({ userId: 'u1' }), new Set([suppressionKey({ type: 'user_id', value: 'u1' })]), rules) // true
 */
export function carriesSuppressedIdentity(
  event: CollectedEvent,
  keys: ReadonlySet<string>,
  rules: IdentityRules,
): boolean {
  if (keys.size === 0) return false;
  return lookups(eventIdentifiers(event, rules)).some((identity) => keys.has(suppressionKey(identity)));
}

/**
 * The list, read again once `ttlMs` have passed since the last read. A failed read rejects (the caller's
 * batch is retried): nothing lands unscreened.
 */
export class CachedSuppressionSnapshot implements SuppressionSnapshot {
  private cached: { keys: ReadonlySet<string>; readAt: number } | undefined;

  constructor(
    private readonly source: SuppressionSnapshot,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async allKeys(): Promise<ReadonlySet<string>> {
    const now = this.now();
    if (this.cached !== undefined && now - this.cached.readAt < this.ttlMs) return this.cached.keys;
    // The time before the read: an entry written while the list is read may be missing from it.
    const keys = await this.source.allKeys();
    this.cached = { keys, readAt: now };
    return keys;
  }
}
