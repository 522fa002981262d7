/** Finding the write key of a request and the source it belongs to. */
import { Buffer } from 'node:buffer';
import { isJsonObject } from '../events/json.ts';
import type { Source, SourceRegistry } from '../ports.ts';
import { UnauthorizedError } from './errors.ts';

/**
 * The write key in an `Authorization: Basic` header: the username, as analytics-node sends it
 * (`base64(writeKey + ':')`). The password is ignored: Segment's clients leave it empty, some send anything.
 */
export function writeKeyFromAuthorization(header: string | undefined): string | undefined {
  const match = /^\s*basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const credentials = Buffer.from(match[1], 'base64').toString('utf8');
  const separator = credentials.indexOf(':');
  const username = separator < 0 ? credentials : credentials.slice(0, separator);
  return username === '' ? undefined : username;
}

/** The `writeKey` field of a body, where analytics.js (browser) puts it. */
export function writeKeyFromBody(body: unknown): string | undefined {
  if (!isJsonObject(body)) return undefined;
  const key = body.writeKey;
  return typeof key === 'string' && key !== '' ? key : undefined;
}

// DynamoDB rejects empty and over-long keys with an error; such keys can only be unknown, so no lookup is made.
const plausibleWriteKey = /^[\x21-\x7e]{1,256}$/;

/**
 * The source of a write key. The Basic-auth key wins when a request carries both, since the header is what the
 * server libraries authenticate with.
 */
export async function sourceOfWriteKey(
  sources: SourceRegistry,
  writeKey: string | undefined,
): Promise<Source> {
  if (writeKey === undefined) {
    throw new UnauthorizedError(
      'no write key: send it as the Basic auth username or as writeKey in the body',
    );
  }
  const source = plausibleWriteKey.test(writeKey) ? await sources.byWriteKey(writeKey) : undefined;
  if (source === undefined) throw new UnauthorizedError('unknown write key');
  return source;
}
