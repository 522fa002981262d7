/** Lenient URL reading: page URLs come from clients and are often relative, truncated or oddly encoded. */

/** The lower-case host name of an absolute URL; `undefined` when the URL is relative or unparseable. */
export function hostnameOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const hostname = new URL(url).hostname.toLowerCase();
    return hostname === '' ? undefined : hostname;
  } catch {
    return undefined;
  }
}

/** The path of a URL (absolute or relative), without query and fragment; `undefined` when there is none. */
export function pathOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).pathname;
  } catch {
    const path = url.split(/[?#]/)[0];
    return path?.startsWith('/') ? path : undefined;
  }
}

/**
 * The query parameters of a URL, absolute or relative, with names lower-cased (`UTM_Source` is still a UTM
 * parameter). The first occurrence of a name wins.
 */
export function queryOf(url: string | undefined): Map<string, string> {
  const parameters = new Map<string, string>();
  if (url === undefined) return parameters;
  const start = url.indexOf('?');
  if (start < 0) return parameters;
  const query = url.slice(start + 1).split('#')[0] ?? '';
  try {
    for (const [name, value] of new URLSearchParams(query)) {
      const key = name.toLowerCase();
      if (!parameters.has(key)) parameters.set(key, value);
    }
  } catch {
    // A malformed query carries no parameters we could trust.
  }
  return parameters;
}
