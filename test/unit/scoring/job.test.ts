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
import { scoresTable } from '../../../shared/lake/schema.ts';
import type { StoredProfile } from '../../../shared/profiles/model.ts';
import { lastCompleteDay, runIdOf, runScoringJob } from '../../../shared/scoring/job.ts';
import { jobCustomer } from '../../../shared/scoring/job-summaries.ts';
import { type ScoreWriter, writeBackScores } from '../../../shared/scoring/job-writeback.ts';
import { MemoryObjectStore } from '../lake/memory-object-store.ts';
import type { TempLake } from '../query/lake-fixture.ts';
import { sampleTransactions } from './cdnow-data.ts';
import { lakeOf, orderEvents, track } from './scoring-lake.ts';

/** Profiles in memory: live ones with their scores, redirects; counts the writes. */
class MemoryScoreWriter implements ScoreWriter {
  readonly stored = new Map<string, StoredProfile>();
  writes = 0;
  reads = 0;

  live(profileId: string, scores?: JsonObject): this {
    this.stored.set(profileId, { kind: 'live', profileId, ...(scores ? { scores } : {}) } as StoredProfile);
    return this;
  }

  redirect(profileId: string, mergedInto: string): this {
    this.stored.set(profileId, { kind: 'redirect', profileId, mergedInto } as StoredProfile);
    return this;
  }

  async profiles(profileIds: readonly string[]): Promise<ReadonlyMap<string, StoredProfile>> {
    this.reads += 1;
    const found = new Map<string, StoredProfile>();
    for (const id of profileIds) {
      const profile = this.stored.get(id);
      if (profile) found.set(id, profile);
    }
    return found;
  }

  async writeScores(profileId: string, scores: JsonObject): Promise<boolean> {
    const profile = this.stored.get(profileId);
    if (profile?.kind !== 'live') return false;
    this.writes += 1;
    this.stored.set(profileId, { ...profile, scores });
    return true;
  }

  scoresOf(profileId: string): JsonObject | undefined {
    const profile = this.stored.get(profileId);
    return profile?.kind === 'live' ? profile.scores : undefined;
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
      .redirect('merged', 'changed');

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
    expect(writer.stored.get('merged')).toEqual({
      kind: 'redirect',
      profileId: 'merged',
      mergedInto: 'changed',
    });
  });

  it('counts a profile merged between the read and the write as redirected', async () => {
    // Prepare: the read sees it live, the conditional write finds a redirect
    const writer = new MemoryScoreWriter().live('p');
    const read = writer.profiles.bind(writer);
    writer.profiles = async (ids) => {
      const found = await read(ids);
      writer.redirect('p', 'q');
      return found;
    };

    // Act
    const result = await writeBackScores(writer, [{ profileId: 'p', scores: scores('Lost') }]);

    // Assess
    expect(result).toEqual({ written: 0, unchanged: 0, redirected: 1, missing: 0 });
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
      churn: { windows: 3, rows: 4714, trainedAt: ['1997-07-01', '1997-04-01'] },
    });
    expect(summary.notes).toEqual([]);
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
