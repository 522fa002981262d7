/**
 * The scoring job at scale (docs/scoring.md, "Scale"): one million buyers' orders in a lake
 * (scoring-job-lake.ts), and `runScoringJob` run on them exactly as the `score` function runs it, with DuckDB
 * for the SQL, the lake write kept in memory and the profiles metered by DynamoDB's billing rules
 * (scoring-job-writeback.ts). The ports are wrapped to mark when each stage starts and ends:
 *
 * - aggregation: customer-summary.sql; then the models are fitted until training-occasions.sql is sent;
 * - training-behaviour.sql (the sample's behaviour at the churn model's snapshots);
 * - churn training (holdout comparison and refit), scoring and the lake rows until the first `scores` object
 *   is written; the lake write
 *   (Parquet encoding and puts) until the partition is listed; the write-back until the job returns.
 *
 * After the run the fit and the scoring pass are timed once more on their own, on the run's own summaries
 * (kept as four integers per buyer), for the fit time, the distinct (x, t_x, T) rows and customers/s on one
 * core. The memory is sampled at every port call (the JavaScript runs between them); a sample of the job's
 * writes is replayed on DynamoDB Local through the real adapter to check the rule-based units. The summary
 * rows are also written out as Athena's result file would hold them and read back through `AthenaSqlEngine`
 * (`results: 'file'`, clients answering in memory), to time the parsing the function does in AWS.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import type { AthenaClient } from '@aws-sdk/client-athena';
import type { S3Client } from '@aws-sdk/client-s3';
import { functions } from '../../infra/topology.ts';
import { AthenaSqlEngine } from '../../shared/adapters/athena-sql-engine.ts';
import { DuckDbSqlEngine } from '../../shared/adapters/duckdb-sql-engine.ts';
import type { ObjectStore, QueryResult, SqlEngine, StoredObject } from '../../shared/ports.ts';
import { awsListPrices } from '../../shared/pricing.ts';
import { fitBgNbd } from '../../shared/scoring/bgnbd.ts';
import { trainChurnModel } from '../../shared/scoring/churn.ts';
import { fitGammaGamma } from '../../shared/scoring/gamma-gamma.ts';
import type { CustomerSnapshot } from '../../shared/scoring/history.ts';
import { runScoringJob } from '../../shared/scoring/job.ts';
import { scoringSql, scoringWindows } from '../../shared/scoring/job-sql.ts';
import { trainingHistories } from '../../shared/scoring/job-summaries.ts';
import { scoreSnapshots } from '../../shared/scoring/score.ts';
import { Random } from '../../shared/scoring/simulate.ts';
import { PurchaseStatisticsBuilder, SpendStatisticsBuilder } from '../../shared/scoring/statistics.ts';
import { dayNumber } from '../../shared/scoring/time.ts';
import { count, mib, usd } from './format.ts';
import type { BenchSection, Target } from './report.ts';
import { writeOrdersLake } from './scoring-job-lake.ts';
import {
  MeteredScoreWriter,
  type WriteBackUnits,
  writeBackOnDynamoDbLocal,
} from './scoring-job-writeback.ts';

/** `CDP_BENCH_SCORING_JOB_BUYERS` runs a smaller job (a quick check of the section). */
const buyers = Number(process.env.CDP_BENCH_SCORING_JOB_BUYERS || 1_000_000);
const otherEvents = buyers;
const asOf = '2026-11-22';
const localSampleProfiles = 2_000;
const lambdaLimitSeconds = 900;
const lambdaMemoryMb = functions.score.memoryMb;
/** The heap the job may use: the rest of the function's memory is the runtime's, the SDK's and buffers'. */
const heapBudgetMb = lambdaMemoryMb * 0.75;
const fitTargetSeconds = 5;
const scoringTargetPerSecond = 100_000;
const horizon = { amount: 39, unit: 'weeks' } as const;
/**
 * Assumed AWS figures for the Lambda estimate, not measured here: latencies of a BatchGetItem of 100 keys and
 * a PutItem from a function in the table's region; one S3 GET stream's throughput; what a new on-demand table
 * serves at once (AWS: 4,000 write and 12,000 read request units per second, more once its peak has been seen).
 */
