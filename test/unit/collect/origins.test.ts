import { describe, expect, it } from 'vitest';
import { isOriginAllowed } from '../../../shared/collect/origins.ts';
import type { Source } from '../../../shared/ports.ts';

const source = (allowedOrigins: string[]): Source => ({
  name: 's',
  channel: 'web',
  writeKey: 'k',
  allowedOrigins,
});

describe('isOriginAllowed', () => {
  it.each([
    [['https://shop.example.com'], 'https://shop.example.com', true],
    [['https://shop.example.com/'], 'https://shop.example.com', true],
    [['https://Shop.Example.com'], 'https://shop.example.com', true],
    [['https://shop.example.com:443'], 'https://shop.example.com', true],
    [['https://shop.example.com'], 'http://shop.example.com', false],
    [['https://shop.example.com'], 'https://shop.example.com:8443', false],
    [['https://shop.example.com'], 'https://evil.example', false],
    [['https://shop.example.com'], 'null', false],
    [['*'], 'https://anything.example', true],
    [['*'], 'null', true],
    [[], 'https://shop.example.com', false],
    [[], undefined, true],
    [['https://shop.example.com'], undefined, true],
  ])('with %j allows %j: %s', (allowed, origin, expected) => {
    // Act
    const allowedHere = isOriginAllowed(source(allowed), origin);

    // Assess
    expect(allowedHere).toBe(expected);
  });
});
