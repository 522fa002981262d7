/**
 * The registered analyses as Athena saved queries (`AWS::Athena::NamedQuery`), so an analyst finds them in the
 * console's "Saved queries" of the workgroup after `cdk deploy`. Each holds the SQL `cdp query <name>` runs,
 * rendered from the same `.sql` file at synth time, with a positional `?` where `cdp query` binds a value:
 * the console asks for those values, in order, when the query runs ("execution parameters").
 *
 * The description (at most 1024 characters in Athena) names the parameters; a comment atop the query text
 * lists every `?` in order — a list parameter is one `?` per item, and a few values are derived from the
 * others — with a worked example for the derived ones.
 */
import { CfnNamedQuery } from 'aws-cdk-lib/aws-athena';
import { Construct } from 'constructs';
import {
  type AnalysisParameter,
  type ParameterValues,
  resolveParameters,
} from '../../shared/analytics/parameters.ts';
import { type Analysis, analyses as registeredAnalyses } from '../../shared/analytics/registry.ts';
import { loadSqlTemplate, renderSql } from '../../shared/analytics/sql-template.ts';
import { wrapWords } from '../../shared/wrap.ts';
import { pascalCase } from './records.ts';

/** Athena's limits of a named query's fields. */
export const NAMED_QUERY_LIMITS = { name: 128, description: 1024, queryString: 262_144 } as const;

/** The day the derived values' examples are worked out for: fixed, so synthesis gives the same template daily. */
const EXAMPLE_TODAY = new Date('2026-11-30T00:00:00Z');

export interface AnalysisNamedQueriesProps {
  /** The Athena workgroup the queries are saved in; it must exist first (add a dependency on it). */
  readonly workGroupName: string;
  /** The Glue database the queries run against, the one holding `events_stitched`. */
  readonly databaseName: string;
  /**
   * The analyses to save.
   *
   * @default every analysis of shared/analytics/registry.ts
   */
  readonly analyses?: readonly Analysis[];
  /**
   * Put before an analysis's name to name its saved query.
   *
   * @default 'cdp-'
   */
  readonly namePrefix?: string;
}

export class AnalysisNamedQueries extends Construct {
  /** The saved queries by analysis name. */
  public readonly queries: Readonly<Record<string, CfnNamedQuery>>;

  constructor(scope: Construct, id: string, props: AnalysisNamedQueriesProps) {
    super(scope, id);
    const prefix = props.namePrefix ?? 'cdp-';
    const queries: Record<string, CfnNamedQuery> = {};
    for (const analysis of props.analyses ?? registeredAnalyses) {
      const text = namedQueryText(analysis, `${prefix}${analysis.name}`);
      queries[analysis.name] = new CfnNamedQuery(this, `${pascalCase(analysis.name)}Query`, {
        name: text.name,
        description: text.description,
        queryString: text.queryString,
        database: props.databaseName,
        workGroup: props.workGroupName,
      });
    }
    this.queries = queries;
  }
}

export interface NamedQueryText {
  readonly name: string;
  readonly description: string;
  readonly queryString: string;
  /** What each `?` of the query stands for, in order: a parameter, a list item or a derived value. */
  readonly placeholders: readonly string[];
}

/**
 * The fields of an analysis's saved query. Throws when one exceeds what Athena accepts, so synthesis fails
 * rather than the deployment.
 * @example namedQueryText(sessionsAnalysis, 'cdp-sessions').placeholders // ['from', 'to', 'scan_from', …]
 */
export function namedQueryText(analysis: Analysis, name: string): NamedQueryText {
  const template = loadSqlTemplate(analysis.sqlFile);
  // Binding each placeholder to its own name renders the `?` text and tells which name each `?` stands for.
  const rendered = renderSql(
    template,
    Object.fromEntries(template.placeholders.map((placeholder) => [placeholder, placeholder])),
  );
  const placeholders = rendered.params.map(String);
  const bound = analysis.parameters.filter((parameter) => !parameter.inProcess);
  const header = [
    ...wrap(
      `${name}: ${analysis.title}. The SQL of \`npx cdp query ${analysis.name}\` ` +
        `(shared/analytics/sql/${analysis.sqlFile}), saved by infra/constructs/analysis-named-queries.ts; ` +
        'docs/analytics.md explains the rows.',
    ),
    '',
    ...wrap(`${inProcessNote(analysis)}${analysis.description}`),
    '',
    ...wrap(
      `Run asks for one value per placeholder (question mark), in this order, each an SQL literal: ` +
        `'2026-11-01' for a date, 'Order Completed' for a text, 30, 0.5, TRUE, NULL.`,
    ),
    ...placeholders.map((placeholder, i) => {
      const first = placeholders.indexOf(placeholder);
      const meaning =
        first < i
          ? `${placeholder} again: the value of ${first + 1}`
          : placeholderMeaning(analysis, placeholder);
      return `  ${String(i + 1).padStart(2)}. ${meaning}`;
    }),
    ...inProcessLines(analysis),
  ];
  const queryString = `${header.map((line) => `-- ${line}`.trimEnd()).join('\n')}\n${rendered.sql}`;
  const description = fitDescription(
    inProcessNote(analysis),
    analysis.description,
    ` Parameters (the comment atop the query lists every placeholder in order): ${bound
      .map((parameter) => `${parameter.name} ${typeText(parameter)} = ${defaultText(parameter)}`)
      .join('; ')}.`,
  );
  const text = { name, description, queryString, placeholders };
  for (const field of ['name', 'description', 'queryString'] as const) {
    if (text[field].length > NAMED_QUERY_LIMITS[field]) {
      throw new Error(
        `AnalysisNamedQueries: the ${field} of ${name} has ${text[field].length} characters, ` +
          `over Athena's ${NAMED_QUERY_LIMITS[field]}`,
      );
    }
  }
  return text;
}

