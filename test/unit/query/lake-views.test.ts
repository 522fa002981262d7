import { TrinoSQL } from 'dt-sql-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckDbSqlEngine } from '../../../shared/adapters/duckdb-sql-engine.ts';
import { eventsTable, identityLinksTable } from '../../../shared/lake/schema.ts';
import { createViewSql, eventsStitchedView, identityMapView, lakeViews } from '../../../shared/lake/views.ts';
import { type LakeValue, type TempLake, tempLake, writeLakeObject } from './lake-fixture.ts';

type Row = Record<string, LakeValue>;

const page = (messageId: string, anonymousId: string, time: string, userId?: string): Row => ({
  message_id: messageId,
  type: userId === undefined ? 'page' : 'identify',
  anonymous_id: anonymousId,
  ...(userId === undefined ? {} : { user_id: userId }),
  timestamp: new Date(`2026-11-22T${time}Z`),
});

const link = (type: string, value: string, profileId: string, time: string): Row => ({
  id_type: type,
  id_value: value,
  profile_id: profileId,
  resolved_at: new Date(`2026-11-22T${time}Z`),
  schema_version: 2,
});

describe('the identity_map and events_stitched views on DuckDB', () => {
  let lake: TempLake;
  let engine: DuckDbSqlEngine | undefined;

  beforeEach(async () => {
    lake = await tempLake();
  });

  afterEach(async () => {
    await engine?.close();
    engine = undefined;
    await lake.remove();
  });

  const write = (table: typeof eventsTable, key: string, rows: Row[]) =>
    writeLakeObject(lake.lakeDir, table, key, rows);

  it('gives an anonymous session and the login that follows it one profile', async () => {
    // Prepare: three page views as a1, then the login of u1 on a1. Resolution published a1 → p1 after the
    // first batch, then the whole profile (a1 and u1) after the login.
    write(eventsTable, 'events/dt=2026-11-22/land-a.parquet', [
      page('m1', 'a1', '10:00:00'),
      page('m2', 'a1', '10:01:00'),
      page('m3', 'a1', '10:02:00'),
      page('m4', 'a1', '10:03:00', 'u1'),
    ]);
    write(identityLinksTable, 'identity_links/dt=2026-11-22/land-b1.parquet', [
      link('anonymous_id', 'a1', 'p1', '10:00:01'),
    ]);
    write(identityLinksTable, 'identity_links/dt=2026-11-22/land-b2.parquet', [
      link('anonymous_id', 'a1', 'p1', '10:03:01'),
      link('user_id', 'u1', 'p1', '10:03:01'),
    ]);
    engine = await DuckDbSqlEngine.open({ lakeDir: lake.lakeDir });

    // Act
    const result = await engine.query(
      'SELECT profile_id, count(*) AS events FROM events_stitched GROUP BY profile_id',
    );

    // Assess
    expect(result.rows).toEqual([{ profile_id: 'p1', events: 4 }]);
  });

  it('takes the latest row of an identifier: after a merge, the survivor', async () => {
    // Prepare: a1 was p2's until p2 was merged into p1 at 11:00; a later page view of a1 and an event of u1.
    write(eventsTable, 'events/dt=2026-11-22/land-a.parquet', [
      page('m1', 'a1', '10:00:00'),
      page('m2', 'a1', '12:00:00'),
      { ...page('m3', 'x', '12:00:00', 'u1'), anonymous_id: null },
    ]);
    write(identityLinksTable, 'identity_links/dt=2026-11-21/compact-1-0000.parquet', [
      link('anonymous_id', 'a1', 'p2', '10:00:01'),
    ]);
    write(identityLinksTable, 'identity_links/dt=2026-11-22/land-b.parquet', [
      link('anonymous_id', 'a1', 'p1', '11:00:00'),
      link('user_id', 'u1', 'p1', '11:00:00'),
    ]);
    engine = await DuckDbSqlEngine.open({ lakeDir: lake.lakeDir });

    // Act
    const stitched = await engine.query('SELECT message_id, profile_id FROM events_stitched ORDER BY 1');
    const map = await engine.query('SELECT * FROM identity_map ORDER BY id_type, id_value');

    // Assess
    expect(stitched.rows).toEqual([
      { message_id: 'm1', profile_id: 'p1' },
      { message_id: 'm2', profile_id: 'p1' },
      { message_id: 'm3', profile_id: 'p1' },
    ]);
    expect(map.rows).toEqual([
      { id_type: 'anonymous_id', id_value: 'a1', profile_id: 'p1', resolved_at: '2026-11-22T11:00:00.000Z' },
      { id_type: 'user_id', id_value: 'u1', profile_id: 'p1', resolved_at: '2026-11-22T11:00:00.000Z' },
    ]);
  });

  it('takes the smaller profile id of two rows at the same time', async () => {
    // Prepare
    write(identityLinksTable, 'identity_links/dt=2026-11-22/land-b.parquet', [
      link('anonymous_id', 'a1', 'p9', '11:00:00'),
      link('anonymous_id', 'a1', 'p1', '11:00:00'),
    ]);
    engine = await DuckDbSqlEngine.open({ lakeDir: lake.lakeDir });

    // Act
    const map = await engine.query('SELECT profile_id FROM identity_map');

    // Assess
    expect(map.rows).toEqual([{ profile_id: 'p1' }]);
  });

  it('counts an event resolution has not published yet as its user id, else its anonymous id', async () => {
    // Prepare: the user id is found with the spaces resolution trims away; a2 and u7 are not in the map.
    write(eventsTable, 'events/dt=2026-11-22/land-a.parquet', [
      page('m1', 'a1', '10:00:00', ' u1 '),
      page('m2', 'a2', '10:00:00'),
      page('m3', 'a2', '10:00:00', 'u7'),
    ]);
    write(identityLinksTable, 'identity_links/dt=2026-11-22/land-b.parquet', [
      link('user_id', 'u1', 'p1', '10:00:01'),
    ]);
    engine = await DuckDbSqlEngine.open({ lakeDir: lake.lakeDir });

    // Act
    const stitched = await engine.query('SELECT message_id, profile_id FROM events_stitched ORDER BY 1');

    // Assess
    expect(stitched.rows).toEqual([
      { message_id: 'm1', profile_id: 'p1' },
      { message_id: 'm2', profile_id: 'a2' },
      { message_id: 'm3', profile_id: 'u7' },
    ]);
  });

  it('has the columns its definition lists, which Glue records with the view', async () => {
    // Prepare
    engine = await DuckDbSqlEngine.open({ lakeDir: lake.lakeDir });

    // Act
    const stitched = await engine.query('SELECT * FROM events_stitched LIMIT 0');
    const map = await engine.query('SELECT * FROM identity_map LIMIT 0');

    // Assess
    expect(stitched.columns.map((column) => column.name)).toEqual(
      eventsStitchedView.columns.map((column) => column.name),
    );
    expect(map.columns.map((column) => [column.name, column.type])).toEqual([
      ['id_type', 'VARCHAR'],
      ['id_value', 'VARCHAR'],
      ['profile_id', 'VARCHAR'],
      ['resolved_at', 'TIMESTAMP'],
    ]);
    expect(createViewSql(identityMapView)).toMatch(/^CREATE OR REPLACE VIEW "identity_map" AS\nSELECT /);
  });
});

describe('the lake views on Athena', () => {
  it.each(lakeViews.map((view) => [view.name, view] as const))('%s is valid Trino SQL', (_name, view) => {
    // Act
    const errors = new TrinoSQL().validate(createViewSql(view));

    // Assess
    expect(errors).toEqual([]);
  });
});
