/**
 * Which churn model ships (shared/scoring/churn-selection.ts), on the CDNOW sample's histories as of
 * 1997-09-30: behaviour that says nothing cannot raise the holdout AUC, so purchases only ship with the reason
 * in the notes; without a second snapshot there is nothing to hold out.
 */
import { describe, expect, it } from 'vitest';
import { planChurnTraining, trainChurnModel } from '../../../shared/scoring/churn.ts';
import { selectChurnModel } from '../../../shared/scoring/churn-selection.ts';
import { purchaseHistories } from '../../../shared/scoring/history.ts';
import { calibrationEnd, sampleTransactions } from './cdnow-data.ts';

const histories = purchaseHistories(sampleTransactions());
const horizon = { amount: 39, unit: 'weeks' } as const;

describe('selectChurnModel', () => {
  it('ships purchases only when behaviour does not raise the holdout AUC, and says so', () => {
    // Prepare: everyone without any event: behaviour inputs all 0 but the missing-satisfaction indicator, 1 for
    // all, so every behavioural input is constant, standardises to exactly 0 and leaves the fit unchanged: the
    // two models give the same probabilities and the same AUC, which is not higher
    const plan = planChurnTraining(histories, calibrationEnd, { horizon });
    const notes: string[] = [];

    // Act
    const selection = selectChurnModel(
      histories,
      calibrationEnd,
      plan,
      { horizon, behaviourAt: () => undefined, anyBehaviour: true },
      notes,
    );

    // Assess
    const auc = selection.holdout?.auc;
    expect(auc?.withBehaviour).toBe(auc?.purchasesOnly);
    expect(selection.behaviour).toBe(false);
    expect(selection.model.featureNames).toHaveLength(4);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(
      /^churn: behaviour did not raise the holdout AUC \((0\.\d{3}) against \1 on purchases only\); the purchase-only model ships$/,
    );
  });

  it('refits the shipped model on every snapshot, the holdout’s included', () => {
    // Prepare
    const plan = planChurnTraining(histories, calibrationEnd, { horizon });

    // Act
    const selection = selectChurnModel(
      histories,
      calibrationEnd,
      plan,
      { horizon, behaviourAt: () => undefined, anyBehaviour: false },
      [],
    );

    // Assess: the model trained on the whole plan, as trainChurnModel trains it for score-file
    expect(selection.model).toEqual(trainChurnModel(histories, calibrationEnd, { horizon }));
    expect(selection.holdout?.trainedAt).toEqual(['1997-04-01']);
    expect(selection.model.training.snapshots).toEqual(['1997-07-01', '1997-04-01']);
  });

  it('ships purchases only, not evaluated, when there is one snapshot and none to hold out', () => {
    // Prepare
    const plan = planChurnTraining(histories, calibrationEnd, { horizon, maxSnapshots: 1 });
    const notes: string[] = [];

    // Act
    const selection = selectChurnModel(
      histories,
      calibrationEnd,
      plan,
      { horizon, behaviourAt: () => undefined, anyBehaviour: true },
      notes,
    );

    // Assess
    expect(selection.holdout).toBeUndefined();
    expect(selection.behaviour).toBe(false);
    expect(notes).toEqual([
      'churn: one training snapshot, none left to hold out; the purchase-only model ships, not evaluated',
    ]);
  });
});