const assumed = {
  batchGetSeconds: 0.015,
  putItemSeconds: 0.005,
  s3GetBytesPerSecond: 50 * 2 ** 20,
  tableWriteUnitsPerSecond: 4_000,
  tableReadUnitsPerSecond: 12_000,
} as const;
/** The job's defaults (WriteBackOptions): keys per BatchGetItem, reads and PutItems in flight. */
const keysPerRead = 100;
const readConcurrency = 8;
const writeConcurrency = 32;

export interface ScoringJobBenchResult {
  readonly buyers: number;
  readonly lake: {
    readonly orders: number;
    readonly otherEvents: number;
    readonly identityLinks: number;
    readonly drawSeconds: number;
    readonly writeSeconds: number;
  };
  readonly customers: number;
  readonly churnModel: string;
  /** Wall time of each stage of the one job run (see the module comment). */
  readonly stages: {
    readonly aggregationSeconds: number;
    readonly fitSeconds: number;
    readonly trainingQuerySeconds: number;
    readonly behaviourQuerySeconds: number;
    readonly churnScoreRowsSeconds: number;
    readonly lakeWriteSeconds: number;
    readonly writeBackSeconds: number;
    readonly totalSeconds: number;
  };
  /** Garbage-collection pauses: in the whole run, in its map + fit stage, and in the timings alone. */
  readonly gcSeconds: { readonly job: number; readonly jobFit: number; readonly fitAndScoringAlone: number };
  readonly summaryRows: number;
  readonly trainingRows: number;
  /** Rows of training-behaviour.sql: (person, snapshot) pairs with any event. */
  readonly behaviourRows: number;
  /** The two queries' rows as Athena's result files, and the summary file read through AthenaSqlEngine. */
  readonly athenaResultFile: { readonly bytes: number; readonly parseSeconds: number };
  readonly scoresLake: { readonly objects: number; readonly bytes: number };
  /**
   * The run in a Lambda function, estimated: the stages measured here, plus the result files' download at the
   * assumed S3 throughput and their parsing as measured, and the write-back at the assumed latencies and table
   * capacity instead of in memory (Athena's own query time taken as DuckDB's). Reads and writes overlap, so
   * the write-back takes the longest of: reads by latency, reads by capacity, writes by latency, writes by
   * capacity.
   */
  readonly lambdaEstimate: {
    readonly assumed: typeof assumed;
    readonly resultFileSeconds: number;
    readonly writeBack: {
      readonly readLatencySeconds: number;
      readonly readCapacitySeconds: number;
      readonly writeLatencySeconds: number;
      readonly writeCapacitySeconds: number;
    };
    readonly writeBackSeconds: number;
    readonly totalSeconds: number;
  };
  /** Timed again on their own after the run. */
  readonly fit: {
    readonly distinctPurchaseRows: number;
    readonly distinctSpendRows: number;
    readonly bgnbdSeconds: number;
    readonly gammaGammaSeconds: number;
    readonly seconds: number;
  };
  readonly scoringPerSecond: number;
  readonly writeBack: WriteBackUnits & {
    readonly writeUsd: number;
    readonly readUsd: number;
    readonly localSample: Awaited<ReturnType<typeof writeBackOnDynamoDbLocal>>;
  };
  readonly memory: {
    /** JavaScript heap in use before the run, and its highest sample during it. */
    readonly heapBeforeBytes: number;
    readonly heapPeakBytes: number;
    /** Heap in use at each stage boundary (the marks of the module comment). */
    readonly heapAtStages: Readonly<Record<string, number>>;
    readonly heapLimitBytes: number;
    readonly rssPeakBytes: number;
    /** The process's high-water mark (getrusage), generation and DuckDB included. */
    readonly maxRssBytes: number;
  };
}

