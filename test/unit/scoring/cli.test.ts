import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../infra/cli/cli.ts';
import {
  expectedPurchases,
  fitBgNbd,
  probabilityAlive,
  probabilityNoPurchase,
} from '../../../shared/scoring/bgnbd.ts';
import { defaultSegmentTable } from '../../../shared/scoring/rfm.ts';
import { PurchaseStatisticsBuilder } from '../../../shared/scoring/statistics.ts';
import { formatDay } from '../../../shared/scoring/time.ts';
import { capturedIo } from '../../fixtures/cli.ts';
import {
  calibrationEnd,
  cdnowFiles,
  dataEnd,
  masterTransactions,
  sampleTransactions,
  summaryRows,
} from './cdnow-data.ts';

function csvRows(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trim().split('\n');
  const names = (header as string).split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((field, i) => [names[i], field])));
}

let dir: string;
let sampleCsv: string;
let masterCsv: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cdp-scoring-'));
  // The raw CDNOW files as the plain customer_id,date,amount CSV the commands read.
  sampleCsv = join(dir, 'cdnow-sample.csv');
  writeFileSync(
    sampleCsv,
    `customer_id,date,amount\n${sampleTransactions()
      .map((t) => `${t.customerId},${formatDay(t.day)},${t.amount}`)
      .join('\n')}\n`,
  );
  masterCsv = join(dir, 'cdnow-master.csv');
  writeFileSync(
    masterCsv,
    `customer_id,date,amount\n${masterTransactions()
      .map((t) => `${t.customerId},${t.date},${t.amount}`)
      .join('\n')}\n`,
  );
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('cdp fit', () => {
  it('prints the BG/NBD parameters of the CDNOW summary as JSON', async () => {
    // Prepare
    const io = capturedIo();

    // Act
    const exitCode = await runCli(['fit', 'bgnbd', cdnowFiles.summary], io);

    // Assess: the published r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9,582.4 (FHL 2005).
    expect(exitCode).toBe(0);
    const fit = JSON.parse(io.out()) as Record<string, number>;
    expect(Object.keys(fit)).toEqual(['r', 'alpha', 'a', 'b', 'log_likelihood']);
    expect((fit.r as number).toFixed(3)).toBe('0.243');
    expect((fit.alpha as number).toFixed(3)).toBe('4.414');
    expect((fit.a as number).toFixed(3)).toBe('0.793');
    expect((fit.b as number).toFixed(3)).toBe('2.426');
    expect((fit.log_likelihood as number).toFixed(1)).toBe('-9582.4');
    expect(io.err()).toMatch(/2357 customers/);
  });

  it('prints the Gamma-Gamma parameters from a file with the paper’s column names', async () => {
    // Prepare
    const io = capturedIo();

    // Act
    const exitCode = await runCli(['fit', 'gamma-gamma', cdnowFiles.summaryWithSpend], io);

    // Assess: p = 6.25, q = 3.74 as published; γ = 15.44 published, 15.45 from zbar rounded to cents.
    expect(exitCode).toBe(0);
    const fit = JSON.parse(io.out()) as Record<string, number>;
    expect(Object.keys(fit)).toEqual(['p', 'q', 'v', 'log_likelihood']);
    expect((fit.p as number).toFixed(2)).toBe('6.25');
    expect((fit.q as number).toFixed(2)).toBe('3.74');
    expect(Math.abs((fit.v as number) - 15.44)).toBeLessThan(0.01);
  });

  it.each([
    [['fit', 'bgnbd', 'missing.csv'], /cdp fit: cannot read missing\.csv \(ENOENT\)/],
    [['fit', 'pareto', 'x.csv'], /unknown model 'pareto'/],
    [['fit', 'bgnbd'], /missing the summary file/],
    [['fit', 'bgnbd', 'x.csv', '--time-unit', 'y'], /'y' is not a time unit/],
  ])('explains a bad command line: %j', async (args, message) => {
    // Prepare
    const io = capturedIo();

    // Act
    const exitCode = await runCli(args, io);

    // Assess
    expect(exitCode).toBe(1);
    expect(io.err()).toMatch(message);
  });

  it('names file, line and column of a bad summary value', async () => {
    // Prepare
    const file = join(dir, 'bad-summary.csv');
    writeFileSync(file, 'frequency,recency,T\n1,2,3\n2,five,9\n');
    const io = capturedIo();

    // Act
    const exitCode = await runCli(['fit', 'bgnbd', file], io);

    // Assess
    expect(exitCode).toBe(1);
    expect(io.err()).toBe(`cdp fit: ${file} line 3, column recency: 'five' is not a number\n`);
  });
});

