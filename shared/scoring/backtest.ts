/**
 * Backtesting the churn model on an out-of-time split: everything is fitted on data up to the cutoff, and each
 * customer who had bought by then is labelled by whether they bought again in (cutoff, until]. The churn model is
 * compared with two baselines: weeks since the last purchase (a ranking, no probability) and the BG/NBD
 * probability of no purchase in the same span.
 */

import type { BgNbdParameters } from './bgnbd.ts';
import { fitBgNbd, probabilityNoPurchase } from './bgnbd.ts';
import { type ChurnModel, churnProbability, trainChurnModel } from './churn.ts';
import { ScoringInputError } from './errors.ts';
import { auc, type Calibration, calibration } from './evaluation.ts';
import { countUpTo, type PurchaseHistory } from './history.ts';
import { snapshotsAt } from './score.ts';
import { PurchaseStatisticsBuilder } from './statistics.ts';
import { formatDay } from './time.ts';

export interface BacktestOptions {
  readonly cutoffDay: number;
  readonly untilDay: number;
  readonly attributeNames?: readonly string[];
  /** L2 penalty of the churn model. @default 1 */
  readonly l2?: number;
}

export interface BacktestReport {
  readonly cutoff: string;
  readonly until: string;
  readonly horizonDays: number;
  /** Customers who had bought by the cutoff. */
  readonly customers: number;
  /** Of them, those with no purchase in (cutoff, until]. */
  readonly churned: number;
  readonly model: { readonly auc: number; readonly calibration: Calibration };
  readonly baselines: {
    readonly weeksSinceLastPurchase: { readonly auc: number };
    readonly bgnbdNoPurchase: {
      readonly auc: number;
      readonly calibration: Calibration;
      readonly parameters: BgNbdParameters;
    };
  };
  readonly churnModel: ChurnModel;
}

export function backtest(histories: readonly PurchaseHistory[], options: BacktestOptions): BacktestReport {
  const { cutoffDay, untilDay } = options;
  if (!(untilDay > cutoffDay)) {
    throw new ScoringInputError(
      `--until (${formatDay(untilDay)}) must be after --cutoff (${formatDay(cutoffDay)})`,
    );
  }
  const horizonDays = untilDay - cutoffDay;
  const horizon = { amount: horizonDays, unit: 'days' } as const;
  const byId = new Map(histories.map((history) => [history.customerId, history]));
  const snapshots = snapshotsAt(histories, cutoffDay, 'weeks');
  if (snapshots.length === 0)
    throw new ScoringInputError(`no customer had bought by ${formatDay(cutoffDay)}`);
  const churned = snapshots.map((snapshot) => {
    const history = byId.get(snapshot.customerId) as PurchaseHistory;
    return countUpTo(history.days, untilDay) === snapshot.occasions;
  });

  const churnModel = trainChurnModel(histories, cutoffDay, {
    horizon,
    l2: options.l2 ?? 1,
    attributeNames: options.attributeNames ?? [],
  });
  const modelProbabilities = snapshots.map((snapshot) => churnProbability(churnModel, snapshot));

  const statistics = new PurchaseStatisticsBuilder('weeks');
  for (const snapshot of snapshots) statistics.add(snapshot.x, snapshot.tx, snapshot.T);
  const bgnbd = fitBgNbd(statistics.build());
  const bgnbdProbabilities = snapshots.map((snapshot) => probabilityNoPurchase(bgnbd, snapshot, horizon));
  const weeksSinceLast = snapshots.map((snapshot) => snapshot.daysSinceLast / 7);

  return {
    cutoff: formatDay(cutoffDay),
    until: formatDay(untilDay),
    horizonDays,
    customers: snapshots.length,
    churned: churned.filter(Boolean).length,
    model: { auc: auc(modelProbabilities, churned), calibration: calibration(modelProbabilities, churned) },
    baselines: {
      weeksSinceLastPurchase: { auc: auc(weeksSinceLast, churned) },
      bgnbdNoPurchase: {
        auc: auc(bgnbdProbabilities, churned),
        calibration: calibration(bgnbdProbabilities, churned),
        parameters: bgnbd.parameters,
      },
    },
    churnModel,
  };
}