export const scoringJobBench: BenchSection<ScoringJobBenchResult> = {
  name: 'scoringJob',
  title:
    'Scoring job: 1 million buyers from a DuckDB lake through runScoringJob (aggregation, fit, score, write)',
  async run(context) {
    const root = mkdtempSync(join(tmpdir(), 'cdp-bench-scoring-job-'));
    const removeRoot = context.onCleanup(() => rmSync(root, { recursive: true, force: true }));
    try {
      const lakeDir = join(root, 's3', 'lake');
      mkdirSync(lakeDir, { recursive: true });
      const lake = await writeOrdersLake({
        lakeDir,
        workDir: root,
        buyers,
        otherEvents,
        asOf,
        random: new Random(20051),
      });

      const memory = new MemorySampler();
      const gc = new GcPauses();
      const marks = new Marks();
      const engine = new MarkedSqlEngine(await DuckDbSqlEngine.open({ lakeDir }), marks, memory);
      const store = new CountingObjectStore(marks, memory);
      const writer = new MeteredScoreWriter(localSampleProfiles, () => {
        marks.once('writeBackStart');
        memory.sample();
      });
      const heapBeforeBytes = process.memoryUsage().heapUsed;
      marks.set('start');
      const summary = await (async () => {
        try {
          return await runScoringJob({ engine, lake: store, profiles: writer }, { asOf, now: new Date() });
        } finally {
          await engine.close();
        }
      })();
      marks.set('end');
      memory.sample();

      const stages = {
        aggregationSeconds: marks.between('start', 'summaryEnd'),
        fitSeconds: marks.between('summaryEnd', 'trainingStart'),
        trainingQuerySeconds: marks.between('trainingStart', 'trainingEnd'),
        behaviourQuerySeconds: marks.between('behaviourStart', 'behaviourEnd'),
        churnScoreRowsSeconds: marks.between('behaviourEnd', 'firstPut'),
        lakeWriteSeconds: marks.between('firstPut', 'list'),
        writeBackSeconds: marks.between('list', 'end'),
        totalSeconds: marks.between('start', 'end'),
      };
      const jobGcSeconds = await gc.secondsBetween(marks.at('start'), marks.at('end'));
      const fitGcSeconds = await gc.secondsBetween(marks.at('summaryEnd'), marks.at('trainingStart'));
      const aloneStart = performance.now();
      const alone = timeFitAndScoring(engine.captured);
      const aloneGcSeconds = await gc.secondsBetween(aloneStart, performance.now());
      gc.stop();
      const units = writer.units();
      const { usdPerMillionWriteRequestUnits, usdPerMillionReadRequestUnits } = awsListPrices.dynamodb;
      const localSample = await writeBackOnDynamoDbLocal(
        writer.sample,
        join(root, 'local'),
        context.onCleanup,
      );

      const athenaResultFile = await readResultFileBack(lakeDir);
      const resultFileBytes =
        athenaResultFile.bytes + engine.captured.trainingCsvBytes + engine.captured.behaviourCsvBytes;
      const resultFileSeconds =
        resultFileBytes / assumed.s3GetBytesPerSecond +
        athenaResultFile.parseSeconds * (resultFileBytes / athenaResultFile.bytes);
      const estimate = {
        readLatencySeconds:
          (Math.ceil(units.reads / keysPerRead) * assumed.batchGetSeconds) / readConcurrency,
        readCapacitySeconds: units.readUnits / assumed.tableReadUnitsPerSecond,
        writeLatencySeconds: (units.writes * assumed.putItemSeconds) / writeConcurrency,
        writeCapacitySeconds: units.writeUnits / assumed.tableWriteUnitsPerSecond,
      };
      const writeBackSeconds = Math.max(...Object.values(estimate));
      const result: ScoringJobBenchResult = {
        buyers,
        lake,
        customers: summary.customers,
        churnModel: summary.churnModel,
        stages,
        gcSeconds: { job: jobGcSeconds, jobFit: fitGcSeconds, fitAndScoringAlone: aloneGcSeconds },
        summaryRows: engine.captured.x.length,
        trainingRows: engine.captured.trainingRows.length,
        behaviourRows: engine.captured.behaviourRows,
        athenaResultFile,
        scoresLake: { objects: store.objects, bytes: store.bytes },
        lambdaEstimate: {
          assumed,
          resultFileSeconds,
          writeBack: estimate,
          writeBackSeconds,
          totalSeconds: stages.totalSeconds - stages.writeBackSeconds + resultFileSeconds + writeBackSeconds,
        },
        fit: alone.fit,
        scoringPerSecond: alone.scoringPerSecond,
        writeBack: {
          ...units,
          writeUsd: (units.writeUnits / 1e6) * usdPerMillionWriteRequestUnits,
          readUsd: (units.readUnits / 1e6) * usdPerMillionReadRequestUnits,
          localSample,
        },
        memory: {
          heapBeforeBytes,
          heapPeakBytes: memory.heapPeak,
          heapAtStages: marks.heapAt,
          heapLimitBytes: getHeapStatistics().heap_size_limit,
          rssPeakBytes: memory.rssPeak,
          maxRssBytes: process.resourceUsage().maxRSS * 1024,
        },
      };
      return { result, summary: summaryLines(result), targets: targetsOf(result) };
    } finally {
      await removeRoot();
    }
  },
};

