/**
 * The scheduled scoring job (docs/scoring.md#the-scoring-job): as of a date, aggregate every person's purchases
 * and behaviour with SQL over the lake (Athena in AWS, DuckDB locally), fit the models on those summaries, score
 * everyone, write the `scores` partition of that date to the lake, and write changed scores back to profiles.
 *
 * Memory: the SQL reduces the events to one summary row per customer (a few hundred bytes each: RFM ranks the
 * customers against each other, so they are scored together), and the churn model trains on the whole
 * histories of a bounded sample of them (`trainingProfiles`).
 *
 * Models that cannot be fitted do not stop the run: with fewer than `minCustomersForModels` customers, or a
 * fit that fails, the run scores RFM only and says why in its summary; a churn model that cannot be trained
 * out of time (too little history before the date) falls back to BG/NBD's probability of no purchase in the
 * horizon, marked `churn_model = bgnbd`.
 *
 * @example
 * const summary = await runScoringJob({ engine, lake, profiles }, { asOf: '2026-11-22', now: new Date() });
 */
import type { JsonObject } from '../events/model.ts';
import type { LakeRow } from '../lake/rows.ts';
import type { ObjectStore, SqlEngine } from '../ports.ts';
import { type BgNbdFit, fitBgNbd } from './bgnbd.ts';
import { baseChurnFeatures, type ChurnModel, type ChurnRisk, churnRisk, trainChurnModel } from './churn.ts';
import { ScoringError } from './errors.ts';
import { fitGammaGamma, type GammaGammaFit } from './gamma-gamma.ts';
import { zbarCents } from './history.ts';
import { withSchemaVersion, writeScoresPartition } from './job-lake.ts';
import { scoringSql, scoringWindows } from './job-sql.ts';
import { type JobCustomer, jobCustomer, trainingHistories } from './job-summaries.ts';
import {
  type ProfileScores,
  type ScoreWriter,
  type WriteBackResult,
  writeBackScores,
} from './job-writeback.ts';
import { defaultSegmentTable, rfmScores, segmentOf } from './rfm.ts';
import { type CustomerScore, type ScoreOptions, scoreSnapshots } from './score.ts';
import { PurchaseStatisticsBuilder, SpendStatisticsBuilder } from './statistics.ts';
import { type Duration, dayNumber, durationIn, formatDay, formatDuration } from './time.ts';

export interface ScoringJobDependencies {
  readonly engine: SqlEngine;
  /** The lake bucket. */
  readonly lake: ObjectStore;
  readonly profiles: ScoreWriter;
}

export interface ScoringJobOptions {
  /** Scores as of the end of this UTC day, `YYYY-MM-DD`; the `dt` of the scores partition. */
  readonly asOf: string;
  /** When the run happens: its id and the rows' `scored_at`. */
  readonly now: Date;
  /** @default 39 weeks */
  readonly horizon?: Duration;
  /** People whose whole histories train the churn model. @default 50_000 */
  readonly trainingProfiles?: number;
  /** Fewer customers than this score RFM only: the models need a population. @default 20 */
  readonly minCustomersForModels?: number;
  /** Profiles written at once. @default 8 */
  readonly writeConcurrency?: number;
}

export type ChurnSource = 'logistic' | 'bgnbd' | 'none';

export interface ScoringRunSummary {
  readonly asOf: string;
  readonly runId: string;
  readonly horizon: string;
  /** People who had bought by the as-of date. */
  readonly customers: number;
  readonly churnModel: ChurnSource;
  /** Why a model was not fitted or fell back; empty when all were fitted. */
  readonly notes: readonly string[];
  readonly models: JsonObject;
  readonly segments: Readonly<Record<string, number>>;
  readonly lake: { readonly keys: readonly string[]; readonly rows: number; readonly replaced: number };
  readonly profiles: WriteBackResult;
}

const defaultHorizon: Duration = { amount: 39, unit: 'weeks' };
const timeUnit = 'weeks';

/** One person's scores, whichever models the run could fit. */
interface PersonScores {
  readonly customer: JobCustomer;
  readonly rfm: { readonly r: number; readonly f: number; readonly m: number; readonly segment: string };
  readonly value?: Pick<
    CustomerScore,
    'pAlive' | 'expectedPurchases' | 'pNoPurchase' | 'expectedOrderValue' | 'clv'
  >;
  readonly churn?: {
    readonly probability: number;
    readonly risk: ChurnRisk;
    readonly model: 'logistic' | 'bgnbd';
  };
}

