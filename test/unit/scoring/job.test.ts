/**
 * The scoring job (shared/scoring/job.ts) end to end on a DuckDB lake and in-memory stores: the CDNOW sample
 * gives the published RFM segments and the fitted models of `cdp score-file`; few customers score RFM only;
 * the lake partition of a date is replaced by a re-run; profiles are written only when their scores change,
 * never onto a redirect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDbSqlEngine } from '../../../shared/adapters/duckdb-sql-engine.ts';
import type { JsonObject } from '../../../shared/events/model.ts';
import { decodeParquet } from '../../../shared/lake/parquet.ts';
import { identityLinksTable, scoresTable } from '../../../shared/lake/schema.ts';
import { purchaseHistories } from '../../../shared/scoring/history.ts';
import { lastCompleteDay, runIdOf, runScoringJob } from '../../../shared/scoring/job.ts';
import { jobCustomer } from '../../../shared/scoring/job-summaries.ts';
import {
  type ScoreTarget,
  type ScoreWriter,
  writeBackScores,
} from '../../../shared/scoring/job-writeback.ts';
import { MemoryObjectStore } from '../lake/memory-object-store.ts';
import { type TempLake, writeLakeObject } from '../query/lake-fixture.ts';
import { sampleTransactions } from './cdnow-data.ts';
import { lakeOf, orderEvents, track } from './scoring-lake.ts';

/** Profiles in memory: live ones and redirects, and their scores items; counts reads and writes. */
class MemoryScoreWriter implements ScoreWriter {
  readonly kinds = new Map<string, 'live' | 'redirect'>();
  readonly scoreItems = new Map<string, JsonObject>();
  writes = 0;
  reads = 0;
  inFlight = 0;
  mostInFlight = 0;

  live(profileId: string, scores?: JsonObject): this {
    this.kinds.set(profileId, 'live');
    if (scores) this.scoreItems.set(profileId, scores);
    return this;
  }

  redirect(profileId: string): this {
    this.kinds.set(profileId, 'redirect');
    return this;
  }

  async scoreTargets(profileIds: readonly string[]): Promise<ReadonlyMap<string, ScoreTarget>> {
    this.reads += 1;
    const found = new Map<string, ScoreTarget>();
    for (const id of profileIds) {
      const kind = this.kinds.get(id);
      const scores = this.scoreItems.get(id);
      if (kind) found.set(id, { kind, ...(scores ? { scores } : {}) });
    }
    return found;
  }

  async writeScores(profileId: string, scores: JsonObject): Promise<void> {
    this.inFlight += 1;
    this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
    // Let the other writers start before this one ends, as network calls would.
    await new Promise((resolve) => setImmediate(resolve));
    this.inFlight -= 1;
    this.writes += 1;
    this.scoreItems.set(profileId, scores);
  }

  scoresOf(profileId: string): JsonObject | undefined {
    return this.scoreItems.get(profileId);
  }
}

async function scoresRows(store: MemoryObjectStore, dt: string) {
  const rows = [];
  for (const key of store.keys(`scores/dt=${dt}/`)) {
    rows.push(...(await decodeParquet(scoresTable, (await store.get(key)) as Uint8Array)));
  }
  return rows;
}

describe('the run’s date and id', () => {
  it('scores as of the last complete UTC day and names the run by its time', () => {
    // Act
    const now = new Date('2026-11-23T00:15:00.250Z');

    // Assess
    expect(lastCompleteDay(now)).toBe('2026-11-22');
    expect(lastCompleteDay(new Date('2026-11-23T23:59:59.999Z'))).toBe('2026-11-22');
    expect(runIdOf(now)).toBe('20261123t001500250z');
  });
});

describe('jobCustomer', () => {
  it('refuses a summary whose last purchase is after the as-of date', () => {
    // Act
    const read = () =>
      jobCustomer(
        { profile_id: 'p', x: 1, t_x_days: 9, t_days: 5, total_cents: 100, repeat_cents: 50 },
        'days',
      );

    // Assess
    expect(read).toThrow(/customer p/);
  });
});

