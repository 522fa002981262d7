import { beforeAll, describe, expect, it } from 'vitest';
import { expectedPurchases, probabilityAlive, probabilityNoPurchase } from '../../../shared/scoring/bgnbd.ts';
import { customerLifetimeValue } from '../../../shared/scoring/clv.ts';
import { expectedSpend } from '../../../shared/scoring/gamma-gamma.ts';
import { purchaseHistories } from '../../../shared/scoring/history.ts';
import {
  type CustomerScore,
  type ScoringModels,
  scoreHistories,
  scoreSnapshots,
  snapshotsAt,
} from '../../../shared/scoring/score.ts';
import { calibrationEnd, sampleTransactions } from './cdnow-data.ts';

describe('scoreHistories on the CDNOW sample', () => {
  const horizon = { amount: 39, unit: 'weeks' } as const;
  const options = { asOfDay: calibrationEnd, horizon, annualDiscountRate: 0.15, margin: 0.3 } as const;
  let models: ScoringModels;
  let scores: CustomerScore[];
  const histories = purchaseHistories(sampleTransactions());

  beforeAll(() => {
    ({ models, scores } = scoreHistories(histories, options));
  });

  it('scores every customer with the single-customer functions’ values', () => {
    // Prepare
    const snapshots = snapshotsAt(histories, calibrationEnd, 'weeks');

    // Assess
    expect(scores).toHaveLength(2357);
    snapshots.forEach((snapshot, i) => {
      const score = scores[i] as CustomerScore;
      expect(score.customerId).toBe(snapshot.customerId);
      expect(score.pAlive).toBeCloseTo(probabilityAlive(models.bgnbd, snapshot), 12);
      expect(score.expectedPurchases).toBeCloseTo(expectedPurchases(models.bgnbd, snapshot, horizon), 12);
      expect(score.pNoPurchase).toBeCloseTo(probabilityNoPurchase(models.bgnbd, snapshot, horizon), 12);
      expect(score.expectedOrderValue).toBeCloseTo(
        expectedSpend(models.gammaGamma.parameters, snapshot.x, snapshot.zbar),
        10,
      );
      expect(score.clv).toBeCloseTo(
        customerLifetimeValue(models.bgnbd, models.gammaGamma.parameters, snapshot, {
          horizon,
          annualDiscountRate: 0.15,
          margin: 0.3,
        }),
        10,
      );
    });
  });

  it('fits the models on the data up to the as-of date only', () => {
    // Prepare: the same transactions plus a burst of purchases after the as-of date.
    const later = sampleTransactions().map((transaction) => ({ ...transaction, day: calibrationEnd + 1 }));

    // Act
    const again = scoreHistories(purchaseHistories([...sampleTransactions(), ...later]), options);

    // Assess
    expect(again.models.bgnbd.parameters).toEqual(models.bgnbd.parameters);
    expect(again.scores).toEqual(scores);
  });

  it('refuses to score with a model fitted in another time unit', () => {
    // Prepare
    const inDays = snapshotsAt(histories, calibrationEnd, 'days');

    // Act & Assess
    expect(() => scoreSnapshots(inDays, models, { ...options, timeUnit: 'days' })).toThrow(
      /the BG\/NBD model is in weeks, the scores in days/,
    );
  });
});
