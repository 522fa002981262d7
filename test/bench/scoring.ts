/**
 * Scoring on one million synthetic customers, on one core: customers are drawn from BG/NBD and Gamma-Gamma with
 * known parameters (those published for CDNOW) on CDNOW's calendar (first purchases over 12 weeks, calibration
 * ending on day 272, purchases on a day grid), then reduced to sufficient statistics, fitted, and scored. Fit
 * time depends on the distinct (x, t_x, T) rows, not on the customers; scoring is one pass plus the RFM sorts.
 */
import { type BgNbdParameters, fitBgNbd } from '../../shared/scoring/bgnbd.ts';
import { trainChurnModel } from '../../shared/scoring/churn.ts';
import { fitGammaGamma, type GammaGammaParameters } from '../../shared/scoring/gamma-gamma.ts';
import type { CustomerSnapshot, PurchaseHistory } from '../../shared/scoring/history.ts';
import { scoreSnapshots } from '../../shared/scoring/score.ts';
import { Random, simulateBgNbdPurchases } from '../../shared/scoring/simulate.ts';
import { PurchaseStatisticsBuilder, SpendStatisticsBuilder } from '../../shared/scoring/statistics.ts';
import { count } from './format.ts';
import type { BenchSection } from './report.ts';

const customers = 1_000_000;
/** Customers whose full histories train the churn model (its training cost grows with them, not with scoring). */
const churnTrainingCustomers = 50_000;
const calibrationEndDay = 272;
const cohortDays = 84;
const trueBgNbd: BgNbdParameters = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const trueGammaGamma: GammaGammaParameters = { p: 6.25, q: 3.74, v: 15.44 };
const horizon = { amount: 39, unit: 'weeks' } as const;

const fitTargetSeconds = 5;
const scoringTargetPerSecond = 100_000;

export interface ScoringBenchResult {
  readonly customers: number;
  readonly simulateSeconds: number;
  /** One pass over the customers into distinct (x, t_x, T) and (x, zbar) rows. */
  readonly statisticsSeconds: number;
  readonly bgnbdRows: number;
  readonly gammaGammaRows: number;
  readonly bgnbdFitSeconds: number;
  readonly gammaGammaFitSeconds: number;
  readonly fitSeconds: number;
  readonly bgnbdEvaluations: number;
  readonly churnTrainingCustomers: number;
  readonly churnTrainSeconds: number;
  readonly scoringSeconds: number;
  readonly customersScoredPerSecond: number;
  readonly trueParameters: { readonly bgnbd: BgNbdParameters; readonly gammaGamma: GammaGammaParameters };
  readonly fittedParameters: { readonly bgnbd: BgNbdParameters; readonly gammaGamma: GammaGammaParameters };
}