function summaryLines(r: ScoringJobBenchResult): string[] {
  const s = r.stages;
  const wb = r.writeBack;
  const local = wb.localSample;
  return [
    `lake: ${count(r.lake.orders)} orders of ${count(r.buyers)} buyers + ${count(r.lake.otherEvents)} web events, ` +
      `${count(r.lake.identityLinks)} identity links; drawn in ${r.lake.drawSeconds.toFixed(1)} s, written in ${r.lake.writeSeconds.toFixed(1)} s`,
    `job: ${count(r.customers)} customers, churn model ${r.churnModel}, ${s.totalSeconds.toFixed(1)} s in all`,
    `  aggregation (DuckDB) ${s.aggregationSeconds.toFixed(1)} s; map + fit ${s.fitSeconds.toFixed(1)} s; ` +
      `training query ${s.trainingQuerySeconds.toFixed(1)} s (${count(r.trainingRows)} occasions); ` +
      `behaviour query ${s.behaviourQuerySeconds.toFixed(1)} s (${count(r.behaviourRows)} rows)`,
    `  churn training + scoring + rows ${s.churnScoreRowsSeconds.toFixed(1)} s; lake write ${s.lakeWriteSeconds.toFixed(1)} s ` +
      `(${r.scoresLake.objects} objects, ${mib(r.scoresLake.bytes)}); write-back ${s.writeBackSeconds.toFixed(1)} s (in memory)`,
    `fit alone: ${count(r.fit.distinctPurchaseRows)} distinct (x, t_x, T), ${count(r.fit.distinctSpendRows)} (x, zbar); ` +
      `BG/NBD ${r.fit.bgnbdSeconds.toFixed(2)} s + Gamma-Gamma ${r.fit.gammaGammaSeconds.toFixed(2)} s`,
    `scoring alone: ${count(r.scoringPerSecond)} customers/s on one core`,
    `write-back (first run, every score new): ${count(wb.writes)} PutItem, ${count(wb.writeUnits)} write units ` +
      `(${usd(wb.writeUsd)}), ${count(wb.readUnits)} read units (${usd(wb.readUsd)}); scores items ${wb.itemBytes.min}–${wb.itemBytes.max} bytes`,
    `  DynamoDB Local, ${count(local.profiles)} of them: ${local.reportedWriteUnits} write / ${local.reportedReadUnits} read units reported, ` +
      `${local.ruleWriteUnits} / ${local.ruleReadUnits} by the rules, ${local.seconds.toFixed(1)} s`,
    `Athena result file: ${mib(r.athenaResultFile.bytes)} of summaries parsed in ${r.athenaResultFile.parseSeconds.toFixed(1)} s`,
    `in Lambda, estimated: ${r.lambdaEstimate.totalSeconds.toFixed(0)} s of ${lambdaLimitSeconds} ` +
      `(result files ${r.lambdaEstimate.resultFileSeconds.toFixed(0)} s; write-back ${r.lambdaEstimate.writeBackSeconds.toFixed(0)} s: ` +
      Object.entries(r.lambdaEstimate.writeBack)
        .map(([name, seconds]) => `${name} ${seconds.toFixed(0)}`)
        .join(', ') +
      `)`,
    `garbage collection: ${r.gcSeconds.job.toFixed(1)} s of the run (${r.gcSeconds.jobFit.toFixed(1)} s in map + fit), ` +
      `${r.gcSeconds.fitAndScoringAlone.toFixed(1)} s in the timings alone`,
    `heap at the stages: ${Object.entries(r.memory.heapAtStages)
      .map(([name, bytes]) => `${name} ${mib(bytes)}`)
      .join(', ')}; limit ${mib(r.memory.heapLimitBytes)}`,
    `memory: heap ${mib(r.memory.heapBeforeBytes)} before, peak ${mib(r.memory.heapPeakBytes)}; rss peak ` +
      `${mib(r.memory.rssPeakBytes)} (process high-water ${mib(r.memory.maxRssBytes)}, DuckDB and the generator included)`,
  ];
}

