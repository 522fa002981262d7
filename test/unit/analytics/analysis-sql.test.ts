/**
 * What holds for every registered analysis's SQL: it is Athena (Trino) SQL, with zero syntax errors under
 * dt-sql-parser's Trino grammar; it calls only functions of the common subset (Athena built-ins that DuckDB
 * has, or that the dialect shim provides); its placeholders and parameters match; and analyst input cannot
 * change it.
 */
import { TrinoSQL } from 'dt-sql-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalysisParameterError } from '../../../shared/analytics/errors.ts';
import { type AnalysisParameter, parameterBindings } from '../../../shared/analytics/parameters.ts';
import { analyses } from '../../../shared/analytics/registry.ts';
import { prepareAnalysis } from '../../../shared/analytics/run.ts';
import { loadSqlTemplate } from '../../../shared/analytics/sql-template.ts';
import { athenaDialectMacros } from '../../../shared/lake/athena-dialect.ts';
import { type AnalyticsLake, analyticsLake, event, today } from './analytics-lake.ts';

/** Parameters without defaults, so that every analysis can be prepared. */
const required: Readonly<Record<string, Record<string, string>>> = {
  funnel: { steps: 'Product Viewed,Order Completed' },
};

/**
 * The functions the analyses may call. Each is an Athena (Trino) function (trino.io/docs/current/functions)
 * and exists in DuckDB under the same name and meaning, or is reproduced by a macro of
 * shared/lake/athena-dialect.ts (marked "shim"); the golden tests run every one of them on DuckDB.
 */
const commonFunctions = new Set([
  'approx_percentile', // shim
  'array_agg',
  'array_min', // shim
  'avg',
  'cast',
  'ceil',
  'coalesce',
  'concat',
  'concat_ws',
  'count',
  'count_if',
  'date_diff', // shim: Athena's whole units
  'date_trunc',
  'filter', // with a lambda x -> …, the same syntax in both
  'first_value',
  'greatest',
  'grouping',
  'json_array_length',
  'json_extract',
  'json_extract_scalar', // shim
  'lag',
  'lead',
  'lower',
  'lpad',
  'max',
  'min',
  'max_by',
  'min_by',
  'nullif',
  'power',
  'row_number',
  'sequence', // shim
  'substr',
  'sum',
  'try_cast',
  'unnest',
]);

const prepared = analyses.map((analysis) =>
  prepareAnalysis(analysis.name, required[analysis.name] ?? {}, today),
);