describe('writeBackScores', () => {
  const scores = (segment: string, asOf = '2026-11-22'): JsonObject => ({ asOf, rfm: { segment } });

  it('writes changed scores only, skips redirects and unknown ids, and counts each', async () => {
    // Prepare
    const writer = new MemoryScoreWriter()
      .live('same', { rfm: { segment: 'Lost' }, asOf: '2026-11-01' })
      .live('changed', scores('Lost'))
      .live('new')
      .redirect('merged');

    // Act
    const result = await writeBackScores(writer, [
      { profileId: 'same', scores: scores('Lost') },
      { profileId: 'changed', scores: scores('Champions') },
      { profileId: 'new', scores: scores('Promising') },
      { profileId: 'merged', scores: scores('At Risk') },
      { profileId: 'ghost', scores: scores('Lost') },
    ]);

    // Assess
    expect(result).toEqual({ written: 2, unchanged: 1, redirected: 1, missing: 1 });
    expect(writer.scoresOf('same')).toEqual({ rfm: { segment: 'Lost' }, asOf: '2026-11-01' });
    expect(writer.scoresOf('changed')).toEqual(scores('Champions'));
    expect(writer.scoresOf('new')).toEqual(scores('Promising'));
    expect(writer.scoresOf('merged')).toBeUndefined();
    expect(writer.scoresOf('ghost')).toBeUndefined();
  });

  it('fails when a write fails, rather than losing it', async () => {
    // Prepare
    const writer = new MemoryScoreWriter().live('p');
    writer.writeScores = async () => {
      throw new Error('DynamoDB is unreachable');
    };

    // Act / Assess
    await expect(writeBackScores(writer, [{ profileId: 'p', scores: scores('Lost') }])).rejects.toThrow(
      'DynamoDB is unreachable',
    );
  });

  it('keeps at most `concurrency` writes in flight, spread over the batches being read', async () => {
    // Prepare: 2 batches read at once, each writing 2 at a time
    const writer = new MemoryScoreWriter();
    const people = Array.from({ length: 40 }, (_, i) => ({ profileId: `p${i}`, scores: scores('Lost') }));
    for (const person of people) writer.live(person.profileId);

    // Act
    const result = await writeBackScores(writer, people, {
      batchSize: 10,
      readConcurrency: 2,
      concurrency: 4,
    });

    // Assess
    expect(result.written).toBe(40);
    expect(writer.mostInFlight).toBe(4);
  });

  it('reads profiles in batches of the given size', async () => {
    // Prepare
    const writer = new MemoryScoreWriter();
    const people = Array.from({ length: 5 }, (_, i) => ({ profileId: `p${i}`, scores: scores('Lost') }));
    for (const person of people) writer.live(person.profileId);

    // Act
    await writeBackScores(writer, people, { batchSize: 2 });

    // Assess: 2 + 2 + 1
    expect(writer.reads).toBe(3);
    expect(writer.writes).toBe(5);
  });
});