/** Runs the job once; see the module comment. */
export async function runScoringJob(
  dependencies: ScoringJobDependencies,
  options: ScoringJobOptions,
): Promise<ScoringRunSummary> {
  const { engine, lake, profiles } = dependencies;
  const asOfDay = dayNumber(options.asOf) as number;
  const windows = scoringWindows(options.asOf);
  const horizon = options.horizon ?? defaultHorizon;
  const runId = runIdOf(options.now);

  const summary = scoringSql('customer-summary.sql', windows);
  const customers = (await engine.query(summary.sql, summary.params)).rows.map((row) =>
    jobCustomer(row, timeUnit),
  );

  const notes: string[] = [];
  const fitted = fitValueModels(customers, options.minCustomersForModels ?? 20, notes);
  let churn: ChurnModel | undefined;
  if (fitted) {
    const training = scoringSql('training-occasions.sql', {
      as_of: options.asOf,
      training_profiles: options.trainingProfiles ?? 50_000,
    });
    const histories = trainingHistories((await engine.query(training.sql, training.params)).rows);
    try {
      churn = trainChurnModel(histories, asOfDay, { horizon });
    } catch (error) {
      if (!(error instanceof ScoringError)) throw error;
      notes.push(
        `churn: ${error.message}; churn_probability is BG/NBD's P(no purchase in ${formatDuration(horizon)})`,
      );
    }
  }
  const scoreOptions: ScoreOptions = { asOfDay, horizon, timeUnit };
  const scored = scorePeople(customers, fitted, churn, scoreOptions);
  const churnModel: ChurnSource = fitted ? (churn ? 'logistic' : 'bgnbd') : 'none';
  const models = modelsJson(fitted, churn);

  const scoredAt = options.now;
  const rows = scored.map((person) => scoresRow(person, { runId, scoredAt, horizon, models }));
  const written = await writeScoresPartition(lake, options.asOf, runId, rows);

  const profileScores = scored.map((person) => profileScoresOf(person, options.asOf, horizon));
  const writeBack = await writeBackScores(profiles, profileScores, {
    concurrency: options.writeConcurrency ?? 8,
  });

  const segments: Record<string, number> = {};
  for (const person of scored) segments[person.rfm.segment] = (segments[person.rfm.segment] ?? 0) + 1;
  return {
    asOf: options.asOf,
    runId,
    horizon: formatDuration(horizon),
    customers: customers.length,
    churnModel,
    notes,
    models,
    segments,
    lake: written,
    profiles: writeBack,
  };
}

/** The as-of date of a run at `now` that names none: the last complete UTC day, yesterday. */
export function lastCompleteDay(now: Date): string {
  return formatDay(Math.floor(now.getTime() / 86_400_000) - 1);
}

/** `20261122t031500123z`: the run's time, sortable, and `[0-9a-z]` as lake keys want. */
export function runIdOf(now: Date): string {
  return now.toISOString().replace(/[-:.]/g, '').toLowerCase();
}

interface ValueModels {
  readonly bgnbd: BgNbdFit;
  readonly gammaGamma: GammaGammaFit;
}

/** BG/NBD and Gamma-Gamma on the summaries' sufficient statistics, or `undefined` with the reason noted. */
function fitValueModels(
  customers: readonly JobCustomer[],
  minCustomers: number,
  notes: string[],
): ValueModels | undefined {
  if (customers.length < minCustomers) {
    notes.push(
      `models: ${customers.length} customer(s), fewer than the ${minCustomers} the models need; RFM only`,
    );
    return undefined;
  }
  const purchases = new PurchaseStatisticsBuilder(timeUnit);
  const spend = new SpendStatisticsBuilder();
  for (const { snapshot } of customers) {
    purchases.add(snapshot.x, snapshot.tx, snapshot.T);
    if (snapshot.zbar > 0) spend.add(snapshot.x, snapshot.zbar);
  }
  try {
    return { bgnbd: fitBgNbd(purchases.build()), gammaGamma: fitGammaGamma(spend.build()) };
  } catch (error) {
    if (!(error instanceof ScoringError)) throw error;
    notes.push(`models: ${error.message}; RFM only`);
    return undefined;
  }
}

/**
 * A churn model that the scoring pass can carry when none was trained: its probability (always ½) is replaced
 * by BG/NBD's probability of no purchase before anything reads it.
 */
function placeholderChurnModel(horizon: Duration): ChurnModel {
  const zeros = baseChurnFeatures.map(() => 0);
  return {
    horizon,
    windowDays: durationIn(horizon, 'days'),
    windows: 1,
    featureNames: [...baseChurnFeatures],
    means: zeros,
    scales: baseChurnFeatures.map(() => 1),
    logistic: { intercept: 0, coefficients: zeros },
    training: { snapshots: [], rows: 0, churned: 0 },
  };
}

