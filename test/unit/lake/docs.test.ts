import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lakeTables } from '../../../shared/lake/schema.ts';

const doc = readFileSync(new URL('../../../docs/lake.md', import.meta.url), 'utf8');

/** The `| \`column\` | type |` rows of the section `## Table \`<name>\``. */
function documentedColumns(table: string): [string, string][] {
  const start = doc.indexOf(`## Table \`${table}\``);
  if (start < 0) return [];
  const end = doc.indexOf('\n## ', start + 1);
  const section = doc.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^\| `([a-z0-9_]+)` +\| ([a-z]+) +\|/gm)].map((match) => [
    match[1] ?? '',
    match[2] ?? '',
  ]);
}

describe('docs/lake.md', () => {
  it.each(lakeTables.map((table) => [table.name, table] as const))(
    'lists every column of %s with its type, and nothing else',
    (_name, table) => {
      // Prepare
      const expected = [
        ...table.columns.map((column): [string, string] => [column.name, column.type]),
        [table.partition.name, 'partition'],
      ];

      // Act
      const documented = documentedColumns(table.name);

      // Assess
      expect(documented).toEqual(expected);
    },
  );
});
