import { describe, expect, it } from 'vitest';
import {
  correctedTimestamp,
  hasFourDigitYear,
  parseIsoTimestamp,
} from '../../../shared/events/timestamps.ts';

describe('parseIsoTimestamp', () => {
  it.each([
    ['2024-03-01T12:00:00Z', '2024-03-01T12:00:00.000Z'],
    ['2024-03-01T12:00:00.5Z', '2024-03-01T12:00:00.500Z'],
    ['2024-03-01T12:00:00+01:00', '2024-03-01T11:00:00.000Z'],
    ['2024-03-01T12:00:00.123456-0230', '2024-03-01T14:30:00.123Z'],
    ['2024-03-01T12:00:00+05', '2024-03-01T07:00:00.000Z'],
    ['2024-03-01', '2024-03-01T00:00:00.000Z'],
    ['2024-03-01T12:00:00', '2024-03-01T12:00:00.000Z'],
    ['2024-03-01 12:00', '2024-03-01T12:00:00.000Z'],
    ['2024-02-29T23:59:59.999Z', '2024-02-29T23:59:59.999Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['0050-06-15T00:00:00Z', '0050-06-15T00:00:00.000Z'],
  ])('reads %s as %s (UTC when no offset is given)', (text, expected) => {
    // Act
    const parsed = parseIsoTimestamp(text);

    // Assess
    expect(parsed?.toISOString()).toBe(expected);
  });

  it.each([
    'yesterday',
    '1714564800000',
    '2023-02-29T00:00:00Z',
    '2024-02-30',
    '2024-13-01',
    '2024-00-10',
    '2024-03-01T24:00:00Z',
    '2024-03-01T12:60:00Z',
    '2024-03-01T12:00:00+25:00',
    '24-03-01',
    '',
  ])('refuses %j', (text) => {
    // Act
    const parsed = parseIsoTimestamp(text);

    // Assess
    expect(parsed).toBeUndefined();
  });
});

describe('correctedTimestamp', () => {
  it('moves the client time by the gap between sending and receiving, so a fast client clock does not skew it', () => {
    // Prepare: the client clock runs 55 minutes fast; it sent the event 5 s after it happened.
    const times = {
      receivedAt: new Date('2024-05-01T12:00:10.000Z'),
      sentAt: new Date('2024-05-01T12:55:05.000Z'),
      originalTimestamp: new Date('2024-05-01T12:55:00.000Z'),
    };

    // Act
    const corrected = correctedTimestamp(times);

    // Assess: 12:00:10 − (12:55:05 − 12:55:00) = 12:00:05.
    expect(corrected.toISOString()).toBe('2024-05-01T12:00:05.000Z');
  });

  it('keeps the client time when the sending time is unknown', () => {
    // Act
    const corrected = correctedTimestamp({
      receivedAt: new Date('2024-05-01T12:00:10.000Z'),
      originalTimestamp: new Date('2024-04-30T08:00:00.000Z'),
    });

    // Assess
    expect(corrected.toISOString()).toBe('2024-04-30T08:00:00.000Z');
  });

  it('uses the time of receipt when the client reported no event time', () => {
    // Act
    const corrected = correctedTimestamp({
      receivedAt: new Date('2024-05-01T12:00:10.000Z'),
      sentAt: new Date('2024-05-01T12:55:05.000Z'),
    });

    // Assess
    expect(corrected.toISOString()).toBe('2024-05-01T12:00:10.000Z');
  });
});

describe('hasFourDigitYear', () => {
  it.each([
    ['0000-01-01T00:00:00.000Z', true],
    ['9999-12-31T23:59:59.999Z', true],
    ['2024-05-01T12:00:00.000Z', true],
  ])('holds for %s', (text, expected) => {
    // Act
    const holds = hasFourDigitYear(new Date(text));

    // Assess
    expect(holds).toBe(expected);
  });

  it('fails a millisecond outside either end', () => {
    // Prepare
    const before = new Date(Date.parse('0000-01-01T00:00:00.000Z') - 1);
    const after = new Date(Date.parse('9999-12-31T23:59:59.999Z') + 1);

    // Act
    const holds = [hasFourDigitYear(before), hasFourDigitYear(after)];

    // Assess
    expect(holds).toEqual([false, false]);
  });
});
