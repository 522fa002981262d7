/**
 * Bulk import on one core, over a generated order file of one million rows (POS order lines, about four per
 * order, with the mess real exports have: two date formats, full-width digits, currency symbols, quoted fields
 * with commas and quotes, Chinese text, a few orders with a negative quantity), read from disk:
 *
 * - `parseMapClean`: the import's own work, the product target: read, CSV parse, map, clean, group into
 *   orders, derive messageIds (`openInput` → `compileMapping` → `MessageAssembler`).
 * - `fullImport`: `runImport` end to end onto a stream that only counts: the above plus the collector's own
 *   validation, enrichment and envelope encoding of every event (measured per request by
 *   `collectorThroughput`), duplicate detection, rejects and checkpoints on disk.
 *
 * Rows per second are per core: rows over the process's CPU time (V8's helper threads included), which does
 * not depend on what else the machine runs; wall-clock rates are reported too. The heap is measured after a
 * full GC at 10 %, 50 % and 100 % of the rows: flat when streaming works.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type Assembled, MessageAssembler } from '../../shared/import/assembler.ts';
import { FileRunStore } from '../../shared/import/file-run-store.ts';
import { runImport } from '../../shared/import/importer.ts';
import { openInput } from '../../shared/import/input.ts';
import { compileMapping } from '../../shared/import/mapper.ts';
import { loadMappingFile, type Mapping } from '../../shared/import/mapping.ts';
import { count, mib } from './format.ts';
import { CountingEventStream } from './in-memory-ports.ts';
import type { BenchContext, BenchSection } from './report.ts';
import { mulberry32 } from './stats.ts';

const defaultRows = 1_000_000;
const targetRowsPerSecond = 50_000;

export interface HeapSample {
  /** Share of the rows read when sampled. */
  readonly at: string;
  readonly rows: number;
  /** V8 heap in use after a full GC. */
  readonly heapUsedBytes: number;
  /** Memory outside the V8 heap held by ArrayBuffers (the duplicate detector's tables among them). */
  readonly arrayBuffersBytes: number;
  readonly rssBytes: number;
}

export interface PhaseResult {
  readonly seconds: number;
  readonly rowsPerSecond: number;
  /** Rows per second of process CPU time: per core. */
  readonly rowsPerCpuSecond: number;
  readonly events: number;
  readonly rejectedRows: number;
  readonly heap: readonly HeapSample[];
}

export interface ImportThroughputResult {
  readonly setup: string;
  readonly rows: number;
  readonly fileBytes: number;
  readonly parseMapClean: PhaseResult;
  readonly fullImport: PhaseResult;
}

export const importThroughput: BenchSection<ImportThroughputResult> = {
  name: 'importThroughput',
  title: 'Bulk import of a 1,000,000-row order file (one core)',
  async run(context) {
    const result = await measureImport(context.repoRoot, defaultRows, context.onCleanup);
    const { parseMapClean: pmc, fullImport: full } = result;
    const heap = (phase: PhaseResult) =>
      phase.heap
        .map((s) => `${s.at} ${mib(s.heapUsedBytes)} (+${mib(s.arrayBuffersBytes)} buffers)`)
        .join(', ');
    return {
      result,
      summary: [
        `${count(result.rows)} rows (${mib(result.fileBytes)}) → ${count(full.events)} Order Completed events, ${count(full.rejectedRows)} rows rejected`,
        `parse + map + clean: ${count(pmc.rowsPerCpuSecond)} rows/s per core (${count(pmc.rowsPerSecond)} rows/s wall clock); heap after GC ${heap(pmc)}`,
        `full import (also validate, enrich, encode, dedupe, checkpoint): ${count(full.rowsPerCpuSecond)} rows/s per core (${count(full.rowsPerSecond)} wall clock); heap after GC ${heap(full)}`,
      ],
      targets: [
        {
          name: 'import parse + map + clean, rows/s per core',
          target: `>= ${count(targetRowsPerSecond)}`,
          actual: Math.round(pmc.rowsPerCpuSecond),
          met: pmc.rowsPerCpuSecond >= targetRowsPerSecond,
        },
      ],
    };
  },
};

/** Generates an order file of `rows` rows in a temporary directory and measures both phases over it. */
export async function measureImport(
  repoRoot: string,
  rows: number,
  onCleanup: BenchContext['onCleanup'],
): Promise<ImportThroughputResult> {
  const dir = mkdtempSync(join(tmpdir(), 'cdp-bench-import-'));
  const release = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  try {
    const file = join(dir, 'orders.csv');
    await writeOrderFile(file, rows);
    const mapping = loadMappingFile(resolve(repoRoot, 'mappings/pos.json'));
    const parseMapClean = await measure(rows, (onRow) => assembleAll(file, mapping, onRow));
    const fullImport = await measure(rows, (onRow) => importAll(file, mapping, join(dir, 'run'), onRow));
    return {
      setup:
        'one process, the main thread; a generated CSV on local disk; mappings/pos.json (order lines grouped into Order Completed events); fullImport: runImport with FileRunStore checkpoints and a stream that counts records',
      rows,
      fileBytes: statSync(file).size,
      parseMapClean,
      fullImport,
    };
  } finally {
    await release();
  }
}

type Phase = (onRows: (rowsRead: number) => void) => Promise<{ events: number; rejectedRows: number }>;

