/**
 * A result as one self-contained HTML page: inline CSS, inline SVG, a few lines of inline JavaScript (sorting
 * the table), nothing fetched from anywhere, so it can be mailed or archived. Each analysis gets its picture:
 * bars of sessions, a Sankey diagram of paths, funnel bars, a retention heat map, a rules table with lift bars;
 * every page ends with the full result table. Every text from the data is escaped.
 *
 * @example
 * writeFileSync('paths.html', renderHtmlReport({ title: 'Paths', result, chart: 'paths', values, generatedAt }));
 */
import type { QueryResult } from '../ports.ts';
import type { ParameterValue, ParameterValues } from './parameters.ts';
import type { ChartKind } from './registry.ts';

export interface HtmlReport {
  readonly title: string;
  readonly description?: string;
  /** The parameters the result was computed with, shown under the title. */
  readonly values?: ParameterValues;
  readonly result: Pick<QueryResult, 'columns' | 'rows'>;
  /** The picture above the table; none for ad-hoc SQL. */
  readonly chart?: ChartKind;
  readonly engine?: string;
  readonly generatedAt: Date;
}

type Row = Readonly<Record<string, unknown>>;

export function renderHtmlReport(report: HtmlReport): string {
  const values = report.values ?? {};
  const rows = report.result.rows;
  const chart = report.chart === undefined ? '' : chartHtml(report.chart, rows, values);
  const parameters = Object.entries(values)
    .map(([name, value]) => `<span><b>${escapeHtml(name)}</b> ${escapeHtml(parameterText(value))}</span>`)
    .join(' ');
  const generated = `${report.generatedAt.toISOString()}${report.engine ? ` on ${report.engine}` : ''}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(report.title)}</title>
<style>${css}</style>
</head>
<body>
<h1>${escapeHtml(report.title)}</h1>
${report.description ? `<p class="description">${escapeHtml(report.description)}</p>` : ''}
${parameters ? `<p class="parameters">${parameters}</p>` : ''}
<p class="generated">${rows.length} row${rows.length === 1 ? '' : 's'}, generated ${escapeHtml(generated)}</p>
${chart}
<h2>Data</h2>
${tableHtml(report.result)}
<script>${sortScript}</script>
</body>
</html>
`;
}

/** Text safe in an HTML text node or a quoted attribute value (and so in inline SVG). */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function chartHtml(kind: ChartKind, rows: readonly Row[], values: ParameterValues): string {
  if (rows.length === 0) return '<p class="empty">No rows: nothing to draw.</p>';
  switch (kind) {
    case 'sessions':
      return sessionsChart(rows);
    case 'paths':
      return pathsChart(rows, values.direction === 'before' ? 'before' : 'after');
    case 'funnel':
      return funnelChart(rows);
    case 'retention':
      return retentionChart(rows);
    case 'rules':
      return rulesChart(rows);
    case 'attribution':
      return attributionChart(rows);
    case 'preferences':
      return preferencesChart(rows);
    case 'kpis':
      return kpisChart(rows);
    case 'not_bought':
      return notBoughtChart(rows);
    case 'sequences':
      return sequencesChart(rows);
  }
}

function sessionsChart(rows: readonly Row[]): string {
  const width = 900;
  const height = 260;
  const top = 20;
  const bottom = 40;
  const left = 50;
  const max = Math.max(1, ...rows.map((row) => num(row.sessions)));
  const slot = (width - left) / rows.length;
  const bars = rows
    .map((row, i) => {
      const value = num(row.sessions);
      const h = ((height - top - bottom) * value) / max;
      const x = left + i * slot + slot * 0.1;
      const y = height - bottom - h;
      const label = String(row.period ?? '');
      const tip = `${label}: ${value} sessions, bounce rate ${percent(row.bounce_rate)}, median ${seconds(row.median_duration_seconds)}`;
      // A date label is about 75 px wide: label every step-th bar so that they do not overlap.
      const showLabel = i % Math.ceil((rows.length * 80) / (width - left)) === 0;
      return (
        `<g><title>${escapeHtml(tip)}</title>` +
        `<rect x="${fixed(x)}" y="${fixed(y)}" width="${fixed(slot * 0.8)}" height="${fixed(h)}" class="bar"/>` +
        (rows.length <= 40
          ? `<text x="${fixed(x + slot * 0.4)}" y="${fixed(y - 4)}" class="value">${value}</text>`
          : '') +
        (showLabel
          ? `<text x="${fixed(x + slot * 0.4)}" y="${height - bottom + 16}" class="axis">${escapeHtml(label)}</text>`
          : '') +
        '</g>'
      );
    })
    .join('');
  return figure(
    'Sessions per period',
    `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="sessions per period">` +
      `<line x1="${left}" y1="${height - bottom}" x2="${width}" y2="${height - bottom}" class="rule"/>${bars}</svg>`,
  );
}

