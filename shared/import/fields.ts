/**
 * One field of a mapping compiled into a function from a row to its value: the value is read (a column, a
 * template or a constant), cleaned (trim, full-width to half-width, case), looked up, split and read as its
 * type; a missing or invalid value then follows the field's policy.
 */

import type { CountryCode } from 'libphonenumber-js/max';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { isJsonObject } from '../events/json.ts';
import type { Json } from '../events/model.ts';
import { hasFourDigitYear } from '../events/timestamps.ts';
import { sha256Hex } from '../identity/hashing.ts';
import { type DateParser, dateParser } from './datetime.ts';
import type { FieldSpec, ValueType } from './mapping.ts';
import { currencyOfMarker, isCurrencyCode, parseDecimal, splitMoney } from './numbers.ts';
import { titleCase, toHalfWidth } from './text.ts';

/** A missing value whose policy is `omit`: nothing to set. */
export const absent: unique symbol = Symbol('absent');

/**
 * A value the field cannot use: with `omit` (policy `invalid: omit`) the row is imported without it, else the
 * row is rejected; `value` is the offending text, for the rejects file.
 */
export class FieldProblem {
  readonly reason: string;
  readonly value: string | undefined;
  readonly omit: boolean;

  constructor(reason: string, value: string | undefined, omit: boolean) {
    this.reason = reason;
    this.value = value;
    this.omit = omit;
  }
}

/**
 * What a field makes of one row: the value itself (no wrapper, as most rows have one), `absent`, or a
 * `FieldProblem`.
 */
export type FieldReading = Json | typeof absent | FieldProblem;

/** Reads a column's raw value from a row: a CSV field (string) or an NDJSON value. */
export type ColumnReader<Row> = (row: Row) => unknown;

export interface CompiledField<Row> {
  /** Where the value goes, e.g. `properties.total`: the field named in reasons. */
  readonly target: string;
  read(row: Row): FieldReading;
}

export interface FieldContext<Row> {
  /** The reader of a column, by name; throws `InputError` when the input has no such column. */
  readonly column: (name: string) => ColumnReader<Row>;
  /** Texts that mean "no value", compared after trimming. */
  readonly nullValues: ReadonlySet<string>;
}

const missingReason = 'is missing';

const trueTexts = new Set(['true', 't', 'yes', 'y', '1', 'on', '是', '对', '真']);
const falseTexts = new Set(['false', 'f', 'no', 'n', '0', 'off', '否', '错', '假']);

