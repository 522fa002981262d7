/**
 * Typed analysis parameters: declared once per analysis (registry.ts), parsed from the command line's text or
 * taken as values, validated, and turned into the values bound to the SQL's placeholders. A parameter never
 * becomes SQL text: whatever an analyst types travels as a bound value.
 *
 * @example
 * const values = resolveParameters(analysis.parameters, { from: '2026-11-01', timeout_minutes: '45' }, today);
 * const bindings = parameterBindings(analysis.parameters, values);
 */
import { AnalysisParameterError } from './errors.ts';

/** What a placeholder is bound to: the value types both engines accept. */
export type Bindable = string | number | boolean | null;

export type ParameterValue = string | number | boolean | null | readonly string[];
export type ParameterValues = Readonly<Record<string, ParameterValue>>;

/** A date relative to the day the analysis runs (UTC), e.g. `{ daysBeforeToday: 29 }`. */
export interface RelativeDate {
  readonly daysBeforeToday: number;
}

interface Described {
  readonly name: string;
  /** One line for `cdp query --list` and the docs. */
  readonly description: string;
  /**
   * The value is used by the in-process step after the SQL (e.g. association rules' thresholds), not bound to
   * a placeholder.
   */
  readonly inProcess?: boolean;
}

/** A UTC calendar day, `YYYY-MM-DD`. Without a default it is required. */
export interface DateParameter extends Described {
  readonly kind: 'date';
  readonly default?: string | RelativeDate;
}

export interface IntegerParameter extends Described {
  readonly kind: 'integer';
  readonly min: number;
  readonly max: number;
  readonly default?: number;
}

export interface NumberParameter extends Described {
  readonly kind: 'number';
  readonly min: number;
  /** The value must be above `min`, not equal to it. */
  readonly minExclusive?: boolean;
  readonly max: number;
  readonly default?: number;
}

/** Free text, e.g. an event name. `default: null` makes it optional (bound as NULL when absent or empty). */
export interface StringParameter extends Described {
  readonly kind: 'string';
  readonly default?: string | null;
}

export interface EnumParameter extends Described {
  readonly kind: 'enum';
  readonly values: readonly string[];
  readonly default?: string;
}

export interface BooleanParameter extends Described {
  readonly kind: 'boolean';
  readonly default?: boolean;
}

/**
 * A list of strings: on the command line a JSON array (`["a, b","c"]`) or comma-separated text (`a,b,c`). It
 * binds as `:<name>_1` … `:<name>_<maxItems>` (NULL past the end of the list) and `:<name>_count`.
 */
export interface StringsParameter extends Described {
  readonly kind: 'strings';
  readonly minItems: number;
  readonly maxItems: number;
  readonly default?: readonly string[];
}

export type AnalysisParameter =
  | DateParameter
  | IntegerParameter
  | NumberParameter
  | StringParameter
  | EnumParameter
  | BooleanParameter
  | StringsParameter;

/** Longest text a string parameter (or a list item) may hold. */
export const maxTextLength = 500;

/**
 * The value of every parameter: from `input` (command-line text or a value of the parameter's type), else
 * its default. Throws `AnalysisParameterError` for an unknown name, a missing required value or a value the
 * parameter does not accept.
 */
export function resolveParameters(
  parameters: readonly AnalysisParameter[],
  input: Readonly<Record<string, unknown>>,
  today: Date,
): Record<string, ParameterValue> {
  const known = new Set(parameters.map((parameter) => parameter.name));
  const unknown = Object.keys(input).find((name) => !known.has(name));
  if (unknown !== undefined) {
    throw new AnalysisParameterError(
      `unknown parameter '${unknown}' (parameters: ${[...known].join(', ')})`,
      unknown,
    );
  }
  const values: Record<string, ParameterValue> = {};
  for (const parameter of parameters) {
    const given = input[parameter.name];
    values[parameter.name] =
      given === undefined ? defaultValue(parameter, today) : parseValue(parameter, given);
  }
  return values;
}

/** The values bound to the SQL's placeholders, by placeholder name (in-process parameters excluded). */
export function parameterBindings(
  parameters: readonly AnalysisParameter[],
  values: ParameterValues,
): Record<string, Bindable> {
  const bindings: Record<string, Bindable> = {};
  for (const parameter of parameters) {
    if (parameter.inProcess) continue;
    const value = values[parameter.name] ?? null;
    if (parameter.kind === 'strings') {
      const items = Array.isArray(value) ? (value as readonly string[]) : [];
      for (let i = 1; i <= parameter.maxItems; i += 1)
        bindings[`${parameter.name}_${i}`] = items[i - 1] ?? null;
      bindings[`${parameter.name}_count`] = items.length;
    } else {
      bindings[parameter.name] = value as Bindable;
    }
  }
  return bindings;
}

/** `key=value` arguments (the command line's `--param`) as a map of texts; a key may appear once. */
export function parseParameterArguments(args: readonly string[]): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const arg of args) {
    const equals = arg.indexOf('=');
    const name = equals < 0 ? arg : arg.slice(0, equals);
    if (equals < 0 || !/^[a-z][a-z0-9_]*$/.test(name)) {
      throw new AnalysisParameterError(`a parameter is given as name=value, not '${arg}'`, undefined);
    }
    if (name in texts) throw new AnalysisParameterError(`parameter '${name}' is given twice`, name);
    texts[name] = arg.slice(equals + 1);
  }
  return texts;
}