interface SankeyNode {
  readonly key: string;
  readonly label: string;
  readonly column: number;
  inflow: number;
  outflow: number;
  y: number;
  height: number;
  inOffset: number;
  outOffset: number;
}

/** Nodes are (column, step); columns run in time order, the anchor first ('after') or last ('before'). */
function pathsChart(rows: readonly Row[], direction: 'after' | 'before'): string {
  const edges = rows.filter((row) => row.kind === 'transition');
  const paths = rows.filter((row) => row.kind === 'path');
  const pathList = paths
    .map(
      (row) =>
        `<li><span class="count">${escapeHtml(String(row.sessions))} (${percent(row.share)})</span> ${escapeHtml(String(row.path ?? ''))}</li>`,
    )
    .join('');
  const listHtml = pathList ? figure('Top paths', `<ol class="paths">${pathList}</ol>`) : '';
  if (edges.length === 0) return listHtml;
  const depths = Math.max(...edges.map((row) => num(row.depth)));
  const columns = depths + 1;
  // Column of the node nearer the anchor for edge depth d is d - 1 ('after') or depths - d + 1 ('before').
  const columnOf = (depth: number, nearer: boolean): number => {
    const distance = nearer ? depth - 1 : depth;
    return direction === 'after' ? distance : depths - distance;
  };
  const nodes = new Map<string, SankeyNode>();
  const node = (column: number, step: unknown, missing: string): SankeyNode => {
    const label = step === null || step === undefined ? missing : String(step);
    const key = `${column}\u0000${step === null || step === undefined ? '\u0001' : label}`;
    let found = nodes.get(key);
    if (!found) {
      found = { key, label, column, inflow: 0, outflow: 0, y: 0, height: 0, inOffset: 0, outOffset: 0 };
      nodes.set(key, found);
    }
    return found;
  };
  const links = edges.map((row) => {
    const depth = num(row.depth);
    const value = num(row.sessions);
    const source =
      direction === 'after'
        ? node(columnOf(depth, true), row.from_step, '(exit)')
        : node(columnOf(depth, false), row.from_step, '(start)');
    const target =
      direction === 'after'
        ? node(columnOf(depth, false), row.to_step, '(exit)')
        : node(columnOf(depth, true), row.to_step, '(start)');
    source.outflow += value;
    target.inflow += value;
    return { source, target, value };
  });
  const width = 960;
  const columnWidth = columns > 1 ? (width - 160) / (columns - 1) : 0;
  const nodeWidth = 12;
  const gap = 14;
  const byColumn = Array.from({ length: columns }, (_, c) =>
    [...nodes.values()]
      .filter((n) => n.column === c)
      .sort((a, b) => Math.max(b.inflow, b.outflow) - Math.max(a.inflow, a.outflow)),
  );
  const columnTotals = byColumn.map((list) =>
    list.reduce((sum, n) => sum + Math.max(n.inflow, n.outflow), 0),
  );
  const tallest = Math.max(...byColumn.map((list) => list.length));
  const chartHeight = Math.max(240, Math.min(900, tallest * 40));
  const scale = (chartHeight - gap * Math.max(0, tallest - 1)) / Math.max(1, ...columnTotals);
  for (const list of byColumn) {
    let y = 10;
    for (const n of list) {
      n.height = Math.max(2, Math.max(n.inflow, n.outflow) * scale);
      n.y = y;
      y += n.height + gap;
    }
  }
  const x = (column: number) => 10 + column * columnWidth;
  const bands = links
    .sort((a, b) => b.value - a.value)
    .map(({ source, target, value }) => {
      const thickness = Math.max(1, value * scale);
      const y0 = source.y + source.outOffset + thickness / 2;
      const y1 = target.y + target.inOffset + thickness / 2;
      source.outOffset += thickness;
      target.inOffset += thickness;
      const x0 = x(source.column) + nodeWidth;
      const x1 = x(target.column);
      const mid = (x0 + x1) / 2;
      const exit = target.label === '(exit)' || source.label === '(start)';
      return (
        `<path d="M${fixed(x0)},${fixed(y0)} C${fixed(mid)},${fixed(y0)} ${fixed(mid)},${fixed(y1)} ${fixed(x1)},${fixed(y1)}" ` +
        `class="${exit ? 'flow exit' : 'flow'}" stroke-width="${fixed(thickness)}">` +
        `<title>${escapeHtml(`${source.label} → ${target.label}: ${value} sessions`)}</title></path>`
      );
    })
    .join('');
  const boxes = [...nodes.values()]
    .map((n) => {
      const value = Math.max(n.inflow, n.outflow);
      const labelX = n.column === columns - 1 ? x(n.column) - 4 : x(n.column) + nodeWidth + 4;
      const anchor = n.column === columns - 1 ? 'end' : 'start';
      return (
        `<g><title>${escapeHtml(`${n.label}: ${value} sessions`)}</title>` +
        `<rect x="${fixed(x(n.column))}" y="${fixed(n.y)}" width="${nodeWidth}" height="${fixed(n.height)}" class="${n.label === '(exit)' || n.label === '(start)' ? 'node exit' : 'node'}"/>` +
        `<text x="${fixed(labelX)}" y="${fixed(n.y + n.height / 2 + 4)}" text-anchor="${anchor}" class="label">${escapeHtml(truncate(n.label, 28))} (${value})</text></g>`
      );
    })
    .join('');
  const sankey = figure(
    'Transitions (Sankey)',
    `<svg viewBox="0 0 ${width} ${fixed(chartHeight + 20)}" role="img" aria-label="paths as a Sankey diagram">${bands}${boxes}</svg>`,
  );
  return sankey + listHtml;
}

