/** What the benchmark sends to its identity-resolution child process (identity-run.ts) and what it answers. */
import type { LatencyOptions, LatencyResult } from './identity-latency.ts';
import type { PacedOptions, PacedResult } from './identity-paced.ts';
import type { CapacityRun, CapacityScenario, ResolverLane } from './identity-throughput.ts';

export interface IdentityRunOptions {
  readonly localBatchingWindowSeconds: number | 'topology';
  readonly scenarios: readonly CapacityScenario[];
  /** Latency runs, in order: one the local stack keeps up with first, the target rate last. */
  readonly latency: readonly Omit<LatencyOptions, 'writeKey' | 'batchingWindowSeconds'>[];
  /** The resolve lane alone, paced in-process (identity-paced.ts). */
  readonly paced: readonly PacedOptions[];
}

export interface IdentityRunResult {
  /** The lanes' trigger settings the capacity runs were batched with. */
  readonly topology: readonly ResolverLane[];
  readonly capacity: readonly CapacityRun[];
  readonly latency: readonly LatencyResult[];
  readonly paced: readonly PacedResult[];
}

export type RunMessage =
  | { readonly ok: true; readonly result: IdentityRunResult }
  | { readonly ok: false; readonly error: string };
