/**
 * The analyses' SQL files: named placeholders (`:from`) in the text, rendered to positional `?` placeholders
 * with the values in the same order, so the engines bind them (DuckDB prepared statements, Athena execution
 * parameters). Values never enter the text.
 *
 * A line `-- @include <fragment>.sql` is replaced by that file of `sql/fragments/`, so CTEs several analyses
 * share (the activity, the session split) are written once.
 *
 * @example
 * const template = loadSqlTemplate('sessions.sql');
 * const { sql, params } = renderSql(template, { from: '2026-11-01', to: '2026-11-30', timeout_minutes: 30 });
 */
import { readFileSync } from 'node:fs';
import { AnalysisSqlError } from './errors.ts';
import type { Bindable } from './parameters.ts';

const sqlDir = new URL('./sql/', import.meta.url);

export interface SqlTemplate {
  /** The file under `shared/analytics/sql/`, e.g. `sessions.sql`. */
  readonly file: string;
  /** The text with its includes expanded. */
  readonly text: string;
  /** Every placeholder name, once each, in order of first use. */
  readonly placeholders: readonly string[];
}

export interface RenderedSql {
  readonly sql: string;
  readonly params: readonly Bindable[];
}

const includeLine = /^[ \t]*-- @include ([a-z0-9_-]+\.sql)[ \t]*$/gm;

/** Reads an analysis's SQL file and expands its includes. */
export function loadSqlTemplate(file: string): SqlTemplate {
  const text = expandIncludes(readSql(file, file), file);
  return { file, text, placeholders: [...new Set(scan(text, file).map((token) => token.name))] };
}

/** The text with `?` for each placeholder and the bound values in order; every placeholder must have a value. */
export function renderSql(template: SqlTemplate, bindings: Readonly<Record<string, Bindable>>): RenderedSql {
  let sql = '';
  let last = 0;
  const params: Bindable[] = [];
  for (const token of scan(template.text, template.file)) {
    if (!(token.name in bindings)) {
      throw new AnalysisSqlError(`${template.file} uses :${token.name}, which has no value`, template.file);
    }
    sql += `${template.text.slice(last, token.start)}?`;
    params.push(bindings[token.name] ?? null);
    last = token.end;
  }
  return { sql: sql + template.text.slice(last), params };
}

function readSql(path: string, file: string): string {
  try {
    return readFileSync(new URL(path, sqlDir), 'utf8');
  } catch (error) {
    throw new AnalysisSqlError(`cannot read the SQL file ${path}`, file, { cause: error });
  }
}

function expandIncludes(text: string, file: string): string {
  return text.replace(includeLine, (_line, fragment: string) =>
    readSql(`fragments/${fragment}`, file).trimEnd(),
  );
}

interface Placeholder {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

/**
 * The placeholders of `text`: `:name` outside string literals, quoted identifiers and comments (and not the
 * second colon of a `::` cast).
 */
function scan(text: string, file: string): Placeholder[] {
  const found: Placeholder[] = [];
  let i = 0;
  const skipTo = (closing: string, from: number): number => {
    const end = text.indexOf(closing, from);
    if (end < 0) throw new AnalysisSqlError(`${file}: unterminated ${JSON.stringify(closing)}`, file);
    return end + closing.length;
  };
  while (i < text.length) {
    const char = text[i];
    const next = text[i + 1];
    if (char === "'") {
      // '' inside a literal is an escaped quote: skipping to each closing quote handles it as two literals.
      i = skipTo("'", i + 1);
    } else if (char === '"') {
      i = skipTo('"', i + 1);
    } else if (char === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end + 1;
    } else if (char === '/' && next === '*') {
      i = skipTo('*/', i + 2);
    } else if (char === ':' && next === ':') {
      i += 2;
    } else if (char === ':') {
      const match = /^[a-z_][a-z0-9_]*/.exec(text.slice(i + 1, i + 65));
      if (!match) throw new AnalysisSqlError(`${file}: a ':' that starts no placeholder at ${i}`, file);
      found.push({ name: match[0], start: i, end: i + 1 + match[0].length });
      i += 1 + match[0].length;
    } else {
      i += 1;
    }
  }
  return found;
}
