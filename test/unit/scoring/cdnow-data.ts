/**
 * The CDNOW reference data (../shared/datasets/cdnow, see its README) as the scoring tests read it: paths, the
 * published checksums, and the raw whitespace-separated transaction files turned into transactions. Only the
 * file format is handled here; aggregation is the product's code under test.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Transaction } from '../../../shared/scoring/history.ts';
import { dayNumber } from '../../../shared/scoring/time.ts';
import { datasetPath } from '../../fixtures/datasets.ts';

const cdnowDir = datasetPath('cdnow');

export const cdnowFiles = {
  summary: resolve(cdnowDir, 'cdnow_customers_summary.csv'),
  summaryWithSpend: resolve(cdnowDir, 'cdnow_customers_summary_with_transactions.csv'),
  sample: resolve(cdnowDir, 'CDNOW_sample.txt'),
  master: resolve(cdnowDir, 'CDNOW_master.txt'),
} as const;

/** SHA-256 of each file, as the datasets README lists them. */
export const cdnowChecksums: Readonly<Record<keyof typeof cdnowFiles, string>> = {
  summary: '09d92ca80daaabe8be0f997d4c539f9c9606106baa5b199081fe01cbce5fa9f6',
  summaryWithSpend: '7ddd11b55be3227edfc1d58675154e96971b0de3ad37ddd9280d1dba154b8b2f',
  sample: '6fae10155c0b0ba363c2c386e30f77990d22328220efd862a5edd1443420d94a',
  master: 'eff6889ed364c5199d6eacbbeb7a6d559971df4406ac876f322c373f00a072ef',
};

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** The calibration period ends with this day (FHL 2005: 39 weeks after the cohort's first day of purchases). */
export const calibrationEnd = dayNumber('1997-09-30') as number;
export const dataEnd = dayNumber('1998-06-30') as number;

/** CDNOW_sample.txt: master id, sample id, YYYYMMDD, CDs, dollars; customers by their sample id. */
export function sampleTransactions(): Transaction[] {
  return rawLines(cdnowFiles.sample).map(([, sampleId, date, , dollars]) => ({
    customerId: sampleId as string,
    day: dayNumber(date as string) as number,
    amount: Number(dollars),
  }));
}

/** CDNOW_master.txt (header line): customer id, YYYYMMDD, CDs, dollars. */
export function masterTransactions(): { customerId: string; date: string; cds: number; amount: number }[] {
  return rawLines(cdnowFiles.master)
    .slice(1)
    .map(([id, date, cds, dollars]) => ({
      customerId: id as string,
      date: `${date?.slice(0, 4)}-${date?.slice(4, 6)}-${date?.slice(6, 8)}`,
      cds: Number(cds),
      amount: Number(dollars),
    }));
}

function rawLines(file: string): string[][] {
  return readFileSync(file, 'utf8')
    .split('\r\n')
    .filter((line) => line.trim() !== '')
    .map((line) => line.trim().split(/\s+/));
}

/** The summary CSVs, by column name, as numbers (the ID column as a string). */
export function summaryRows(file: string): Map<string, Record<string, number>> {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const names = (header as string).split(',');
  const rows = new Map<string, Record<string, number>>();
  for (const line of lines) {
    const fields = line.split(',');
    rows.set(
      fields[0] as string,
      Object.fromEntries(names.slice(1).map((name, i) => [name, Number(fields[i + 1])])),
    );
  }
  return rows;
}
