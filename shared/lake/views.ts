/**
 * The lake's views, in one place and one SQL text that DuckDB (local mode, shared/adapters/duckdb-sql-engine.ts)
 * and Athena (Glue views, infra/constructs/lake-catalog.ts) both run: quoted identifiers, standard window
 * functions and joins only. Documented for analysts in docs/lake.md and docs/analytics.md.
 *
 * - `identity_map`: identifier → profile, the latest `identity_links` row per identifier.
 * - `events_stitched`: every event with the profile of its person (what the analyses read).
 */
import { eventsTable, identityLinksTable, type LakeColumnType } from './schema.ts';

export interface LakeViewColumn {
  readonly name: string;
  readonly type: LakeColumnType;
  readonly doc: string;
}

export interface LakeView {
  readonly name: string;
  readonly doc: string;
  /** The columns the query returns, in order: Glue records them with the view. */
  readonly columns: readonly LakeViewColumn[];
  /** The view's query (a SELECT), without `CREATE VIEW`. */
  readonly query: string;
}

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

const mapColumns: readonly LakeViewColumn[] = ['id_type', 'id_value', 'profile_id', 'resolved_at'].map(
  (name) => {
    const column = identityLinksTable.columns.find((candidate) => candidate.name === name);
    return { name, type: column?.type ?? 'string', doc: column?.doc ?? '' };
  },
);

/**
 * The latest row per identifier wins: a later `resolved_at`, and at equal times the smaller profile id (ids are
 * time-ordered, so the older profile: the one that survives a merge). Compaction keeps the same row
 * (shared/lake/compact.ts), and the daily snapshot keeps the table small.
 */
export const identityMapView: LakeView = {
  name: 'identity_map',
  doc: 'Identifier → profile: the latest identity_links row per (id_type, id_value).',
  columns: mapColumns,
  query: [
    `SELECT ${mapColumns.map((column) => quoted(column.name)).join(', ')}`,
    'FROM (',
    `  SELECT ${mapColumns.map((column) => quoted(column.name)).join(', ')},`,
    '    row_number() OVER (PARTITION BY "id_type", "id_value"',
    '      ORDER BY "resolved_at" DESC NULLS LAST, "profile_id" ASC NULLS LAST) AS "recency"',
    `  FROM ${quoted(identityLinksTable.name)}`,
    ') AS "ranked"',
    'WHERE "recency" = 1',
  ].join('\n'),
};

const eventColumns: readonly LakeViewColumn[] = [
  ...eventsTable.columns,
  { name: eventsTable.partition.name, type: 'string', doc: eventsTable.partition.doc },
];

/**
 * Each event's person: the profile of its user id, else the profile of its anonymous id (so the anonymous
 * browsing before a login counts for the person who logged in), else — an event resolution has not published
 * yet, or one without a usable identifier — the user id or anonymous id itself, so that it still counts as
 * someone. The ids are trimmed as resolution normalises them. The columns are listed, not `*`, so that the
 * view Glue records stays valid until the next deployment adds the new columns of `events`.
 */
export const eventsStitchedView: LakeView = {
  name: 'events_stitched',
  doc: 'Every event with profile_id: the person identity resolution says it belongs to.',
  columns: [
    ...eventColumns,
    { name: 'profile_id', type: 'string', doc: 'The profile of the person the event belongs to.' },
  ],
  query: [
    `SELECT ${eventColumns.map((column) => `"e".${quoted(column.name)}`).join(', ')},`,
    '  coalesce("by_user"."profile_id", "by_anonymous"."profile_id", "e"."user_id", "e"."anonymous_id")' +
      ' AS "profile_id"',
    `FROM ${quoted(eventsTable.name)} AS "e"`,
    `LEFT JOIN ${quoted(identityMapView.name)} AS "by_user"`,
    `  ON "by_user"."id_type" = 'user_id' AND "by_user"."id_value" = trim("e"."user_id")`,
    `LEFT JOIN ${quoted(identityMapView.name)} AS "by_anonymous"`,
    `  ON "by_anonymous"."id_type" = 'anonymous_id' AND "by_anonymous"."id_value" = trim("e"."anonymous_id")`,
  ].join('\n'),
};

/** Every view, each after the views it reads. */
export const lakeViews: readonly LakeView[] = [identityMapView, eventsStitchedView];

/** The statement that (re)defines a view, e.g. in DuckDB or with `npx cdp query --engine athena`. */
export function createViewSql(view: LakeView): string {
  return `CREATE OR REPLACE VIEW ${quoted(view.name)} AS\n${view.query}`;
}
