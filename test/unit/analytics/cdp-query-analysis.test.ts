import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../infra/cli/cli.ts';
import { analyses } from '../../../shared/analytics/registry.ts';
import { eventsTable } from '../../../shared/lake/schema.ts';
import { capturedIo } from '../../fixtures/cli.ts';
import { type TempLake, tempLake, writeLakeObject } from '../query/lake-fixture.ts';
import { event } from './analytics-lake.ts';

describe('cdp query <analysis>', () => {
  let lake: TempLake;

  beforeAll(async () => {
    lake = await tempLake();
    writeLakeObject(lake.lakeDir, eventsTable, 'events/dt=2026-11-02/a.parquet', [
      event('anon:a1', '2026-11-02T10:00:00Z', 'page', 'Home'),
      event('anon:a1', '2026-11-02T10:01:00Z', 'page', 'Shoes'),
      event('u2', '2026-11-02T11:00:00Z', 'page', 'Home'),
    ]);
  });

  afterAll(async () => {
    await lake.remove();
  });

  const range = ['--param', 'from=2026-11-01', '--param', 'to=2026-11-30', '--data-dir'];

  it('runs a named analysis with its parameters and prints one JSON object per row', async () => {
    // Prepare
    const io = capturedIo();

    // Act
    const exitCode = await runCli(['query', 'sessions', ...range, lake.dataDir, '--format', 'json'], io);

    // Assess: a1's two pages 60 s apart and u2's bounce
    expect(exitCode).toBe(0);
    expect(io.err()).toBe('');
    expect(JSON.parse(io.out())).toEqual([
      {
        period: '2026-11-02',
        sessions: 2,
        profiles: 2,
        avg_duration_seconds: 30,
        median_duration_seconds: 30,
        pages_per_session: 1.5,
        events_per_session: 1.5,
        bounces: 1,
        bounce_rate: 0.5,
      },
    ]);
  });

  it('writes a self-contained html page with the chart where --out says, and prints its path', async () => {
    // Prepare
    const io = capturedIo();
    const out = join(lake.dataDir, 'paths.html');

    // Act
    const exitCode = await runCli(
      ['query', 'paths', ...range, lake.dataDir, '--format', 'html', '--out', out],
      io,
    );

    // Assess
    expect(exitCode).toBe(0);
    expect(io.out()).toBe(`wrote ${out}\n`);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('Transitions (Sankey)');
    expect(html).toContain('Home &gt; Shoes');
  });

  it('lists every analysis with its parameters: name, type, default and meaning', async () => {
    // Prepare
    const io = capturedIo();

    // Act
    const exitCode = await runCli(['query', '--list'], io);

    // Assess
    expect(exitCode).toBe(0);
    for (const analysis of analyses) {
      expect(io.out()).toContain(`${analysis.name} — ${analysis.title}`);
      for (const parameter of analysis.parameters) {
        expect(io.out()).toMatch(new RegExp(`^    ${parameter.name} +\\S`, 'm'));
      }
    }
    expect(io.out()).toMatch(/^ {4}timeout_minutes +integer 1\.\.1440 +30 +minutes without an event/m);
    expect(io.out()).toMatch(
      /^ {4}steps +list of 2\.\.10 strings +Product Viewed,Product Added,Checkout Started,Order Completed +the steps in order/m,
    );
  });

  it.each([
    [
      ['funnel', '--param', 'steps=Home'],
      'cdp query: parameter \'steps\' must be a list of 2 to 10 strings, not "Home"\n',
    ],
    [['sessions', '--param', 'timeout=5'], "cdp query: unknown parameter 'timeout' (parameters: from, to, "],
    [['sessions', '--param', 'grain=year'], "cdp query: parameter 'grain' must be one of day, week, month, "],
    [
      ['sessions', '--param', 'from=2026-11-30', '--param', 'to=2026-11-01'],
      'cdp query: from (2026-11-30) is after',
    ],
    [
      ['SELECT 1', '--param', 'a=1'],
      "cdp query: --param applies to a named analysis, and 'SELECT 1' is none",
    ],
    [['sessions', '--out', 'x.html'], 'cdp query: --out applies to --format html only'],
  ])('refuses %j with a one-line message', async (args, message) => {
    // Prepare
    const io = capturedIo();

    // Act
    const exitCode = await runCli(['query', ...args, '--data-dir', lake.dataDir], io);

    // Assess
    expect(exitCode).toBe(1);
    expect(io.err().startsWith(message)).toBe(true);
    expect(io.err().split('\n')).toHaveLength(2);
  });

  it('keeps ad-hoc SQL working, events_stitched included', async () => {
    // Prepare
    const io = capturedIo();

    // Act
    const exitCode = await runCli(
      [
        'query',
        'SELECT profile_id, count(*) AS n FROM events_stitched GROUP BY 1 ORDER BY 1',
        '--data-dir',
        lake.dataDir,
        '--format',
        'csv',
      ],
      io,
    );

    // Assess: the stand-in profile is the user id, else the anonymous id
    expect(exitCode).toBe(0);
    expect(io.out()).toBe('profile_id,n\r\na1,2\r\nu2,1\r\n');
  });
});