async function measure(rows: number, phase: Phase): Promise<PhaseResult> {
  const collectGarbage = garbageCollector();
  const samplesAt = [rows / 10, rows / 2];
  const heap: HeapSample[] = [];
  const sample = (at: string, read: number) => {
    collectGarbage();
    const memory = process.memoryUsage();
    heap.push({
      at,
      rows: read,
      heapUsedBytes: memory.heapUsed,
      arrayBuffersBytes: memory.arrayBuffers,
      rssBytes: memory.rss,
    });
  };
  collectGarbage();
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  const { events, rejectedRows } = await phase((read) => {
    const next = samplesAt[0];
    if (next !== undefined && read >= next) {
      samplesAt.shift();
      sample(`${Math.round((next / rows) * 100)}%`, read);
    }
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  sample('100%', rows);
  return {
    seconds,
    rowsPerSecond: rows / seconds,
    rowsPerCpuSecond: rows / ((cpu.user + cpu.system) / 1e6),
    events,
    rejectedRows,
    heap,
  };
}

/** Parse + map + clean: the rows to messages, as the importer assembles them, and nothing after. */
async function assembleAll(file: string, mapping: Mapping, onRows: (rowsRead: number) => void) {
  const { columns, rows } = await openInput(
    createReadStream(file, { highWaterMark: 1024 * 1024 }),
    mapping.input,
  );
  const assembler = new MessageAssembler(compileMapping(mapping, columns), mapping);
  const out: Assembled[] = [];
  let events = 0;
  let rejectedRows = 0;
  const tally = () => {
    for (const item of out) {
      if (item.kind === 'message') events += 1;
      else rejectedRows += item.rows.length;
    }
    out.length = 0;
  };
  let read = 0;
  for await (const batch of rows) {
    for (const row of batch) {
      assembler.push(row, out);
      tally();
    }
    read += batch.length;
    onRows(read);
  }
  assembler.end(out);
  tally();
  return { events, rejectedRows };
}

async function importAll(file: string, mapping: Mapping, runDir: string, onRows: (rowsRead: number) => void) {
  const summary = await runImport(
    {
      input: createReadStream(file, { highWaterMark: 1024 * 1024 }),
      inputName: file,
      inputFingerprint: String(statSync(file).size),
      mapping,
      mappingName: 'mappings/pos.json',
      source: { name: 'pos', channel: 'pos' },
      privacy: 'truncate',
    },
    {
      stream: new CountingEventStream(),
      runs: new FileRunStore({ dir: runDir, runId: 'bench' }),
      onProgress: ({ records }) => onRows(records),
    },
  );
  if (summary.status !== 'completed') {
    throw new Error(`the import did not complete: ${summary.status} ${summary.error ?? ''}`);
  }
  return { events: summary.events, rejectedRows: summary.rows.rejected };
}

const products = [
  ['TEA-01', '"Green tea, 250g"', 'Tea', '12.50'],
  ['TEA-02', '乌龙茶 500克', '茶叶', '¥88.00'],
  ['CUP-02', '"Mug ""classic"""', 'Kitchen', '15'],
  ['SNK-10', 'Almond cookies', 'Snacks', '9.90'],
  ['SNK-11', '凤梨酥', '零食', '￥36.5'],
  ['GFT-03', '"Gift box, large"', 'Gifts', '1,288.00'],
] as const;

/** Writes `count` order-line rows: orders of one to seven lines, contiguous, as a POS exports them. */
async function writeOrderFile(file: string, total: number): Promise<void> {
  const next = mulberry32(20261122);
  const out = createWriteStream(file);
  const write = (text: string) =>
    out.write(text) ? Promise.resolve() : new Promise<void>((done) => out.once('drain', () => done()));
  await write(
    'order_id,order_time,store_id,member_id,phone,email,sku,product_name,category,unit_price,qty,order_total,currency,payment\r\n',
  );
  let written = 0;
  let buffer = '';
  for (let order = 1; written < total; order++) {
    const lines = Math.min(total - written, 1 + Math.floor(next() * 7));
    const store = `S${String(1 + (order % 40)).padStart(2, '0')}`;
    const day = 1 + Math.floor(next() * 28);
    const hour = 8 + Math.floor(next() * 13);
    const minute = Math.floor(next() * 60);
    const time =
      order % 3 === 0
        ? `2024/3/${day} ${hour}:${String(minute).padStart(2, '0')}`
        : `2024-03-${String(day).padStart(2, '0')} ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00`;
    const member = next() < 0.6 ? `M-${Math.floor(next() * 50_000)}` : '';
    const digits = String(13_800_000_000 + Math.floor(next() * 99_999_999));
    const phone = member === '' ? '' : order % 5 === 0 ? toFullWidth(digits) : digits;
    const email = member === '' ? '' : `customer${member.slice(2)}@example.com`;
    const payment = ['cash', '现金', 'wechat', '支付宝', 'card'][order % 5];
    for (let line = 0; line < lines; line++) {
      const [sku, name, category, price] = products[Math.floor(next() * products.length)] ?? products[0];
      // About one row in a thousand has a negative quantity: its order is rejected.
      const quantity = next() < 0.001 ? -1 : 1 + Math.floor(next() * 3);
      buffer += `A-${order},${time},${store},${member},${phone},${email},${sku},${name},${category},"${price}",${quantity},"¥${(lines * 25).toFixed(2)}",CNY,${payment}\r\n`;
    }
    written += lines;
    if (buffer.length > 1 << 20) {
      await write(buffer);
      buffer = '';
    }
  }
  await write(buffer);
  await new Promise<void>((done, fail) => out.end((error?: Error | null) => (error ? fail(error) : done())));
}

function toFullWidth(digits: string): string {
  return digits.replace(/\d/g, (digit) => String.fromCharCode(digit.charCodeAt(0) + 0xfee0));
}

/** A full garbage collection on demand (`npm run bench` cannot pass `--expose-gc`). */
function garbageCollector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