function targetsOf(r: ScoringJobBenchResult): Target[] {
  const jobHeap = r.memory.heapPeakBytes - r.memory.heapBeforeBytes;
  return [
    {
      name: 'scoring job: BG/NBD + Gamma-Gamma fit on the sufficient statistics of 1M lake customers, seconds',
      target: `<= ${fitTargetSeconds}`,
      actual: r.fit.seconds,
      met: r.fit.seconds <= fitTargetSeconds,
    },
    {
      name: 'scoring job: scoring throughput, customers/s on one core',
      target: `>= ${scoringTargetPerSecond}`,
      actual: r.scoringPerSecond,
      met: r.scoringPerSecond >= scoringTargetPerSecond,
    },
    {
      name: 'scoring job: 1M customers in one Lambda invocation, estimated seconds (assumed AWS latencies)',
      target: `<= ${lambdaLimitSeconds}`,
      actual: r.lambdaEstimate.totalSeconds,
      met: r.lambdaEstimate.totalSeconds <= lambdaLimitSeconds,
    },
    {
      // V8 collects lazily below its limit, so the peak means something only under a limit like the function's:
      // run this section with NODE_OPTIONS=--max-old-space-size=1536 (docs/scoring.md#scale).
      name:
        `scoring job: JavaScript heap the run adds for 1M customers, MB, with the heap limited to ` +
        `${(r.memory.heapLimitBytes / 2 ** 20).toFixed(0)} MB (function memory ${lambdaMemoryMb} MB; target 75 % of it)`,
      target: `<= ${heapBudgetMb}`,
      actual: jobHeap / 2 ** 20,
      met: jobHeap / 2 ** 20 <= heapBudgetMb,
    },
  ];
}

/**
 * The run's summaries, four integers per buyer, and the training rows, to time fit and scoring alone; the
 * training rows' size as Athena's result file.
 */
interface Captured {
  readonly x: number[];
  readonly txDays: number[];
  readonly tDays: number[];
  readonly repeatCents: number[];
  readonly totalCents: number[];
  trainingRows: readonly Readonly<Record<string, unknown>>[];
  trainingCsvBytes: number;
  behaviourRows: number;
  behaviourCsvBytes: number;
}

/** Rows as Athena writes its result CSV: a header, every value quoted (quotes doubled), NULL as nothing. */
function athenaCsvChunks(result: QueryResult): string[] {
  const quote = (text: string) => `"${text.replaceAll('"', '""')}"`;
  const names = result.columns.map((column) => column.name);
  const chunks = [`${names.map(quote).join(',')}\n`];
  for (let start = 0; start < result.rows.length; start += 10_000) {
    let chunk = '';
    for (const row of result.rows.slice(start, start + 10_000)) {
      chunk += `${names
        .map((name) => {
          const value = row[name];
          return value === null || value === undefined ? '' : quote(String(value));
        })
        .join(',')}\n`;
    }
    chunks.push(chunk);
  }
  return chunks;
}

/**
 * The summary query run again (after the job, so that its file is not counted in the job's memory), its rows
 * written as Athena's result file and read back through AthenaSqlEngine's result-file path: the file's size
 * and the time the reading took.
 */
async function readResultFileBack(lakeDir: string): Promise<{ bytes: number; parseSeconds: number }> {
  // Only the file is kept: DuckDB's row objects go before the file is read back.
  const csv = await (async () => {
    const duckDb = await DuckDbSqlEngine.open({ lakeDir });
    const summary = scoringSql('customer-summary.sql', scoringWindows(asOf));
    const result = await duckDb.query(summary.sql, summary.params).finally(() => duckDb.close());
    return { columns: result.columns, chunks: athenaCsvChunks(result), rows: result.rows.length };
  })();
  const athenaTypes: Record<string, string> = { BIGINT: 'bigint', INTEGER: 'integer', DOUBLE: 'double' };
  const columnInfo = csv.columns.map((column) => ({
    Name: column.name,
    Type: athenaTypes[column.type.toUpperCase()] ?? 'varchar',
  }));
  const athena = {
    async send(command: { constructor: { name: string } }): Promise<unknown> {
      switch (command.constructor.name) {
        case 'StartQueryExecutionCommand':
          return { QueryExecutionId: 'bench' };
        case 'GetQueryExecutionCommand':
          return {
            QueryExecution: {
              StatementType: 'DML',
              Status: { State: 'SUCCEEDED' },
              Statistics: { DataScannedInBytes: 0 },
              ResultConfiguration: { OutputLocation: 's3://results/bench.csv' },
            },
          };
        default:
          return { ResultSet: { ResultSetMetadata: { ColumnInfo: columnInfo }, Rows: [] } };
      }
    },
  };
  const s3 = {
    async send(): Promise<unknown> {
      return {
        Body: (async function* () {
          for (const chunk of csv.chunks) yield Buffer.from(chunk);
        })(),
      };
    },
  };
  const engine = new AthenaSqlEngine({
    client: athena as unknown as AthenaClient,
    s3: s3 as unknown as S3Client,
    results: 'file',
    workgroup: 'bench',
    database: 'bench',
  });
  const started = performance.now();
  const { rows } = await engine.query('SELECT');
  const parseSeconds = (performance.now() - started) / 1000;
  if (rows.length !== csv.rows) throw new Error('the result file did not give back every row');
  return { bytes: csv.chunks.reduce((sum, chunk) => sum + Buffer.byteLength(chunk), 0), parseSeconds };
}

