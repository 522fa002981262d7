/**
 * Lambda entry of the `resolve` function (infra/topology.ts): Kinesis `events` → the identity graph (links,
 * new profiles, merges) within seconds, and the identity map in the lake. Activity is the `activity`
 * function's.
 */
import { resolveHandlerFromEnv } from './wiring.ts';

export const handler = resolveHandlerFromEnv('resolve');
