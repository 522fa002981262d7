/**
 * Lambda entry of the `activity` function (infra/topology.ts): Kinesis `events` → each person's traits,
 * activity, counters, orders, consent and recent events, one profile write per person per window of minutes.
 * It resolves as `resolve` does (functions/resolve/wiring.ts), so it also links what that lane has not yet.
 */
import { resolveHandlerFromEnv } from '../resolve/wiring.ts';

export const handler = resolveHandlerFromEnv('activity');