describe('cdp score-file', () => {
  it('writes one row of scores per CDNOW customer, consistent with the models fitted on the same data', async () => {
    // Prepare
    const out = join(dir, 'scores.csv');
    const io = capturedIo();

    // Act
    const exitCode = await runCli(
      ['score-file', sampleCsv, '--as-of', '1997-09-30', '--horizon', '39w', '--out', out],
      io,
    );

    // Assess
    expect(exitCode).toBe(0);
    expect(io.out()).toBe('');
    const text = readFileSync(out, 'utf8');
    expect(text.split('\n', 1)[0]).toBe(
      'customer_id,frequency,recency,T,monetary,r_score,f_score,m_score,rfm_segment,p_alive,expected_purchases,p_no_purchase,clv,churn_probability,churn_risk',
    );
    const rows = csvRows(text);
    expect(rows).toHaveLength(2357);
    // Customer 1: the published summary row 2, 30.43, 38.86, 22.35 (times in weeks).
    const first = rows.find((row) => row.customer_id === '0001') as Record<string, string>;
    expect(first).toMatchObject({ frequency: '2', recency: '30.4286', T: '38.8571', monetary: '22.35' });
    // The same quantities from the domain functions, with BG/NBD fitted on the published summary file.
    const summary = new PurchaseStatisticsBuilder('weeks');
    for (const row of summaryRows(cdnowFiles.summary).values())
      summary.add(row.frequency as number, row.recency as number, row.T as number);
    const model = fitBgNbd(summary.build());
    const customer = { x: 2, tx: 213 / 7, T: 272 / 7, zbar: 22.35 };
    const horizon = { amount: 39, unit: 'weeks' } as const;
    // The two fits differ in their inputs only by the summary's rounding of times to 1/100 week.
    expect(Number(first.p_alive)).toBeCloseTo(probabilityAlive(model, customer), 3);
    expect(Number(first.expected_purchases)).toBeCloseTo(expectedPurchases(model, customer, horizon), 3);
    expect(Number(first.p_no_purchase)).toBeCloseTo(probabilityNoPurchase(model, customer, horizon), 3);
    const segments = new Set(defaultSegmentTable.rules.map((rule) => rule.name));
    for (const row of rows) {
      expect(segments.has(row.rfm_segment as string)).toBe(true);
      const churn = Number(row.churn_probability);
      expect(row.churn_risk).toBe(churn >= 0.8 ? 'high' : churn >= 0.5 ? 'medium' : 'low');
      expect(Number(row.clv)).toBeGreaterThanOrEqual(0);
    }
    expect(io.err()).toMatch(/scored 2357 customers as of 1997-09-30, horizon 39w, times in weeks/);
  });

  it('writes a file that cdp fit reads back as a summary', async () => {
    // Prepare
    const out = join(dir, 'scores-for-fit.csv');
    await runCli(['score-file', sampleCsv, '--as-of', '1997-09-30', '--out', out], capturedIo());
    const io = capturedIo();

    // Act
    const exitCode = await runCli(['fit', 'bgnbd', out], io);

    // Assess: the published estimates again (FHL 2005), from times printed to 1/10,000 week.
    expect(exitCode).toBe(0);
    const fit = JSON.parse(io.out()) as Record<string, number>;
    expect((fit.r as number).toFixed(3)).toBe('0.243');
    expect((fit.alpha as number).toFixed(3)).toBe('4.414');
  });

  it('gives the same scores for a horizon of 39 weeks or 273 days', async () => {
    // Prepare
    const weeksIo = capturedIo();
    const daysIo = capturedIo();

    // Act
    await runCli(['score-file', sampleCsv, '--as-of', '1997-09-30', '--horizon', '39w'], weeksIo);
    await runCli(['score-file', sampleCsv, '--as-of', '1997-09-30', '--horizon', '273d'], daysIo);

    // Assess
    expect(daysIo.out()).toBe(weeksIo.out());
  });

  it.each([
    [['score-file', 'x.csv'], /--as-of YYYY-MM-DD is required/],
    [['score-file', 'x.csv', '--as-of', '1997-09-31'], /--as-of '1997-09-31' is not a date/],
    [['score-file', 'x.csv', '--as-of', '1997-09-30', '--horizon', '39'], /'39' is not a duration/],
    [['score-file', 'x.csv', '--as-of', '1997-09-30', '--risk-thresholds', '0.9,0.5'], /--risk-thresholds/],
    [['score-file', 'x.csv', '--as-of', '1997-09-30', '--bogus'], /unknown option '--bogus'/],
  ])('explains a bad command line: %j', async (args, message) => {
    // Prepare
    const io = capturedIo();

    // Act
    const exitCode = await runCli(args, io);

    // Assess
    expect(exitCode).toBe(1);
    expect(io.err()).toMatch(message);
  });
});

