import { describe, expect, it } from 'vitest';
import { CachedSourceRegistry } from '../../../shared/collect/source-cache.ts';
import type { Source, SourceRegistry } from '../../../shared/ports.ts';
import { FakeSourceRegistry, serverSource, webSource } from './fakes.ts';

function clock(start = 0) {
  let now = start;
  return { now: () => now, advance: (milliseconds: number) => (now += milliseconds) };
}

describe('CachedSourceRegistry', () => {
  it('reuses a found source for the time to live, then looks it up again', async () => {
    // Prepare
    const inner = new FakeSourceRegistry();
    const time = clock();
    const cache = new CachedSourceRegistry(inner, { ttlMs: 60_000, now: time.now });

    // Act
    await cache.byWriteKey('wk_web');
    time.advance(59_999);
    const cached = await cache.byWriteKey('wk_web');
    time.advance(1);
    await cache.byWriteKey('wk_web');

    // Assess
    expect(cached).toBe(webSource);
    expect(inner.lookups).toEqual(['wk_web', 'wk_web']);
  });

  it('remembers an unknown key only briefly', async () => {
    // Prepare
    const inner = new FakeSourceRegistry();
    const time = clock();
    const cache = new CachedSourceRegistry(inner, { ttlMs: 60_000, negativeTtlMs: 5_000, now: time.now });

    // Act
    await cache.byWriteKey('wk_nope');
    time.advance(4_999);
    await cache.byWriteKey('wk_nope');
    time.advance(1);
    const again = await cache.byWriteKey('wk_nope');

    // Assess
    expect(again).toBeUndefined();
    expect(inner.lookups).toEqual(['wk_nope', 'wk_nope']);
  });

  it('shares one lookup between concurrent requests for a key', async () => {
    // Prepare
    const inner = new FakeSourceRegistry();
    const cache = new CachedSourceRegistry(inner);

    // Act
    const sources = await Promise.all([cache.byWriteKey('wk_server'), cache.byWriteKey('wk_server')]);

    // Assess
    expect(sources).toEqual([serverSource, serverSource]);
    expect(inner.lookups).toEqual(['wk_server']);
  });

  it('does not cache a failed lookup', async () => {
    // Prepare
    let calls = 0;
    const flaky: SourceRegistry = {
      async byWriteKey(): Promise<Source | undefined> {
        calls += 1;
        if (calls === 1) throw new Error('throttled');
        return webSource;
      },
    };
    const cache = new CachedSourceRegistry(flaky);

    // Act
    const first = cache.byWriteKey('wk_web');
    await expect(first).rejects.toThrow('throttled');
    const second = await cache.byWriteKey('wk_web');

    // Assess
    expect(second).toBe(webSource);
    expect(calls).toBe(2);
  });

  it('forgets the oldest keys beyond its bound', async () => {
    // Prepare
    const inner = new FakeSourceRegistry();
    const cache = new CachedSourceRegistry(inner, { maxEntries: 2 });

    // Act
    await cache.byWriteKey('k1');
    await cache.byWriteKey('k2');
    await cache.byWriteKey('k3');
    await cache.byWriteKey('k2');
    await cache.byWriteKey('k1');

    // Assess: k2 was still cached; k1 had been evicted by k3.
    expect(inner.lookups).toEqual(['k1', 'k2', 'k3', 'k1']);
  });
});
