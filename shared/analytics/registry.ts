/**
 * The named analyses: each is one SQL file under `sql/` (Athena's dialect, run unchanged by DuckDB through the
 * shim in `shared/lake/athena-dialect.ts`) with its declared parameters, registered here and nowhere else.
 * `cdp query <name>` runs one; docs/analytics.md describes each with its output.
 *
 * Every analysis reads `events_stitched` (the events with their `profile_id`) and filters on the `dt`
 * partitions, so Athena reads only the days asked for.
 */
import type { QueryResult } from '../ports.ts';
import { AnalysisResultError } from './errors.ts';
import { associationRules, type Basket } from './frequent-itemsets.ts';
import {
  type AnalysisParameter,
  addDays,
  type Bindable,
  type DateParameter,
  type IntegerParameter,
  type ParameterValues,
} from './parameters.ts';

/** Which picture `--format html` draws. */
export type ChartKind =
  | 'sessions'
  | 'paths'
  | 'funnel'
  | 'retention'
  | 'rules'
  | 'attribution'
  | 'preferences'
  | 'kpis'
  | 'not_bought'
  | 'sequences';

export interface Analysis {
  readonly name: string;
  readonly title: string;
  /** A few sentences for `--list` and the html page: what it answers and how to read the rows. */
  readonly description: string;
  /** Under `shared/analytics/sql/`. */
  readonly sqlFile: string;
  readonly parameters: readonly AnalysisParameter[];
  /** Placeholder values computed from the parameters (e.g. the last day to read), still bound, never spliced. */
  readonly derived?: (values: ParameterValues) => Readonly<Record<string, Bindable>>;
  /** A problem across parameters (e.g. `from` after `to`), as a message; undefined when there is none. */
  readonly check?: (values: ParameterValues) => string | undefined;
  /** The in-process step after the SQL: turns the engine's rows into the analysis's rows. */
  readonly finish?: (result: QueryResult, values: ParameterValues) => QueryResult;
  readonly chart: ChartKind;
}

const from = (daysBeforeToday: number, of = 'the events read'): DateParameter => ({
  name: 'from',
  kind: 'date',
  default: { daysBeforeToday },
  description: `first day (UTC) of ${of}, YYYY-MM-DD`,
});

const until = (of: string): DateParameter => ({
  name: 'to',
  kind: 'date',
  default: { daysBeforeToday: 0 },
  description: `last day (UTC) of ${of}, inclusive`,
});

const to = until('the events read');

const timeoutMinutes: IntegerParameter = {
  name: 'timeout_minutes',
  kind: 'integer',
  min: 1,
  max: 1440,
  default: 30,
  description: 'minutes without an event after which a session ends',
};

const dateOrder = (values: ParameterValues): string | undefined =>
  String(values.from) > String(values.to) ? `from (${values.from}) is after to (${values.to})` : undefined;

/** The days `activity.sql` reads: the analysis's own range. */
const scanRange = (values: ParameterValues) => ({
  scan_from: String(values.from),
  scan_to: String(values.to),
});

export const sessionsAnalysis: Analysis = {
  name: 'sessions',
  title: 'Sessions',
  description:
    'Sessions per day, week or month: a session ends after timeout_minutes without an event, and a new one ' +
    'starts when an event brings a different campaign (UTM source/medium/campaign). Rows: sessions, profiles, ' +
    'average and median duration (first to last event), pages and events per session, bounces (one-event ' +
    'sessions) and bounce rate.',
  sqlFile: 'sessions.sql',
  parameters: [
    from(29),
    to,
    timeoutMinutes,
    {
      name: 'grain',
      kind: 'enum',
      values: ['day', 'week', 'month'],
      default: 'day',
      description: 'period the sessions are counted by (of their start)',
    },
  ],
  derived: scanRange,
  check: dateOrder,
  chart: 'sessions',
};

