import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MappingError } from '../../../shared/import/errors.ts';
import {
  loadMappingFile,
  mappingHash,
  parseMapping,
  withInputOverrides,
} from '../../../shared/import/mapping.ts';
import { mappingsDir } from './helpers.ts';

const minimal = {
  source: 'pos',
  naturalKey: ['order_id'],
  fields: {
    event: { value: 'Order Completed' },
    timestamp: { column: 'order_time', formats: ['YYYY-MM-DD HH:mm'], timeZone: 'Asia/Shanghai' },
    anonymousId: { column: 'order_id' },
  },
};

function without<T extends object>(object: T, key: keyof T): Omit<T, typeof key> {
  const { [key]: _dropped, ...rest } = object;
  return rest;
}

function problemOf(input: unknown): string {
  try {
    parseMapping(input, 'm.json');
  } catch (error) {
    if (error instanceof MappingError) return error.message;
    throw error;
  }
  return 'valid';
}

describe('mapping files', () => {
  it('applies the defaults: track, CSV with commas in UTF-8, empty text as missing, the timestamp as a timestamp', () => {
    // Act
    const mapping = parseMapping(minimal, 'm.json');

    // Assess
    expect(mapping.type).toBe('track');
    expect(mapping.input).toEqual({
      format: 'csv',
      delimiter: ',',
      quote: '"',
      encoding: 'utf-8',
      nullValues: [''],
    });
    expect(mapping.fields.timestamp?.as).toBe('timestamp');
  });

  it('names every problem and its place on one line', () => {
    // Act
    const problems = [
      problemOf({ ...minimal, fields: without(minimal.fields, 'timestamp') }),
      problemOf({ ...minimal, fields: without(minimal.fields, 'event') }),
      problemOf({ ...minimal, fields: { event: minimal.fields.event, timestamp: minimal.fields.timestamp } }),
      problemOf({ ...minimal, fields: { ...minimal.fields, 'properties.total': { column: 'a', value: 1 } } }),
      problemOf({
        ...minimal,
        fields: { ...minimal.fields, 'properties.total': { column: 'a', decimal: ',' } },
      }),
      problemOf({
        ...minimal,
        fields: { ...minimal.fields, 'properties.total': { column: 'a', as: 'money' } },
      }),
      problemOf({ ...minimal, fields: { ...minimal.fields, revenue: { column: 'a' } } }),
      problemOf({
        ...minimal,
        fields: { ...minimal.fields, 'properties.a': { column: 'a' }, 'properties.a.b': { column: 'b' } },
      }),
      problemOf({
        ...minimal,
        fields: { ...minimal.fields, timestamp: { column: 't', timeZone: 'Nowhere/Town' } },
      }),
      problemOf({
        ...minimal,
        fields: { ...minimal.fields, timestamp: { column: 't', formats: ['HH:mm'] } },
      }),
      problemOf({ ...minimal, input: { format: 'csv', encoding: 'klingon' } }),
      problemOf({ ...minimal, type: 'identify' }),
      problemOf({ ...minimal, naturalKey: [] }),
      problemOf({ ...minimal, colour: 'blue' }),
      problemOf({
        ...minimal,
        fields: { ...minimal.fields, userId: { column: 'u', ifMissing: 'traits.email' } },
      }),
    ];

    // Assess
    expect(problems).toEqual([
      'm.json: fields.timestamp: is required: the event time keeps re-imports in the same lake partition',
      'm.json: fields.event: is required for track mappings (a constant or a column)',
      'm.json: fields.userId: map userId or anonymousId (every message needs one)',
      'm.json: fields.properties.total.column: give exactly one of column, template or value',
      'm.json: fields.properties.total.decimal: applies to number, integer, amount',
      'm.json: fields.properties.total.as: Invalid option: expected one of "string"|"number"|"integer"|"boolean"|"amount"|"currency"|"timestamp"|"date"|"email"|"phone"|"json"',
      'm.json: fields.revenue: must be event, userId, anonymousId, groupId, timestamp, or properties.*, traits.*, context.*',
      'm.json: fields.properties.a.b: properties.a and properties.a.b cannot both be set',
      'm.json: fields.timestamp.timeZone: unknown time zone "Nowhere/Town" (use an IANA name such as Asia/Shanghai)',
      'm.json: fields.timestamp.formats: format "HH:mm" has no year (YYYY or YY)',
      'm.json: input.encoding: is not an encoding iconv-lite knows (e.g. utf-8, gbk, utf-16le)',
      'm.json: fields.event: identify mappings take traits, not an event or properties',
      'm.json: naturalKey: Too small: expected array to have >=1 items',
      'm.json: Unrecognized key: "colour"',
      'm.json: fields.userId.ifMissing: must name another field of this mapping',
    ]);
  });

  it('changes the input per file, and the mapping hash with it', () => {
    // Prepare
    const mapping = parseMapping(minimal, 'm.json');

    // Act
    const gbk = withInputOverrides(mapping, { encoding: 'gbk', delimiter: '\\t' });
    const ndjson = withInputOverrides(mapping, { format: 'ndjson' });

    // Assess
    expect(gbk.input).toEqual({
      format: 'csv',
      delimiter: '\t',
      quote: '"',
      encoding: 'gbk',
      nullValues: [''],
    });
    expect(ndjson.input).toEqual({ format: 'ndjson', encoding: 'utf-8', nullValues: [''] });
    expect(mappingHash(gbk)).not.toBe(mappingHash(mapping));
    expect(mappingHash(withInputOverrides(mapping, {}))).toBe(mappingHash(mapping));
    expect(() => withInputOverrides(mapping, { encoding: 'nope' })).toThrow(MappingError);
  });

  it('ignores the description in the hash, so documenting a mapping does not restart its imports', () => {
    // Act
    const plain = mappingHash(parseMapping(minimal, 'm.json'));
    const described = mappingHash(parseMapping({ ...minimal, description: 'POS orders' }, 'm.json'));

    // Assess
    expect(described).toBe(plain);
  });

  it('ships ready-made mappings that all pass the schema, each named after its source', () => {
    // Prepare
    const files = readdirSync(mappingsDir).filter((name) => name.endsWith('.json'));

    // Act
    const sources = files.map((name) => loadMappingFile(join(mappingsDir, name)).source);

    // Assess
    expect(files.sort()).toEqual([
      'crm.json',
      'esp.json',
      'pos.json',
      'sendgrid.json',
      'social.json',
      'support.json',
      'surveys.json',
    ]);
    expect(sources.sort()).toEqual(['crm', 'esp', 'pos', 'sendgrid', 'social', 'support', 'surveys']);
  });

  it('fails with the file named when a mapping file is missing or not JSON', () => {
    // Act / Assess
    expect(() => loadMappingFile(join(mappingsDir, 'nope.json'))).toThrow(
      /cannot read mapping file .*nope\.json/,
    );
  });
});
