import { describe, expect, it } from 'vitest';
import { DateFormatError, dateParser } from '../../../shared/import/datetime.ts';

/** The instant a parser reads, as ISO-8601, or the reason it gives. */
function read(formats: string[], text: string, timeZone?: string): string {
  const reading = dateParser(formats, timeZone).parse(text);
  return reading.ok ? new Date(reading.epochMs).toISOString() : `rejected: ${reading.reason}`;
}

describe('date formats', () => {
  it('reads each of several formats, the first that matches deciding', () => {
    // Prepare
    const formats = [
      'YYYY-MM-DD HH:mm:ss',
      'DD/MM/YYYY HH:mm',
      'YYYY年M月D日',
      'D MMM YYYY',
      'M/D/YYYY h:mm A',
    ];

    // Act
    const readings = [
      read(formats, '2024-03-01 09:30:15'),
      read(formats, '01/03/2024 09:30'),
      read(formats, '2024年3月1日'),
      read(formats, '1 Mar 2024'),
      read(formats, '3/1/2024 9:30 PM'),
      read(formats, '3/1/2024 12:05 am'),
    ];

    // Assess
    expect(readings).toEqual([
      '2024-03-01T09:30:15.000Z',
      '2024-03-01T09:30:00.000Z',
      '2024-03-01T00:00:00.000Z',
      '2024-03-01T00:00:00.000Z',
      '2024-03-01T21:30:00.000Z',
      '2024-03-01T00:05:00.000Z',
    ]);
  });

  it('reads fractions of a second, offsets in the text, literals in brackets and two-digit years', () => {
    // Act
    const readings = [
      read(['YYYY-MM-DD[T]HH:mm:ss.SSSZ'], '2024-03-01T09:30:15.25+08:00'),
      read(['YYYY-MM-DD HH:mm Z'], '2024-03-01 09:30 -0530'),
      read(['DD.MM.YY'], '01.03.24'),
      read(['DD.MM.YY'], '01.03.99'),
      read(['YYYY-MM-DD   HH:mm'], '2024-03-01 09:30'),
    ];

    // Assess
    expect(readings).toEqual([
      '2024-03-01T01:30:15.250Z',
      '2024-03-01T15:00:00.000Z',
      '2024-03-01T00:00:00.000Z',
      '1999-03-01T00:00:00.000Z',
      '2024-03-01T09:30:00.000Z',
    ]);
  });

  it('reads ISO-8601 with or without an offset, and epoch seconds and milliseconds', () => {
    // Act
    const readings = [
      read(['iso'], '2024-03-01T09:30:00Z', 'Asia/Shanghai'),
      read(['iso'], '2024-03-01T09:30:00', 'Asia/Shanghai'),
      read(['iso'], '2024-03-01', 'Asia/Shanghai'),
      read(['epoch'], '1709280000'),
      read(['epoch_ms'], '1709280000123'),
    ];

    // Assess: a wall time without an offset is in the zone.
    expect(readings).toEqual([
      '2024-03-01T09:30:00.000Z',
      '2024-03-01T01:30:00.000Z',
      '2024-02-29T16:00:00.000Z',
      '2024-03-01T08:00:00.000Z',
      '2024-03-01T08:00:00.123Z',
    ]);
  });

  it('rejects text no format matches, dates the calendar lacks and impossible times, each with its reason', () => {
    // Act
    const readings = [
      read(['YYYY-MM-DD', 'DD/MM/YYYY'], 'yesterday'),
      read(['YYYY-MM-DD'], '2023-02-29'),
      read(['YYYY-MM-DD'], '2024-13-01'),
      read(['YYYY-MM-DD HH:mm'], '2024-03-01 24:00'),
      read(['h:mm A YYYY-MM-DD'], '13:00 PM 2024-03-01'),
      read(['D MMM YYYY'], '1 Smarch 2024'),
      read(['YYYY-MM-DD HH:mm Z'], '2024-03-01 10:00 +25:00'),
    ];

    // Assess
    expect(readings).toEqual([
      'rejected: matches none of the formats YYYY-MM-DD, DD/MM/YYYY',
      'rejected: is not a calendar date',
      'rejected: is not a calendar date',
      'rejected: is not a time of day',
      'rejected: is not a time of day',
      'rejected: is not a calendar date',
      'rejected: has an impossible UTC offset',
    ]);
  });

  it('refuses formats without a year, hours on a 12-hour clock without AM/PM, and unknown zones', () => {
    // Act
    const attempts = [
      () => dateParser(['MM-DD']),
      () => dateParser(['YYYY-MM-DD hh:mm']),
      () => dateParser(['YYYY-MM-DD [T']),
      () => dateParser(['iso'], 'Mars/Olympus_Mons'),
    ];

    // Assess
    for (const attempt of attempts) expect(attempt).toThrow(DateFormatError);
    expect(attempts[3]).toThrow('unknown time zone "Mars/Olympus_Mons"');
  });
});