function funnelChart(rows: readonly Row[]): string {
  const segments = new Map<string, Row[]>();
  for (const row of rows) {
    const segment = String(row.segment ?? '');
    segments.set(segment, [...(segments.get(segment) ?? []), row]);
  }
  const groups = [...segments.entries()]
    .map(([segment, steps]) => {
      const first = Math.max(1, num(steps[0]?.profiles));
      const bars = steps
        .map((row) => {
          const share = num(row.profiles) / first;
          const median =
            row.median_seconds_from_previous === null || row.median_seconds_from_previous === undefined
              ? ''
              : `, median ${seconds(row.median_seconds_from_previous)} after the previous step`;
          const dropped = num(row.dropped_from_previous);
          return (
            `<div class="step"><div class="step-name">${escapeHtml(String(row.step))}. ${escapeHtml(String(row.step_name ?? ''))}</div>` +
            `<div class="track"><div class="fill" style="width:${fixed(share * 100)}%"></div></div>` +
            `<div class="step-numbers">${escapeHtml(String(row.profiles))} profiles, ${percent(row.conversion_from_start)} of the entries` +
            (row.conversion_from_previous === null || row.conversion_from_previous === undefined
              ? ''
              : `, ${percent(row.conversion_from_previous)} of the previous step (${dropped} dropped)`) +
            `${escapeHtml(median)}</div></div>`
          );
        })
        .join('');
      return `<div class="segment"><h3>${escapeHtml(segment)}</h3>${bars}</div>`;
    })
    .join('');
  return figure('Funnel', `<div class="funnel">${groups}</div>`);
}

function retentionChart(rows: readonly Row[]): string {
  const cohorts = new Map<string, { size: number; cells: Map<number, Row> }>();
  let periods = 0;
  for (const row of rows) {
    const cohort = String(row.cohort ?? '');
    const entry = cohorts.get(cohort) ?? { size: num(row.cohort_size), cells: new Map<number, Row>() };
    entry.cells.set(num(row.period), row);
    cohorts.set(cohort, entry);
    periods = Math.max(periods, num(row.period) + 1);
  }
  const header = Array.from({ length: periods }, (_, p) => `<th>${p}</th>`).join('');
  const body = [...cohorts.entries()]
    .map(([cohort, { size, cells }]) => {
      const tds = Array.from({ length: periods }, (_, p) => {
        const cell = cells.get(p);
        const rate = cell === undefined ? 0 : num(cell.retention);
        const light = 97 - rate * 62;
        const colour = `hsl(212 70% ${fixed(light)}%)`;
        const text = light < 60 ? '#fff' : '#123';
        const count = cell === undefined ? 0 : num(cell.profiles);
        return `<td style="background:${colour};color:${text}" title="${escapeHtml(`${cohort}, period ${p}: ${count} of ${size}`)}">${percent(rate)}</td>`;
      }).join('');
      return `<tr><th>${escapeHtml(cohort)}</th><td class="size">${size}</td>${tds}</tr>`;
    })
    .join('');
  return figure(
    'Retention by cohort (share of the cohort active in each period)',
    `<table class="heatmap"><thead><tr><th>cohort</th><th>profiles</th>${header}</tr></thead><tbody>${body}</tbody></table>`,
  );
}

