/** UTM campaign parameters, from the client's `context.campaign` or from the page URL. */
import { withoutUndefined } from './json.ts';
import type { Enrichment, Json, JsonObject } from './model.ts';
import { queryOf } from './url.ts';

export type Campaign = NonNullable<Enrichment['campaign']>;

const campaignFields = ['source', 'medium', 'name', 'term', 'content'] as const;

/** Segment's names for the UTM parameters: `utm_campaign` becomes `name`, the others lose their prefix. */
const utmParameters = {
  utm_source: 'source',
  utm_medium: 'medium',
  utm_campaign: 'name',
  utm_term: 'term',
  utm_content: 'content',
} as const satisfies Record<string, (typeof campaignFields)[number]>;

/**
 * The campaign a client reported in `context.campaign` (analytics.js fills it from the page's UTM parameters).
 * Numbers are kept as strings; other value types and empty strings are ignored. `undefined` when nothing is left.
 */
export function campaignFromContext(campaign: JsonObject | undefined): Campaign | undefined {
  if (campaign === undefined) return undefined;
  const fields = Object.fromEntries(campaignFields.map((field) => [field, textOf(campaign[field])]));
  return nonEmpty(withoutUndefined(fields));
}

/**
 * The UTM parameters of a URL, named as Segment names them.
 *
 * @example campaignFromUrl('https://shop.example/?utm_source=news&utm_campaign=spring')
 *   // → { source: 'news', name: 'spring' }
 */
export function campaignFromUrl(url: string | undefined): Campaign | undefined {
  const query = queryOf(url);
  const fields: Record<string, string> = {};
  for (const [parameter, field] of Object.entries(utmParameters)) {
    const value = query.get(parameter);
    if (value !== undefined && value !== '') fields[field] = value;
  }
  return nonEmpty(fields);
}

function textOf(value: Json | undefined): string | undefined {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function nonEmpty(fields: Record<string, string | undefined>): Campaign | undefined {
  return Object.keys(fields).length > 0 ? (fields as Campaign) : undefined;
}
