/**
 * Dates and times as exports write them, read with explicit formats and an IANA time zone, without Temporal or
 * a date library: a format is compiled into a regular expression, the wall time it reads is checked against
 * the calendar, and a wall time in a zone becomes UTC through the zone's offsets, which `Intl.DateTimeFormat`
 * knows from the runtime's time-zone database.
 */
import { MappingError } from './errors.ts';

/** A local date and time as written, before any zone is applied. */
export interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

export type DateReading =
  | {
      readonly ok: true;
      readonly wall: WallTime;
      /** The instant in epoch milliseconds: from the text's own offset, else the wall time in the zone. */
      readonly epochMs: number;
    }
  | { readonly ok: false; readonly reason: string };

/** Reads dates and times with the first of several formats that matches. */
export interface DateParser {
  parse(text: string): DateReading;
}

/** A format or zone the mapping gave that cannot be used: the message says why. */
export class DateFormatError extends MappingError {}

const minuteMs = 60_000;
const dayMs = 86_400_000;

const monthNames = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

type Field = 'year' | 'year2' | 'month' | 'monthName' | 'day' | 'hour' | 'hour12' | 'minute' | 'second';
type Capture = Field | 'fraction' | 'meridiem' | 'offset';

// Longest first, so `YYYY` wins over `YY` and `MMM` over `MM`.
const tokens: readonly (readonly [string, Capture, string])[] = [
  ['YYYY', 'year', '(\\d{4})'],
  ['YY', 'year2', '(\\d{2})'],
  ['MMMM', 'monthName', '(\\p{L}+)'],
  ['MMM', 'monthName', '(\\p{L}+\\.?)'],
  ['MM', 'month', '(\\d{2})'],
  ['M', 'month', '(\\d{1,2})'],
  ['DD', 'day', '(\\d{2})'],
  ['D', 'day', '(\\d{1,2})'],
  ['HH', 'hour', '(\\d{2})'],
  ['H', 'hour', '(\\d{1,2})'],
  ['hh', 'hour12', '(\\d{2})'],
  ['h', 'hour12', '(\\d{1,2})'],
  ['mm', 'minute', '(\\d{2})'],
  ['m', 'minute', '(\\d{1,2})'],
  ['ss', 'second', '(\\d{2})'],
  ['s', 'second', '(\\d{1,2})'],
  ['A', 'meridiem', '(am|pm|a\\.m\\.|p\\.m\\.|上午|下午)'],
  ['a', 'meridiem', '(am|pm|a\\.m\\.|p\\.m\\.|上午|下午)'],
  ['ZZ', 'offset', '(z|[+-]\\d{2}:?\\d{2}|[+-]\\d{2})'],
  ['Z', 'offset', '(z|[+-]\\d{2}:?\\d{2}|[+-]\\d{2})'],
];

interface CompiledFormat {
  readonly text: string;
  read(text: string, zone: Zone): DateReading | undefined;
}

/**
 * Compiles one format. Tokens: `YYYY` `YY` (years 1969–2068), `M` `MM` `MMM` `MMMM` (English names), `D` `DD`,
 * `H` `HH` (0–23), `h` `hh` with `A`/`a` (AM/PM, 上午/下午), `m` `mm`, `s` `ss`, `S…` (fractions of a second),
 * `Z` (`Z`, `+08:00`, `+0800`, `+08`); `[text]` is literal, a space matches any run of spaces, and every other
 * character is itself (`YYYY年M月D日` works as written). Three whole-text formats: `iso` (ISO-8601, the zone
 * applying when the text has no offset), `epoch` (seconds) and `epoch_ms`.
 *
 * @throws DateFormatError when the format cannot name a date (no year, `h` without `A`, a lone `[`).
 */
