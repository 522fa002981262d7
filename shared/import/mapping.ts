/**
 * Import mappings: declarative JSON files (`mappings/<source>.json`) that say how the rows of one source's
 * files become Segment-spec messages. Validated by the zod schema below; a bad file fails with the problem and
 * its place, before any row is read. docs/import.md describes every key.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { z } from 'zod';
import { sourceConfigSchema } from '../config/settings.ts';
import { canonicalJson } from '../events/json.ts';
import type { Json } from '../events/model.ts';
import { dateParser } from './datetime.ts';
import { MappingError } from './errors.ts';

export const valueTypes = [
  'string',
  'number',
  'integer',
  'boolean',
  'amount',
  'currency',
  'timestamp',
  'date',
  'email',
  'phone',
  'json',
] as const;
export type ValueType = (typeof valueTypes)[number];

const numeric: readonly ValueType[] = ['number', 'integer', 'amount'];
const temporal: readonly ValueType[] = ['timestamp', 'date'];

const json = z.json() as z.ZodType<Json>;

/** How one spec field (or one product field of a grouped order) is read from a row. */
export const fieldSpecSchema = z
  .strictObject({
    /** The column (CSV header, NDJSON key or dotted path) holding the value. */
    column: z.string().trim().min(1).optional(),
    /** Text with `{column}` placeholders, e.g. `pos-{store}-{receipt}`: concatenation. */
    template: z
      .string()
      .regex(/\{[^{}]+\}/, 'must name at least one {column}')
      .optional(),
    /** A constant, used as it is. */
    value: json.optional(),
    /** Strip leading and trailing white space. @default true */
    trim: z.boolean().optional(),
    /** Full-width digits, letters and signs to ASCII. @default true for every `as` but string and json */
    halfWidth: z.boolean().optional(),
    case: z.enum(['lower', 'upper', 'title']).optional(),
    /**
     * Replaces the cleaned text by its SHA-256 (hex): for ids built from personal data (`email-{email}`), so the
     * lake's id columns do not carry the plain value. Only for text (`as` string), without lookup or split.
     */
    hash: z.literal('sha256').optional(),
    /** Replaces the cleaned text by the table's value, used as it is. */
    lookup: z.record(z.string(), json).optional(),
    /** What a text the lookup table lacks does. @default reject */
    unmatched: z.enum(['reject', 'keep', 'omit']).optional(),
    /** Splits the text into a list on this separator; each item is then read with `as`. */
    split: z.string().min(1).optional(),
    /** @default string (timestamp for the `timestamp` field) */
    as: z.enum(valueTypes).optional(),
    /** Decimal mark of number, integer and amount. @default . */
    decimal: z.enum(['.', ',']).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    /** A regular expression the whole cleaned text must match. */
    pattern: z.string().optional(),
    /** Formats of timestamp and date, tried in order. @default ["iso"] */
    formats: z.array(z.string().min(1)).min(1).optional(),
    /** IANA zone of wall times without an offset. @default UTC */
    timeZone: z.string().min(1).optional(),
    /** Region of phone numbers written without a country code (ISO 3166 alpha-2). */
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code such as CN')
      .optional(),
    /** Extra currency symbols → ISO 4217 codes, e.g. { "¥": "JPY" }. */
    symbols: z
      .record(z.string().min(1), z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'))
      .optional(),
    /** What a missing value (absent, empty, or one of the input's nullValues) does. @default omit */
    missing: z.enum(['omit', 'null', 'reject']).optional(),
    /** Used, as it is, when the value is missing. */
    default: json.optional(),
    /** What a value that cannot be read as `as` does. @default reject */
    invalid: z.enum(['reject', 'omit']).optional(),
    /** Set this field only when the named one got no value, e.g. an anonymousId for rows without a userId. */
    ifMissing: z.string().min(1).optional(),
  })
  .superRefine((spec, ctx) => {
    const problem = (message: string, path: string) =>
      ctx.addIssue({ code: 'custom', message, path: [path] });
    const sources = [spec.column, spec.template, spec.value].filter((s) => s !== undefined).length;
    if (sources !== 1) problem('give exactly one of column, template or value', 'column');
    const as = spec.as ?? 'string';
    if (spec.hash !== undefined && (as !== 'string' || spec.lookup !== undefined || spec.split !== undefined))
      problem('applies to text (as string) without lookup or split', 'hash');
    if (spec.decimal !== undefined && !numeric.includes(as))
      problem('applies to number, integer, amount', 'decimal');
    for (const key of ['min', 'max'] as const) {
      if (spec[key] !== undefined && !numeric.includes(as))
        problem('applies to number, integer, amount', key);
    }
    for (const key of ['formats', 'timeZone'] as const) {
      if (spec[key] !== undefined && !temporal.includes(as)) problem('applies to timestamp and date', key);
    }
    if (spec.country !== undefined && as !== 'phone') problem('applies to phone', 'country');
    if (spec.symbols !== undefined && as !== 'currency') problem('applies to currency', 'symbols');
    if (spec.unmatched !== undefined && spec.lookup === undefined)
      problem('applies with lookup', 'unmatched');
    if (spec.pattern !== undefined) {
      try {
        new RegExp(spec.pattern, 'u');
      } catch {
        problem('is not a valid regular expression', 'pattern');
      }
    }
    if (temporal.includes(as)) {
      try {
        dateParser(spec.formats ?? ['iso'], spec.timeZone);
      } catch (error) {
        problem(
          error instanceof Error ? error.message : String(error),
          spec.timeZone ? 'timeZone' : 'formats',
        );
      }
    }
  });
export type FieldSpec = z.infer<typeof fieldSpecSchema>;

const encoding = z
  .string()
  .refine(
    (name) => iconv.encodingExists(name),
    'is not an encoding iconv-lite knows (e.g. utf-8, gbk, utf-16le)',
  );

const nullValues = z.array(z.string()).default(['']);

const csvInputSchema = z.strictObject({
  format: z.literal('csv'),
  /** One to four characters; "\t" for tab-separated files. */
  delimiter: z.string().min(1).max(4).default(','),
  quote: z.string().length(1).default('"'),
  encoding: encoding.default('utf-8'),
  /** Column names for files without a header row; without it, the first row names the columns. */
  columns: z.array(z.string().trim().min(1)).min(1).optional(),
  /** Texts that mean "no value" (after trimming). */
  nullValues,
});

const ndjsonInputSchema = z.strictObject({
  format: z.literal('ndjson'),
  encoding: encoding.default('utf-8'),
  nullValues,
});

export const inputSchema = z.discriminatedUnion('format', [csvInputSchema, ndjsonInputSchema]);
export type InputSpec = z.infer<typeof inputSchema>;

const targetPattern =
  /^(event|userId|anonymousId|groupId|timestamp|(properties|traits|context)(\.[^.\s]+)+)$/;
const target = z
  .string()
  .regex(
    targetPattern,
    'must be event, userId, anonymousId, groupId, timestamp, or properties.*, traits.*, context.*',
  );

const groupSchema = z.strictObject({
  /** The column (or columns) whose value is the same on every row of one order. */
  by: z.union([z.string().trim().min(1), z.array(z.string().trim().min(1)).min(1)]),
  /** Where the list of line items goes. @default properties.products */
  into: z
    .string()
    .regex(/^properties(\.[^.\s]+)+$/, 'must be a properties.* path')
    .default('properties.products'),
  /** How each line row becomes one item of the list: item path → field spec. */
  item: z.record(z.string().regex(/^[^.\s]+(\.[^.\s]+)*$/, 'must be a dotted path'), fieldSpecSchema),
  /** For files with header and line rows: the rows whose `column` is one of `in` are lines, the others headers. */
  lines: z.strictObject({ column: z.string().trim().min(1), in: z.array(z.string()).min(1) }).optional(),
  /**
   * Rows of one order may be this many rows apart (1: contiguous, as exports list an order's lines together).
   * Memory holds the open orders of the last `window` rows. @default 1
   */
  window: z.int().min(1).max(100_000).default(1),
  /** An order with more rows is rejected. @default 1000 */
  maxRows: z.int().min(1).max(10_000).default(1_000),
});
export type GroupSpec = z.infer<typeof groupSchema>;

/** The `timestamp` field is read as a timestamp unless it says otherwise, so its formats need no `as`. */
function timestampTyped(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || !('fields' in input)) return input;
  const fields = (input as { fields: unknown }).fields;
  if (typeof fields !== 'object' || fields === null || !('timestamp' in fields)) return input;
  const timestamp = (fields as { timestamp: unknown }).timestamp;
  if (typeof timestamp !== 'object' || timestamp === null || 'as' in timestamp || 'value' in timestamp)
    return input;
  return { ...input, fields: { ...fields, timestamp: { ...timestamp, as: 'timestamp' } } };
}