export const pathsAnalysis: Analysis = {
  name: 'paths',
  title: 'Paths',
  description:
    'The most common paths of up to `steps` steps (track events by name, pages and screens by name or path) ' +
    'within a session, starting at the first `anchor` of the session (direction after) or ending at its last ' +
    '(before); without an anchor, from the session start or to its end. Rows of kind path (depth 0) and kind ' +
    'transition (depth d: the edge between the d-th and next step from the anchor, in time order; to_step ' +
    'NULL = the session ended there, the drop-off; from_step NULL = it began there). share: of all anchored ' +
    'sessions for a path, of the sessions at the node nearer the anchor for an edge.',
  sqlFile: 'paths.sql',
  parameters: [
    from(29),
    to,
    {
      name: 'anchor',
      kind: 'string',
      default: null,
      description: 'the step paths start from or end at: an event, page or screen name, or a page path',
    },
    {
      name: 'direction',
      kind: 'enum',
      values: ['after', 'before'],
      default: 'after',
      description: 'after: paths starting at the anchor; before: paths ending at it',
    },
    {
      name: 'steps',
      kind: 'integer',
      min: 2,
      max: 10,
      default: 5,
      description: 'steps per path, the anchor included',
    },
    {
      name: 'collapse_repeats',
      kind: 'boolean',
      default: true,
      description: 'count a step repeated back to back (a reload) once',
    },
    {
      name: 'top',
      kind: 'integer',
      min: 1,
      max: 1000,
      default: 20,
      description: 'paths, and transitions per depth, to return (the most common)',
    },
    timeoutMinutes,
  ],
  derived: scanRange,
  check: dateOrder,
  chart: 'paths',
};

const maxFunnelSteps = 10;

export const funnelAnalysis: Analysis = {
  name: 'funnel',
  title: 'Funnel',
  description:
    'Of the profiles that did the first step between from and to, how many did each next step in order ' +
    'within window_days of their entry (their first first-step in the range; later steps are read up to ' +
    'window_days after to). strict: each step must be the very next event; non_strict: other events may come ' +
    'between. Rows per segment of the breakdown and step: profiles, conversion from the start and from the ' +
    'previous step, profiles dropped since the previous step, median seconds from the previous step.',
  sqlFile: 'funnel.sql',
  parameters: [
    from(29, 'the entries'),
    until('the entries'),
    {
      name: 'steps',
      kind: 'strings',
      minItems: 2,
      maxItems: maxFunnelSteps,
      // The e-commerce spec's purchase funnel, so the analysis runs on a shop's data without any parameter.
      default: ['Product Viewed', 'Product Added', 'Checkout Started', 'Order Completed'],
      description: 'the steps in order: event names, page or screen names, or page paths',
    },
    {
      name: 'window_days',
      kind: 'integer',
      min: 1,
      max: 365,
      default: 14,
      description: 'days from the entry within which every step must happen',
    },
    {
      name: 'ordering',
      kind: 'enum',
      values: ['non_strict', 'strict'],
      default: 'non_strict',
      description: 'strict: no other event between two steps; non_strict: other events allowed',
    },
    {
      name: 'breakdown',
      kind: 'enum',
      values: ['none', 'marketing_channel', 'utm_source', 'utm_campaign', 'channel', 'source', 'device_type'],
      default: 'none',
      description: "segment profiles by this column of their entry event ('(not set)' when empty)",
    },
  ],
  derived: (values) => ({
    scan_from: String(values.from),
    scan_to: addDays(String(values.to), Number(values.window_days)),
  }),
  check: dateOrder,
  chart: 'funnel',
};

