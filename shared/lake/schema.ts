/**
 * The lake's table definitions: one source of truth for the Parquet writer, the Glue tables (CDK) and the
 * local DuckDB views. Documented for analysts in docs/lake.md. Bump `LAKE_SCHEMA_VERSION` on any change and
 * only ever add nullable columns, so old files stay readable.
 */

export const LAKE_SCHEMA_VERSION = 2;

/**
 * `json` columns hold a JSON text: Athena reaches in with `json_extract_scalar`, DuckDB casts them to JSON.
 * `double` is a 64-bit float (the scores' probabilities and money).
 */
export type LakeColumnType = 'string' | 'timestamp' | 'int' | 'double' | 'json';

export interface LakeColumn {
  readonly name: string;
  readonly type: LakeColumnType;
  readonly doc: string;
}

export interface LakeTable {
  readonly name: string;
  /** Key prefix in the lake bucket, ending in `/`; objects sit under `<prefix>dt=YYYY-MM-DD/`. */
  readonly prefix: string;
  readonly doc: string;
  readonly columns: readonly LakeColumn[];
  /** Hive-style partition column: the UTC date as `YYYY-MM-DD`. */
  readonly partition: { readonly name: 'dt'; readonly doc: string };
}

export const eventsTable: LakeTable = {
  name: 'events',
  prefix: 'events/',
  doc: 'Every valid event collected or imported, one row per messageId.',
  partition: { name: 'dt', doc: 'UTC date of `timestamp` (the corrected event time).' },
  columns: [
    { name: 'message_id', type: 'string', doc: 'Unique id of the message; duplicates are removed.' },
    { name: 'type', type: 'string', doc: 'track, identify, page, screen, group or alias.' },
    { name: 'event', type: 'string', doc: 'Event name of a track call.' },
    { name: 'name', type: 'string', doc: 'Page or screen name.' },
    { name: 'category', type: 'string', doc: 'Page category.' },
    { name: 'user_id', type: 'string', doc: 'Known user id.' },
    { name: 'anonymous_id', type: 'string', doc: 'Device or browser id.' },
    { name: 'group_id', type: 'string', doc: 'Group (account) id of a group call.' },
    { name: 'previous_id', type: 'string', doc: 'Previous id of an alias call.' },
    { name: 'timestamp', type: 'timestamp', doc: 'Event time corrected for the client clock, UTC.' },
    { name: 'original_timestamp', type: 'timestamp', doc: 'Event time by the client clock, UTC.' },
    { name: 'sent_at', type: 'timestamp', doc: 'When the client sent it, by the client clock, UTC.' },
    { name: 'received_at', type: 'timestamp', doc: 'When the collector received it, UTC.' },
    { name: 'source', type: 'string', doc: 'Name of the source (write key) that sent it.' },
    { name: 'channel', type: 'string', doc: "The source's channel: web, app, server, email, pos, …" },
    { name: 'marketing_channel', type: 'string', doc: 'Acquisition channel derived from UTM and referrer.' },
    { name: 'utm_source', type: 'string', doc: 'Campaign source.' },
    { name: 'utm_medium', type: 'string', doc: 'Campaign medium.' },
    { name: 'utm_campaign', type: 'string', doc: 'Campaign name.' },
    { name: 'utm_term', type: 'string', doc: 'Campaign term.' },
    { name: 'utm_content', type: 'string', doc: 'Campaign content.' },
    { name: 'page_url', type: 'string', doc: 'context.page.url.' },
    { name: 'page_path', type: 'string', doc: 'Path of the page URL.' },
    { name: 'page_referrer', type: 'string', doc: 'context.page.referrer.' },
    { name: 'ip', type: 'string', doc: 'Client IP after the privacy setting (truncated by default).' },
    { name: 'browser', type: 'string', doc: 'Browser parsed from the user agent.' },
    { name: 'os', type: 'string', doc: 'Operating system parsed from the user agent.' },
    { name: 'device_type', type: 'string', doc: 'desktop, mobile, tablet, … parsed from the user agent.' },
    { name: 'properties', type: 'json', doc: 'The properties object of track, page and screen calls.' },
    { name: 'traits', type: 'json', doc: 'The traits object of identify and group calls.' },
    { name: 'context', type: 'json', doc: 'The context object, with the enrichment applied.' },
    { name: 'integrations', type: 'json', doc: 'The integrations object.' },
    { name: 'schema_version', type: 'int', doc: 'Lake schema version the row was written with.' },
    {
      name: 'email_sha256',
      type: 'string',
      doc: "SHA-256 (hex) of the person's normalised email on the event; since schema version 2.",
    },
    {
      name: 'phone_sha256',
      type: 'string',
      doc: "SHA-256 (hex) of the person's phone number in E.164 on the event; since schema version 2.",
    },
  ],
};

export const quarantineTable: LakeTable = {
  name: 'quarantine',
  prefix: 'quarantine/',
  doc: 'Inputs that broke the spec, with the reason; nothing accepted is dropped.',
  partition: { name: 'dt', doc: 'UTC date of `received_at`.' },
  columns: [
    {
      name: 'message_id',
      type: 'string',
      doc: 'messageId of the input, or a digest of it when it had none.',
    },
    { name: 'reason', type: 'string', doc: 'What is wrong with it.' },
    { name: 'path', type: 'string', doc: 'Where in the request the problem is, e.g. batch[3].event.' },
    { name: 'raw', type: 'string', doc: 'The input as received.' },
    { name: 'received_at', type: 'timestamp', doc: 'When the collector received it, UTC.' },
    { name: 'source', type: 'string', doc: 'Name of the source that sent it.' },
    { name: 'channel', type: 'string', doc: "The source's channel." },
    { name: 'schema_version', type: 'int', doc: 'Lake schema version the row was written with.' },
  ],
};