// Local part, @, and a domain of dot-separated labels ending in a letters-only top-level label.
const emailPattern = /^[^\s@"(),:;<>[\\\]]+@([\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+\p{L}{2,}$/u;

/**
 * Compiles a field spec. `defaultType` is the type when the spec names none (`timestamp` for the timestamp
 * field, else `string`).
 *
 * @example
 *   const total = compileField('properties.total', { column: 'total', as: 'amount', decimal: ',' }, context);
 *   total.read(row) // 1234.5 for a row whose total is "1.234,50 €"
 */
export function compileField<Row>(
  target: string,
  spec: FieldSpec,
  context: FieldContext<Row>,
  defaultType: ValueType = 'string',
): CompiledField<Row> {
  if (spec.value !== undefined) {
    const constant = spec.value;
    return { target, read: () => constant };
  }
  const as = spec.as ?? defaultType;
  const source = compileSource(spec, context);
  const clean = compileCleaning(spec, as);
  const convert = compileConversion(spec, as);
  const lookup = spec.lookup;
  const unmatched = spec.unmatched ?? 'reject';
  const pattern = spec.pattern === undefined ? undefined : new RegExp(`^(?:${spec.pattern})$`, 'u');
  const { nullValues } = context;
  const missingReading: FieldReading =
    spec.default !== undefined
      ? spec.default
      : spec.missing === 'null'
        ? null
        : spec.missing === 'reject'
          ? new FieldProblem(missingReason, undefined, false)
          : absent;
  const omitInvalid = spec.invalid === 'omit';
  const invalid = (reason: string, text: string): FieldReading => new FieldProblem(reason, text, omitInvalid);

  const readOne = (text: string): FieldReading => {
    if (pattern !== undefined && !pattern.test(text)) return invalid('does not match the pattern', text);
    return convert(text, invalid);
  };

  return {
    target,
    read(row) {
      const raw = source(row);
      if (raw === undefined || raw === null) return missingReading;
      if (typeof raw === 'string') return readText(raw);
      if (typeof raw === 'object') return as === 'json' ? (raw as Json) : readText(JSON.stringify(raw));
      if (lookup === undefined && spec.split === undefined) {
        const native = convertNative(raw, as, spec);
        if (native !== undefined) return native;
      }
      return readText(String(raw));
    },
  };

  function readText(rawText: string): FieldReading {
    // Null texts compare as written (trimmed), before `case` could turn a declared `NULL` into `null`.
    if (nullValues.has(rawText.trim())) return missingReading;
    const text = clean(rawText);
    if (lookup !== undefined) {
      if (Object.hasOwn(lookup, text)) return lookup[text] as Json;
      if (unmatched === 'reject') return invalid('has no entry in the lookup table', text);
      if (unmatched === 'omit') return absent;
    }
    if (spec.split === undefined) return readOne(text);
    const values: Json[] = [];
    for (const item of text.split(spec.split)) {
      const trimmed = item.trim();
      if (trimmed === '' || nullValues.has(trimmed)) continue;
      const reading = readOne(trimmed);
      if (reading === absent || reading instanceof FieldProblem) return reading;
      values.push(reading);
    }
    return values;
  }
}

/** How the spec finds its raw value: a column, or a template whose placeholders are columns. */
function compileSource<Row>(spec: FieldSpec, context: FieldContext<Row>): (row: Row) => unknown {
  if (spec.column !== undefined) return context.column(spec.column);
  const template = spec.template ?? '';
  const parts = template.split(/(\{[^{}]+\})/).filter((part) => part !== '');
  const readers = parts.map((part) => {
    if (!part.startsWith('{') || !part.endsWith('}')) return part;
    return context.column(part.slice(1, -1).trim());
  });
  return (row) => {
    let text = '';
    for (const reader of readers) {
      if (typeof reader === 'string') {
        text += reader;
        continue;
      }
      const value = reader(row);
      if (value === undefined || value === null) return undefined;
      const part = (typeof value === 'object' ? JSON.stringify(value) : String(value)).trim();
      if (context.nullValues.has(part)) return undefined;
      text += part;
    }
    return text;
  };
}

function compileCleaning(spec: FieldSpec, as: ValueType): (text: string) => string {
  const trim = spec.trim ?? true;
  const halfWidth = spec.halfWidth ?? !(as === 'string' || as === 'json');
  const caseOf =
    spec.case === 'lower'
      ? (text: string) => text.toLowerCase()
      : spec.case === 'upper'
        ? (text: string) => text.toUpperCase()
        : spec.case === 'title'
          ? titleCase
          : undefined;
  return (text) => {
    let cleaned = halfWidth ? toHalfWidth(text) : text;
    if (trim) cleaned = cleaned.trim();
    if (caseOf !== undefined) cleaned = caseOf(cleaned);
    return spec.hash === 'sha256' && cleaned !== '' ? sha256Hex(cleaned) : cleaned;
  };
}

type Invalid = (reason: string, text: string) => FieldReading;

/** NDJSON values that already have the type: a number read as a number needs no parsing. */
function convertNative(raw: unknown, as: ValueType, spec: FieldSpec): FieldReading | undefined {
  if (typeof raw === 'number' && (as === 'number' || as === 'amount' || as === 'integer')) {
    if (as === 'integer' && !Number.isInteger(raw)) return undefined;
    return withinBounds(raw, spec) ?? raw;
  }
  if (typeof raw === 'boolean' && as === 'boolean') return raw;
  return undefined;
}

function withinBounds(value: number, spec: FieldSpec): FieldProblem | undefined {
  const omit = spec.invalid === 'omit';
  if (spec.min !== undefined && value < spec.min) {
    const reason = spec.min === 0 ? 'must not be negative' : `must be at least ${spec.min}`;
    return new FieldProblem(reason, String(value), omit);
  }
  if (spec.max !== undefined && value > spec.max) {
    return new FieldProblem(`must be at most ${spec.max}`, String(value), omit);
  }
  return undefined;
}

function compileConversion(spec: FieldSpec, as: ValueType): (text: string, invalid: Invalid) => FieldReading {
  const decimal = spec.decimal ?? '.';
  const number = (value: number): FieldReading => withinBounds(value, spec) ?? value;
  switch (as) {
    case 'string':
      return (text) => text;
    case 'number':
      return (text, invalid) => {
        const value = parseDecimal(text, decimal);
        return value === undefined ? invalid('is not a number', text) : number(value);
      };
    case 'integer':
      return (text, invalid) => {
        const value = parseDecimal(text, decimal);
        if (value === undefined) return invalid('is not a number', text);
        return Number.isInteger(value) ? number(value) : invalid('is not a whole number', text);
      };
    case 'amount':
      return (text, invalid) => {
        const value = parseDecimal(splitMoney(text).amount, decimal);
        return value === undefined ? invalid('is not an amount', text) : number(value);
      };
    case 'currency':
      return (text, invalid) => {
        const upper = text.toUpperCase();
        if (/^[A-Z]{3}$/.test(upper)) {
          return isCurrencyCode(upper) ? upper : invalid('is not a currency code', text);
        }
        const { marker } = splitMoney(text);
        if (marker === undefined) return invalid('names no currency', text);
        const code = currencyOfMarker(marker, spec.symbols);
        return code === undefined ? invalid('is not a currency code', text) : code;
      };
    case 'boolean':
      return (text, invalid) => {
        const lower = text.toLowerCase();
        if (trueTexts.has(lower)) return true;
        if (falseTexts.has(lower)) return false;
        return invalid('is not a yes/no value', text);
      };
    case 'timestamp':
    case 'date': {
      const parser: DateParser = dateParser(spec.formats ?? ['iso'], spec.timeZone);
      return (text, invalid) => {
        const reading = parser.parse(text);
        if (!reading.ok) return invalid(reading.reason, text);
        if (as === 'date') {
          const { year, month, day } = reading.wall;
          return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
        }
        const instant = new Date(reading.epochMs);
        if (!hasFourDigitYear(instant)) return invalid('is outside the years 0000–9999', text);
        return instant.toISOString();
      };
    }
    case 'email':
      return (text, invalid) => {
        const email = text.toLowerCase();
        const at = email.lastIndexOf('@');
        if (at <= 0) return invalid('is not an email address', text);
        if (!emailPattern.test(email)) {
          const domain = email.slice(at + 1);
          return invalid(domain.includes('.') ? 'is not an email address' : 'has no valid domain', text);
        }
        return email;
      };
    case 'phone': {
      const country = spec.country as CountryCode | undefined;
      return (text, invalid) => {
        const phone = parsePhoneNumberFromString(text, country);
        return phone?.isValid() ? phone.number : invalid('is not a valid phone number', text);
      };
    }
    case 'json':
      return (text, invalid) => {
        try {
          return JSON.parse(text) as Json;
        } catch {
          return invalid('is not JSON', text);
        }
      };
  }
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** Sets `value` at the dotted `path` of `target`, creating the objects on the way. */
export function setPath(target: Record<string, Json>, path: readonly string[], value: Json): void {
  let object = target;
  for (const segment of path.slice(0, -1)) {
    const next = object[segment];
    if (isJsonObject(next)) object = next;
    else {
      const created: Record<string, Json> = {};
      object[segment] = created;
      object = created;
    }
  }
  const last = path[path.length - 1];
  if (last !== undefined) object[last] = value;
}