function rulesChart(rows: readonly Row[]): string {
  const maxLift = Math.max(1, ...rows.map((row) => num(row.lift)));
  const body = rows
    .map((row) => {
      const antecedent = Array.isArray(row.antecedent) ? row.antecedent.map(String) : [];
      const lift = num(row.lift);
      return (
        `<tr><td>${antecedent.map((item) => `<span class="item">${escapeHtml(item)}</span>`).join(' ') || '∅'}</td>` +
        `<td>⇒ <span class="item">${escapeHtml(String(row.consequent ?? ''))}</span></td>` +
        `<td class="num">${percent(row.support, 2)}</td><td class="num">${percent(row.confidence)}</td>` +
        liftCell(lift, maxLift) +
        `<td class="num">${escapeHtml(String(row.transactions ?? ''))}</td></tr>`
      );
    })
    .join('');
  return figure(
    'Rules (the line in each lift bar is lift 1, independence)',
    `<table class="rules"><thead><tr><th>if bought</th><th>then also</th><th>support</th><th>confidence</th><th>lift</th><th>transactions</th></tr></thead><tbody>${body}</tbody></table>`,
  );
}

/** A lift as a bar on a scale up to `maxLift`, with a mark at lift 1 (independence). */
function liftCell(lift: number, maxLift: number): string {
  return (
    `<td class="lift"><svg viewBox="0 0 120 14" width="120" height="14" aria-hidden="true"><rect width="${fixed((120 * lift) / maxLift)}" height="14" class="bar"/>` +
    `<line x1="${fixed(120 / maxLift)}" y1="0" x2="${fixed(120 / maxLift)}" y2="14" class="one"/></svg> ${lift.toFixed(2)}</td>`
  );
}

const modelColours: Readonly<Record<string, string>> = {
  first_touch: '#1f4f91',
  last_touch: '#3b7dd8',
  linear: '#6aa84f',
  position_based: '#e69138',
  time_decay: '#a64d79',
};

/** Per channel, one bar per model: the conversions it is credited with, on one scale. */
function attributionChart(rows: readonly Row[]): string {
  const models = [...new Set(rows.map((row) => String(row.model)))];
  const channels = [...new Set(rows.map((row) => String(row.channel)))];
  const credit = new Map(rows.map((row) => [`${row.model}\u0000${row.channel}`, num(row.conversions)]));
  const max = Math.max(1e-9, ...rows.map((row) => num(row.conversions)));
  const legend = models
    .map(
      (model) =>
        `<span class="key"><i style="background:${modelColours[model] ?? '#888'}"></i>${escapeHtml(model)}</span>`,
    )
    .join(' ');
  const groups = channels
    .map((channel) => {
      const bars = models
        .map((model) => {
          const value = credit.get(`${model}\u0000${channel}`) ?? 0;
          return (
            `<div class="bar-row" title="${escapeHtml(`${channel}, ${model}: ${value.toFixed(2)} conversions`)}">` +
            `<div class="bar-fill" style="width:${fixed((value / max) * 100)}%;background:${modelColours[model] ?? '#888'}"></div>` +
            `<span>${value.toFixed(2)}</span></div>`
          );
        })
        .join('');
      return `<div class="channel"><div class="channel-name">${escapeHtml(channel)}</div><div>${bars}</div></div>`;
    })
    .join('');
  return figure('Conversions credited per channel and model', `<p class="legend">${legend}</p>${groups}`);
}

/** A heat map of affinities: segments (or people) down, values across; the darker, the stronger. */
function preferencesChart(rows: readonly Row[]): string {
  const perProfile = rows.some((row) => row.profile_id !== null && row.profile_id !== undefined);
  const keyOf = (row: Row) => (perProfile ? `${row.segment} · ${row.profile_id}` : String(row.segment));
  // Beyond 50 people the map is unreadable; the table below has them all.
  const keys = [...new Set(rows.map(keyOf))].slice(0, 50);
  const values = [...new Set(rows.map((row) => String(row.value)))];
  const cells = new Map(rows.map((row) => [`${keyOf(row)}\u0000${row.value}`, num(row.affinity)]));
  const header = values.map((value) => `<th>${escapeHtml(value)}</th>`).join('');
  const body = keys
    .map((key) => {
      const tds = values
        .map((value) => {
          const affinity = cells.get(`${key}\u0000${value}`);
          return affinity === undefined
            ? '<td></td>'
            : heatCell(affinity, `${key}, ${value}: ${percent(affinity)}`);
        })
        .join('');
      return `<tr><th>${escapeHtml(key)}</th>${tds}</tr>`;
    })
    .join('');
  return figure(
    `Affinity per ${perProfile ? 'person' : 'segment'} (share of the recency-weighted interactions)`,
    `<table class="heatmap"><thead><tr><th>${perProfile ? 'person' : 'segment'}</th>${header}</tr></thead><tbody>${body}</tbody></table>`,
  );
}