function compileFormat(format: string): CompiledFormat {
  if (format === 'iso') return isoFormat;
  if (format === 'epoch' || format === 'epoch_ms') return epochFormat(format === 'epoch' ? 1000 : 1);
  const captures: Capture[] = [];
  let source = '';
  for (let i = 0; i < format.length; ) {
    const character = format.charAt(i);
    if (character === '[') {
      const end = format.indexOf(']', i + 1);
      if (end === -1) throw new DateFormatError(`format "${format}" has a [ without its ]`);
      source += escapeRegExp(format.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    if (character === 'S') {
      let end = i;
      while (format.charAt(end) === 'S') end += 1;
      source += '(\\d{1,9})';
      captures.push('fraction');
      i = end;
      continue;
    }
    const token = tokens.find(([name]) => format.startsWith(name, i));
    if (token) {
      source += token[2];
      captures.push(token[1]);
      i += token[0].length;
      continue;
    }
    if (/\s/.test(character)) {
      while (/\s/.test(format.charAt(i))) i += 1;
      source += '\\s+';
      continue;
    }
    source += escapeRegExp(character);
    i += 1;
  }
  if (!captures.includes('year') && !captures.includes('year2')) {
    throw new DateFormatError(`format "${format}" has no year (YYYY or YY)`);
  }
  if (captures.includes('hour12') !== captures.includes('meridiem')) {
    throw new DateFormatError(`format "${format}": h and hh need A (AM/PM), and A needs h or hh`);
  }
  const pattern = new RegExp(`^${source}$`, 'iu');
  return {
    text: format,
    read(text, zone) {
      const match = pattern.exec(text);
      if (!match) return undefined;
      return fromCaptures(captures, match, zone);
    },
  };
}

function fromCaptures(captures: readonly Capture[], match: RegExpExecArray, zone: Zone): DateReading {
  const wall = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0 };
  let meridiem: 'am' | 'pm' | undefined;
  let offsetMinutes: number | undefined;
  for (const [index, capture] of captures.entries()) {
    const text = match[index + 1] ?? '';
    switch (capture) {
      case 'year':
        wall.year = Number(text);
        break;
      case 'year2': {
        const year = Number(text);
        wall.year = year < 69 ? 2000 + year : 1900 + year;
        break;
      }
      case 'monthName': {
        const name = text.toLowerCase().replace(/\.$/, '');
        const month = monthNames.findIndex(
          (full) => full === name || (name.length >= 3 && full.startsWith(name)),
        );
        if (month === -1) return { ok: false, reason: 'is not a calendar date' };
        wall.month = month + 1;
        break;
      }
      case 'fraction':
        wall.millisecond = Number(text.padEnd(3, '0').slice(0, 3));
        break;
      case 'meridiem':
        meridiem = /^(p|下)/i.test(text) ? 'pm' : 'am';
        break;
      case 'offset':
        offsetMinutes = parseOffset(text);
        break;
      case 'hour12':
        wall.hour = Number(text);
        break;
      default:
        wall[capture] = Number(text);
    }
  }
  if (meridiem !== undefined) {
    if (wall.hour < 1 || wall.hour > 12) return { ok: false, reason: 'is not a time of day' };
    wall.hour = (wall.hour % 12) + (meridiem === 'pm' ? 12 : 0);
  }
  return instantOf(wall, offsetMinutes, zone);
}

function instantOf(wall: WallTime, offsetMinutes: number | undefined, zone: Zone): DateReading {
  if (wall.month < 1 || wall.month > 12 || wall.day < 1 || wall.day > daysInMonth(wall.year, wall.month)) {
    return { ok: false, reason: 'is not a calendar date' };
  }
  if (wall.hour > 23 || wall.minute > 59 || wall.second > 59) {
    return { ok: false, reason: 'is not a time of day' };
  }
  if (offsetMinutes !== undefined && Number.isNaN(offsetMinutes)) {
    return { ok: false, reason: 'has an impossible UTC offset' };
  }
  const asUtc = wallAsUtc(wall);
  const epochMs = offsetMinutes === undefined ? zone.toUtc(asUtc) : asUtc - offsetMinutes * minuteMs;
  return { ok: true, wall, epochMs };
}

const isoPattern =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

const isoFormat: CompiledFormat = {
  text: 'iso',
  read(text, zone) {
    const match = isoPattern.exec(text);
    if (!match) return undefined;
    const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', offset] = match;
    const wall: WallTime = {
      year: Number(y),
      month: Number(mo),
      day: Number(d),
      hour: Number(h),
      minute: Number(mi),
      second: Number(s),
      millisecond: Number(fraction.padEnd(3, '0').slice(0, 3)),
    };
    return instantOf(wall, offset === undefined ? undefined : parseOffset(offset), zone);
  },
};

function epochFormat(unitMs: number): CompiledFormat {
  return {
    text: unitMs === 1 ? 'epoch_ms' : 'epoch',
    read(text) {
      if (!/^-?\d+(\.\d+)?$/.test(text)) return undefined;
      const epochMs = Math.round(Number(text) * unitMs);
      const date = new Date(epochMs);
      if (Number.isNaN(date.getTime())) return { ok: false, reason: 'is not a calendar date' };
      return {
        ok: true,
        epochMs,
        wall: {
          year: date.getUTCFullYear(),
          month: date.getUTCMonth() + 1,
          day: date.getUTCDate(),
          hour: date.getUTCHours(),
          minute: date.getUTCMinutes(),
          second: date.getUTCSeconds(),
          millisecond: date.getUTCMilliseconds(),
        },
      };
    },
  };
}

/** `+08:00`, `+0800`, `+08`, `Z` → minutes east of UTC; NaN for an impossible offset. */
function parseOffset(text: string): number {
  if (text.toUpperCase() === 'Z') return 0;
  const digits = text.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return Number.NaN;
  return (text.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

/**
 * A parser that tries `formats` in order (the first that matches decides, so put the more specific first) and
 * reads wall times without an offset in `timeZone` (IANA, default UTC).
 *
 * @throws DateFormatError for a format that cannot be compiled or an unknown time zone.
 * @example dateParser(['DD/MM/YYYY HH:mm'], 'Asia/Shanghai').parse('01/03/2024 09:30')
 *   // → { ok: true, epochMs: Date.parse('2024-03-01T01:30:00Z'), wall: { … } }
 */
export function dateParser(formats: readonly string[], timeZone = 'UTC'): DateParser {
  const compiled = formats.map(compileFormat);
  const zone = zoneNamed(timeZone);
  const noMatch = `matches none of the formats ${formats.join(', ')}`;
  return {
    parse(text) {
      for (const format of compiled) {
        const reading = format.read(text, zone);
        if (reading !== undefined) return reading;
      }
      return { ok: false, reason: noMatch };
    },
  };
}

/** The wall time's fields read as if they were UTC, in epoch milliseconds. */
export function wallAsUtc(wall: WallTime): number {
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, keeps the years 0–99.
  date.setUTCFullYear(wall.year, wall.month - 1, wall.day);
  date.setUTCHours(wall.hour, wall.minute, wall.second, wall.millisecond);
  return date.getTime();
}

function daysInMonth(year: number, month: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month, 0);
  return date.getUTCDate();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** An IANA time zone: its UTC offset at any instant, and the instant a wall time in it stands for. */
export class Zone {
  readonly name: string;
  readonly #format: Intl.DateTimeFormat | undefined;
  /** Offsets per quarter hour, for the quarters without a transition: most rows repeat a few days. */
  readonly #offsets = new Map<number, number>();

  constructor(name: string) {
    this.name = name;
    try {
      this.#format =
        name === 'UTC'
          ? undefined
          : new Intl.DateTimeFormat('en-US', {
              timeZone: name,
              hourCycle: 'h23',
              year: 'numeric',
              month: 'numeric',
              day: 'numeric',
              hour: 'numeric',
              minute: 'numeric',
              second: 'numeric',
            });
    } catch (error) {
      throw new DateFormatError(`unknown time zone "${name}" (use an IANA name such as Asia/Shanghai)`, {
        cause: error,
      });
    }
  }

  /** Milliseconds to add to UTC to get the zone's wall clock at `epochMs`. */
  offsetAt(epochMs: number): number {
    if (this.#format === undefined) return 0;
    const quarter = Math.floor(epochMs / 900_000);
    const cached = this.#offsets.get(quarter);
    if (cached !== undefined) return cached;
    const start = this.#offsetAtSecond(quarter * 900_000);
    if (start !== this.#offsetAtSecond(quarter * 900_000 + 899_000)) return this.#offsetAtSecond(epochMs);
    if (this.#offsets.size >= 100_000) this.#offsets.clear();
    this.#offsets.set(quarter, start);
    return start;
  }

  #offsetAtSecond(epochMs: number): number {
    const second = Math.floor(epochMs / 1000) * 1000;
    const parts: Record<string, number> = {};
    for (const part of (this.#format as Intl.DateTimeFormat).formatToParts(second)) {
      if (part.type !== 'literal') parts[part.type] = Number(part.value);
    }
    const local = wallAsUtc({
      year: parts.year ?? 1970,
      month: parts.month ?? 1,
      day: parts.day ?? 1,
      hour: parts.hour ?? 0,
      minute: parts.minute ?? 0,
      second: parts.second ?? 0,
      millisecond: 0,
    });
    return local - second;
  }

  /**
   * The instant a wall time (given as its fields read as UTC) stands for in this zone. Like Temporal's
   * `compatible` disambiguation: a wall time that occurs twice (clocks going back) is the earlier instant; one
   * that does not occur (clocks going forward) is read with the offset before the change, which puts it as far
   * after the change as it was after the last valid time (02:30 on a spring-forward night is 03:30).
   */
  toUtc(wallMs: number): number {
    const before = this.offsetAt(wallMs - dayMs);
    const after = this.offsetAt(wallMs + dayMs);
    if (before === after && this.offsetAt(wallMs - before) === before) return wallMs - before;
    const valid = [wallMs - before, wallMs - after].filter((t) => this.offsetAt(t) === wallMs - t);
    if (valid.length > 0) return Math.min(...valid);
    return wallMs - before;
  }
}

const zones = new Map<string, Zone>();

/** The zone of this name, created once per process. @throws DateFormatError for an unknown zone. */
export function zoneNamed(name: string): Zone {
  let zone = zones.get(name);
  if (zone === undefined) {
    zone = new Zone(name);
    zones.set(name, zone);
  }
  return zone;
}
