import { describe, expect, it } from 'vitest';
import {
  dayNumber,
  durationIn,
  formatDay,
  formatDuration,
  parseDuration,
  parseTimeUnit,
} from '../../../shared/scoring/time.ts';

describe('durations', () => {
  it('parse with their unit and convert explicitly', () => {
    // Act
    const weeks = parseDuration('39w');
    const months = parseDuration('12m');

    // Assess
    expect(weeks).toEqual({ amount: 39, unit: 'weeks' });
    expect(durationIn(weeks, 'days')).toBe(273);
    expect(durationIn(months, 'days')).toBeCloseTo(365.25, 12);
    expect(durationIn(parseDuration('14d'), 'weeks')).toBe(2);
    expect(formatDuration(parseDuration('90d'))).toBe('90d');
  });

  it('refuse a number without a unit, or a unit that is not d, w or m', () => {
    for (const text of ['39', '39y', 'w', '-3w', '0d', '1.w']) {
      expect(() => parseDuration(text), text).toThrow(/not a duration/);
    }
    expect(() => parseTimeUnit('y')).toThrow(/not a time unit/);
    expect(parseTimeUnit('w')).toBe('weeks');
  });
});

describe('dayNumber', () => {
  it('counts UTC days from 1970-01-01, from dates and zoned timestamps', () => {
    expect(dayNumber('1970-01-02')).toBe(1);
    expect(dayNumber('19970930')).toBe(dayNumber('1997-09-30'));
    // 23:30 at −05:00 is the next day in UTC.
    expect(dayNumber('1997-09-30T23:30:00-05:00')).toBe((dayNumber('1997-09-30') as number) + 1);
    expect(formatDay(dayNumber('2024-02-29') as number)).toBe('2024-02-29');
  });

  it('refuses dates that do not exist and timestamps without a zone', () => {
    for (const text of ['2023-02-29', '1997-13-01', '1997-09-31', '30/09/1997', '1997-09-30T10:00:00', '']) {
      expect(dayNumber(text), text).toBeUndefined();
    }
  });
});
