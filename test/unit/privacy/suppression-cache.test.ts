import { describe, expect, it } from 'vitest';
import { suppressionKey } from '../../../shared/identity/hashing.ts';
import {
  CachedSuppressionSnapshot,
  carriesSuppressedIdentity,
} from '../../../shared/privacy/suppression-cache.ts';
import { erasureLakeDelayMs, suppressionCacheMs } from '../../../shared/privacy/timing.ts';
import { event, rulesOf } from '../identity/fixtures.ts';

const rules = rulesOf();

describe('carriesSuppressedIdentity', () => {
  it('finds an identity of the event among the keys, normalised as resolution reads it', () => {
    // Prepare
    const keys = new Set([suppressionKey({ type: 'email', value: 'ann@example.com' })]);

    // Act / Assess
    expect(
      carriesSuppressedIdentity(
        event({ anonymousId: 'a1', context: { traits: { email: ' ANN@example.com' } } }),
        keys,
        rules,
      ),
    ).toBe(true);
    expect(carriesSuppressedIdentity(event({ anonymousId: 'a1' }), keys, rules)).toBe(false);
  });

  it("reads an alias's previousId both as a user id and as an anonymous id", () => {
    // Prepare
    const keys = new Set([suppressionKey({ type: 'user_id', value: 'u-old' })]);

    // Act / Assess
    expect(
      carriesSuppressedIdentity(event({ type: 'alias', userId: 'u-new', previousId: 'u-old' }), keys, rules),
    ).toBe(true);
  });
});

describe('CachedSuppressionSnapshot', () => {
  it('reads the list again only once the time to live has passed', async () => {
    // Prepare
    let reads = 0;
    let clock = 0;
    const cache = new CachedSuppressionSnapshot(
      {
        allKeys: async () => {
          reads += 1;
          return new Set([`k${reads}`]);
        },
      },
      60_000,
      () => clock,
    );

    // Act
    const first = await cache.allKeys();
    clock = 59_999;
    const cached = await cache.allKeys();
    clock = 60_000;
    const fresh = await cache.allKeys();

    // Assess
    expect([...first, ...cached, ...fresh]).toEqual(['k1', 'k1', 'k2']);
  });
});

describe('erasure timing', () => {
  it('waits by default the cache time, the land timeout and a minute', () => {
    // Act / Assess: (60 + 120 + 60) s.
    expect(erasureLakeDelayMs(120, {})).toBe(240_000);
    expect(erasureLakeDelayMs(120, { CDP_SUPPRESSION_CACHE_SECONDS: '0' })).toBe(180_000);
    expect(erasureLakeDelayMs(120, { CDP_ERASURE_LAKE_DELAY_SECONDS: '0' })).toBe(0);
    expect(suppressionCacheMs({})).toBe(60_000);
    expect(() => suppressionCacheMs({ CDP_SUPPRESSION_CACHE_SECONDS: 'soon' })).toThrow('must be a number');
  });
});