function scorePeople(
  customers: readonly JobCustomer[],
  models: ValueModels | undefined,
  churn: ChurnModel | undefined,
  options: ScoreOptions,
): PersonScores[] {
  const snapshots = customers.map((customer) => customer.snapshot);
  if (models === undefined) {
    const rfm = rfmScores(snapshots);
    return customers.map((customer, i) => {
      const scores = rfm[i] as { r: number; f: number; m: number };
      return { customer, rfm: { ...scores, segment: segmentOf(scores, defaultSegmentTable) } };
    });
  }
  const scores = scoreSnapshots(
    snapshots,
    { ...models, churn: churn ?? placeholderChurnModel(options.horizon) },
    options,
  );
  return customers.map((customer, i) => {
    const score = scores[i] as CustomerScore;
    const probability = churn ? score.churnProbability : score.pNoPurchase;
    return {
      customer,
      rfm: { r: score.rScore, f: score.fScore, m: score.mScore, segment: score.rfmSegment },
      value: {
        pAlive: score.pAlive,
        expectedPurchases: score.expectedPurchases,
        pNoPurchase: score.pNoPurchase,
        expectedOrderValue: score.expectedOrderValue,
        clv: score.clv,
      },
      churn: {
        probability,
        risk: churn ? score.churnRisk : churnRisk(probability),
        model: churn ? 'logistic' : 'bgnbd',
      },
    };
  });
}

function modelsJson(models: ValueModels | undefined, churn: ChurnModel | undefined): JsonObject {
  if (!models) return {};
  const { r, alpha, a, b } = models.bgnbd.parameters;
  const { p, q, v } = models.gammaGamma.parameters;
  return {
    bgnbd: { r, alpha, a, b, timeUnit, logLikelihood: models.bgnbd.logLikelihood },
    gammaGamma: { p, q, v, logLikelihood: models.gammaGamma.logLikelihood },
    ...(churn
      ? {
          churn: {
            windows: churn.windows,
            windowDays: churn.windowDays,
            features: [...churn.featureNames],
            intercept: churn.logistic.intercept,
            coefficients: [...churn.logistic.coefficients],
            trainedAt: [...churn.training.snapshots],
            rows: churn.training.rows,
          },
        }
      : {}),
  };
}

function scoresRow(
  person: PersonScores,
  run: { runId: string; scoredAt: Date; horizon: Duration; models: JsonObject },
): LakeRow {
  const { snapshot, features } = person.customer;
  return withSchemaVersion({
    profile_id: snapshot.customerId,
    run_id: run.runId,
    scored_at: run.scoredAt,
    frequency: snapshot.x,
    recency_days: snapshot.tenureDays - snapshot.daysSinceLast,
    tenure_days: snapshot.tenureDays,
    days_since_last: snapshot.daysSinceLast,
    total_spend: snapshot.totalSpend,
    monetary: zbarCents(snapshot),
    r_score: person.rfm.r,
    f_score: person.rfm.f,
    m_score: person.rfm.m,
    rfm_segment: person.rfm.segment,
    p_alive: person.value?.pAlive ?? null,
    expected_purchases: person.value?.expectedPurchases ?? null,
    p_no_purchase: person.value?.pNoPurchase ?? null,
    expected_order_value: person.value?.expectedOrderValue ?? null,
    clv: person.value?.clv ?? null,
    churn_probability: person.churn?.probability ?? null,
    churn_risk: person.churn?.risk ?? null,
    churn_model: person.churn?.model ?? null,
    horizon: formatDuration(run.horizon),
    features: JSON.stringify(features),
    models: JSON.stringify(run.models),
  });
}

/** What the profile keeps (docs/scoring.md#write-back): rounded, so that a change is a visible one. */
function profileScoresOf(person: PersonScores, asOf: string, horizon: Duration): ProfileScores {
  const round = (value: number, digits: number) => Number(value.toFixed(digits));
  const { value, churn } = person;
  return {
    profileId: person.customer.snapshot.customerId,
    scores: {
      asOf,
      horizon: formatDuration(horizon),
      rfm: { ...person.rfm },
      ...(value
        ? {
            pAlive: round(value.pAlive, 3),
            expectedPurchases: round(value.expectedPurchases, 3),
            pNoPurchase: round(value.pNoPurchase, 3),
            expectedOrderValue: round(value.expectedOrderValue, 2),
            clv: round(value.clv, 2),
          }
        : {}),
      ...(churn
        ? { churn: { probability: round(churn.probability, 3), risk: churn.risk, model: churn.model } }
        : {}),
    },
  };
}