export const scoringBenchmark: BenchSection<ScoringBenchResult> = {
  name: 'scoring',
  title: 'Scoring: BG/NBD + Gamma-Gamma fit and scoring of 1 million synthetic customers (one core)',
  async run() {
    let started = performance.now();
    const { snapshots, histories } = simulateCustomers(new Random(20051), customers);
    const simulateSeconds = seconds(started);

    started = performance.now();
    const purchases = new PurchaseStatisticsBuilder('weeks');
    const spend = new SpendStatisticsBuilder();
    for (const snapshot of snapshots) {
      purchases.add(snapshot.x, snapshot.tx, snapshot.T);
      spend.add(snapshot.x, snapshot.zbar);
    }
    const purchaseStatistics = purchases.build();
    const spendStatistics = spend.build();
    const statisticsSeconds = seconds(started);

    started = performance.now();
    const bgnbd = fitBgNbd(purchaseStatistics);
    const bgnbdFitSeconds = seconds(started);
    started = performance.now();
    const gammaGamma = fitGammaGamma(spendStatistics);
    const gammaGammaFitSeconds = seconds(started);

    started = performance.now();
    const churn = trainChurnModel(histories, calibrationEndDay, { horizon });
    const churnTrainSeconds = seconds(started);

    const options = { asOfDay: calibrationEndDay, horizon, timeUnit: 'weeks' } as const;
    // Warm up the scoring code on a slice, so that the measurement is of optimised code.
    scoreSnapshots(snapshots.slice(0, 20_000), { bgnbd, gammaGamma, churn }, options);
    started = performance.now();
    const scores = scoreSnapshots(snapshots, { bgnbd, gammaGamma, churn }, options);
    const scoringSeconds = seconds(started);
    if (scores.length !== customers) throw new Error(`scored ${scores.length} of ${customers} customers`);

    const fitSeconds = bgnbdFitSeconds + gammaGammaFitSeconds;
    const customersScoredPerSecond = customers / scoringSeconds;
    const result: ScoringBenchResult = {
      customers,
      simulateSeconds,
      statisticsSeconds,
      bgnbdRows: purchaseStatistics.x.length,
      gammaGammaRows: spendStatistics.x.length,
      bgnbdFitSeconds,
      gammaGammaFitSeconds,
      fitSeconds,
      bgnbdEvaluations: bgnbd.evaluations,
      churnTrainingCustomers,
      churnTrainSeconds,
      scoringSeconds,
      customersScoredPerSecond,
      trueParameters: { bgnbd: trueBgNbd, gammaGamma: trueGammaGamma },
      fittedParameters: { bgnbd: bgnbd.parameters, gammaGamma: gammaGamma.parameters },
    };
    const { r, alpha, a, b } = bgnbd.parameters;
    const { p, q, v } = gammaGamma.parameters;
    return {
      result,
      summary: [
        `${count(customers)} customers simulated in ${simulateSeconds.toFixed(1)} s; sufficient statistics in ${statisticsSeconds.toFixed(2)} s: ${count(result.bgnbdRows)} distinct (x, t_x, T), ${count(result.gammaGammaRows)} distinct (x, zbar)`,
        `fit: BG/NBD ${bgnbdFitSeconds.toFixed(2)} s (${bgnbd.evaluations} likelihood evaluations), Gamma-Gamma ${gammaGammaFitSeconds.toFixed(2)} s`,
        `recovered r=${r.toFixed(3)} alpha=${alpha.toFixed(3)} a=${a.toFixed(3)} b=${b.toFixed(3)} (true 0.243, 4.414, 0.793, 2.426); p=${p.toFixed(2)} q=${q.toFixed(2)} v=${v.toFixed(2)} (true 6.25, 3.74, 15.44)`,
        `churn model trained on ${count(churnTrainingCustomers)} histories in ${churnTrainSeconds.toFixed(2)} s`,
        `scoring (RFM, P(alive), expected purchases, P(no purchase), CLV, churn): ${count(customersScoredPerSecond)} customers/s`,
      ],
      targets: [
        {
          name: 'BG/NBD + Gamma-Gamma fit on the sufficient statistics of 1M customers, seconds',
          target: `<= ${fitTargetSeconds}`,
          actual: fitSeconds,
          met: fitSeconds <= fitTargetSeconds,
        },
        {
          name: 'scoring throughput, customers/s on one core',
          target: `>= ${scoringTargetPerSecond}`,
          actual: customersScoredPerSecond,
          met: customersScoredPerSecond >= scoringTargetPerSecond,
        },
      ],
    };
  },
};

/**
 * Draws `n` customers on CDNOW's calendar (day 0 = the cohort's first day): their first purchase on a day in the
 * first 12 weeks, repeat purchases from BG/NBD (in weeks, floored to days, same-day purchases merged), each
 * purchase day's value from Gamma-Gamma, rounded to cents. The first customers also get their full history, to
 * train the churn model.
 */
function simulateCustomers(
  random: Random,
  n: number,
): { snapshots: CustomerSnapshot[]; histories: PurchaseHistory[] } {
  const snapshots: CustomerSnapshot[] = [];
  const histories: PurchaseHistory[] = [];
  for (let i = 0; i < n; i++) {
    const firstDay = Math.floor(random.uniform() * cohortDays);
    const ageDays = calibrationEndDay - firstDay;
    const days = [firstDay];
    for (const time of simulateBgNbdPurchases(random, trueBgNbd, ageDays / 7)) {
      const day = firstDay + Math.floor(time * 7);
      if (day > (days[days.length - 1] as number)) days.push(day);
    }
    const nu = random.gamma(trueGammaGamma.q, trueGammaGamma.v);
    const cents = days.map(() => Math.max(1, Math.round(100 * random.gamma(trueGammaGamma.p, nu))));
    const x = days.length - 1;
    const lastDay = days[x] as number;
    let repeatCents = 0;
    for (let k = 1; k <= x; k++) repeatCents += cents[k] as number;
    const customerId = `c${i}`;
    snapshots.push({
      customerId,
      x,
      tx: (lastDay - firstDay) / 7,
      T: ageDays / 7,
      zbar: x === 0 ? 0 : repeatCents / x / 100,
      occasions: x + 1,
      daysSinceLast: calibrationEndDay - lastDay,
      tenureDays: ageDays,
      totalSpend: (repeatCents + (cents[0] as number)) / 100,
      repeatCents,
      attributeMeans: [],
    });
    if (i < churnTrainingCustomers) {
      histories.push({ customerId, days, cents, transactions: days.map(() => 1), attributeSums: [] });
    }
  }
  return { snapshots, histories };
}

function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}