describe('runScoringJob on a few customers', () => {
  let lake: TempLake;
  let engine: DuckDbSqlEngine;

  beforeAll(async () => {
    ({ lake, engine } = await lakeOf([
      track('ann', '2026-11-01T10:00:00Z', 'Order Completed', { revenue: 10 }),
      track('ann', '2026-11-20T10:00:00Z', 'Order Completed', { revenue: 30 }),
      track('bob', '2026-10-01T10:00:00Z', 'Order Completed', { total: 5 }),
      track('cid', '2026-11-21T10:00:00Z', 'Email Opened'),
    ]));
  });

  afterAll(async () => {
    await engine?.close();
    await lake?.remove();
  });

  it('scores RFM only, says why, writes the lake partition and the profiles', async () => {
    // Prepare
    const store = new MemoryObjectStore();
    const profiles = new MemoryScoreWriter().live('ann').live('bob').live('cid');

    // Act
    const summary = await runScoringJob(
      { engine, lake: store, profiles },
      { asOf: '2026-11-22', now: new Date('2026-11-23T01:00:00Z') },
    );

    // Assess: 2 customers (cid never bought); by hand, R: ann 2 days since the last purchase, bob 52, so ann
    // 1 + ⌊5·1/2⌋ = 3 and bob 1; F: ann 2 occasions → 3, bob 1 → 1; M: ann 40, bob 5 → 3, 1. Rules: ann R 3,
    // FM 3 is Loyal Customers (rule 4); bob R 1, F 1, FM 1 is Lost (rule 11).
    expect(summary).toMatchObject({
      asOf: '2026-11-22',
      runId: '20261123t010000000z',
      customers: 2,
      churnModel: 'none',
      segments: { 'Loyal Customers': 1, Lost: 1 },
      profiles: { written: 2, unchanged: 0, redirected: 0, missing: 0 },
      lake: { rows: 2, replaced: 0 },
    });
    expect(summary.notes).toEqual(['models: 2 customer(s), fewer than the 20 the models need; RFM only']);
    expect(profiles.scoresOf('ann')).toEqual({
      asOf: '2026-11-22',
      horizon: '39w',
      rfm: { r: 3, f: 3, m: 3, segment: 'Loyal Customers' },
    });
    expect(profiles.scoresOf('bob')).toEqual({
      asOf: '2026-11-22',
      horizon: '39w',
      rfm: { r: 1, f: 1, m: 1, segment: 'Lost' },
    });
    expect(profiles.scoresOf('cid')).toBeUndefined();
  });

  it('replaces the partition of the date on a re-run, and leaves unchanged profiles alone', async () => {
    // Prepare
    const store = new MemoryObjectStore();
    const profiles = new MemoryScoreWriter().live('ann').live('bob');
    const job = (now: string) =>
      runScoringJob({ engine, lake: store, profiles }, { asOf: '2026-11-22', now: new Date(now) });
    await job('2026-11-23T01:00:00Z');

    // Act
    const again = await job('2026-11-23T02:00:00Z');

    // Assess
    expect(again.lake).toEqual({
      keys: ['scores/dt=2026-11-22/run-20261123t020000000z-0000.parquet'],
      rows: 2,
      replaced: 1,
    });
    expect(store.keys('scores/')).toEqual(again.lake.keys);
    expect(again.profiles).toEqual({ written: 0, unchanged: 2, redirected: 0, missing: 0 });
    const rows = await scoresRows(store, '2026-11-22');
    expect(
      rows.map((row) => [row.profile_id, row.run_id, row.rfm_segment, row.total_spend, row.p_alive]),
    ).toEqual([
      ['ann', '20261123t020000000z', 'Loyal Customers', 40, null],
      ['bob', '20261123t020000000z', 'Lost', 5, null],
    ]);
  });
});