export const retentionAnalysis: Analysis = {
  name: 'retention',
  title: 'Retention',
  description:
    'Cohorts of profiles by the week or month of their first cohort_event in the range (any activity: first ' +
    'seen; Order Completed: first order), and per period since (0 = the cohort period) how many did ' +
    'return_event (any activity when not given) at or after their cohort event. Rows: cohort (its first ' +
    'day), cohort_size, period, profiles, retention = profiles / cohort_size; a period without returns has ' +
    'no row. Only from..to is read, so start from at the beginning of your data for true first-seen cohorts.',
  sqlFile: 'retention.sql',
  parameters: [
    from(89),
    to,
    {
      name: 'grain',
      kind: 'enum',
      values: ['week', 'month'],
      default: 'week',
      description: 'cohort and period length (weeks start on Monday)',
    },
    {
      name: 'cohort_event',
      kind: 'string',
      default: null,
      description: 'the step that puts a profile in a cohort (default: any activity, i.e. first seen)',
    },
    {
      name: 'return_event',
      kind: 'string',
      default: null,
      description: 'the step that counts as a return (default: any activity)',
    },
    {
      name: 'periods',
      kind: 'integer',
      min: 1,
      max: 104,
      default: 12,
      description: 'periods after the cohort period to report, the cohort period included',
    },
  ],
  derived: scanRange,
  check: dateOrder,
  chart: 'retention',
};

export const associationAnalysis: Analysis = {
  name: 'association',
  title: 'Association rules (market basket)',
  description:
    'Rules X => Y between the items bought together: one transaction per order (Order Completed events ' +
    'with the same properties.order_id, else the messageId), its items the `item` values of ' +
    'properties.products[]. Exact classic Apriori results (by FP-growth, in process, over the baskets the SQL ' +
    'builds): an itemset of any length is frequent when count >= ceil(min_support x N) of the N transactions ' +
    'hold it; rules have one consequent. Rows: antecedent, consequent, size (items in X and Y), transactions ' +
    '(holding X and Y), support, confidence, lift, leverage, conviction; by lift, then confidence.',
  sqlFile: 'association.sql',
  parameters: [
    from(29),
    to,
    {
      name: 'item',
      kind: 'enum',
      values: ['product_id', 'sku', 'name', 'category'],
      default: 'product_id',
      description: 'the line item field that names an item',
    },
    {
      name: 'min_support',
      kind: 'number',
      min: 0,
      minExclusive: true,
      max: 1,
      default: 0.01,
      description: 'least share of all transactions an itemset must be in',
    },
    {
      name: 'min_confidence',
      kind: 'number',
      min: 0,
      max: 1,
      default: 0.2,
      inProcess: true,
      description: 'least confidence of a rule: transactions with X and Y / transactions with X',
    },
    {
      name: 'min_lift',
      kind: 'number',
      min: 0,
      max: 1_000_000,
      default: 1,
      inProcess: true,
      description: 'least lift of a rule (0 for the classic definition, which has no lift threshold)',
    },
    {
      name: 'min_length',
      kind: 'integer',
      min: 1,
      max: 100,
      default: 2,
      inProcess: true,
      description: 'fewest items in X and Y together (1 also gives rules with an empty X)',
    },
    {
      name: 'max_length',
      kind: 'integer',
      min: 1,
      max: 100,
      default: 10,
      inProcess: true,
      description: 'most items in X and Y together',
    },
    {
      name: 'max_rules',
      kind: 'integer',
      min: 1,
      max: 1_000_000,
      default: 1000,
      inProcess: true,
      description: 'rules to return, the first by lift, then confidence',
    },
  ],
  check: (values) =>
    dateOrder(values) ??
    (Number(values.min_length) > Number(values.max_length)
      ? `min_length (${values.min_length}) is above max_length (${values.max_length})`
      : undefined),
  finish: minedRules,
  chart: 'rules',
};

