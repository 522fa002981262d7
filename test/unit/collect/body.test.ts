import { describe, expect, it } from 'vitest';
import { parseJsonBody } from '../../../shared/collect/body.ts';
import { InvalidRequestError } from '../../../shared/collect/errors.ts';

describe('parseJsonBody', () => {
  it('parses JSON text and bytes alike, ignoring a byte-order mark', () => {
    // Act
    const parsed = [
      parseJsonBody('{"a":1}'),
      parseJsonBody(new TextEncoder().encode('{"a":1}')),
      parseJsonBody('\uFEFF{"a":1}'),
    ];

    // Assess
    expect(parsed).toEqual([{ a: 1 }, { a: 1 }, { a: 1 }]);
  });

  it('accepts a body of exactly 500 KB and refuses one a byte larger', () => {
    // Prepare: '"' + n characters + '"' is n + 2 bytes of valid JSON.
    const ofSize = (bytes: number) => `"${'x'.repeat(bytes - 2)}"`;

    // Act
    const accepted = parseJsonBody(ofSize(512_000));
    const refuse = () => parseJsonBody(ofSize(512_001));

    // Assess
    expect(typeof accepted).toBe('string');
    expect(refuse).toThrow(InvalidRequestError);
    expect(refuse).toThrow('request body is 512001 bytes; the limit is 512000');
  });

  it('measures the size in UTF-8 bytes, not characters', () => {
    // Prepare: 256,000 two-byte characters are 512,000 bytes, plus two quotes.
    const body = `"${'é'.repeat(256_000)}"`;

    // Act
    const refuse = () => parseJsonBody(body);

    // Assess
    expect(refuse).toThrow('request body is 512002 bytes');
  });

  it.each([
    ['{"a":', /not valid JSON/],
    ['', /empty/],
    [undefined, /empty/],
    [new Uint8Array([0x7b, 0xff, 0x7d]), /not UTF-8/],
  ])('refuses %j', (body, message) => {
    // Act
    const refuse = () => parseJsonBody(body);

    // Assess
    expect(refuse).toThrow(InvalidRequestError);
    expect(refuse).toThrow(message);
  });
});