const mappingObjectSchema = z
  .strictObject({
    $schema: z.string().optional(),
    description: z.string().optional(),
    /** The configured source (cdp.config.json `sources[].name`) the events come from; it gives the channel. */
    source: sourceConfigSchema.shape.name,
    /** track (default) or identify (contacts: traits, no event). */
    type: z.enum(['track', 'identify']).default('track'),
    input: inputSchema.prefault({ format: 'csv' }),
    /** The columns that identify a record; the messageId is a digest of the source and their values. */
    naturalKey: z.array(z.string().trim().min(1)).min(1),
    fields: z.record(target, fieldSpecSchema),
    /** Rows of one order become one event with a list of items. */
    group: groupSchema.optional(),
  })
  .superRefine((mapping, ctx) => {
    const problem = (message: string, path: (string | number)[]) =>
      ctx.addIssue({ code: 'custom', message, path });
    const targets = Object.keys(mapping.fields);
    if (!targets.includes('timestamp')) {
      problem('is required: the event time keeps re-imports in the same lake partition', [
        'fields',
        'timestamp',
      ]);
    }
    if (mapping.type === 'track' && !targets.includes('event')) {
      problem('is required for track mappings (a constant or a column)', ['fields', 'event']);
    }
    if (!targets.includes('userId') && !targets.includes('anonymousId')) {
      problem('map userId or anonymousId (every message needs one)', ['fields', 'userId']);
    }
    if (mapping.type === 'identify') {
      for (const name of targets.filter((name) => name === 'event' || name.startsWith('properties.'))) {
        problem('identify mappings take traits, not an event or properties', ['fields', name]);
      }
      if (mapping.group) problem('applies to track mappings only', ['group']);
    }
    const timestamp = mapping.fields.timestamp;
    if (timestamp?.as !== undefined && timestamp.as !== 'timestamp') {
      problem('the timestamp field is read as a timestamp', ['fields', 'timestamp', 'as']);
    }
    for (const [name, spec] of Object.entries(mapping.fields)) {
      if (spec.ifMissing !== undefined && (spec.ifMissing === name || !targets.includes(spec.ifMissing))) {
        problem('must name another field of this mapping', ['fields', name, 'ifMissing']);
      }
    }
    for (const [name, spec] of Object.entries(mapping.group?.item ?? {})) {
      if (
        spec.ifMissing !== undefined &&
        (spec.ifMissing === name || !(spec.ifMissing in (mapping.group?.item ?? {})))
      ) {
        problem('must name another field of the item', ['group', 'item', name, 'ifMissing']);
      }
    }
    const conflict = findConflictingTargets([...targets, ...(mapping.group ? [mapping.group.into] : [])]);
    if (conflict) problem(`${conflict[0]} and ${conflict[1]} cannot both be set`, ['fields', conflict[1]]);
  });

