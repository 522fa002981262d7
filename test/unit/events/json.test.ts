import { describe, expect, it } from 'vitest';
import { canonicalJson, deepMerge, jsonByteLength } from '../../../shared/events/json.ts';

describe('deepMerge', () => {
  it('merges nested objects and lets the second argument win conflicts', () => {
    // Prepare
    const batch = { app: { name: 'shop', version: '1.0' }, locale: 'en-GB', library: { name: 'curl' } };
    const item = { app: { version: '2.0' }, locale: 'de-DE', page: { path: '/' } };

    // Act
    const merged = deepMerge(batch, item);

    // Assess
    expect(merged).toEqual({
      app: { name: 'shop', version: '2.0' },
      locale: 'de-DE',
      library: { name: 'curl' },
      page: { path: '/' },
    });
  });

  it('replaces an object by a non-object value and leaves both inputs unchanged', () => {
    // Prepare
    const base = { traits: { plan: 'pro' } };
    const over = { traits: null };

    // Act
    const merged = deepMerge(base, over);

    // Assess
    expect(merged).toEqual({ traits: null });
    expect(base).toEqual({ traits: { plan: 'pro' } });
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    // Act
    const text = canonicalJson({ b: 1, a: [{ d: 2, c: 3 }, 0] });

    // Assess
    expect(text).toBe('{"a":[{"c":3,"d":2},0],"b":1}');
  });
});

describe('jsonByteLength', () => {
  it('counts UTF-8 bytes of the compact JSON', () => {
    // Act: {"a":"é"} is 9 characters, é takes two bytes.
    const size = jsonByteLength({ a: 'é' });

    // Assess
    expect(size).toBe(10);
  });
});
