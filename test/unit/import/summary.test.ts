import { describe, expect, it } from 'vitest';
import { ProgressBar, renderProgress } from '../../../shared/import/progress.ts';
import type { ImportSummary } from '../../../shared/import/run.ts';
import { formatSummary } from '../../../shared/import/summary.ts';

const summary: ImportSummary = {
  runId: 'pos-orders-csv-0123456789ab',
  status: 'completed',
  input: 'pos-orders.csv',
  source: 'pos',
  channel: 'pos',
  mapping: 'mappings/pos.json',
  mappingHash: 'abc',
  dryRun: false,
  startedAt: '2026-11-22T12:00:00.000Z',
  finishedAt: '2026-11-22T12:00:01.000Z',
  resumedAfterRecord: 0,
  checkpointRecord: 12,
  rows: { read: 1204, imported: 1180, duplicates: 12, rejected: 12 },
  events: 402,
  rejectedByReason: {
    'timestamp: is in the future': 4,
    'properties.products[].quantity: must not be negative': 8,
  },
  omittedByReason: {},
  rejects: '.cdp/imports/pos-orders-csv-0123456789ab/rejects.csv',
};

describe('the summary printed at the end of an import', () => {
  it('lists the counts and the rejections by reason, most frequent first, and where the files are', () => {
    // Act
    const text = formatSummary(summary, '.cdp/imports/pos-orders-csv-0123456789ab/summary.json');

    // Assess
    expect(text).toBe(
      [
        'Imported pos-orders.csv as source "pos" (channel pos) with mappings/pos.json: completed',
        '  rows read            1,204',
        '  imported             1,180   as 402 events',
        '  duplicates skipped      12',
        '  rejected                12',
        '    8  properties.products[].quantity: must not be negative',
        '    4  timestamp: is in the future',
        '  rejected rows: .cdp/imports/pos-orders-csv-0123456789ab/rejects.csv',
        '  summary:       .cdp/imports/pos-orders-csv-0123456789ab/summary.json',
        '',
      ].join('\n'),
    );
  });

  it('tells how to go on after an interruption, and that a completed file is not imported again', () => {
    // Act
    const interrupted = formatSummary({ ...summary, status: 'interrupted', checkpointRecord: 500 }, 's.json');
    const again = formatSummary({ ...summary, status: 'already-imported' }, 's.json');

    // Assess
    expect(interrupted).toContain(': interrupted\n');
    expect(interrupted).toContain(
      'run the same command again to go on after record 500 (nothing is sent twice).',
    );
    expect(again).toContain(
      ': already imported\n  nothing sent: run pos-orders-csv-0123456789ab completed it',
    );
  });
});

describe('the progress bar', () => {
  it('shows the share of bytes read, rows, rows per second and the time left', () => {
    // Act
    const line = renderProgress({
      bytesRead: 25,
      totalBytes: 100,
      rows: 120_000,
      elapsedMs: 2_000,
      resuming: false,
    });

    // Assess: a quarter in 2 s leaves 6 s.
    expect(line).toBe('[######------------------]  25%  120,000 rows  60,000 rows/s  ETA 6s');
  });

  it('says when it re-reads stored rows, and shows no bar for input of unknown size', () => {
    // Act
    const line = renderProgress({
      bytesRead: 10,
      totalBytes: undefined,
      rows: 500,
      elapsedMs: 1_000,
      resuming: true,
    });

    // Assess
    expect(line).toBe('resuming: re-reading stored rows  500 rows  500 rows/s');
  });

  it('redraws at most every 100 ms and clears its line when done', () => {
    // Prepare
    let now = 0;
    const written: string[] = [];
    const bar = new ProgressBar(
      (text) => written.push(text),
      () => now,
    );

    // Act
    now = 150;
    bar.update({ bytesRead: 1, totalBytes: 2, rows: 10, resuming: false });
    now = 200;
    bar.update({ bytesRead: 1, totalBytes: 2, rows: 20, resuming: false });
    bar.done();

    // Assess
    expect(written).toHaveLength(2);
    expect(written[0]?.startsWith(`\r\u001b[2K[${'#'.repeat(12)}${'-'.repeat(12)}]  50%  10 rows`)).toBe(
      true,
    );
    expect(written[1]).toBe('\r\u001b[2K');
  });
});