function heatCell(rate: number, tip: string): string {
  const light = 97 - rate * 62;
  const text = light < 60 ? '#fff' : '#123';
  return `<td style="background:hsl(212 70% ${fixed(light)}%);color:${text}" title="${escapeHtml(tip)}">${percent(rate)}</td>`;
}

const kpiColours: Readonly<Record<string, string>> = {
  conversion_rate: '#1f4f91',
  repeat_purchase_rate: '#6aa84f',
  retention_rate: '#3b7dd8',
  churn_rate: '#c0563f',
};

/** Per channel, one bar per rate, all on the scale 0 to 100 %. */
function kpisChart(rows: readonly Row[]): string {
  const kpis = Object.keys(kpiColours);
  const legend = kpis
    .map((kpi) => `<span class="key"><i style="background:${kpiColours[kpi]}"></i>${escapeHtml(kpi)}</span>`)
    .join(' ');
  const groups = rows
    .map((row) => {
      const channel = String(row.channel);
      const bars = kpis
        .map((kpi) => {
          const rate = row[kpi];
          return (
            `<div class="bar-row" title="${escapeHtml(`${channel}, ${kpi}: ${percent(rate)}`)}">` +
            `<div class="bar-fill" style="width:${fixed(num(rate) * 100)}%;background:${kpiColours[kpi]}"></div>` +
            `<span>${percent(rate)}</span></div>`
          );
        })
        .join('');
      return `<div class="channel"><div class="channel-name">${escapeHtml(channel)}</div><div>${bars}</div></div>`;
    })
    .join('');
  return figure('Rates per channel', `<p class="legend">${legend}</p>${groups}`);
}

/**
 * Per item viewed (or term searched), its viewers (searchers) as a bar: the buyers' part blue, the rest (did
 * not buy) red.
 */
function notBoughtChart(rows: readonly Row[]): string {
  const searched = rows.some((row) => row.searchers !== undefined);
  const who = searched ? 'searchers' : 'viewers';
  const people = (row: Row) => num(searched ? row.searchers : row.viewers);
  const max = Math.max(1, ...rows.map(people));
  const groups = rows
    .map((row) => {
      const item = String(searched ? row.term : row.item);
      const buyers = num(row.buyers);
      const missed = num(searched ? row.searched_not_bought : row.viewed_not_bought);
      return (
        `<div class="channel" title="${escapeHtml(`${item}: ${people(row)} ${who}, ${buyers} bought, ${missed} did not (${percent(row.not_bought_rate)})`)}">` +
        `<div class="channel-name">${escapeHtml(item)}</div><div class="bar-row">` +
        `<div class="bar-fill" style="width:${fixed((buyers / max) * 100)}%;background:#3b7dd8"></div>` +
        `<div class="bar-fill" style="width:${fixed((missed / max) * 100)}%;background:#c0563f"></div>` +
        `<span>${missed} of ${people(row)} did not buy</span></div></div>`
      );
    })
    .join('');
  const title = searched ? 'Searchers per term' : 'Viewers per item';
  return figure(`${title}: bought (blue) and not bought (red)`, groups);
}

function sequencesChart(rows: readonly Row[]): string {
  const maxLift = Math.max(1, ...rows.map((row) => num(row.lift)));
  const body = rows
    .map(
      (row) =>
        `<tr><td><span class="item">${escapeHtml(String(row.antecedent ?? ''))}</span></td>` +
        `<td>→ <span class="item">${escapeHtml(String(row.consequent ?? ''))}</span></td>` +
        `<td class="num">${escapeHtml(String(row.people ?? ''))}</td><td class="num">${percent(row.support, 2)}</td>` +
        `<td class="num">${percent(row.confidence)}</td>${liftCell(num(row.lift), maxLift)}</tr>`,
    )
    .join('');
  return figure(
    'Bought X, then Y (the line in each lift bar is lift 1, independence)',
    `<table class="rules"><thead><tr><th>first bought</th><th>then</th><th>people</th><th>support</th><th>confidence</th><th>lift</th></tr></thead><tbody>${body}</tbody></table>`,
  );
}