describe('runScoringJob with prospects (profiles of the identity map that never bought)', () => {
  let lake: TempLake;
  let engine: DuckDbSqlEngine;

  beforeAll(async () => {
    ({ lake, engine } = await lakeOf([
      track('ann', '2026-11-01T10:00:00Z', 'Order Completed', { revenue: 10 }),
      track('cid', '2026-11-21T10:00:00Z', 'Page Viewed', {}, { type: 'page', event: null }),
      track('cid', '2026-11-21T10:05:00Z', 'Page Viewed', {}, { type: 'page', event: null }),
      // An order after the as-of date: dee has not bought by then.
      track('dee', '2026-11-23T10:00:00Z', 'Order Completed', { revenue: 99 }),
    ]));
    const at = new Date('2026-11-20T00:00:00Z');
    writeLakeObject(lake.lakeDir, identityLinksTable, 'identity_links/dt=2026-11-20/part.parquet', [
      { id_type: 'user_id', id_value: 'ann', profile_id: 'p-ann', resolved_at: at },
      { id_type: 'user_id', id_value: 'cid', profile_id: 'p-cid', resolved_at: at },
      { id_type: 'user_id', id_value: 'dee', profile_id: 'p-dee', resolved_at: at },
    ]);
  });

  afterAll(async () => {
    await engine?.close();
    await lake?.remove();
  });

  it('gives a profile with only page views, and one whose order is after the date, the Prospects segment', async () => {
    // Prepare
    const store = new MemoryObjectStore();
    const profiles = new MemoryScoreWriter().live('p-ann').live('p-cid').live('p-dee');
    const job = (now: string) =>
      runScoringJob({ engine, lake: store, profiles }, { asOf: '2026-11-22', now: new Date(now) });

    // Act
    const summary = await job('2026-11-23T01:00:00Z');
    const again = await job('2026-11-23T02:00:00Z');

    // Assess: ann alone ranks against herself (R, F, M all 1 + ⌊5·0/1⌋ = 1: Lost); cid and dee are prospects
    expect(summary).toMatchObject({
      customers: 1,
      prospects: 2,
      segments: { Lost: 1, Prospects: 2 },
      profiles: { written: 3, unchanged: 0, redirected: 0, missing: 0 },
      lake: { rows: 3 },
    });
    expect(profiles.scoresOf('p-cid')).toEqual({
      asOf: '2026-11-22',
      horizon: '39w',
      rfm: { segment: 'Prospects' },
    });
    expect(profiles.scoresOf('p-dee')).toEqual(profiles.scoresOf('p-cid'));
    expect(again.profiles).toEqual({ written: 0, unchanged: 3, redirected: 0, missing: 0 });
    const rows = await scoresRows(store, '2026-11-22');
    const cid = rows.find((row) => row.profile_id === 'p-cid');
    expect(cid).toMatchObject({
      rfm_segment: 'Prospects',
      frequency: null,
      total_spend: 0,
      r_score: null,
      p_alive: null,
      churn_probability: null,
    });
    // Two page views 5 minutes apart, the day before the as-of date: one session, two events in 30 days
    expect(JSON.parse(String(cid?.features))).toMatchObject({
      sessions_30d: 1,
      events_30d: 2,
      activity_trend: 1,
    });
  });

  it('writes a file and the profiles a chunk of people at a time, buyers and prospects alike', async () => {
    // Prepare
    const store = new MemoryObjectStore();
    const profiles = new MemoryScoreWriter().live('p-ann').live('p-cid').live('p-dee');

    // Act: 3 people in chunks of 2
    const summary = await runScoringJob(
      { engine, lake: store, profiles },
      { asOf: '2026-11-22', now: new Date('2026-11-23T01:00:00Z'), chunkSize: 2 },
    );

    // Assess: files of 2 and 1 rows; every profile written once
    expect(summary.lake.keys).toEqual([
      'scores/dt=2026-11-22/run-20261123t010000000z-0000.parquet',
      'scores/dt=2026-11-22/run-20261123t010000000z-0001.parquet',
    ]);
    expect((await scoresRows(store, '2026-11-22')).map((row) => row.profile_id)).toEqual([
      'p-ann',
      'p-cid',
      'p-dee',
    ]);
    expect(summary.profiles).toEqual({ written: 3, unchanged: 0, redirected: 0, missing: 0 });
    expect(profiles.writes).toBe(3);
  });
});

