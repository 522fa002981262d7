/** Which browser origins may send with a source's write key. */
import type { Source } from '../ports.ts';
import { OriginNotAllowedError } from './errors.ts';

/**
 * Whether a request from `origin` may use the source. Requests without an Origin header are not made by a
 * browser page (server libraries, curl) and are not subject to the browser's same-origin policy, so they pass.
 * `*` allows every origin, including the opaque `null` origin of sandboxed frames and files.
 */
export function isOriginAllowed(source: Source, origin: string | undefined): boolean {
  if (origin === undefined) return true;
  if (source.allowedOrigins.includes('*')) return true;
  const requested = normaliseOrigin(origin);
  return source.allowedOrigins.some((allowed) => normaliseOrigin(allowed) === requested);
}

export function assertOriginAllowed(source: Source, origin: string | undefined): void {
  if (!isOriginAllowed(source, origin)) throw new OriginNotAllowedError(origin ?? '', source.name);
}

/** `https://Shop.example:443/` and `https://shop.example` are the same origin. */
function normaliseOrigin(origin: string): string {
  try {
    const url = new URL(origin);
    return url.origin === 'null' ? origin.trim().toLowerCase() : url.origin;
  } catch {
    return origin.trim().toLowerCase();
  }
}
