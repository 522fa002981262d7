import { describe, expect, it } from 'vitest';
import { AnalysisParameterError } from '../../../shared/analytics/errors.ts';
import {
  type AnalysisParameter,
  addDays,
  describeDefault,
  describeType,
  parameterBindings,
  parseParameterArguments,
  resolveParameters,
} from '../../../shared/analytics/parameters.ts';

const today = new Date('2026-11-30T23:59:00Z');

const parameters: readonly AnalysisParameter[] = [
  { name: 'from', kind: 'date', default: { daysBeforeToday: 29 }, description: 'first day' },
  { name: 'to', kind: 'date', default: { daysBeforeToday: 0 }, description: 'last day' },
  { name: 'minutes', kind: 'integer', min: 1, max: 1440, default: 30, description: 'timeout' },
  { name: 'support', kind: 'number', min: 0, minExclusive: true, max: 1, default: 0.01, description: 's' },
  { name: 'anchor', kind: 'string', default: null, description: 'a step' },
  { name: 'grain', kind: 'enum', values: ['day', 'week'], default: 'day', description: 'period' },
  { name: 'collapse', kind: 'boolean', default: true, description: 'collapse' },
  { name: 'steps', kind: 'strings', minItems: 2, maxItems: 3, description: 'steps' },
];

describe('analysis parameters', () => {
  it('fills in the defaults, dates relative to today in UTC', () => {
    // Act
    const values = resolveParameters(parameters, { steps: 'a,b' }, today);

    // Assess
    expect(values).toEqual({
      from: '2026-11-01',
      to: '2026-11-30',
      minutes: 30,
      support: 0.01,
      anchor: null,
      grain: 'day',
      collapse: true,
      steps: ['a', 'b'],
    });
  });

  it('parses command-line texts into typed values', () => {
    // Act
    const values = resolveParameters(
      parameters,
      {
        from: '2026-02-28',
        minutes: '45',
        support: '1e-3',
        anchor: "Men's Shoes",
        grain: 'week',
        collapse: 'no',
        steps: '["Product Viewed", "Checkout, Step 1", "Order Completed"]',
      },
      today,
    );

    // Assess
    expect(values).toMatchObject({
      from: '2026-02-28',
      minutes: 45,
      support: 0.001,
      anchor: "Men's Shoes",
      grain: 'week',
      collapse: false,
      steps: ['Product Viewed', 'Checkout, Step 1', 'Order Completed'],
    });
  });

  it.each([
    ['from', '2026-02-30', "parameter 'from' must be a date YYYY-MM-DD"],
    ['from', "2026-11-01' OR '1'='1", "parameter 'from' must be a date YYYY-MM-DD"],
    ['minutes', '0', "parameter 'minutes' must be an integer from 1 to 1440"],
    ['minutes', '1.5', "parameter 'minutes' must be an integer from 1 to 1440"],
    ['support', '0', "parameter 'support' must be a number above 0 up to 1"],
    ['support', 'NaN', "parameter 'support' must be a number above 0 up to 1"],
    ['grain', 'year', "parameter 'grain' must be one of day, week"],
    ['collapse', 'maybe', "parameter 'collapse' must be true or false"],
    ['steps', 'a', "parameter 'steps' must be a list of 2 to 3 strings"],
    ['steps', 'a,,b', "parameter 'steps' must be a list of 2 to 3 non-empty strings"],
    ['steps', '["a", 1]', "parameter 'steps' must be a list of 2 to 3 non-empty strings"],
    ['anchor', 'a\u0000b', "parameter 'anchor' contains a control character"],
  ])('rejects %s = %j', (name, value, message) => {
    // Act
    const resolving = () => resolveParameters(parameters, { steps: 'a,b', [name]: value }, today);

    // Assess
    expect(resolving).toThrow(AnalysisParameterError);
    expect(resolving).toThrow(message);
  });

  it('rejects an unknown parameter and names the known ones', () => {
    // Act
    const resolving = () => resolveParameters(parameters, { steps: 'a,b', timeout: '5' }, today);

    // Assess
    expect(resolving).toThrow(
      "unknown parameter 'timeout' (parameters: from, to, minutes, support, anchor, grain, collapse, steps)",
    );
  });

  it('requires a parameter without a default', () => {
    // Act
    const resolving = () => resolveParameters(parameters, {}, today);

    // Assess
    expect(resolving).toThrow("parameter 'steps' is required");
  });

  it('binds each value under its name, and a list as numbered items with their count', () => {
    // Prepare
    const values = resolveParameters(parameters, { steps: 'a,b' }, today);

    // Act
    const bindings = parameterBindings(parameters, values);

    // Assess
    expect(bindings).toEqual({
      from: '2026-11-01',
      to: '2026-11-30',
      minutes: 30,
      support: 0.01,
      anchor: null,
      grain: 'day',
      collapse: true,
      steps_1: 'a',
      steps_2: 'b',
      steps_3: null,
      steps_count: 2,
    });
  });

  it('leaves in-process parameters out of the bindings', () => {
    // Prepare
    const inProcess: AnalysisParameter[] = [
      { name: 'confidence', kind: 'number', min: 0, max: 1, default: 0.5, inProcess: true, description: 'c' },
    ];

    // Act
    const bindings = parameterBindings(inProcess, { confidence: 0.5 });

    // Assess
    expect(bindings).toEqual({});
  });

  it('parses name=value arguments, keeping everything after the first =', () => {
    // Act
    const texts = parseParameterArguments(['anchor=a=b', 'steps=x,y', 'empty=']);

    // Assess
    expect(texts).toEqual({ anchor: 'a=b', steps: 'x,y', empty: '' });
    expect(() => parseParameterArguments(['anchor'])).toThrow(
      "a parameter is given as name=value, not 'anchor'",
    );
    expect(() => parseParameterArguments(['a=1', 'a=2'])).toThrow("parameter 'a' is given twice");
  });

  it('describes types and defaults for --list', () => {
    // Act
    const described = parameters.map((parameter) => [describeType(parameter), describeDefault(parameter)]);

    // Assess
    expect(described).toEqual([
      ['date', '29 days before today'],
      ['date', 'today'],
      ['integer 1..1440', '30'],
      ['number >0..1', '0.01'],
      ['string', 'none'],
      ['enum day|week', 'day'],
      ['boolean', 'true'],
      ['list of 2..3 strings', 'required'],
    ]);
  });

  it('adds days across month and year ends', () => {
    expect([addDays('2026-11-20', 14), addDays('2026-12-25', 7)]).toEqual(['2026-12-04', '2027-01-01']);
  });
});
