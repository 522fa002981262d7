/** The summary `cdp import` prints at the end of every run: plain text for people (the JSON is stored). */
import type { ImportSummary } from './run.ts';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/**
 * @example formatSummary(summary) →
 *   Imported orders.csv as source "pos" (channel pos) with mappings/pos.json: completed
 *     rows read                6
 *     imported                 4   as 2 events
 *     duplicates skipped       1
 *     rejected                 1
 *       1  properties.products[].quantity: must not be negative
 *     rejected rows: .cdp/imports/orders-csv-1f2e3d4c5b6a/rejects.csv
 *     summary:       .cdp/imports/orders-csv-1f2e3d4c5b6a/summary.json
 */
export function formatSummary(summary: ImportSummary, summaryLocation: string): string {
  const { rows } = summary;
  const verb = summary.dryRun ? 'Checked (dry run, nothing sent)' : 'Imported';
  const lines = [
    `${verb} ${summary.input} as source "${summary.source}" (channel ${summary.channel}) with ${summary.mapping}: ${statusText(summary)}`,
  ];
  if (summary.status === 'already-imported') {
    lines.push(
      `  nothing sent: run ${summary.runId} completed it at ${summary.finishedAt}.`,
      '  --restart imports it again (the lake keeps one row per messageId, so nothing is doubled).',
    );
  }
  const width = Math.max(
    ...[rows.read, rows.imported, rows.duplicates, rows.rejected].map((n) => integer.format(n).length),
  );
  const number = (value: number) => integer.format(value).padStart(width);
  lines.push(
    `  rows read            ${number(rows.read)}`,
    `  imported             ${number(rows.imported)}   as ${integer.format(summary.events)} ${summary.events === 1 ? 'event' : 'events'}`,
    `  duplicates skipped   ${number(rows.duplicates)}`,
    `  rejected             ${number(rows.rejected)}`,
  );
  const reasons = Object.entries(summary.rejectedByReason).sort(([, a], [, b]) => b - a);
  const reasonWidth = Math.max(0, ...reasons.map(([, n]) => integer.format(n).length));
  for (const [reason, count] of reasons)
    lines.push(`    ${integer.format(count).padStart(reasonWidth)}  ${reason}`);
  const omitted = Object.entries(summary.omittedByReason).sort(([, a], [, b]) => b - a);
  if (omitted.length > 0) {
    lines.push('  invalid values left out (invalid: omit)');
    for (const [reason, count] of omitted) lines.push(`    ${integer.format(count)}  ${reason}`);
  }
  if (rows.rejected > 0) lines.push(`  rejected rows: ${summary.rejects}`);
  lines.push(`  summary:       ${summaryLocation}`);
  if (summary.status === 'interrupted' || summary.status === 'failed') {
    lines.push(
      `  run the same command again to go on after record ${integer.format(summary.checkpointRecord)} (nothing is sent twice).`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function statusText(summary: ImportSummary): string {
  const resumed =
    summary.resumedAfterRecord > 0
      ? ` (went on after record ${integer.format(summary.resumedAfterRecord)})`
      : '';
  switch (summary.status) {
    case 'completed':
      return `completed${resumed}`;
    case 'interrupted':
      return `interrupted${resumed}`;
    case 'failed':
      return `FAILED${resumed}: ${summary.error ?? 'unknown error'}`;
    case 'already-imported':
      return 'already imported';
  }
}