describe('runScoringJob on the CDNOW sample as of 1997-09-30', () => {
  let lake: TempLake;
  let engine: DuckDbSqlEngine;
  const store = new MemoryObjectStore();
  let summary: Awaited<ReturnType<typeof runScoringJob>>;

  beforeAll(async () => {
    ({ lake, engine } = await lakeOf(orderEvents(sampleTransactions())));
    summary = await runScoringJob(
      { engine, lake: store, profiles: new MemoryScoreWriter() },
      { asOf: '1997-09-30', now: new Date('1997-10-01T00:00:00Z') },
    );
  }, 120_000);

  afterAll(async () => {
    await engine?.close();
    await lake?.remove();
  });

  it('gives the RFM segments docs/scoring.md publishes for `cdp score-file`', () => {
    expect(summary.segments).toEqual({
      Champions: 508,
      Lost: 418,
      Promising: 390,
      'Loyal Customers': 304,
      'About to Sleep': 285,
      Hibernating: 181,
      'New Customers': 147,
      'At Risk': 71,
      'Potential Loyalists': 43,
      'Need Attention': 7,
      "Can't Lose Them": 3,
    });
  });

  it('fits BG/NBD and Gamma-Gamma as score-file does, and trains the churn model out of time', () => {
    // Assess: score-file's published fit on the same data (days / 7), to its 4 printed decimals
    const models = summary.models as { bgnbd: Record<string, number>; gammaGamma: Record<string, number> };
    expect(models.bgnbd.r).toBeCloseTo(0.2426, 4);
    expect(models.bgnbd.alpha).toBeCloseTo(4.4136, 4);
    expect(models.bgnbd.a).toBeCloseTo(0.7929, 4);
    expect(models.bgnbd.b).toBeCloseTo(2.4259, 4);
    expect(models.gammaGamma.p).toBeCloseTo(6.2496, 4);
    expect(models.gammaGamma.q).toBeCloseTo(3.7442, 4);
    expect(models.gammaGamma.v).toBeCloseTo(15.4435, 4);
    expect(summary.churnModel).toBe('logistic');
    expect(summary.models).toMatchObject({
      churn: { windows: 3, rows: 4714, trainedAt: ['1997-07-01', '1997-04-01'], behaviour: false },
    });
  });

  it('ships the purchase-only churn model and says why: the lake has no behaviour beyond the orders', () => {
    // Assess
    expect(summary.notes).toEqual([
      'churn: no behavioural events before the training snapshots; the purchase-only model ships',
    ]);
    const churn = (summary.models as { churn: JsonObject }).churn;
    expect(churn.features).toEqual([
      'ln_days_since_last',
      'ln_tenure_days',
      'ln_repeat_purchases',
      'ln_mean_spend',
    ]);
  });

  it('evaluates out of time on the most recent snapshot, trained on the earlier one', () => {
    // Prepare: the independent method, AUC of days since the last purchase by its pairwise definition on the
    // customers as of 1997-07-01 (the horizon's 273 days in 3 windows of 91: 1997-09-30 − 91 days), churned
    // when they made no purchase in the 91 days after it
    const holdoutDay = Date.UTC(1997, 6, 1) / 86_400_000;
    const people: { daysSinceLast: number; churned: boolean }[] = [];
    for (const history of purchaseHistories(sampleTransactions())) {
      const bought = history.days.filter((day) => day <= holdoutDay);
      if (bought.length === 0) continue;
      const later = history.days.filter((day) => day > holdoutDay && day <= holdoutDay + 91);
      people.push({ daysSinceLast: holdoutDay - (bought.at(-1) as number), churned: later.length === 0 });
    }
    let wins = 0;
    let pairs = 0;
    for (const churner of people.filter((person) => person.churned)) {
      for (const returner of people.filter((person) => !person.churned)) {
        pairs += 1;
        if (churner.daysSinceLast > returner.daysSinceLast) wins += 1;
        else if (churner.daysSinceLast === returner.daysSinceLast) wins += 0.5;
      }
    }

    // Act
    const holdout = (summary.models as { churn: { holdout: JsonObject } }).churn.holdout as {
      snapshot: string;
      trainedAt: string[];
      rows: number;
      churned: number;
      auc: Record<string, number>;
      calibration: { purchasesOnly: { bins: { count: number }[] } };
    };

    // Assess
    expect(holdout).toMatchObject({
      snapshot: '1997-07-01',
      trainedAt: ['1997-04-01'],
      rows: people.length,
      churned: people.filter((person) => person.churned).length,
    });
    expect(holdout.auc.daysSinceLastPurchase).toBeCloseTo(wins / pairs, 12);
    expect(holdout.auc.withBehaviour).toBeUndefined();
    expect(holdout.auc.purchasesOnly).toBeGreaterThan(0.5);
    expect(holdout.auc.bgnbdNoPurchase).toBeGreaterThan(0.5);
    const binned = holdout.calibration.purchasesOnly.bins.reduce((total, bin) => total + bin.count, 0);
    expect(binned).toBe(people.length);
  });

  it('writes one lake row per customer with the published first customer scores', async () => {
    // Act
    const rows = await scoresRows(store, '1997-09-30');

    // Assess: customer 0001 of score-file's published head (frequency 2, monetary 22.35, Champions, p_alive 0.72662,
    // clv 29.12, churn 0.430548 low)
    expect(rows).toHaveLength(2357);
    const first = rows.find((row) => row.profile_id === 'c0001');
    expect(first).toMatchObject({
      frequency: 2,
      monetary: 22.35,
      rfm_segment: 'Champions',
      churn_risk: 'low',
      churn_model: 'logistic',
      horizon: '39w',
    });
    expect(first?.p_alive as number).toBeCloseTo(0.72662, 5);
    expect(first?.clv as number).toBeCloseTo(29.12, 2);
    expect(first?.churn_probability as number).toBeCloseTo(0.430548, 6);
  });
});