export const mappingSchema = z.preprocess(timestampTyped, mappingObjectSchema);

/** A validated mapping, defaults applied. */
export type Mapping = z.infer<typeof mappingObjectSchema>;

/** Two targets where one is inside the other (`properties.a` and `properties.a.b`) would overwrite each other. */
function findConflictingTargets(targets: readonly string[]): [string, string] | undefined {
  const sorted = [...targets].sort();
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1] ?? '';
    const current = sorted[i] ?? '';
    if (current.startsWith(`${previous}.`)) return [previous, current];
  }
  return undefined;
}

/**
 * Validates a parsed mapping file; `where` (its path) prefixes the message.
 *
 * @example parseMapping(JSON.parse(text), 'mappings/pos.json').fields.event // { value: 'Order Completed' }
 */
export function parseMapping(input: unknown, where: string): Mapping {
  const parsed = mappingSchema.safeParse(input);
  if (!parsed.success) throw new MappingError(`${where}: ${issuesText(parsed.error)}`);
  return parsed.data;
}

export function loadMappingFile(path: string): Mapping {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new MappingError(`cannot read mapping file ${path}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new MappingError(`${path}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return parseMapping(json, path);
}

/** A digest of everything that decides how rows become events: a checkpoint only resumes the same mapping. */
export function mappingHash(mapping: Mapping): string {
  const { $schema: _schema, description: _description, ...effective } = mapping;
  return createHash('sha256').update(canonicalJson(effective)).digest('hex').slice(0, 16);
}

/** Per-file overrides of a mapping's input, as `cdp import --format/--encoding/--delimiter` give them. */
export interface InputOverrides {
  readonly format?: string | undefined;
  readonly encoding?: string | undefined;
  readonly delimiter?: string | undefined;
}

/** The mapping with its input changed for one file; throws `MappingError` for an override that is not valid. */
export function withInputOverrides(mapping: Mapping, overrides: InputOverrides): Mapping {
  const { format, encoding, delimiter } = overrides;
  if (format === undefined && encoding === undefined && delimiter === undefined) return mapping;
  const current: Record<string, unknown> = { ...mapping.input };
  const changed: Record<string, unknown> =
    format !== undefined && format !== current.format
      ? { format, encoding: current.encoding, nullValues: current.nullValues }
      : current;
  if (encoding !== undefined) changed.encoding = encoding;
  if (delimiter !== undefined) changed.delimiter = delimiter === '\\t' ? '\t' : delimiter;
  const parsed = inputSchema.safeParse(changed);
  if (!parsed.success) throw new MappingError(`input overrides: ${issuesText(parsed.error)}`);
  return { ...mapping, input: parsed.data };
}

/** Every problem on one line, each with its place: `fields.timestamp.formats: …; naturalKey: …`. */
function issuesText(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map((segment) =>
        typeof segment === 'number' ? `[${segment}]` : `.${String(segment)}`,
      );
      const place = path.join('').replace(/^\./, '').replaceAll('.[', '[');
      // A bad record key (a field target) carries the key schema's own message inside.
      const message =
        issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
      return place === '' ? message : `${place}: ${message}`;
    })
    .join('; ');
}
