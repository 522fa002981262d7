/** Where a web event happened: the page's URL, path, host and referrer. */
import { objectAt, stringAt, withoutUndefined } from './json.ts';
import type { Enrichment, JsonObject, MessageType } from './model.ts';
import { hostnameOf, pathOf } from './url.ts';

export type PageInfo = NonNullable<Enrichment['page']>;

export interface PageSources {
  readonly type: MessageType;
  readonly context?: JsonObject | undefined;
  readonly properties?: JsonObject | undefined;
}

/**
 * The page fields from `context.page`, falling back for page calls to `properties.url/path/referrer` (where
 * analytics.js also puts them, and where older clients put them only). The path is derived from the URL when
 * absent; the host is the URL's lower-case host name. `undefined` when the event carries no page at all.
 *
 * @example pageInfo({ type: 'track', context: { page: { url: 'https://Shop.example/a?b=1' } } })
 *   // → { url: 'https://Shop.example/a?b=1', path: '/a', host: 'shop.example' }
 */
export function pageInfo({ type, context, properties }: PageSources): PageInfo | undefined {
  const page = objectAt(context, 'page');
  const fallback = type === 'page' ? properties : undefined;
  const url = stringAt(page, 'url') ?? stringAt(fallback, 'url');
  const info = withoutUndefined({
    url,
    path: stringAt(page, 'path') ?? stringAt(fallback, 'path') ?? pathOf(url),
    referrer: stringAt(page, 'referrer') ?? stringAt(fallback, 'referrer'),
    host: hostnameOf(url),
  });
  return Object.keys(info).length > 0 ? info : undefined;
}