/** The type as `cdp query --list` shows it, e.g. `integer 1..1440` or `enum day|week|month`. */
export function describeType(parameter: AnalysisParameter): string {
  switch (parameter.kind) {
    case 'integer':
      return `integer ${parameter.min}..${parameter.max}`;
    case 'number':
      return `number ${parameter.minExclusive ? `>${parameter.min}` : parameter.min}..${parameter.max}`;
    case 'enum':
      return `enum ${parameter.values.join('|')}`;
    case 'strings':
      return `list of ${parameter.minItems}..${parameter.maxItems} strings`;
    default:
      return parameter.kind;
  }
}

/** The default as `cdp query --list` shows it: `required`, `none`, `today`, `29 days before today`, a value. */
export function describeDefault(parameter: AnalysisParameter): string {
  const fallback = parameter.default;
  if (fallback === undefined) return 'required';
  if (fallback === null) return 'none';
  if (Array.isArray(fallback)) return fallback.join(',');
  if (typeof fallback === 'object') {
    const days = (fallback as RelativeDate).daysBeforeToday;
    return days === 0 ? 'today' : `${days} day${days === 1 ? '' : 's'} before today`;
  }
  return String(fallback);
}

function defaultValue(parameter: AnalysisParameter, today: Date): ParameterValue {
  if (parameter.default === undefined) {
    throw new AnalysisParameterError(`parameter '${parameter.name}' is required`, parameter.name);
  }
  if (parameter.kind === 'date' && typeof parameter.default === 'object') {
    return isoDate(new Date(startOfUtcDay(today) - parameter.default.daysBeforeToday * 86_400_000));
  }
  return parameter.default as ParameterValue;
}

function parseValue(parameter: AnalysisParameter, given: unknown): ParameterValue {
  const fail = (accepts: string): never => {
    throw new AnalysisParameterError(
      `parameter '${parameter.name}' must be ${accepts}, not ${JSON.stringify(given)}`,
      parameter.name,
    );
  };
  switch (parameter.kind) {
    case 'date': {
      if (typeof given !== 'string' || !isCalendarDate(given)) return fail('a date YYYY-MM-DD');
      return given;
    }
    case 'integer': {
      const value = typeof given === 'string' && /^[+-]?\d+$/.test(given.trim()) ? Number(given) : given;
      if (
        typeof value !== 'number' ||
        !Number.isSafeInteger(value) ||
        value < parameter.min ||
        value > parameter.max
      ) {
        return fail(`an integer from ${parameter.min} to ${parameter.max}`);
      }
      return value;
    }
    case 'number': {
      const numeric = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
      const value = typeof given === 'string' && numeric.test(given.trim()) ? Number(given) : given;
      const aboveMin =
        typeof value === 'number' &&
        (parameter.minExclusive ? value > parameter.min : value >= parameter.min);
      if (typeof value !== 'number' || !Number.isFinite(value) || !aboveMin || value > parameter.max) {
        const from = parameter.minExclusive ? `above ${parameter.min}` : `from ${parameter.min}`;
        return fail(`a number ${from} up to ${parameter.max}`);
      }
      return value;
    }
    case 'string': {
      if (typeof given !== 'string')
        return given === null && parameter.default === null ? null : fail('text');
      if (given === '') return parameter.default === null ? null : fail('non-empty text');
      return checkedText(parameter.name, given);
    }
    case 'enum': {
      if (typeof given !== 'string' || !parameter.values.includes(given)) {
        return fail(`one of ${parameter.values.join(', ')}`);
      }
      return given;
    }
    case 'boolean': {
      if (typeof given === 'boolean') return given;
      const text = typeof given === 'string' ? given.trim().toLowerCase() : '';
      if (['true', 'yes', '1'].includes(text)) return true;
      if (['false', 'no', '0'].includes(text)) return false;
      return fail('true or false');
    }
    case 'strings': {
      const items = typeof given === 'string' ? listItems(parameter.name, given) : given;
      const range = `${parameter.minItems} to ${parameter.maxItems}`;
      if (!Array.isArray(items) || !items.every((item) => typeof item === 'string' && item !== '')) {
        return fail(`a list of ${range} non-empty strings`);
      }
      if (items.length < parameter.minItems || items.length > parameter.maxItems) {
        return fail(`a list of ${range} strings`);
      }
      return items.map((item: string) => checkedText(parameter.name, item));
    }
  }
}

function listItems(name: string, text: string): unknown {
  if (text.trimStart().startsWith('[')) {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new AnalysisParameterError(
        `parameter '${name}' is not a valid JSON array: ${String(error)}`,
        name,
      );
    }
  }
  return text.split(',').map((item) => item.trim());
}

function checkedText(name: string, text: string): string {
  if (text.length > maxTextLength) {
    throw new AnalysisParameterError(`parameter '${name}' is longer than ${maxTextLength} characters`, name);
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is rejected
  if (/[\u0000-\u001f\u007f]/.test(text)) {
    throw new AnalysisParameterError(`parameter '${name}' contains a control character`, name);
  }
  return text;
}

function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return isoDate(date) === text;
}

function startOfUtcDay(date: Date): number {
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
}

/** `YYYY-MM-DD` of a moment, in UTC. */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The date `days` after the `YYYY-MM-DD` date `text`. */
export function addDays(text: string, days: number): string {
  return isoDate(new Date(Date.parse(`${text}T00:00:00Z`) + days * 86_400_000));
}