function timeFitAndScoring(captured: Captured): {
  fit: ScoringJobBenchResult['fit'];
  scoringPerSecond: number;
} {
  const purchases = new PurchaseStatisticsBuilder('weeks');
  const spend = new SpendStatisticsBuilder();
  const snapshots: CustomerSnapshot[] = captured.x.map((x, i) => {
    const txDays = captured.txDays[i] as number;
    const tDays = captured.tDays[i] as number;
    const repeatCents = captured.repeatCents[i] as number;
    return {
      customerId: `c${i}`,
      x,
      tx: txDays / 7,
      T: tDays / 7,
      zbar: x === 0 ? 0 : repeatCents / x / 100,
      occasions: x + 1,
      daysSinceLast: tDays - txDays,
      tenureDays: tDays,
      totalSpend: (captured.totalCents[i] as number) / 100,
      repeatCents,
      attributeMeans: [],
    };
  });
  for (const snapshot of snapshots) {
    purchases.add(snapshot.x, snapshot.tx, snapshot.T);
    if (snapshot.zbar > 0) spend.add(snapshot.x, snapshot.zbar);
  }
  const purchaseStatistics = purchases.build();
  const spendStatistics = spend.build();
  let started = performance.now();
  const bgnbd = fitBgNbd(purchaseStatistics);
  const bgnbdSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  const gammaGamma = fitGammaGamma(spendStatistics);
  const gammaGammaSeconds = (performance.now() - started) / 1000;

  const asOfDay = dayNumber(asOf) as number;
  const churn = trainChurnModel(trainingHistories(captured.trainingRows), asOfDay, { horizon });
  const options = { asOfDay, horizon, timeUnit: 'weeks' } as const;
  // Warm up on a slice, so that the measurement is of optimised code, as the job's pass mostly is.
  scoreSnapshots(snapshots.slice(0, 20_000), { bgnbd, gammaGamma, churn }, options);
  started = performance.now();
  scoreSnapshots(snapshots, { bgnbd, gammaGamma, churn }, options);
  const scoringSeconds = (performance.now() - started) / 1000;
  return {
    fit: {
      distinctPurchaseRows: purchaseStatistics.x.length,
      distinctSpendRows: spendStatistics.x.length,
      bgnbdSeconds,
      gammaGammaSeconds,
      seconds: bgnbdSeconds + gammaGammaSeconds,
    },
    scoringPerSecond: snapshots.length / scoringSeconds,
  };
}

/** Named instants of the run, with the heap in use at each; `once` keeps the first. */
class Marks {
  readonly #at = new Map<string, number>();
  readonly heapAt: Record<string, number> = {};

  set(name: string): void {
    this.#at.set(name, performance.now());
    this.heapAt[name] = process.memoryUsage().heapUsed;
  }

  at(name: string): number {
    const time = this.#at.get(name);
    if (time === undefined) throw new Error(`no mark ${name}`);
    return time;
  }