export const attributionAnalysis: Analysis = {
  name: 'attribution',
  title: 'Attribution',
  description:
    'Credit for the conversions (conversion_event between from and to) among the touchpoints before them: ' +
    'the session starts of the converting profile within lookback_days, labelled by the `by` column of ' +
    'their first event. Five models: first_touch, last_touch, linear, position_based (40/20/40) and ' +
    'time_decay (half-life half_life_days). Rows per model and channel: conversions and revenue ' +
    '(properties.revenue) credited, and the share of the conversions.',
  sqlFile: 'attribution.sql',
  parameters: [
    from(29, 'the conversions'),
    until('the conversions'),
    {
      name: 'conversion_event',
      kind: 'string',
      default: 'Order Completed',
      description: 'the step that is a conversion',
    },
    {
      name: 'lookback_days',
      kind: 'integer',
      min: 1,
      max: 365,
      default: 30,
      description: 'days before a conversion whose touchpoints share its credit',
    },
    {
      name: 'by',
      kind: 'enum',
      values: ['marketing_channel', 'utm_source', 'utm_campaign', 'source', 'channel'],
      default: 'marketing_channel',
      description:
        "what names a touchpoint: this column of the session's first event ('(not set)' when empty)",
    },
    {
      name: 'half_life_days',
      kind: 'number',
      min: 0,
      minExclusive: true,
      max: 365,
      default: 7,
      description: 'time_decay: a touchpoint this many days older gets half the credit',
    },
    timeoutMinutes,
  ],
  derived: (values) => ({
    scan_from: addDays(String(values.from), -Number(values.lookback_days)),
    scan_to: String(values.to),
  }),
  check: dateOrder,
  chart: 'attribution',
};

const lineItem: AnalysisParameter = {
  name: 'item',
  kind: 'enum',
  values: ['product_id', 'sku', 'name', 'category'],
  default: 'product_id',
  description: 'the product field that names an item',
};

const windowDays = (description: string, defaultDays: number): IntegerParameter => ({
  name: 'window_days',
  kind: 'integer',
  min: 1,
  max: 365,
  default: defaultDays,
  description,
});

const top = (defaultTop: number, max: number, description: string): IntegerParameter => ({
  name: 'top',
  kind: 'integer',
  min: 1,
  max,
  default: defaultTop,
  description,
});

/** A trait name becomes a JSON path (`$.<trait>`) at run time: a plain key reads the same in both engines. */
const traitName = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const preferencesAnalysis: Analysis = {
  name: 'preferences',
  title: 'Preferences',
  description:
    "Each person's affinity to categories, brands or channels (dimension): views (Product Viewed, weight 1) " +
    'and orders (Order Completed, each distinct value of its products once, weight purchase_weight), each ' +
    "weighted 2^(-age / half_life_days) with age to the end of to; the affinity is the value's share of the " +
    "person's weighted interactions. Per segment (segment_by: none, first-touch marketing channel or UTM " +
    'source, or a trait): the mean affinity of its people. Rows: the top values per segment (per segment) or ' +
    'per person (per profile): segment, profile_id, ranking, value, affinity, profiles (with the value), ' +
    'segment_profiles, views, purchases.',
  sqlFile: 'preferences.sql',
  parameters: [
    from(29),
    to,
    {
      name: 'dimension',
      kind: 'enum',
      values: ['category', 'brand', 'channel'],
      default: 'category',
      description: "what a preference is for: the product's category or brand, or the event's channel",
    },
    {
      name: 'half_life_days',
      kind: 'number',
      min: 0,
      minExclusive: true,
      max: 3650,
      default: 30,
      description: 'an interaction this many days older than the end of `to` weighs half as much',
    },
    {
      name: 'purchase_weight',
      kind: 'number',
      min: 0,
      max: 1000,
      default: 5,
      description: 'weight of a purchase, a view weighing 1',
    },
    {
      name: 'segment_by',
      kind: 'enum',
      values: ['none', 'first_marketing_channel', 'first_utm_source', 'trait'],
      default: 'none',
      description: "what groups people: their first activity's marketing channel or UTM source, or a trait",
    },
    {
      name: 'trait',
      kind: 'string',
      default: null,
      description: 'segment_by trait: the trait (a plain key) whose latest identify value is the segment',
    },
    {
      name: 'per',
      kind: 'enum',
      values: ['segment', 'profile'],
      default: 'segment',
      description: 'rows per segment (mean affinity of its people) or per person',
    },
    top(5, 100, 'values per segment or person, the highest affinities'),
  ],
  derived: (values) => ({ as_of: addDays(String(values.to), 1) }),
  check: (values) => {
    const problem = dateOrder(values);
    if (problem !== undefined) return problem;
    const trait = values.trait === null ? null : String(values.trait);
    if (values.segment_by === 'trait' && trait === null) return 'segment_by trait needs a trait';
    if (trait !== null && !traitName.test(trait))
      return `trait must be a plain key (letters, digits, _), not ${JSON.stringify(trait)}`;
    return undefined;
  },
  chart: 'preferences',
};