function tableHtml(result: Pick<QueryResult, 'columns' | 'rows'>): string {
  const header = result.columns.map((column) => `<th>${escapeHtml(column.name)}</th>`).join('');
  const body = result.rows
    .map(
      (row) =>
        `<tr>${result.columns
          .map((column) => {
            const value = row[column.name];
            const numeric = typeof value === 'number';
            return `<td${numeric ? ' class="num"' : ''}>${escapeHtml(cellText(value))}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('\n');
  return `<table class="data sortable"><thead><tr>${header}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function figure(caption: string, content: string): string {
  return `<figure><figcaption>${escapeHtml(caption)}</figcaption>${content}</figure>`;
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function parameterText(value: ParameterValue): string {
  if (value === null) return '(none)';
  return Array.isArray(value) ? value.join(' → ') : String(value);
}

function num(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : 0;
}

function percent(value: unknown, digits = 1): string {
  if (value === null || value === undefined) return '–';
  return `${(num(value) * 100).toFixed(digits)}%`;
}

function seconds(value: unknown): string {
  const s = num(value);
  if (s < 120) return `${s.toFixed(0)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} days`;
}

function fixed(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value * 10) / 10) : '0';
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

const css = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1000px;color:#1d2733;padding:0 16px}
h1{font-size:22px;margin:0 0 6px}h2{font-size:17px;margin:28px 0 8px}h3{font-size:15px;margin:14px 0 6px}
.description{color:#445;max-width:80ch}.parameters span{display:inline-block;background:#eef2f7;border-radius:4px;padding:1px 7px;margin:2px 4px 2px 0}
.generated,.empty{color:#667;font-size:12px}
figure{margin:18px 0;padding:12px;border:1px solid #dde3ea;border-radius:6px;overflow-x:auto}
figcaption{font-weight:600;margin-bottom:8px}svg{max-width:100%;height:auto;font-size:11px}
.bar{fill:#3b7dd8}.value{text-anchor:middle;fill:#334}.axis{text-anchor:middle;fill:#556}.rule{stroke:#99a}
.flow{fill:none;stroke:#3b7dd8;stroke-opacity:.35}.flow:hover{stroke-opacity:.6}.flow.exit{stroke:#c0563f;stroke-opacity:.25}
.node{fill:#1f4f91}.node.exit{fill:#c0563f}.label{fill:#1d2733}
ol.paths{margin:0;padding-left:24px}ol.paths .count{display:inline-block;min-width:120px;color:#556}
.segment{margin-bottom:10px}.step{display:grid;grid-template-columns:220px 1fr;gap:2px 12px;margin:4px 0}
.step-name{grid-row:span 2;font-weight:500}.track{background:#f3e1dc;height:18px;border-radius:3px}
.fill{background:#3b7dd8;height:18px;border-radius:3px}.step-numbers{font-size:12px;color:#556}
table{border-collapse:collapse;font-size:13px}th,td{padding:3px 8px;border-bottom:1px solid #e3e7ec;text-align:left;white-space:nowrap}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.heatmap td{text-align:center;min-width:48px}.heatmap td.size{background:#f6f8fa}
.rules .item{background:#eef2f7;border-radius:3px;padding:0 5px}.rules .one{stroke:#c0563f}
.legend .key{margin-right:12px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
.channel{display:grid;grid-template-columns:200px 1fr;gap:8px;margin:6px 0}.channel-name{font-weight:500}
.bar-row{display:flex;align-items:center;gap:6px;height:13px;margin:1px 0;font-size:11px}.bar-fill{height:11px;border-radius:2px}
table.sortable th{cursor:pointer;background:#f6f8fa;position:sticky;top:0}
`;

const sortScript = `
document.querySelectorAll('table.sortable').forEach(function (table) {
  table.querySelectorAll('th').forEach(function (th, column) {
    var ascending = true;
    th.addEventListener('click', function () {
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[column].textContent, y = b.cells[column].textContent;
        var nx = Number(x), ny = Number(y);
        var order = !isNaN(nx) && !isNaN(ny) && x !== '' && y !== '' ? nx - ny : x.localeCompare(y);
        return ascending ? order : -order;
      });
      ascending = !ascending;
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
`;
