import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type GraphScanner, snapshotIdentityMapIfDue } from '../../../shared/identity/snapshot.ts';
import { writeLandedFile } from '../../../shared/lake/land.ts';
import { identityLinksTable, identityMergesTable } from '../../../shared/lake/schema.ts';
import { emptyProfile, type StoredProfile } from '../../../shared/profiles/model.ts';
import { failing, MemoryObjectStore } from '../lake/memory-object-store.ts';
import { rowsUnder } from '../lake/read-lake.ts';

const ms = (iso: string) => Date.parse(iso);

function live(profileId: string, updatedAt: string, identities: Record<string, string[]>): StoredProfile {
  return { ...emptyProfile(profileId, ms('2026-01-01T00:00:00Z')), updatedAt: ms(updatedAt), identities };
}

function redirect(profileId: string, mergedInto: string, updatedAt: string): StoredProfile {
  return { kind: 'redirect', profileId, version: 2, mergedInto, updatedAt: ms(updatedAt) };
}

/** A graph of two people (5 identities) and one merge, in memory. */
function graph(extra: StoredProfile[] = []): GraphScanner & { scans: number } {
  const profiles = [
    live('p1', '2026-11-20T08:00:00Z', { user_id: ['u1'], anonymous_id: ['a1', 'a2'] }),
    redirect('p2', 'p1', '2026-11-20T08:00:00Z'),
    live('p3', '2026-11-21T09:00:00Z', { anonymous_id: ['a3'], email: ['bo@example.com'] }),
    ...extra,
  ];
  return {
    scans: 0,
    async *scanProfiles() {
      this.scans += 1;
      yield* profiles;
    },
  };
}

const links = (rows: readonly Record<string, unknown>[]) =>
  rows
    .map(
      (row) =>
        `${row.id_type}:${row.id_value} → ${row.profile_id} @ ${(row.resolved_at as Date).toISOString()}`,
    )
    .sort();

/**
 * An identity_links file two days before the snapshot's day, one of the day before and one of the day itself,
 * as resolution would have landed them.
 */
async function earlierLinks(lake: MemoryObjectStore): Promise<void> {
  const row = (value: string, dt: string) => ({
    id_type: 'anonymous_id',
    id_value: value,
    profile_id: 'p2',
    resolved_at: new Date(`${dt}T07:00:00Z`),
    schema_version: 2,
  });
  await writeLandedFile(lake, identityLinksTable, '2026-11-20', [row('a0', '2026-11-20')], 'b0');
  await writeLandedFile(lake, identityLinksTable, '2026-11-21', [row('a1', '2026-11-21')], 'b1');
  await writeLandedFile(lake, identityLinksTable, '2026-11-22', [row('a9', '2026-11-22')], 'b2');
}

const today = () => ms('2026-11-22T00:15:00Z');

