import { describe, expect, it } from 'vitest';
import { rateExpression } from '../../infra/constructs/function-schedule.ts';
import { glueColumnTypes } from '../../infra/constructs/lake-catalog.ts';
import { mapRecord, pascalCase } from '../../infra/constructs/records.ts';

describe('rateExpression', () => {
  it('writes the rate as EventBridge Scheduler takes it', () => {
    expect(rateExpression({ kind: 'schedule', rate: { value: 1, unit: 'hour' } })).toBe('rate(1 hour)');
    expect(rateExpression({ kind: 'schedule', rate: { value: 15, unit: 'minutes' } })).toBe(
      'rate(15 minutes)',
    );
  });

  it('rejects the unit forms Scheduler rejects', () => {
    expect(() => rateExpression({ kind: 'schedule', rate: { value: 1, unit: 'hours' } })).toThrow(/singular/);
    expect(() => rateExpression({ kind: 'schedule', rate: { value: 2, unit: 'minute' } })).toThrow(/plural/);
  });

  it('rejects a rate that is not a positive whole number', () => {
    expect(() => rateExpression({ kind: 'schedule', rate: { value: 0, unit: 'minutes' } })).toThrow(
      /positive/,
    );
    expect(() => rateExpression({ kind: 'schedule', rate: { value: 1.5, unit: 'hours' } })).toThrow(
      /positive/,
    );
  });
});

describe('construct ids from topology names', () => {
  it('are the names in PascalCase', () => {
    expect(pascalCase('events')).toBe('Events');
    expect(pascalCase('order-sync_v2')).toBe('OrderSyncV2');
  });

  it('map a record entry by entry, keeping its keys', () => {
    expect(mapRecord({ a: 1, b: 2 }, (name, value) => `${name}${value * 10}`)).toEqual({
      a: 'a10',
      b: 'b20',
    });
  });
});

describe('Glue column types', () => {
  it('store JSON documents as strings, which Athena reads with json_extract', () => {
    expect(glueColumnTypes.json).toBe('string');
  });
});
