/**
 * Time in scoring: calendar days as whole UTC day numbers, and durations that always carry their unit, so that
 * a horizon in weeks never meets a model fitted in days without an explicit conversion.
 */
import { ScoringInputError } from './errors.ts';

export const timeUnits = ['days', 'weeks', 'months'] as const;
export type TimeUnit = (typeof timeUnits)[number];

/**
 * Days in one unit. A month is the average Julian month, 365.25 / 12 = 30.4375 days, so that twelve months
 * are one year whatever the calendar month; scoring never counts calendar months.
 */
export const daysPerUnit: Readonly<Record<TimeUnit, number>> = { days: 1, weeks: 7, months: 365.25 / 12 };

export const daysPerYear = 365.25;

/** A length of time and its unit, e.g. `{ amount: 39, unit: 'weeks' }`. */
export interface Duration {
  readonly amount: number;
  readonly unit: TimeUnit;
}

const unitBySuffix: Readonly<Record<string, TimeUnit>> = { d: 'days', w: 'weeks', m: 'months' };
const suffixByUnit: Readonly<Record<TimeUnit, string>> = { days: 'd', weeks: 'w', months: 'm' };

/**
 * Parses `39w`, `90d`, `6m` (days, weeks, months of 30.4375 days); the unit is required.
 * @example parseDuration('39w') // { amount: 39, unit: 'weeks' }
 */
export function parseDuration(text: string): Duration {
  const match = /^(\d+(?:\.\d+)?)([dwm])$/.exec(text.trim());
  const unit = match ? unitBySuffix[match[2] as string] : undefined;
  const amount = match ? Number(match[1]) : Number.NaN;
  if (unit === undefined || !(amount > 0)) {
    throw new ScoringInputError(
      `'${text}' is not a duration: write a positive number and its unit, ` +
        'd (days), w (weeks) or m (months of 30.4375 days), e.g. 39w',
    );
  }
  return { amount, unit };
}

/** `39w`, `90d`, `6m`. */
export function formatDuration(duration: Duration): string {
  return `${duration.amount}${suffixByUnit[duration.unit]}`;
}

/** The duration's length in `unit`, e.g. 39 weeks in days is 273. */
export function durationIn(duration: Duration, unit: TimeUnit): number {
  return (duration.amount * daysPerUnit[duration.unit]) / daysPerUnit[unit];
}

/** Parses the `d`, `w` or `m` of a command line into a unit. */
export function parseTimeUnit(text: string): TimeUnit {
  const unit = unitBySuffix[text] ?? timeUnits.find((candidate) => candidate === text);
  if (unit === undefined) throw new ScoringInputError(`'${text}' is not a time unit: use d, w or m`);
  return unit;
}

const millisecondsPerDay = 86_400_000;

/**
 * The UTC day number (days since 1970-01-01) of `YYYY-MM-DD`, `YYYYMMDD`, or an ISO 8601 timestamp with a zone
 * (`2026-11-22T10:00:00Z`, `…+02:00`: the UTC date of that instant). `undefined` when it is not a real date.
 * @example dayNumber('1970-01-02') // 1
 */
export function dayNumber(text: string): number | undefined {
  const trimmed = text.trim();
  const date = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(trimmed);
  if (date) {
    const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const utc = Date.UTC(year, month - 1, day);
    const check = new Date(utc);
    if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
      return undefined;
    }
    return utc / millisecondsPerDay;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(trimmed)) return undefined;
  const instant = Date.parse(trimmed);
  return Number.isNaN(instant) ? undefined : Math.floor(instant / millisecondsPerDay);
}

/** `YYYY-MM-DD` of a day number. */
export function formatDay(day: number): string {
  return new Date(day * millisecondsPerDay).toISOString().slice(0, 10);
}
