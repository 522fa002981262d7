import { describe, expect, it } from 'vitest';
import {
  type ChurnModel,
  churnProbability,
  churnRisk,
  planChurnTraining,
  snapshotDate,
  trainChurnModel,
} from '../../../shared/scoring/churn.ts';
import { behaviourAttributes } from '../../../shared/scoring/churn-behaviour.ts';
import {
  type CustomerSnapshot,
  purchaseHistories,
  type Transaction,
} from '../../../shared/scoring/history.ts';
import { Random } from '../../../shared/scoring/simulate.ts';
import { dayNumber } from '../../../shared/scoring/time.ts';

const start = dayNumber('2023-01-01') as number;

/**
 * 400 customers over two years: frequent buyers keep buying, others stop after their first weeks, so that the
 * history carries a churn signal.
 */
function syntheticTransactions(seed: number, days = 730): Transaction[] {
  const random = new Random(seed);
  const transactions: Transaction[] = [];
  for (let c = 0; c < 400; c++) {
    const first = start + Math.floor(random.uniform() * 200);
    const rate = random.gamma(0.8, 20);
    const lifetime = random.exponential(1 / 250);
    for (let t = 0; t <= lifetime && first + t < start + days; t += 1 + random.exponential(rate)) {
      transactions.push({
        customerId: `c${c}`,
        day: first + Math.floor(t),
        amount: 10 + Math.floor(random.uniform() * 40),
      });
    }
  }
  return transactions;
}

describe('trainChurnModel', () => {
  it('predicts the whole horizon in one window when the history is at least twice as long', () => {
    // Act
    const model = trainChurnModel(purchaseHistories(syntheticTransactions(1)), start + 700, {
      horizon: { amount: 13, unit: 'weeks' },
    });

    // Assess: 700 days of history (to 2024-12-01), 91-day horizon: snapshots every 91 days back, four at most.
    expect(model.windows).toBe(1);
    expect(model.windowDays).toBe(91);
    expect(model.training.snapshots).toEqual(['2024-09-01', '2024-06-02', '2024-03-03', '2023-12-03']);
  });

  it('cuts the horizon into shorter windows when the history is short, as on CDNOW', () => {
    // Act: 272 days of history before the as-of date, 273-day horizon.
    const model = trainChurnModel(purchaseHistories(syntheticTransactions(2)), start + 272, {
      horizon: { amount: 39, unit: 'weeks' },
    });

    // Assess: K = ⌈2 · 273 / 272⌉ = 3 windows of 91 days; snapshots 91 and 182 days back (273 is before the data).
    expect(model.windows).toBe(3);
    expect(model.windowDays).toBe(91);
    expect(model.training.snapshots).toHaveLength(2);
  });

  it('uses nothing after the as-of date', () => {
    // Prepare: the same history, then with extra purchases after the as-of date.
    const asOf = start + 500;
    const transactions = syntheticTransactions(3);
    const later = transactions.filter((transaction) => transaction.day > asOf);
    const extra = later.map((transaction) => ({ ...transaction, day: transaction.day + 1, amount: 999 }));

    // Act
    const options = { horizon: { amount: 90, unit: 'days' } } as const;
    const before = trainChurnModel(
      purchaseHistories(transactions.filter((t) => t.day <= asOf)),
      asOf,
      options,
    );
    const after = trainChurnModel(purchaseHistories([...transactions, ...extra]), asOf, options);

    // Assess
    expect(later.length).toBeGreaterThan(0);
    expect(after).toEqual(before);
  });

  it('learns that a long time since the last purchase means churn', () => {
    // Act
    const model = trainChurnModel(purchaseHistories(syntheticTransactions(4)), start + 600, {
      horizon: { amount: 60, unit: 'days' },
    });

    // Assess
    expect(model.featureNames[0]).toBe('ln_days_since_last');
    expect(model.logistic.coefficients[0]).toBeGreaterThan(0);
  });

  it('refuses to train without history before the as-of date', () => {
    expect(() =>
      trainChurnModel(purchaseHistories(syntheticTransactions(5)), start - 1, {
        horizon: { amount: 4, unit: 'weeks' },
      }),
    ).toThrow(/no purchase history before 2022-12-31/);
  });
});