export const channelKpisAnalysis: Analysis = {
  name: 'channel_kpis',
  title: 'Channel KPIs',
  description:
    'Per channel (by) and overall, for from..to, over the people active on the channel: conversion_rate = ' +
    'customers (a conversion_event on any channel) / active_profiles; repeat_purchase_rate = customers with ' +
    '2 orders or more / customers; retention_rate = customers of the previous period (as many days just ' +
    'before from) active on the channel then who are customers again / those previous customers; ' +
    'churn_rate = 1 - retention_rate. The row (all) counts each person once.',
  sqlFile: 'channel_kpis.sql',
  parameters: [
    from(29, 'the period'),
    until('the period'),
    {
      name: 'by',
      kind: 'enum',
      values: ['channel', 'marketing_channel', 'source', 'device_type'],
      default: 'channel',
      description: "the event column that names a channel ('(not set)' when empty)",
    },
    {
      name: 'conversion_event',
      kind: 'string',
      default: 'Order Completed',
      description: 'the track event that is a conversion (an order)',
    },
  ],
  derived: (values) => {
    const days = daysBetween(String(values.from), String(values.to)) + 1;
    return { previous_from: addDays(String(values.from), -days) };
  },
  check: dateOrder,
  chart: 'kpis',
};

export const viewedNotBoughtAnalysis: Analysis = {
  name: 'viewed_not_bought',
  title: 'Viewed, not bought',
  description:
    'Per item: the people who viewed it (Product Viewed) between from and to, and how many bought it (an ' +
    'Order Completed with it among its products) at or after one of those views, within window_days. Rows: ' +
    'the top items by viewers who did not buy: item, views, viewers, buyers, viewed_not_bought, ' +
    'not_bought_rate = viewed_not_bought / viewers.',
  sqlFile: 'viewed_not_bought.sql',
  parameters: [
    from(29, 'the views'),
    until('the views'),
    lineItem,
    windowDays('days after a view within which a purchase of the item counts', 7),
    top(50, 10_000, 'items to return, the most viewers who did not buy first'),
  ],
  derived: (values) => ({ scan_to: addDays(String(values.to), Number(values.window_days)) }),
  check: dateOrder,
  chart: 'not_bought',
};

export const searchedNotBoughtAnalysis: Analysis = {
  name: 'searched_not_bought',
  title: 'Searched, not bought',
  description:
    'Per search term (Products Searched, its query lower-cased): the people who searched it ' +
    'between from and to, and how many completed an order (any Order Completed: a search names no product) at ' +
    'or after one of those searches, within window_days. Rows: the top terms by searchers who did not buy: ' +
    'term, searches, searchers, buyers, searched_not_bought, not_bought_rate = searched_not_bought / searchers.',
  sqlFile: 'searched_not_bought.sql',
  parameters: [
    from(29, 'the searches'),
    until('the searches'),
    windowDays('days after a search within which an order counts', 7),
    top(50, 10_000, 'search terms to return, the most searchers who did not buy first'),
  ],
  derived: (values) => ({ scan_to: addDays(String(values.to), Number(values.window_days)) }),
  check: dateOrder,
  chart: 'not_bought',
};