describe('cdp backtest on CDNOW (cutoff 1997-09-30, until 1998-06-30)', () => {
  let report: {
    customers: number;
    churned: number;
    model: { auc: number; calibration: { brier: number } };
    baselines: {
      weeksSinceLastPurchase: { auc: number };
      bgnbdNoPurchase: { auc: number; calibration: { brier: number } };
    };
  };

  beforeAll(async () => {
    const io = capturedIo();
    const exitCode = await runCli(
      ['backtest', masterCsv, '--cutoff', '1997-09-30', '--until', '1998-06-30', '--format', 'json'],
      io,
    );
    expect(exitCode).toBe(0);
    report = JSON.parse(io.out());
  });

  it('labels the 23,570 customers by whether they bought again in the hold-out', () => {
    // Prepare: count by hand from the raw file.
    const transactions = masterTransactions();
    const cutoff = formatDay(calibrationEnd);
    const until = formatDay(dataEnd);
    const buyers = new Set(transactions.map((t) => t.customerId));
    const returned = new Set(
      transactions.filter((t) => t.date > cutoff && t.date <= until).map((t) => t.customerId),
    );

    // Assess
    expect(report.customers).toBe(buyers.size);
    expect(report.customers).toBe(23570);
    expect(report.churned).toBe(buyers.size - returned.size);
  });

  it('reports the recency baseline’s AUC as a count over weeks since the last purchase gives it', () => {
    // Prepare: AUC by counting, per whole number of days since the last purchase, churned and returning
    // customers: each churned customer beats the returning ones with fewer days, and ties count half.
    const transactions = masterTransactions();
    const cutoff = formatDay(calibrationEnd);
    const last = new Map<string, string>();
    const returned = new Set<string>();
    for (const t of transactions) {
      if (t.date <= cutoff)
        last.set(
          t.customerId,
          (last.get(t.customerId) ?? '') > t.date ? (last.get(t.customerId) as string) : t.date,
        );
      else returned.add(t.customerId);
    }
    const churnedByDays = new Map<number, number>();
    const returnedByDays = new Map<number, number>();
    for (const [id, date] of last) {
      const days = (Date.parse(`${cutoff}T00:00:00Z`) - Date.parse(`${date}T00:00:00Z`)) / 86_400_000;
      const counts = returned.has(id) ? returnedByDays : churnedByDays;
      counts.set(days, (counts.get(days) ?? 0) + 1);
    }
    let wins = 0;
    for (const [days, churned] of churnedByDays) {
      for (const [otherDays, back] of returnedByDays) {
        if (days > otherDays) wins += churned * back;
        else if (days === otherDays) wins += 0.5 * churned * back;
      }
    }
    const churnedCount = [...churnedByDays.values()].reduce((a, b) => a + b, 0);
    const returnedCount = [...returnedByDays.values()].reduce((a, b) => a + b, 0);

    // Assess
    expect(report.baselines.weeksSinceLastPurchase.auc).toBeCloseTo(
      wins / (churnedCount * returnedCount),
      12,
    );
  });

  it('ranks and predicts better with the churn model than with either baseline', () => {
    expect(report.model.auc).toBeGreaterThan(report.baselines.weeksSinceLastPurchase.auc);
    expect(report.model.auc).toBeGreaterThan(report.baselines.bgnbdNoPurchase.auc);
    expect(report.model.calibration.brier).toBeLessThan(report.baselines.bgnbdNoPurchase.calibration.brier);
  });

  it('prints a table for people by default', async () => {
    // Prepare
    const io = capturedIo();

    // Act
    const exitCode = await runCli(
      ['backtest', masterCsv, '--cutoff', '1997-09-30', '--until', '1998-06-30'],
      io,
    );

    // Assess
    expect(exitCode).toBe(0);
    expect(io.out()).toMatch(/^churn model \(logistic, 3 x 91 days\) +0\.\d{4} +0\.\d{4} +0\.\d{4}$/m);
    expect(io.out()).toMatch(/^weeks since last purchase +0\.\d{4} +- +-$/m);
    expect(io.out()).toMatch(/^BG\/NBD P\(no purchase\) +0\.\d{4} +0\.\d{4} +0\.\d{4}$/m);
  });

  it('refuses an evaluation span that ends before it starts', async () => {
    const io = capturedIo();
    expect(await runCli(['backtest', masterCsv, '--cutoff', '1997-09-30', '--until', '1997-09-01'], io)).toBe(
      1,
    );
    expect(io.err()).toMatch(/--until \(1997-09-01\) must be after --cutoff \(1997-09-30\)/);
  });
});