describe('wall times in IANA time zones', () => {
  const format = ['YYYY-MM-DD HH:mm'];

  it('uses the offset in force on the day: Shanghai all year, New York and London in and out of summer time', () => {
    // Act
    const readings = [
      read(format, '2024-01-15 12:00', 'Asia/Shanghai'),
      read(format, '2024-07-15 12:00', 'Asia/Shanghai'),
      read(format, '2024-01-15 12:00', 'America/New_York'),
      read(format, '2024-07-15 12:00', 'America/New_York'),
      read(format, '2024-01-15 12:00', 'Europe/London'),
      read(format, '2024-07-15 12:00', 'Europe/London'),
    ];

    // Assess
    expect(readings).toEqual([
      '2024-01-15T04:00:00.000Z',
      '2024-07-15T04:00:00.000Z',
      '2024-01-15T17:00:00.000Z',
      '2024-07-15T16:00:00.000Z',
      '2024-01-15T12:00:00.000Z',
      '2024-07-15T11:00:00.000Z',
    ]);
  });

  it('reads the minutes around a spring-forward change; a wall time the clocks skip is moved past the change', () => {
    // Act: New York, 2024-03-10, 02:00 EST became 03:00 EDT (07:00Z).
    const readings = ['01:59', '02:00', '02:30', '03:00', '03:01'].map((time) =>
      read(format, `2024-03-10 ${time}`, 'America/New_York'),
    );

    // Assess: 02:30 does not exist; read with the offset before the change it is 07:30Z, i.e. 03:30 EDT.
    expect(readings).toEqual([
      '2024-03-10T06:59:00.000Z',
      '2024-03-10T07:00:00.000Z',
      '2024-03-10T07:30:00.000Z',
      '2024-03-10T07:00:00.000Z',
      '2024-03-10T07:01:00.000Z',
    ]);
  });

  it('reads a wall time that occurs twice when clocks go back as the earlier of the two', () => {
    // Act: New York, 2024-11-03, 02:00 EDT became 01:00 EST (06:00Z); London, 2024-10-27, 02:00 BST → 01:00 GMT.
    const readings = [
      read(format, '2024-11-03 00:59', 'America/New_York'),
      read(format, '2024-11-03 01:30', 'America/New_York'),
      read(format, '2024-11-03 02:00', 'America/New_York'),
      read(format, '2024-10-27 01:30', 'Europe/London'),
      read(format, '2024-10-27 02:00', 'Europe/London'),
    ];

    // Assess
    expect(readings).toEqual([
      '2024-11-03T04:59:00.000Z',
      '2024-11-03T05:30:00.000Z',
      '2024-11-03T07:00:00.000Z',
      '2024-10-27T00:30:00.000Z',
      '2024-10-27T02:00:00.000Z',
    ]);
  });

  it('handles half-hour changes (Lord Howe Island) and the London spring gap', () => {
    // Act: Lord Howe goes from +10:30 to +11:00 at 02:00 local on 2024-10-06; London skips 01:00–02:00 on 2024-03-31.
    const readings = [
      read(format, '2024-10-06 01:59', 'Australia/Lord_Howe'),
      read(format, '2024-10-06 02:15', 'Australia/Lord_Howe'),
      read(format, '2024-10-06 02:30', 'Australia/Lord_Howe'),
      read(format, '2024-03-31 01:30', 'Europe/London'),
    ];

    // Assess
    expect(readings).toEqual([
      '2024-10-05T15:29:00.000Z',
      '2024-10-05T15:45:00.000Z',
      '2024-10-05T15:30:00.000Z',
      '2024-03-31T01:30:00.000Z',
    ]);
  });
});