export const purchaseSequencesAnalysis: Analysis = {
  name: 'purchase_sequences',
  title: 'Purchase sequences',
  description:
    'Pairs "bought X, then Y within window_days" over people: N = people with a purchase between from and ' +
    'to; support = people who bought X in the range and then Y (another item, later) within window_days / ' +
    'N; confidence = those / people who bought X in the range; lift = confidence / (people who bought Y in ' +
    'the range / N). Rows: antecedent, consequent, people, antecedent_people, consequent_people, buyers, ' +
    'support, confidence, lift; the most people first.',
  sqlFile: 'purchase_sequences.sql',
  parameters: [
    from(29, 'the first purchases'),
    until('the first purchases'),
    lineItem,
    windowDays('days after a purchase of X within which Y must follow', 30),
    {
      name: 'min_people',
      kind: 'integer',
      min: 1,
      max: 1_000_000,
      default: 2,
      description: 'fewest people who bought X then Y for a pair to be returned',
    },
    top(100, 10_000, 'pairs to return, the most people first'),
  ],
  derived: (values) => ({ scan_to: addDays(String(values.to), Number(values.window_days)) }),
  check: dateOrder,
  chart: 'sequences',
};

/** Every registered analysis, in the order `--list` shows them. */
export const analyses: readonly Analysis[] = [
  sessionsAnalysis,
  pathsAnalysis,
  funnelAnalysis,
  retentionAnalysis,
  associationAnalysis,
  attributionAnalysis,
  preferencesAnalysis,
  channelKpisAnalysis,
  viewedNotBoughtAnalysis,
  searchedNotBoughtAnalysis,
  purchaseSequencesAnalysis,
];

export function findAnalysis(name: string): Analysis | undefined {
  return analyses.find((analysis) => analysis.name === name);
}

/** The association's in-process half: the SQL's distinct baskets → the rules. */
function minedRules(result: QueryResult, values: ParameterValues): QueryResult {
  const baskets: Basket[] = [];
  let transactions = 0;
  let minCount = 0;
  for (const row of result.rows) {
    const items = parseBasket(row.basket);
    const count = Number(row.baskets);
    transactions = Number(row.transactions);
    minCount = Number(row.min_count);
    if (
      !Number.isSafeInteger(count) ||
      !Number.isSafeInteger(transactions) ||
      !Number.isSafeInteger(minCount)
    ) {
      throw new AnalysisResultError(`association: a basket row without counts: ${JSON.stringify(row)}`);
    }
    baskets.push({ items, count });
  }
  const rules =
    baskets.length === 0
      ? []
      : associationRules(baskets, {
          transactions,
          minCount,
          minConfidence: Number(values.min_confidence),
          minLift: Number(values.min_lift),
          minLength: Number(values.min_length),
          maxLength: Number(values.max_length),
        });
  return {
    columns: [
      { name: 'antecedent', type: 'array(varchar)' },
      { name: 'consequent', type: 'varchar' },
      { name: 'size', type: 'integer' },
      { name: 'transactions', type: 'bigint' },
      { name: 'support', type: 'double' },
      { name: 'confidence', type: 'double' },
      { name: 'lift', type: 'double' },
      { name: 'leverage', type: 'double' },
      { name: 'conviction', type: 'double' },
    ],
    rows: rules.slice(0, Number(values.max_rules)).map((rule) => ({
      antecedent: rule.antecedent,
      consequent: rule.consequent,
      size: rule.size,
      transactions: rule.count,
      support: rule.support,
      confidence: rule.confidence,
      lift: rule.lift,
      leverage: rule.leverage,
      // Like every engine result (shared/lake/result-values.ts): JSON has no Infinity, so it is text.
      conviction: Number.isFinite(rule.conviction) ? rule.conviction : String(rule.conviction),
    })),
    stats: result.stats,
  };
}

/** Whole days from one `YYYY-MM-DD` to another. */
function daysBetween(first: string, last: string): number {
  return Math.round((Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / 86_400_000);
}

function parseBasket(value: unknown): string[] {
  const fail = (cause?: unknown): never => {
    throw new AnalysisResultError(`association: a basket is not a JSON array of items: ${String(value)}`, {
      cause,
    });
  };
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch (error) {
      fail(error);
    }
  }
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) fail();
  return parsed as string[];
}
