import { describe, expect, it } from 'vitest';
import { UnauthorizedError } from '../../../shared/collect/errors.ts';
import {
  sourceOfWriteKey,
  writeKeyFromAuthorization,
  writeKeyFromBody,
} from '../../../shared/collect/write-key.ts';
import { FakeSourceRegistry, serverSource } from './fakes.ts';

describe('writeKeyFromAuthorization', () => {
  it.each([
    ['Basic d2tfc2VydmVyOg==', 'wk_server'],
    ['basic d2tfc2VydmVyOg==', 'wk_server'],
    ['Basic d2tfc2VydmVyOmFueXRoaW5n', 'wk_server'],
    ['Basic d2tfc2VydmVy', 'wk_server'],
    ['Basic Og==', undefined],
    ['Bearer abc', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('reads %j as %j', (header, expected) => {
    // Act (d2tfc2VydmVyOg== is base64 of "wk_server:", …OmFueXRoaW5n of "wk_server:anything", Og== of ":")
    const writeKey = writeKeyFromAuthorization(header);

    // Assess
    expect(writeKey).toBe(expected);
  });
});

describe('writeKeyFromBody', () => {
  it.each([
    [{ writeKey: 'wk_web' }, 'wk_web'],
    [{ writeKey: '' }, undefined],
    [{ writeKey: 7 }, undefined],
    [['wk_web'], undefined],
    [null, undefined],
  ])('reads %j as %j', (body, expected) => {
    // Act
    const writeKey = writeKeyFromBody(body);

    // Assess
    expect(writeKey).toBe(expected);
  });
});

describe('sourceOfWriteKey', () => {
  it('finds the source of a known key', async () => {
    // Act
    const source = await sourceOfWriteKey(new FakeSourceRegistry(), 'wk_server');

    // Assess
    expect(source).toBe(serverSource);
  });

  it('refuses an implausible key without looking it up', async () => {
    // Prepare
    const sources = new FakeSourceRegistry();

    // Act
    const attempt = sourceOfWriteKey(sources, 'k'.repeat(257));

    // Assess
    await expect(attempt).rejects.toThrow(new UnauthorizedError('unknown write key'));
    expect(sources.lookups).toEqual([]);
  });
});
