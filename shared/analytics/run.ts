/**
 * Running a named analysis: resolve and check its parameters, render its SQL with `?` placeholders and the
 * values to bind, run it on whichever `SqlEngine` (DuckDB locally, Athena in AWS), then apply its in-process
 * step, if any.
 *
 * @example
 * const prepared = prepareAnalysis('sessions', { from: '2026-11-01', to: '2026-11-30' }, new Date());
 * const { result } = await runAnalysis(engine, prepared);
 */
import type { QueryResult, SqlEngine } from '../ports.ts';
import { AnalysisParameterError, UnknownAnalysisError } from './errors.ts';
import { type ParameterValues, parameterBindings, resolveParameters } from './parameters.ts';
import { type Analysis, analyses, findAnalysis } from './registry.ts';
import { loadSqlTemplate, type RenderedSql, renderSql } from './sql-template.ts';

export interface PreparedAnalysis {
  readonly analysis: Analysis;
  /** Every parameter's value, defaults included. */
  readonly values: ParameterValues;
  /** What the engine is given: the text with `?` placeholders and the values bound to them, in order. */
  readonly sql: RenderedSql;
}

export interface AnalysisRun extends PreparedAnalysis {
  readonly result: QueryResult;
}

/**
 * Resolves the parameters of the analysis `name` from `input` (command-line texts or typed values) and
 * renders its SQL. `today` (UTC) anchors relative date defaults.
 * @throws UnknownAnalysisError, AnalysisParameterError
 */
export function prepareAnalysis(
  name: string,
  input: Readonly<Record<string, unknown>>,
  today: Date,
): PreparedAnalysis {
  const analysis = findAnalysis(name);
  if (!analysis)
    throw new UnknownAnalysisError(
      name,
      analyses.map((known) => known.name),
    );
  const values = resolveParameters(analysis.parameters, input, today);
  const problem = analysis.check?.(values);
  if (problem !== undefined) throw new AnalysisParameterError(problem, undefined);
  const bindings = { ...parameterBindings(analysis.parameters, values), ...analysis.derived?.(values) };
  return { analysis, values, sql: renderSql(loadSqlTemplate(analysis.sqlFile), bindings) };
}

export async function runAnalysis(engine: SqlEngine, prepared: PreparedAnalysis): Promise<AnalysisRun> {
  const raw = await engine.query(prepared.sql.sql, prepared.sql.params);
  const result = prepared.analysis.finish ? prepared.analysis.finish(raw, prepared.values) : raw;
  return { ...prepared, result };
}
