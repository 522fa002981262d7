/**
 * A mapping compiled against one input's columns: functions from rows to message fields, line items, natural
 * keys and group keys. Compiling checks every column the mapping names against the input's header, so a
 * misspelt column fails the run before the first row rather than rejecting every row.
 */
import type { Json, JsonObject } from '../events/model.ts';
import { InputError } from './errors.ts';
import {
  absent,
  type ColumnReader,
  type CompiledField,
  compileField,
  type FieldContext,
  FieldProblem,
  setPath,
} from './fields.ts';
import type { InputRow } from './input.ts';
import type { FieldSpec, Mapping } from './mapping.ts';
import { toHalfWidth } from './text.ts';

/** Written into every imported event's `context.library`, as Segment's libraries name themselves there. */
export const importLibrary = { name: 'cdp-import', version: '1' } as const;

export interface Omission {
  readonly field: string;
  readonly reason: string;
}

export type Mapped<T> =
  | { readonly ok: true; readonly value: T; readonly omitted: readonly Omission[] }
  | { readonly ok: false; readonly field: string; readonly reason: string; readonly value?: string };

export interface RowMapper {
  readonly type: Mapping['type'];
  /** The message a row makes (for grouped mappings: the order-level fields, from the order's header row). */
  message(row: InputRow): Mapped<JsonObject>;
  /** The natural key's values, cleaned: what the messageId is derived from. */
  naturalKey(row: InputRow): Mapped<readonly string[]>;
  readonly group?: {
    /** The order a row belongs to; `undefined` when the row has no value in the group columns. */
    key(row: InputRow): string | undefined;
    /** The columns of the key, to name in reasons. */
    readonly field: string;
    /** Whether the row is a line row (true for every row when the mapping declares no header rows). */
    isLine(row: InputRow): boolean;
    readonly headerRows: boolean;
    item(row: InputRow): Mapped<JsonObject>;
    /** Where the items go in the message, as path segments. */
    readonly into: readonly string[];
    /** How the item fields are named in reasons: `properties.products[]`. */
    readonly itemField: string;
  };
}

/**
 * Compiles `mapping` for an input with these `columns` (CSV) or keyed rows (NDJSON: `columns` undefined).
 * Throws `InputError` when the mapping names a column the input lacks.
 */
export function compileMapping(mapping: Mapping, columns: readonly string[] | undefined): RowMapper {
  const context: FieldContext<InputRow> = {
    column: columns === undefined ? keyReader : columnReader(columns),
    nullValues: new Set(mapping.input.nullValues.map((value) => value.trim())),
  };
  const fields = Object.entries(mapping.fields).map(([target, spec]) => ({
    field:
      target === 'timestamp'
        ? // Without its own time an event would take the import's, and a re-import on another day would land
          // in another partition, where the lake cannot see it is a duplicate.
          compileField(target, { missing: 'reject', ...spec }, context, 'timestamp')
        : compileField(target, spec, context),
    path: messagePath(target, mapping.type),
    ...(spec.ifMissing === undefined ? {} : { ifMissing: messagePath(spec.ifMissing, mapping.type) }),
  }));
  const keyReaders = mapping.naturalKey.map((name) => ({ name, read: context.column(name) }));
  const nullValues = context.nullValues;

  const naturalKey = (row: InputRow): Mapped<readonly string[]> => {
    const values: string[] = [];
    for (const { name, read } of keyReaders) {
      const value = cleanKey(read(row));
      if (value === undefined || nullValues.has(value)) {
        return { ok: false, field: `naturalKey.${name}`, reason: 'is missing' };
      }
      values.push(value);
    }
    return { ok: true, value: values, omitted: [] };
  };

  const message = (row: InputRow): Mapped<JsonObject> =>
    build({ type: mapping.type, context: { library: { ...importLibrary } } }, fields, row);

  const group = mapping.group;
  if (group === undefined) return { type: mapping.type, message, naturalKey };

  const byColumns = typeof group.by === 'string' ? [group.by] : group.by;
  const byReaders = byColumns.map((name) => context.column(name));
  const into = group.into.split('.');
  const itemField = `${group.into}[]`;
  const itemFields = Object.entries(group.item).map(([path, spec]: [string, FieldSpec]) => ({
    field: compileField(`${itemField}.${path}`, spec, context),
    path: path.split('.'),
    ...(spec.ifMissing === undefined ? {} : { ifMissing: spec.ifMissing.split('.') }),
  }));
  const lines = group.lines;
  const lineReader = lines === undefined ? undefined : context.column(lines.column);
  const lineValues = new Set(lines?.in.map((value) => value.trim()));

  return {
    type: mapping.type,
    message,
    naturalKey,
    group: {
      field: byColumns.join('+'),
      key(row) {
        const parts: string[] = [];
        for (const read of byReaders) {
          const value = cleanKey(read(row));
          if (value === undefined || nullValues.has(value)) return undefined;
          parts.push(value);
        }
        return parts.join('\u0000');
      },
      isLine: (row) => lineReader === undefined || lineValues.has(cleanKey(lineReader(row)) ?? ''),
      headerRows: lines !== undefined,
      item: (row) => build({}, itemFields, row),
      into,
      itemField,
    },
  };
}