describe('the SQL of every analysis', () => {
  it.each(prepared.map((run) => [run.analysis.name, run] as const))(
    '%s is valid Trino SQL for Athena',
    (_name, run) => {
      // Act
      const errors = new TrinoSQL().validate(run.sql.sql);

      // Assess
      expect(errors).toEqual([]);
    },
  );

  it('would be caught by the Trino grammar if it used DuckDB-only syntax', () => {
    // Act
    const errors = ["SELECT properties->>'$.a' FROM events", 'SELECT x::int FROM events'].map(
      (sql) => new TrinoSQL().validate(sql).length,
    );

    // Assess
    expect(errors.every((count) => count > 0)).toBe(true);
  });

  it.each(prepared.map((run) => [run.analysis.name, run] as const))(
    '%s calls only functions of the common subset',
    (_name, run) => {
      // Act: a name directly followed by ( outside literals is a call; CTE and column lists have a space
      const calls = new Set(
        [...withoutLiterals(run.sql.sql).matchAll(/\b([a-z_][a-z0-9_]*)\(/gi)].map((m) =>
          (m[1] ?? '').toLowerCase(),
        ),
      );

      // Assess
      expect([...calls].filter((name) => !commonFunctions.has(name))).toEqual([]);
    },
  );

  it('has a shim for every shim function the list names', () => {
    expect(athenaDialectMacros.map((macro) => macro.name).sort()).toEqual([
      'approx_percentile',
      'array_min',
      'date_diff',
      'json_extract_scalar',
      'sequence',
    ]);
  });

  it.each(prepared.map((run) => [run.analysis.name, run] as const))(
    '%s binds every placeholder, and every parameter not applied in process changes what is bound',
    (_name, run) => {
      // Prepare
      const { analysis } = run;
      const template = loadSqlTemplate(analysis.sqlFile);
      const bound = {
        ...parameterBindings(analysis.parameters, run.values),
        ...analysis.derived?.(run.values),
      };

      // Act
      const changes = analysis.parameters.map((parameter) => {
        const input = {
          ...required[analysis.name],
          [parameter.name]: otherValue(parameter, run.values[parameter.name]),
        };
        const other = prepareAnalysis(analysis.name, input, today);
        return [parameter.name, JSON.stringify(other.sql.params) !== JSON.stringify(run.sql.params)];
      });

      // Assess
      expect(template.placeholders.filter((name) => !(name in bound))).toEqual([]);
      expect(changes).toEqual(analysis.parameters.map((parameter) => [parameter.name, !parameter.inProcess]));
    },
  );

  it.each(prepared.map((run) => [run.analysis.name, run] as const))(
    '%s reads events_stitched once (Athena inlines CTEs: each reference scans again), only the dt asked for',
    (_name, run) => {
      // Act
      const tables = [...withoutLiterals(run.sql.sql).matchAll(/\bFROM\s+([a-z_]+)/gi)].map((m) => m[1]);

      // Assess
      expect(tables.filter((table) => table === 'events_stitched')).toHaveLength(1);
      expect(tables).not.toContain('events');
      expect(run.sql.sql).toMatch(/WHERE dt BETWEEN \? AND \?/);
    },
  );
});

describe('analyst input', () => {
  const attack = "x' OR '1'='1'); DROP VIEW events; --";
  let lake: AnalyticsLake;

  beforeAll(async () => {
    lake = await analyticsLake([
      event('u1', '2026-11-02T10:00:00Z', 'page', 'Home'),
      event('u1', '2026-11-02T10:01:00Z', 'track', 'Order Completed', {
        properties: '{"order_id":"o1","products":[{"product_id":"a"},{"product_id":"b"}]}',
      }),
    ]);
  });

  afterAll(async () => {
    await lake.close();
  });

  it('travels as bound values: the SQL text never holds it, and it matches nothing', async () => {
    // Prepare
    const range = { from: '2026-11-01', to: '2026-11-30' };
    const runs = [
      prepareAnalysis('paths', { ...range, anchor: attack }, today),
      prepareAnalysis('funnel', { ...range, steps: ['Home', attack] }, today),
      prepareAnalysis('retention', { ...range, cohort_event: attack, return_event: attack }, today),
    ];

    // Act
    const results = [];
    for (const run of runs) results.push(await lake.engine.query(run.sql.sql, run.sql.params));
    const remaining = await lake.engine.query('SELECT count(*) AS n FROM events');

    // Assess
    for (const run of runs) {
      expect(run.sql.sql).not.toContain('DROP');
      expect(run.sql.params).toContain(attack);
    }
    // No anchor and no cohort event of that name; the funnel runs as usual: u1 enters at Home, none go on
    expect(results.map((result) => result.rows.length)).toEqual([0, 2, 0]);
    expect(results[1]?.rows.map((row) => [row.step_name, row.profiles])).toEqual([
      ['Home', 1],
      [attack, 0],
    ]);
    expect(remaining.rows).toEqual([{ n: 2 }]);
  });

  const textParameters = analyses.flatMap((analysis) =>
    analysis.parameters
      .filter((parameter) => parameter.kind === 'string' || parameter.kind === 'strings')
      .map((parameter) => [analysis.name, parameter] as const),
  );

  it.each(textParameters.map(([name, parameter]) => [name, parameter.name, parameter] as const))(
    '%s: %s is refused or behaves as any value that matches nothing',
    async (name, _parameterName, parameter) => {
      // Prepare: the attack, and a harmless value that matches nothing, in the same place
      const harmless = 'nothing of that name';
      const input = (text: string) => ({
        ...required[name],
        from: '2026-11-01',
        to: '2026-11-30',
        [parameter.name]: parameter.kind === 'strings' ? ['Home', text] : text,
      });

      // Act
      let refusal: unknown;
      try {
        prepareAnalysis(name, input(attack), today);
      } catch (error) {
        refusal = error;
      }
      const run = refusal === undefined ? prepareAnalysis(name, input(attack), today) : undefined;
      const attacked = run === undefined ? [] : (await lake.run(name, input(attack))).rows;
      const baseline = run === undefined ? [] : (await lake.run(name, input(harmless))).rows;
      const remaining = await lake.engine.query('SELECT count(*) AS n FROM events');

      // Assess: refused with a reason before anything runs, or bound (never in the text) and answering as
      // the harmless value does
      if (run === undefined) expect(refusal).toBeInstanceOf(AnalysisParameterError);
      else {
        expect(run.sql.sql).not.toContain('DROP');
        expect(run.sql.params).toContain(attack);
        expect(JSON.stringify(attacked).replaceAll(attack, harmless)).toBe(JSON.stringify(baseline));
      }
      expect(remaining.rows).toEqual([{ n: 2 }]);
    },
  );

  it('cannot reach the SQL through a date or an enum, which are checked first', () => {
    // Act
    const attempts = [
      () => prepareAnalysis('sessions', { from: "2026-11-01' OR '1'='1" }, today),
      () => prepareAnalysis('sessions', { grain: "day') --" }, today),
      () => prepareAnalysis('association', { item: 'product_id,$.x' }, today),
    ];

    // Assess
    for (const attempt of attempts) expect(attempt).toThrow(/must be/);
  });
});

/** The text without comments, and with string literals and quoted identifiers blanked. */
function withoutLiterals(sql: string): string {
  return sql
    .replace(/--[^\n]*/g, '')
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/"[^"]*"/g, '""');
}

/** A valid value of the parameter other than `current` (dates move outwards, so from stays before to). */
function otherValue(parameter: AnalysisParameter, current: unknown): unknown {
  switch (parameter.kind) {
    case 'date':
      return parameter.name === 'to' ? '2026-12-31' : '2026-01-01';
    case 'integer':
      return Number(current) < parameter.max ? Number(current) + 1 : Number(current) - 1;
    case 'number':
      return Number(current) / 2;
    case 'string':
      return 'another';
    case 'enum':
      return parameter.values.find((value) => value !== current);
    case 'boolean':
      return !current;
    case 'strings':
      return ['one', 'two'];
  }
}