  once(name: string): void {
    if (!this.#at.has(name)) this.set(name);
  }

  between(from: string, to: string): number {
    const start = this.#at.get(from);
    const end = this.#at.get(to);
    if (start === undefined || end === undefined)
      throw new Error(`no mark ${start === undefined ? from : to}`);
    return (end - start) / 1000;
  }
}

/**
 * Garbage-collection pauses, from V8's performance entries (delivered later, stamped with their start), to
 * tell how much of a stage was spent collecting: a heap near its limit collects again and again.
 */
class GcPauses {
  readonly #pauses: { start: number; duration: number }[] = [];
  readonly #observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      this.#pauses.push({ start: entry.startTime, duration: entry.duration });
  });

  constructor() {
    this.#observer.observe({ entryTypes: ['gc'] });
  }

  /** Seconds of pauses that started between the two instants (performance.now() values). */
  async secondsBetween(from: number, to: number): Promise<number> {
    // Let the observer deliver the last entries.
    await new Promise((resolve) => setImmediate(resolve));
    return (
      this.#pauses
        .filter((pause) => pause.start >= from && pause.start < to)
        .reduce((sum, pause) => sum + pause.duration, 0) / 1000
    );
  }

  stop(): void {
    this.#observer.disconnect();
  }
}

/** The highest heap and resident set seen at the samples. */
class MemorySampler {
  heapPeak = 0;
  rssPeak = 0;

  sample(): void {
    const { heapUsed, rss } = process.memoryUsage();
    this.heapPeak = Math.max(this.heapPeak, heapUsed);
    this.rssPeak = Math.max(this.rssPeak, rss);
  }
}

/** DuckDB, marking the job's two queries and keeping their figures (not their row objects) for later. */
class MarkedSqlEngine implements SqlEngine {
  readonly captured: Captured = {
    x: [],
    txDays: [],
    tDays: [],
    repeatCents: [],
    totalCents: [],
    trainingRows: [],
    trainingCsvBytes: 0,
    behaviourRows: 0,
    behaviourCsvBytes: 0,
  };
  readonly #inner: SqlEngine;
  readonly #marks: Marks;
  readonly #memory: MemorySampler;

  constructor(inner: SqlEngine, marks: Marks, memory: MemorySampler) {
    this.#inner = inner;
    this.#marks = marks;
    this.#memory = memory;
  }

  async query(sql: string, params?: readonly (string | number | boolean | null)[]): Promise<QueryResult> {
    const behaviour = sql.includes('snapshot_behaviour');
    const training = !behaviour && (sql.includes('training_profiles') || /\bsampled\b/.test(sql));
    if (training) this.#marks.set('trainingStart');
    if (behaviour) this.#marks.set('behaviourStart');
    this.#memory.sample();
    const result = await this.#inner.query(sql, params);
    this.#memory.sample();
    if (behaviour) {
      this.#marks.set('behaviourEnd');
      this.captured.behaviourRows = result.rows.length;
      this.captured.behaviourCsvBytes = athenaCsvChunks(result).reduce(
        (sum, chunk) => sum + Buffer.byteLength(chunk),
        0,
      );
    } else if (training) {
      this.#marks.set('trainingEnd');
      this.captured.trainingRows = result.rows;
      this.captured.trainingCsvBytes = athenaCsvChunks(result).reduce(
        (sum, chunk) => sum + Buffer.byteLength(chunk),
        0,
      );
    } else {
      this.#marks.set('summaryEnd');
      for (const row of result.rows) {
        this.captured.x.push(Number(row.x));
        this.captured.txDays.push(Number(row.t_x_days));
        this.captured.tDays.push(Number(row.t_days));
        this.captured.repeatCents.push(Number(row.repeat_cents));
        this.captured.totalCents.push(Number(row.total_cents));
      }
    }
    return result;
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}

/** The lake bucket as the job writes it: counts the objects and bytes of the puts, keeps none. */
class CountingObjectStore implements ObjectStore {
  objects = 0;
  bytes = 0;
  readonly #marks: Marks;
  readonly #memory: MemorySampler;

  constructor(marks: Marks, memory: MemorySampler) {
    this.#marks = marks;
    this.#memory = memory;
  }

  async put(_key: string, body: Uint8Array): Promise<void> {
    this.#marks.once('firstPut');
    this.#memory.sample();
    this.objects += 1;
    this.bytes += body.byteLength;
  }

  async get(): Promise<Uint8Array | undefined> {
    return undefined;
  }

  /** The job lists the partition once, after its puts: no earlier run's objects to replace. */
  list(): AsyncIterable<StoredObject> {
    this.#marks.set('list');
    this.#memory.sample();
    return (async function* () {})();
  }

  async delete(): Promise<void> {}
}
