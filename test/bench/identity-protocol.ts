/** What the benchmark sends to its identity-resolution child process (identity-run.ts) and what it answers. */
import type { LatencyOptions, LatencyResult } from './identity-latency.ts';
import type { CapacityRun, CapacityScenario } from './identity-throughput.ts';

export interface IdentityRunOptions {
  readonly localBatchingWindowSeconds: number;
  readonly scenarios: readonly CapacityScenario[];
  /** Latency runs, in order: one the local stack keeps up with first, the target rate last. */
  readonly latency: readonly Omit<LatencyOptions, 'writeKey' | 'batchingWindowSeconds'>[];
}

export interface IdentityRunResult {
  /** The resolve trigger's settings the capacity runs were batched with. */
  readonly topology: { readonly batchSize: number; readonly windowSeconds: number };
  readonly capacity: readonly CapacityRun[];
  readonly latency: readonly LatencyResult[];
}

export type RunMessage =
  | { readonly ok: true; readonly result: IdentityRunResult }
  | { readonly ok: false; readonly error: string };
