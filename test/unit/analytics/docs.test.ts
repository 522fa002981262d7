import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeDefault, describeType } from '../../../shared/analytics/parameters.ts';
import { analyses } from '../../../shared/analytics/registry.ts';
import { athenaDialectMacros } from '../../../shared/lake/athena-dialect.ts';

const doc = readFileSync(new URL('../../../docs/analytics.md', import.meta.url), 'utf8');

/** The rows of the parameter table of the section `### <name>`, as [name, type, default, meaning]. */
function documentedParameters(name: string): string[][] {
  const start = doc.indexOf(`\n### ${name}\n`);
  const header = doc.indexOf('\n| Parameter | Type | Default | Meaning |', start);
  if (start < 0 || header < 0) return [];
  const end = doc.indexOf('\n\n', header + 1);
  const table = doc.slice(header, end < 0 ? undefined : end);
  return [...table.matchAll(/^\| `([a-z_]+)` \| (.+) \|$/gm)].map((match) => [
    match[1] ?? '',
    ...(match[2] ?? '').split(/ \| /).map((cell) => cell.replaceAll('\\|', '|')),
  ]);
}

describe('docs/analytics.md', () => {
  it.each(analyses.map((analysis) => [analysis.name, analysis] as const))(
    'documents %s with every parameter, its type, default and meaning',
    (name, analysis) => {
      // Prepare
      const expected = analysis.parameters.map((parameter) => [
        parameter.name,
        describeType(parameter),
        describeDefault(parameter),
        parameter.description,
      ]);

      // Act
      const documented = documentedParameters(name);

      // Assess
      expect(documented).toEqual(expected);
    },
  );

  it('lists every macro of the dialect shim', () => {
    for (const macro of athenaDialectMacros) expect(doc).toContain(`| \`${macro.name}(`);
  });
});