const noOmissions: readonly Omission[] = [];

interface TargetField {
  readonly field: CompiledField<InputRow>;
  readonly path: readonly string[];
  /** Read only when nothing was set at this path (`ifMissing`). */
  readonly ifMissing?: readonly string[];
}

/**
 * Sets every field's value into `target`, the fields with `ifMissing` last (so the order of the keys in the
 * file does not matter); the first value that rejects the row stops it.
 */
function build(target: JsonObject, fields: readonly TargetField[], row: InputRow): Mapped<JsonObject> {
  let omitted: Omission[] | undefined;
  for (const pass of [false, true]) {
    for (const { field, path, ifMissing } of fields) {
      if ((ifMissing !== undefined) !== pass) continue;
      if (ifMissing !== undefined && valueAt(target, ifMissing) !== undefined) continue;
      const reading = field.read(row);
      if (reading === absent) continue;
      if (reading instanceof FieldProblem) {
        if (!reading.omit) {
          const { reason, value } = reading;
          return value === undefined
            ? { ok: false, field: field.target, reason }
            : { ok: false, field: field.target, reason, value };
        }
        omitted ??= [];
        omitted.push({ field: field.target, reason: reading.reason });
        continue;
      }
      setPath(target, path, reading);
    }
  }
  return { ok: true, value: target, omitted: omitted ?? noOmissions };
}

function valueAt(object: JsonObject, path: readonly string[]): Json | undefined {
  let value: Json | undefined = object;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = value[segment];
  }
  return value;
}

/** Where a target goes in the message: a track message's traits are its `context.traits`, as the spec has it. */
function messagePath(target: string, type: Mapping['type']): readonly string[] {
  const path = target.split('.');
  return type === 'track' && path[0] === 'traits' ? ['context', ...path] : path;
}

/** Key values compare after trimming and full-width folding, so `Ｏ-１ ` and `O-1` are one order. */
function cleanKey(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  const cleaned = toHalfWidth(text).trim();
  return cleaned === '' ? undefined : cleaned;
}

/** CSV: a column by its header name (exact, else the one name equal ignoring case). */
function columnReader(columns: readonly string[]): (name: string) => ColumnReader<InputRow> {
  return (name) => {
    let index = columns.indexOf(name);
    if (index !== -1 && columns.indexOf(name, index + 1) !== -1) {
      throw new InputError(`the column "${name}" appears twice in the header`);
    }
    if (index === -1) {
      const lower = name.toLowerCase();
      const matches = columns.flatMap((column, i) => (column.toLowerCase() === lower ? [i] : []));
      if (matches.length === 1) index = matches[0] ?? -1;
    }
    if (index === -1) {
      const listed = columns.map((column) => JSON.stringify(column)).join(', ');
      throw new InputError(
        `the mapping reads the column "${name}", which the input lacks; its columns are ${listed}`,
      );
    }
    return (row) => (row.values as readonly string[])[index];
  };
}

/** NDJSON: a key of the row's object, else a dotted path into it (`customer.email`). */
function keyReader(name: string): ColumnReader<InputRow> {
  const path = name.split('.');
  return (row) => {
    const object = row.values as JsonObject;
    const direct = object[name];
    if (direct !== undefined || path.length === 1) return direct;
    let value: Json | undefined = object;
    for (const segment of path) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
      value = value[segment];
    }
    return value;
  };
}
