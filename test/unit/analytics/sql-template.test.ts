import { describe, expect, it } from 'vitest';
import { AnalysisSqlError } from '../../../shared/analytics/errors.ts';
import { loadSqlTemplate, renderSql, type SqlTemplate } from '../../../shared/analytics/sql-template.ts';

function template(text: string): SqlTemplate {
  // The same scanning as for a file; placeholders are found by rendering with every name bound.
  return { file: 'test.sql', text, placeholders: [] };
}

describe('SQL templates', () => {
  it('turns each placeholder into ? and binds its value in order, repeats included', () => {
    // Act
    const rendered = renderSql(
      template('SELECT * FROM events WHERE dt BETWEEN :from AND :to AND :from <> :x'),
      {
        from: '2026-11-01',
        to: '2026-11-30',
        x: 3,
      },
    );

    // Assess
    expect(rendered).toEqual({
      sql: 'SELECT * FROM events WHERE dt BETWEEN ? AND ? AND ? <> ?',
      params: ['2026-11-01', '2026-11-30', '2026-11-01', 3],
    });
  });

  it('leaves colons in literals, quoted identifiers, comments and :: casts alone', () => {
    // Prepare
    const text = [
      "SELECT ':not' AS a, 'it''s :no' AS b, \"col:no\" AS c, x::int AS d -- :nope ?",
      '/* :none */ FROM t WHERE y = :yes',
    ].join('\n');

    // Act
    const rendered = renderSql(template(text), { yes: 'v' });

    // Assess
    expect(rendered.sql).toBe(text.replace(':yes', '?'));
    expect(rendered.params).toEqual(['v']);
  });

  it('never puts a value into the text, whatever it holds', () => {
    // Prepare
    const attack = "x' OR '1'='1'; DROP VIEW events; --";

    // Act
    const rendered = renderSql(template('SELECT 1 FROM events WHERE event = :anchor'), { anchor: attack });

    // Assess
    expect(rendered.sql).toBe('SELECT 1 FROM events WHERE event = ?');
    expect(rendered.params).toEqual([attack]);
  });

  it('fails on a placeholder without a value', () => {
    // Act
    const rendering = () => renderSql(template('SELECT :missing'), {});

    // Assess
    expect(rendering).toThrow(AnalysisSqlError);
    expect(rendering).toThrow('test.sql uses :missing, which has no value');
  });

  it('expands -- @include lines with the fragment file and lists every placeholder once', () => {
    // Act
    const sessions = loadSqlTemplate('sessions.sql');

    // Assess
    expect(sessions.text).not.toContain('@include');
    expect(sessions.text).toContain('activity AS (');
    expect(sessions.text).toContain('sessionized AS (');
    expect(sessions.placeholders).toEqual(['scan_from', 'scan_to', 'timeout_minutes', 'grain']);
  });

  it('fails clearly for a missing file', () => {
    expect(() => loadSqlTemplate('nope.sql')).toThrow('cannot read the SQL file nope.sql');
  });
});