/** Athena runs the SQL only: an analysis with an in-process step returns its intermediate rows there. */
function inProcessNote(analysis: Analysis): string {
  if (!analysis.finish) return '';
  return (
    `In Athena this returns the rows of the SQL only, before the in-process step of cdp query ` +
    `(${analysis.name === 'association' ? 'the baskets of frequent items with their counts, not the rules' : 'not the final rows'}); ` +
    `\`npx cdp query ${analysis.name} --engine athena\` gives the finished rows. `
  );
}

function inProcessLines(analysis: Analysis): string[] {
  const applied = analysis.parameters.filter((parameter) => parameter.inProcess);
  if (applied.length === 0) return [];
  return wrap(
    `Applied by cdp query after the SQL, so not asked for here: ${applied
      .map((parameter) => `${parameter.name} (${typeText(parameter)}, default ${defaultText(parameter)})`)
      .join(', ')}.`,
  );
}

/** One line per `?`: the parameter it binds, an item or the count of a list, or a value derived from others. */
function placeholderMeaning(analysis: Analysis, placeholder: string): string {
  const declared = analysis.parameters.find((parameter) => parameter.name === placeholder);
  if (declared) {
    return `${placeholder}: ${typeText(declared)}, default ${defaultText(declared)}: ${declared.description}`;
  }
  for (const parameter of analysis.parameters) {
    if (parameter.kind !== 'strings') continue;
    if (placeholder === `${parameter.name}_count`)
      return `${placeholder}: how many items ${parameter.name} has`;
    const item = new RegExp(`^${parameter.name}_(\\d+)$`).exec(placeholder);
    if (item) return `${placeholder}: item ${item[1]} of ${parameter.name} (a text), NULL past its end`;
  }
  const example = analysis.derived?.(exampleValues(analysis))[placeholder];
  return (
    `${placeholder}: derived by cdp query from the others (shared/analytics/registry.ts); with every ` +
    `parameter at its default on ${EXAMPLE_TODAY.toISOString().slice(0, 10)}: ${literal(example)}`
  );
}

/** Every parameter at its default on the example day; a required list gets its fewest items. */
function exampleValues(analysis: Analysis): ParameterValues {
  const required: Record<string, unknown> = {};
  for (const parameter of analysis.parameters) {
    if (parameter.default !== undefined) continue;
    required[parameter.name] =
      parameter.kind === 'strings'
        ? Array.from({ length: parameter.minItems }, (_, i) => `step ${i + 1}`)
        : undefined;
  }
  return resolveParameters(analysis.parameters, required, EXAMPLE_TODAY);
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  return typeof value === 'string' ? `'${value.replaceAll("'", "''")}'` : String(value).toUpperCase();
}

function typeText(parameter: AnalysisParameter): string {
  switch (parameter.kind) {
    case 'date':
      return 'date';
    case 'integer':
      return `integer ${parameter.min}..${parameter.max}`;
    case 'number':
      return `number ${parameter.minExclusive ? '>' : ''}${parameter.min}..${parameter.max}`;
    case 'string':
      return 'text';
    case 'enum':
      return parameter.values.join('|');
    case 'boolean':
      return 'boolean';
    case 'strings':
      return `list of ${parameter.minItems}..${parameter.maxItems} texts`;
  }
}

function defaultText(parameter: AnalysisParameter): string {
  const value = parameter.default;
  if (value === undefined) return 'required';
  if (value === null) return 'none';
  if (typeof value === 'object' && 'daysBeforeToday' in value) {
    return value.daysBeforeToday === 0 ? 'today' : `${value.daysBeforeToday} days before today`;
  }
  return Array.isArray(value) ? value.join(',') : String(value);
}

/** The note, the description and the parameters; the description is cut at a word when all would not fit. */
function fitDescription(note: string, description: string, parameters: string): string {
  const room = NAMED_QUERY_LIMITS.description - note.length - parameters.length;
  if (description.length <= room) return `${note}${description}${parameters}`;
  const cut = description.slice(0, Math.max(0, room - 1));
  return `${note}${cut.slice(0, Math.max(0, cut.lastIndexOf(' ')))}…${parameters}`;
}

/** Lines of at most 110 characters, broken at spaces, for the comment atop the query. */
function wrap(text: string): string[] {
  return wrapWords(text, 110);
}