describe('churnProbability', () => {
  it('multiplies the window probabilities along the path without a purchase', () => {
    // Prepare: a hand-made model on ln(1 + days since last) alone, three windows of 30 days.
    const model: ChurnModel = {
      horizon: { amount: 90, unit: 'days' },
      windowDays: 30,
      windows: 3,
      featureNames: ['ln_days_since_last', 'ln_tenure_days', 'ln_repeat_purchases', 'ln_mean_spend'],
      means: [0, 0, 0, 0],
      scales: [1, 1, 1, 1],
      logistic: { intercept: -2, coefficients: [0.5, 0, 0, 0] },
      training: { snapshots: [], rows: 0, churned: 0 },
    };
    const snapshot: CustomerSnapshot = {
      customerId: 'a',
      x: 1,
      tx: 10,
      T: 20,
      zbar: 5,
      occasions: 2,
      daysSinceLast: 10,
      tenureDays: 20,
      totalSpend: 15,
      repeatCents: 500,
      attributeMeans: [],
    };
    const sigmoid = (eta: number) => 1 / (1 + Math.exp(-eta));

    // Act
    const probability = churnProbability(model, snapshot);

    // Assess: days since last 10, 40, 70 at the start of each window.
    expect(probability).toBeCloseTo(
      sigmoid(-2 + 0.5 * Math.log(11)) * sigmoid(-2 + 0.5 * Math.log(41)) * sigmoid(-2 + 0.5 * Math.log(71)),
      14,
    );
  });
});

describe('churnRisk', () => {
  it('is low below 0.5, medium from 0.5 and high from 0.8 by default', () => {
    expect([0, 0.4999, 0.5, 0.7999, 0.8, 1].map((p) => churnRisk(p))).toEqual([
      'low',
      'low',
      'medium',
      'medium',
      'high',
      'high',
    ]);
    expect(churnRisk(0.3, { medium: 0.2, high: 0.3 })).toBe('high');
  });
});

describe('planChurnTraining', () => {
  it('gives the snapshot dates the model then trains at, so the job can fetch data as of each first', () => {
    // Prepare
    const histories = purchaseHistories(syntheticTransactions(1));
    const horizon = { amount: 13, unit: 'weeks' } as const;

    // Act
    const plan = planChurnTraining(histories, start + 700, { horizon });
    const model = trainChurnModel(histories, start + 700, { horizon, plan });

    // Assess: the dates of the first test above
    expect(plan.snapshotDays.map(snapshotDate)).toEqual([
      '2024-09-01',
      '2024-06-02',
      '2024-03-03',
      '2023-12-03',
    ]);
    expect(model.training.snapshots).toEqual(plan.snapshotDays.map(snapshotDate));
  });

  it('trains on time-varying attributes asked for by customer and snapshot date', () => {
    // Prepare: an attribute that is 1 exactly when the customer makes no purchase in the window after the
    // snapshot: a perfect predictor the model must weigh positively
    const histories = purchaseHistories(syntheticTransactions(1));
    const horizon = { amount: 13, unit: 'weeks' } as const;
    const plan = planChurnTraining(histories, start + 700, { horizon });
    const byId = new Map(histories.map((history) => [history.customerId, history]));
    const asked = new Set<string>();
    const leaving = (customerId: string, date: string): number[] => {
      asked.add(date);
      const day = dayNumber(date) as number;
      const days = byId.get(customerId)?.days ?? [];
      return [days.some((d) => d > day && d <= day + plan.windowDays) ? 0 : 1];
    };

    // Act
    const model = trainChurnModel(histories, start + 700, {
      horizon,
      plan,
      attributeNames: ['leaving'],
      snapshotAttributes: leaving,
    });

    // Assess
    expect(model.featureNames.at(-1)).toBe('leaving');
    expect([...asked]).toEqual(model.training.snapshots);
    expect(model.logistic.coefficients.at(-1)).toBeGreaterThan(1);
  });
});

describe('behaviourAttributes', () => {
  it('takes ln(1 + count), keeps the trend, and marks a missing satisfaction score with 0 and an indicator', () => {
    // Act
    const given = behaviourAttributes({
      sessions_30d: 3,
      sessions_90d: 7,
      email_opens_30d: 0,
      email_clicks_30d: 1,
      app_events_30d: 0,
      support_tickets_90d: 2,
      satisfaction_90d: 4.5,
      events_30d: 9,
      events_previous_30d: 1,
      activity_trend: 0.8,
    });
    const missing = behaviourAttributes(undefined);

    // Assess: ln 4, ln 8, ln 1, ln 2, ln 1, ln 3, ln 10; trend; satisfaction and its indicator
    expect(given).toEqual([
      Math.log(4),
      Math.log(8),
      0,
      Math.log(2),
      0,
      Math.log(3),
      Math.log(10),
      0.8,
      4.5,
      0,
    ]);
    expect(missing).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  });
});
