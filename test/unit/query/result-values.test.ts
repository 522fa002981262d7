import { describe, expect, it } from 'vitest';
import {
  isoUtcTimestamp,
  jsonSafeDecimal,
  jsonSafeFloat,
  jsonSafeInteger,
  uniqueColumnNames,
} from '../../../shared/lake/result-values.ts';

describe('query result values', () => {
  it('keeps safe integers as numbers and larger ones as text', () => {
    expect(jsonSafeInteger(42n)).toBe(42);
    expect(jsonSafeInteger('-9007199254740991')).toBe(-9007199254740991);
    expect(jsonSafeInteger('9007199254740992')).toBe('9007199254740992');
    expect(jsonSafeInteger(-9007199254740993n)).toBe('-9007199254740993');
  });

  it('turns decimals of up to 15 significant digits into numbers and keeps longer ones as text', () => {
    expect(jsonSafeDecimal('19.90')).toBe(19.9);
    expect(jsonSafeDecimal('0.000123')).toBe(0.000123);
    expect(jsonSafeDecimal('123456789012345.0')).toBe(123456789012345);
    expect(jsonSafeDecimal('1234567890123456.7')).toBe('1234567890123456.7');
  });

  it('spells floats JSON has no number for as text', () => {
    expect(jsonSafeFloat(1.5)).toBe(1.5);
    expect(jsonSafeFloat(Number.NaN)).toBe('NaN');
    expect(jsonSafeFloat(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
  });

  it('writes UTC timestamps of either engine as ISO 8601 with at least milliseconds', () => {
    expect(isoUtcTimestamp('2026-11-22 10:15:00')).toBe('2026-11-22T10:15:00.000Z');
    expect(isoUtcTimestamp('2026-11-22 10:15:00.25')).toBe('2026-11-22T10:15:00.250Z');
    expect(isoUtcTimestamp('2026-11-22 10:15:00.123456')).toBe('2026-11-22T10:15:00.123456Z');
    expect(isoUtcTimestamp('2026-11-22 10:15:00.000 UTC')).toBe('2026-11-22T10:15:00.000Z');
    expect(isoUtcTimestamp('2026-11-22 10:15:00+00')).toBe('2026-11-22T10:15:00.000Z');
  });

  it('leaves text that is not a UTC timestamp unchanged', () => {
    expect(isoUtcTimestamp('infinity')).toBe('infinity');
    expect(isoUtcTimestamp('2026-11-22 10:15:00.000 Europe/Berlin')).toBe(
      '2026-11-22 10:15:00.000 Europe/Berlin',
    );
  });

  it('gives repeated column names a numbered suffix', () => {
    expect(uniqueColumnNames(['a', 'b', 'a', 'a', 'a:1'])).toEqual(['a', 'b', 'a:1', 'a:2', 'a:1:1']);
  });
});