/**
 * The identity map's change log (docs/identity.md): each row says that at `resolved_at` the identifier
 * belonged to the profile. Written by resolution after each batch and by the daily snapshot of the identity
 * graph; the `identity_map` view keeps the latest row per identifier.
 */
export const identityLinksTable: LakeTable = {
  name: 'identity_links',
  prefix: 'identity_links/',
  doc: 'Identifier → profile, as resolution saw it at `resolved_at`; the latest row per identifier holds.',
  partition: { name: 'dt', doc: 'UTC date of `resolved_at`.' },
  columns: [
    {
      name: 'id_type',
      type: 'string',
      doc: 'Identifier type: user_id, anonymous_id, device_id, …; email and phone as email_sha256 and phone_sha256.',
    },
    {
      name: 'id_value',
      type: 'string',
      doc: 'Normalised identifier value (a hex digest for *_sha256 types).',
    },
    { name: 'profile_id', type: 'string', doc: 'The canonical profile the identifier belonged to.' },
    { name: 'resolved_at', type: 'timestamp', doc: 'When resolution established it, UTC.' },
    { name: 'schema_version', type: 'int', doc: 'Lake schema version the row was written with.' },
  ],
};

/** Every merge of two profiles, for audit and for analysts following profile ids over time. */
export const identityMergesTable: LakeTable = {
  name: 'identity_merges',
  prefix: 'identity_merges/',
  doc: 'Profile merges: the merged profile now redirects to the surviving (older) one.',
  partition: { name: 'dt', doc: 'UTC date of `merged_at`.' },
  columns: [
    { name: 'merged_profile_id', type: 'string', doc: 'The profile that became a redirect.' },
    { name: 'into_profile_id', type: 'string', doc: 'The surviving profile.' },
    { name: 'merged_at', type: 'timestamp', doc: 'When the merge was committed, UTC.' },
    { name: 'message_id', type: 'string', doc: 'The event whose identifiers linked the two profiles.' },
    { name: 'schema_version', type: 'int', doc: 'Lake schema version the row was written with.' },
  ],
};

/**
 * The scoring job's output (docs/scoring.md#the-scoring-job): one row per scored person and run, so analysts see
 * score history and segment migration. A partition is one as-of date, written whole by the job; a re-run for
 * the same date replaces it (shared/scoring/job-lake.ts). Times in days, money in currency units.
 */
export const scoresTable: LakeTable = {
  name: 'scores',
  prefix: 'scores/',
  doc: 'Customer scores per as-of date: RFM, BG/NBD, CLV and churn risk, one row per person and date.',
  partition: { name: 'dt', doc: 'The as-of date of the run: scores as of the end of that UTC day.' },
  columns: [
    { name: 'profile_id', type: 'string', doc: 'The person (the profile_id of events_stitched).' },
    { name: 'run_id', type: 'string', doc: 'The run that wrote the row.' },
    { name: 'scored_at', type: 'timestamp', doc: 'When the run computed it, UTC.' },
    { name: 'frequency', type: 'int', doc: 'Repeat purchase occasions (x): purchase days after the first.' },
    { name: 'recency_days', type: 'int', doc: 'Days from the first to the last purchase day (t_x).' },
    { name: 'tenure_days', type: 'int', doc: 'Days from the first purchase day to the as-of date (T).' },
    { name: 'days_since_last', type: 'int', doc: 'Days from the last purchase day to the as-of date.' },
    { name: 'total_spend', type: 'double', doc: 'Money spent on all purchase occasions.' },
    {
      name: 'monetary',
      type: 'double',
      doc: 'Mean value of the repeat occasions (zbar), to cents; 0 without.',
    },
    { name: 'r_score', type: 'int', doc: 'RFM recency score 1–5 (5 = most recent).' },
    { name: 'f_score', type: 'int', doc: 'RFM frequency score 1–5.' },
    { name: 'm_score', type: 'int', doc: 'RFM monetary score 1–5 (on total spend).' },
    { name: 'rfm_segment', type: 'string', doc: 'Named RFM segment, e.g. Champions.' },
    {
      name: 'p_alive',
      type: 'double',
      doc: 'BG/NBD probability of still being a customer; NULL when not fitted.',
    },
    { name: 'expected_purchases', type: 'double', doc: 'BG/NBD expected purchases in the horizon.' },
    { name: 'p_no_purchase', type: 'double', doc: 'BG/NBD probability of no purchase in the horizon.' },
    { name: 'expected_order_value', type: 'double', doc: 'Gamma-Gamma expected value of a future purchase.' },
    { name: 'clv', type: 'double', doc: 'Discounted value of the horizon’s expected purchases.' },
    { name: 'churn_probability', type: 'double', doc: 'Probability of no purchase in the horizon.' },
    { name: 'churn_risk', type: 'string', doc: 'low, medium or high.' },
    {
      name: 'churn_model',
      type: 'string',
      doc: 'What gave churn_probability: logistic (out of time), else bgnbd (its P(no purchase)).',
    },
    { name: 'horizon', type: 'string', doc: 'The horizon of the predictions, e.g. 39w.' },
    { name: 'features', type: 'json', doc: 'Behavioural features of the person (sessions, email, app, …).' },
    {
      name: 'models',
      type: 'json',
      doc: 'The run’s fitted model parameters, the same on every row of a run.',
    },
    { name: 'schema_version', type: 'int', doc: 'Lake schema version the row was written with.' },
  ],
};

export const lakeTables = [
  eventsTable,
  quarantineTable,
  identityLinksTable,
  identityMergesTable,
  scoresTable,
] as const;
