import { describe, expect, it } from 'vitest';
import { absent, compileField, FieldProblem, type FieldReading } from '../../../shared/import/fields.ts';
import { type FieldSpec, fieldSpecSchema } from '../../../shared/import/mapping.ts';

type Row = Record<string, unknown>;

/** Reads `row` with a field spec (validated by the mapping schema), columns being the row's keys. */
function readField(spec: Record<string, unknown>, row: Row, nullValues = ['']): FieldReading {
  const parsed: FieldSpec = fieldSpecSchema.parse(spec);
  const field = compileField<Row>('properties.x', parsed, {
    column: (name) => (r) => r[name],
    nullValues: new Set(nullValues),
  });
  return field.read(row);
}

function problem(reading: unknown): { reason: string; value: string | undefined; omit: boolean } | undefined {
  return reading instanceof FieldProblem
    ? { reason: reading.reason, value: reading.value, omit: reading.omit }
    : undefined;
}

describe('reading a field from a row', () => {
  it('trims by default, folds full-width characters when asked, and changes case', () => {
    // Act
    const readings = [
      readField({ column: 'a' }, { a: '  Green tea \t' }),
      readField({ column: 'a', trim: false }, { a: ' x ' }),
      readField({ column: 'a', halfWidth: true }, { a: 'ＡＢＣ１２３' }),
      readField({ column: 'a' }, { a: 'ＡＢＣ' }),
      readField({ column: 'a', case: 'upper' }, { a: 'cny' }),
      readField({ column: 'a', case: 'lower' }, { a: 'CASH' }),
      readField({ column: 'a', case: 'title' }, { a: 'ann SMITH' }),
    ];

    // Assess: strings keep full-width forms unless asked; typed values always fold them.
    expect(readings).toEqual(['Green tea', ' x ', 'ABC123', 'ＡＢＣ', 'CNY', 'cash', 'Ann Smith']);
  });

  it('hashes the cleaned text when asked, and refuses a hash on anything but plain text', () => {
    // Act
    const hashed = readField(
      { template: 'email-{e}', case: 'lower', hash: 'sha256' },
      { e: 'Ann@Example.COM' },
    );
    const refused = [
      fieldSpecSchema.safeParse({ column: 'a', hash: 'sha256', as: 'number' }).success,
      fieldSpecSchema.safeParse({ column: 'a', hash: 'sha256', split: ',' }).success,
      fieldSpecSchema.safeParse({ column: 'a', hash: 'sha256', lookup: { a: 'b' } }).success,
    ];

    // Assess: SHA-256 of "email-ann@example.com" (the template's text, lower-cased), from `sha256sum`.
    expect(hashed).toBe('a00bb09e11e93a7fcf9598b38e73bf52de43b479e9df9931afaa4d3d85473232');
    expect(refused).toEqual([false, false, false]);
  });

  it('concatenates columns and constants with a template, and sets constants as they are', () => {
    // Act
    const readings = [
      readField({ template: 'pos-{store} {order}' }, { store: ' S01 ', order: 'A-1' }),
      readField({ template: 'pos-{store}-{order}' }, { store: 'S01', order: '' }),
      readField({ value: { tier: 'gold', points: 3 } }, {}),
    ];

    // Assess: a template with a missing part is missing.
    expect(readings).toEqual(['pos-S01 A-1', absent, { tier: 'gold', points: 3 }]);
  });

  it('replaces a text by its lookup table entry, and keeps, omits or rejects a text the table lacks', () => {
    // Prepare
    const lookup = { 现金: 'cash', card: 'card', vip: { tier: 1 } };

    // Act
    const readings = [
      readField({ column: 'a', lookup }, { a: ' 现金 ' }),
      readField({ column: 'a', lookup }, { a: 'vip' }),
      readField({ column: 'a', lookup, unmatched: 'keep' }, { a: 'voucher' }),
      readField({ column: 'a', lookup, unmatched: 'omit' }, { a: 'voucher' }),
      problem(readField({ column: 'a', lookup }, { a: 'voucher' })),
    ];

    // Assess
    expect(readings).toEqual([
      'cash',
      { tier: 1 },
      'voucher',
      absent,
      { reason: 'has no entry in the lookup table', value: 'voucher', omit: false },
    ]);
  });

  it('splits lists and reads each item with the type', () => {
    // Act
    const readings = [
      readField({ column: 'a', split: ';' }, { a: 'vip; newsletter;; ' }),
      readField({ column: 'a', split: '|', as: 'integer' }, { a: '1|２|3' }),
      problem(readField({ column: 'a', split: '|', as: 'integer' }, { a: '1|x' })),
    ];

    // Assess
    expect(readings).toEqual([
      ['vip', 'newsletter'],
      [1, 2, 3],
      { reason: 'is not a number', value: 'x', omit: false },
    ]);
  });

  it('treats absent, empty and declared null texts as missing: omitted, null, a default, or a rejection', () => {
    // Act
    const readings = [
      readField({ column: 'a' }, {}),
      readField({ column: 'a' }, { a: '   ' }),
      readField({ column: 'a' }, { a: 'N/A' }, ['', 'N/A']),
      readField({ column: 'a', case: 'lower' }, { a: ' NULL ' }, ['', 'NULL']),
      readField({ column: 'a', missing: 'null' }, { a: '' }),
      readField({ column: 'a', default: 'CNY' }, { a: null }),
      problem(readField({ column: 'a', missing: 'reject' }, { a: '' })),
    ];

    // Assess
    expect(readings).toEqual([
      absent,
      absent,
      absent,
      absent,
      null,
      'CNY',
      { reason: 'is missing', value: undefined, omit: false },
    ]);
  });

  it('reads numbers with a decimal comma, amounts with currency marks, and whole numbers', () => {
    // Act
    const readings = [
      readField({ column: 'a', as: 'number', decimal: ',' }, { a: '1.234,5' }),
      readField({ column: 'a', as: 'amount' }, { a: '¥1,288.00' }),
      readField({ column: 'a', as: 'amount', decimal: ',' }, { a: '12,50 €' }),
      readField({ column: 'a', as: 'integer' }, { a: '３' }),
      readField({ column: 'a', as: 'number' }, { a: 42.5 }),
    ];

    // Assess
    expect(readings).toEqual([1234.5, 1288, 12.5, 3, 42.5]);
  });

  it('reads currencies from codes and symbols, booleans in English and Chinese, dates, and JSON', () => {
    // Act
    const readings = [
      readField({ column: 'a', as: 'currency' }, { a: 'eur' }),
      readField({ column: 'a', as: 'currency' }, { a: '¥88.00' }),
      readField({ column: 'a', as: 'currency', symbols: { '¥': 'JPY' } }, { a: '¥880' }),
      readField({ column: 'a', as: 'boolean' }, { a: 'Yes' }),
      readField({ column: 'a', as: 'boolean' }, { a: '否' }),
      readField({ column: 'a', as: 'date', formats: ['YYYY年M月D日'] }, { a: '１９９０年５月１７日' }),
      readField(
        { column: 'a', as: 'timestamp', formats: ['YYYY-MM-DD HH:mm'], timeZone: 'Asia/Shanghai' },
        { a: '2024-03-01 09:30' },
      ),
      readField({ column: 'a', as: 'json' }, { a: '{"size":"L"}' }),
      readField({ column: 'a', as: 'json' }, { a: { size: 'L' } }),
    ];

    // Assess
    expect(readings).toEqual([
      'EUR',
      'CNY',
      'JPY',
      true,
      false,
      '1990-05-17',
      '2024-03-01T01:30:00.000Z',
      { size: 'L' },
      { size: 'L' },
    ]);
  });

  it('normalises emails to lower case and phones to E.164, full-width digits included', () => {
    // Act
    const readings = [
      readField({ column: 'a', as: 'email' }, { a: ' Ann.Smith@Example.COM ' }),
      readField({ column: 'a', as: 'email' }, { a: '王@例子.中国' }),
      readField({ column: 'a', as: 'phone', country: 'CN' }, { a: '１３８ ００１３ ８０００' }),
      readField({ column: 'a', as: 'phone', country: 'GB' }, { a: '020 7946 0958' }),
      readField({ column: 'a', as: 'phone' }, { a: '+1 (415) 555-2671' }),
    ];

    // Assess
    expect(readings).toEqual([
      'ann.smith@example.com',
      '王@例子.中国',
      '+8613800138000',
      '+442079460958',
      '+14155552671',
    ]);
  });

  it('rejects each kind of invalid value with its reason and the offending text', () => {
    // Act
    const problems = [
      readField({ column: 'a', as: 'number' }, { a: 'twelve' }),
      readField({ column: 'a', as: 'integer' }, { a: '2.5' }),
      readField({ column: 'a', as: 'integer', min: 0 }, { a: '-1' }),
      readField({ column: 'a', as: 'number', min: 1 }, { a: '0.5' }),
      readField({ column: 'a', as: 'integer', max: 5 }, { a: '9' }),
      readField({ column: 'a', as: 'amount' }, { a: '¥abc' }),
      readField({ column: 'a', as: 'currency' }, { a: 'XYZ' }),
      readField({ column: 'a', as: 'currency' }, { a: '12.50' }),
      readField({ column: 'a', as: 'boolean' }, { a: 'maybe' }),
      readField({ column: 'a', as: 'timestamp', formats: ['YYYY-MM-DD'] }, { a: '01/03/2024' }),
      readField({ column: 'a', as: 'date', formats: ['YYYY-MM-DD'] }, { a: '2023-02-29' }),
      readField({ column: 'a', as: 'timestamp', formats: ['epoch'] }, { a: '300000000000' }),
      readField({ column: 'a', as: 'email' }, { a: 'ann.example.com' }),
      readField({ column: 'a', as: 'email' }, { a: 'ann@' }),
      readField({ column: 'a', as: 'email' }, { a: 'ann@localhost' }),
      readField({ column: 'a', as: 'email' }, { a: 'ann smith@example.com' }),
      readField({ column: 'a', as: 'phone', country: 'CN' }, { a: '12345' }),
      readField({ column: 'a', as: 'json' }, { a: '{oops' }),
      readField({ column: 'a', pattern: 'SKU-\\d+' }, { a: 'SKU-12a' }),
    ].map(problem);

    // Assess
    expect(problems.map((p) => `${p?.reason} (${p?.value})`)).toEqual([
      'is not a number (twelve)',
      'is not a whole number (2.5)',
      'must not be negative (-1)',
      'must be at least 1 (0.5)',
      'must be at most 5 (9)',
      'is not an amount (¥abc)',
      'is not a currency code (XYZ)',
      'names no currency (12.50)',
      'is not a yes/no value (maybe)',
      'matches none of the formats YYYY-MM-DD (01/03/2024)',
      'is not a calendar date (2023-02-29)',
      'is outside the years 0000–9999 (300000000000)',
      'is not an email address (ann.example.com)',
      'has no valid domain (ann@)',
      'has no valid domain (ann@localhost)',
      'is not an email address (ann smith@example.com)',
      'is not a valid phone number (12345)',
      'is not JSON ({oops)',
      'does not match the pattern (SKU-12a)',
    ]);
  });

  it('leaves an invalid value out instead of rejecting the row when the field says invalid: omit', () => {
    // Act
    const reading = problem(
      readField({ column: 'a', as: 'phone', country: 'CN', invalid: 'omit' }, { a: '12345' }),
    );

    // Assess
    expect(reading).toEqual({ reason: 'is not a valid phone number', value: '12345', omit: true });
  });
});
