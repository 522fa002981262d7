import { describe, expect, it } from 'vitest';
import { escapeHtml, renderHtmlReport } from '../../../shared/analytics/html.ts';
import type { ChartKind } from '../../../shared/analytics/registry.ts';

const evil = '<script>alert("x")</script>';
const generatedAt = new Date('2026-11-30T12:00:00Z');

function columns(row: Record<string, unknown>) {
  return Object.keys(row).map((name) => ({ name, type: 'varchar' }));
}

const results: Record<ChartKind, Record<string, unknown>[]> = {
  sessions: [
    { period: '2026-11-02', sessions: 4, bounce_rate: 0.25, median_duration_seconds: 630 },
    { period: '2026-11-03', sessions: 3, bounce_rate: 0.5, median_duration_seconds: 0 },
  ],
  paths: [
    {
      kind: 'path',
      depth: 0,
      path: `Home > ${evil}`,
      from_step: null,
      to_step: null,
      sessions: 2,
      share: 0.5,
    },
    { kind: 'transition', depth: 1, path: null, from_step: 'Home', to_step: evil, sessions: 2, share: 0.5 },
    { kind: 'transition', depth: 1, path: null, from_step: 'Home', to_step: null, sessions: 2, share: 0.5 },
    { kind: 'transition', depth: 2, path: null, from_step: evil, to_step: 'Cart', sessions: 1, share: 0.5 },
  ],
  funnel: [
    { segment: 'all', step: 1, step_name: evil, profiles: 4, conversion_from_start: 1 },
    { segment: 'all', step: 2, step_name: 'Order Completed', profiles: 1, conversion_from_start: 0.25 },
  ],
  retention: [
    { cohort: '2026-11-02', cohort_size: 3, period: 0, profiles: 3, retention: 1 },
    { cohort: '2026-11-02', cohort_size: 3, period: 2, profiles: 1, retention: 1 / 3 },
  ],
  rules: [
    {
      antecedent: [evil, 'milk'],
      consequent: 'beer',
      transactions: 2,
      support: 0.4,
      confidence: 1,
      lift: 1.25,
    },
  ],
  attribution: [
    { model: 'first_touch', channel: evil, conversions: 1, revenue: 100, share: 0.5 },
    { model: 'first_touch', channel: 'direct', conversions: 1, revenue: 50, share: 0.5 },
    { model: 'last_touch', channel: 'direct', conversions: 2, revenue: 150, share: 1 },
  ],
  preferences: [
    { segment: evil, profile_id: null, ranking: 1, value: 'shoes', affinity: 0.75 },
    { segment: evil, profile_id: null, ranking: 2, value: evil, affinity: 0.25 },
  ],
  kpis: [
    { channel: '(all)', conversion_rate: 0.5, repeat_purchase_rate: 0.25, retention_rate: 1, churn_rate: 0 },
    { channel: evil, conversion_rate: 1, repeat_purchase_rate: null, retention_rate: null, churn_rate: null },
  ],
  not_bought: [{ item: evil, views: 3, viewers: 2, buyers: 1, viewed_not_bought: 1, not_bought_rate: 0.5 }],
  sequences: [{ antecedent: evil, consequent: 'socks', people: 2, support: 0.5, confidence: 1, lift: 2 }],
};

describe('html report', () => {
  it.each(Object.entries(results) as [ChartKind, Record<string, unknown>[]][])(
    'draws the %s picture in a self-contained page with every data text escaped',
    (chart, rows) => {
      // Act
      const html = renderHtmlReport({
        title: `${chart} report`,
        description: 'what it shows',
        values: { from: '2026-11-01', steps: ['a', evil] },
        result: { columns: columns(rows[0] ?? {}), rows },
        chart,
        engine: 'duckdb',
        generatedAt,
      });

      // Assess
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expect(html).toContain('<figure>');
      expect(html).not.toContain(evil);
      expect(html).toContain(escapeHtml(evil));
      // Nothing is fetched: no external scripts, styles, images or fonts
      expect(html).not.toMatch(/\ssrc=|<link|@import|url\(|https?:\/\//);
      expect(html.match(/<script>/g)).toHaveLength(1);
    },
  );

  it('draws a Sankey diagram of the transitions, with an exit node for the drop-off', () => {
    // Act
    const html = renderHtmlReport({
      title: 'Paths',
      result: { columns: columns(results.paths[0] ?? {}), rows: results.paths },
      chart: 'paths',
      values: { direction: 'after' },
      generatedAt,
    });

    // Assess: 3 edges as bands, nodes Home, the evil step, (exit) at depth 1 and Cart at depth 2
    expect(html.match(/<path d="M/g)).toHaveLength(3);
    expect(html).toContain('(exit) (2)');
    expect(html).toContain('Home (4)');
    expect(html).toContain('Cart (1)');
  });

  it('colours a retention cell by its rate and fills a period without returns with 0%', () => {
    // Act
    const html = renderHtmlReport({
      title: 'Retention',
      result: { columns: columns(results.retention[0] ?? {}), rows: results.retention },
      chart: 'retention',
      generatedAt,
    });

    // Assess
    expect(html).toContain('>100.0%</td>');
    expect(html).toContain('>0.0%</td>');
    expect(html).toContain('>33.3%</td>');
  });

  it('draws the preferences heat map per person when the rows are per person', () => {
    // Prepare
    const rows = [
      { segment: 'all', profile_id: 'p1', ranking: 1, value: 'shoes', affinity: 0.8 },
      { segment: 'all', profile_id: 'p2', ranking: 1, value: 'hats', affinity: 1 },
    ];

    // Act
    const html = renderHtmlReport({
      title: 'Preferences',
      result: { columns: columns(rows[0] ?? {}), rows },
      chart: 'preferences',
      generatedAt,
    });

    // Assess: two people down, two values across, an empty cell where p1 has no hats
    expect(html).toContain('<th>all · p1</th>');
    expect(html).toContain('>80.0%</td><td></td></tr>');
    expect(html).toContain('>100.0%</td></tr>');
  });

  it('renders a plain table for ad-hoc SQL, NULL spelled out', () => {
    // Act
    const html = renderHtmlReport({
      title: 'Query',
      result: { columns: [{ name: 'a', type: 'varchar' }], rows: [{ a: null }] },
      generatedAt,
    });

    // Assess
    expect(html).not.toContain('<figure>');
    expect(html).toContain('<td>NULL</td>');
  });
});
