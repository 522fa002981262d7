/**
 * The two times an erasure's lake pass depends on, from the functions' environment (both optional): how long
 * the land function trusts its copy of the suppression list, and how long after an erasure began the lake
 * pass waits so that no copy older than the erasure is still in use.
 */
import { ConfigurationError } from '../errors.ts';

export const SUPPRESSION_CACHE_ENV = 'CDP_SUPPRESSION_CACHE_SECONDS';
export const ERASURE_LAKE_DELAY_ENV = 'CDP_ERASURE_LAKE_DELAY_SECONDS';

/** @default 60 s */
export function suppressionCacheMs(env: NodeJS.ProcessEnv = process.env): number {
  return seconds(env, SUPPRESSION_CACHE_ENV, 60) * 1000;
}

/**
 * By default the land function's cache time, plus its timeout (a batch screened with an old copy may still be
 * landing that long), plus a minute to spare.
 *
 * @example erasureLakeDelayMs({}, 120) // (60 + 120 + 60) * 1000
 */
export function erasureLakeDelayMs(landTimeoutSeconds: number, env: NodeJS.ProcessEnv = process.env): number {
  const fallback = suppressionCacheMs(env) / 1000 + landTimeoutSeconds + 60;
  return seconds(env, ERASURE_LAKE_DELAY_ENV, fallback) * 1000;
}

function seconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) {
    throw new ConfigurationError(`${name} must be a number of seconds, not "${text}"`);
  }
  return value;
}