describe('the identity map snapshot', () => {
  it('writes a row per identity of every live profile into the day, and deletes the days before the day before', async () => {
    // Prepare
    const lake = new MemoryObjectStore();
    await earlierLinks(lake);

    // Act
    const result = await snapshotIdentityMapIfDue(graph(), lake, {
      plaintextIdentifiers: false,
      now: today,
      rowsPerFile: 2,
    });

    // Assess: 5 identities in files of 2 → 3 snapshot files; 2026-11-20 is gone, the day before's and the
    // day's own files stay.
    const digest = createHash('sha256').update('bo@example.com').digest('hex');
    expect(result).toMatchObject({
      status: 'done',
      date: '2026-11-22',
      profiles: 2,
      linkRows: 5,
      deleted: 1,
    });
    expect(lake.keys('identity_links/')).toEqual([
      'identity_links/dt=2026-11-21/land-b1.parquet',
      'identity_links/dt=2026-11-22/land-b2.parquet',
      'identity_links/dt=2026-11-22/snapshot-20261122t001500000z-0000.parquet',
      'identity_links/dt=2026-11-22/snapshot-20261122t001500000z-0001.parquet',
      'identity_links/dt=2026-11-22/snapshot-20261122t001500000z-0002.parquet',
    ]);
    const snapshotRows = await rowsUnder(lake, identityLinksTable, 'identity_links/dt=2026-11-22/snapshot-');
    expect(links(snapshotRows)).toEqual([
      'anonymous_id:a1 → p1 @ 2026-11-20T08:00:00.000Z',
      'anonymous_id:a2 → p1 @ 2026-11-20T08:00:00.000Z',
      'anonymous_id:a3 → p3 @ 2026-11-21T09:00:00.000Z',
      `email_sha256:${digest} → p3 @ 2026-11-21T09:00:00.000Z`,
      'user_id:u1 → p1 @ 2026-11-20T08:00:00.000Z',
    ]);
  });

  it('derives the merges from the redirects, as landed files the compaction deduplicates', async () => {
    // Prepare
    const lake = new MemoryObjectStore();

    // Act
    await snapshotIdentityMapIfDue(graph(), lake, { plaintextIdentifiers: false, now: today });

    // Assess: p2's merge goes to the date it happened, with a pending marker.
    expect(lake.keys('identity_merges/')).toEqual([
      'identity_merges/dt=2026-11-20/land-snapshot-20261122t001500000z-0000.parquet',
    ]);
    expect(lake.keys('_compaction/pending/identity_merges/')).toHaveLength(1);
    expect(await rowsUnder(lake, identityMergesTable, 'identity_merges/')).toEqual([
      {
        merged_profile_id: 'p2',
        into_profile_id: 'p1',
        merged_at: new Date('2026-11-20T08:00:00Z'),
        message_id: null,
        schema_version: 2,
      },
    ]);
  });

  it('runs at most once per UTC day, and the next day derives only the merges since the last', async () => {
    // Prepare
    const lake = new MemoryObjectStore();
    const scanner = graph([redirect('p4', 'p3', '2026-11-22T18:00:00Z')]);
    await snapshotIdentityMapIfDue(scanner, lake, { plaintextIdentifiers: false, now: today });
    const afterFirst = lake.keys();

    // Act
    const later = await snapshotIdentityMapIfDue(scanner, lake, {
      plaintextIdentifiers: false,
      now: () => ms('2026-11-22T23:59:59Z'),
    });
    const nextDay = await snapshotIdentityMapIfDue(scanner, lake, {
      plaintextIdentifiers: false,
      now: () => ms('2026-11-23T00:15:00Z'),
    });

    // Assess
    expect(later).toEqual({ status: 'not-due', lastDate: '2026-11-22' });
    expect(nextDay).toMatchObject({ status: 'done', date: '2026-11-23', mergeRows: 1 });
    expect(scanner.scans).toBe(2);
    expect(afterFirst.filter((key) => key.startsWith('identity_links/dt=2026-11-22/snapshot-'))).toHaveLength(
      1,
    );
    // The day before's snapshot is kept one more day (the view takes the latest row per identifier).
    expect(
      lake.keys('identity_links/').every((key) => /^identity_links\/dt=2026-11-2[23]\/snapshot-/.test(key)),
    ).toBe(true);
  });

  it('deletes nothing and records no day when a file cannot be written', async () => {
    // Prepare
    const lake = new MemoryObjectStore();
    await earlierLinks(lake);
    const deletes: string[][] = [];
    lake.hooks.beforeDelete = (keys) => {
      deletes.push([...keys]);
    };
    lake.hooks.beforePut = failing((key: string) =>
      key.endsWith('snapshot-20261122t001500000z-0001.parquet'),
    );

    // Act
    const run = snapshotIdentityMapIfDue(graph(), lake, {
      plaintextIdentifiers: false,
      now: today,
      rowsPerFile: 2,
    });

    // Assess
    await expect(run).rejects.toThrow(/cannot write/);
    expect(deletes).toEqual([]);
    expect(lake.keys('identity_links/dt=2026-11-20/')).toHaveLength(1);
    expect(lake.keys('_identity_snapshot/')).toEqual([]);
  });

  it('keeps the day before: a batch planned before midnight may publish a newer state after the scan', async () => {
    // Prepare: the scan reads p1 with a1; a batch planned at 23:59:59 the day before commits a1 → p5 after
    // the scan and publishes its row into that day, after the snapshot's files.
    const lake = new MemoryObjectStore();
    const scanner = graph();
    const lateRow = {
      id_type: 'anonymous_id',
      id_value: 'a1',
      profile_id: 'p5',
      resolved_at: new Date('2026-11-21T23:59:59Z'),
      schema_version: 2,
    };
    const scan = scanner.scanProfiles.bind(scanner);
    scanner.scanProfiles = async function* () {
      yield* scan();
      await writeLandedFile(lake, identityLinksTable, '2026-11-21', [lateRow], 'late');
    };

    // Act
    const result = await snapshotIdentityMapIfDue(scanner, lake, { plaintextIdentifiers: false, now: today });

    // Assess: the row of the newer state is still there, and is the latest for a1.
    expect(result).toMatchObject({ status: 'done', deleted: 0 });
    expect(lake.keys('identity_links/dt=2026-11-21/')).toEqual([
      'identity_links/dt=2026-11-21/land-late.parquet',
    ]);
    const rows = await rowsUnder(lake, identityLinksTable, 'identity_links/');
    const latestA1 = rows
      .filter((row) => row.id_value === 'a1')
      .sort((a, b) => (b.resolved_at as Date).getTime() - (a.resolved_at as Date).getTime())[0];
    expect(latestA1?.profile_id).toBe('p5');
  });

  it('deletes the days before only once every snapshot file is written', async () => {
    // Prepare
    const lake = new MemoryObjectStore();
    await earlierLinks(lake);
    const writtenBeforeDelete: number[] = [];
    let snapshotFiles = 0;
    lake.hooks.beforePut = (key) => {
      if (key.startsWith('identity_links/') && key.includes('/snapshot-')) snapshotFiles += 1;
    };
    lake.hooks.beforeDelete = () => {
      writtenBeforeDelete.push(snapshotFiles);
    };

    // Act
    await snapshotIdentityMapIfDue(graph(), lake, {
      plaintextIdentifiers: false,
      now: today,
      rowsPerFile: 2,
    });

    // Assess
    expect(writtenBeforeDelete).toEqual([3]);
  });

  it('abandons a run that must stop, leaving the earlier days and no record of the day', async () => {
    // Prepare: asked after every 1,000 profiles; 1,000 more people than that.
    const lake = new MemoryObjectStore();
    await earlierLinks(lake);
    const many = Array.from({ length: 1_000 }, (_, i) =>
      live(`q${i}`, '2026-11-21T00:00:00Z', { anonymous_id: [`x${i}`] }),
    );

    // Act
    const result = await snapshotIdentityMapIfDue(graph(many), lake, {
      plaintextIdentifiers: false,
      now: today,
      shouldStop: () => true,
    });

    // Assess
    expect(result).toMatchObject({ status: 'stopped', date: '2026-11-22' });
    expect(lake.keys('identity_links/dt=2026-11-20/')).toHaveLength(1);
    expect(lake.keys('_identity_snapshot/')).toEqual([]);
  });

  it('publishes plain emails too when the setting says so', async () => {
    // Prepare
    const lake = new MemoryObjectStore();

    // Act
    await snapshotIdentityMapIfDue(graph(), lake, { plaintextIdentifiers: true, now: today });

    // Assess
    const rows = await rowsUnder(lake, identityLinksTable, 'identity_links/');
    expect(rows.filter((row) => String(row.id_type).startsWith('email')).map((row) => row.id_type)).toEqual([
      'email_sha256',
      'email',
    ]);
  });
});
