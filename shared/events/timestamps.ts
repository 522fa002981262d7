/** Event times: strict ISO-8601 parsing and the clock-skew correction Segment applies at the edge. */

// Date, optionally a time (T or space separated), optionally fractional seconds and an offset.
const isoPattern =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * Parses an ISO-8601 date or date-time. A date-time without an offset is taken as UTC (the lake is UTC and the
 * collector must not depend on the machine's time zone). Returns `undefined` for anything else, including
 * impossible dates such as February 30th, which `Date.parse` would silently roll over.
 *
 * @example parseIsoTimestamp('2024-03-01T12:00:00+01:00')?.toISOString() === '2024-03-01T11:00:00.000Z'
 */
export function parseIsoTimestamp(text: string): Date | undefined {
  const match = isoPattern.exec(text.trim());
  if (!match) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', offset = 'Z'] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const offsetMinutes = parseOffsetMinutes(offset);
  if (offsetMinutes === undefined) return undefined;
  const millisecond = Number(fraction.padEnd(3, '0').slice(0, 3));
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millisecond);
  return new Date(date.getTime() - offsetMinutes * 60_000);
}

function daysInMonth(year: number, month: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month, 0);
  return date.getUTCDate();
}

function parseOffsetMinutes(offset: string): number | undefined {
  if (offset.toUpperCase() === 'Z') return 0;
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return (offset.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

export interface EventTimes {
  readonly receivedAt: Date;
  readonly sentAt?: Date | undefined;
  /** The event time by the client's clock (the client's `timestamp`). */
  readonly originalTimestamp?: Date | undefined;
}

/**
 * The event time on the collector's clock: `receivedAt − (sentAt − originalTimestamp)`. Both client times come
 * from the same (possibly wrong) clock, so their difference is trustworthy even when the clock is not. Without
 * both there is nothing to correct with: the original time is kept, else the time of receipt.
 */
export function correctedTimestamp({ receivedAt, sentAt, originalTimestamp }: EventTimes): Date {
  if (sentAt === undefined || originalTimestamp === undefined) return originalTimestamp ?? receivedAt;
  return new Date(receivedAt.getTime() - (sentAt.getTime() - originalTimestamp.getTime()));
}

/** 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the instants with a four-digit-year ISO form. */
const firstInstant = -62_167_219_200_000;
const lastInstant = 253_402_300_799_999;

/**
 * Whether a time has a four-digit year, the range ISO-8601 text and the lake's date partitions cover. A
 * correction by a wildly wrong client clock can push an event time out of it.
 */
export function hasFourDigitYear(date: Date): boolean {
  const time = date.getTime();
  return time >= firstInstant && time <= lastInstant;
}
