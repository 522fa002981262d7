/**
 * The benchmark's sections, in the order they run. A later section may read an earlier one's result
 * (`context.resultOf`). To add a section (identity resolution, analytics, scoring, …), write one module that
 * exports a `BenchSection` and list it here.
 */
import { analyticsBench } from './analytics.ts';
import { collectorThroughput } from './collector-throughput.ts';
import { costPerMillionEvents } from './cost-section.ts';
import { endToEnd } from './end-to-end.ts';
import { identityResolution } from './identity-resolution.ts';
import { importThroughput } from './import.ts';
import type { BenchSection } from './report.ts';
import { scoringBenchmark } from './scoring.ts';
import { scoringJobBench } from './scoring-job.ts';

export const benchSections: readonly BenchSection[] = [
  // First, while nothing else runs: it measures CPU time on one core.
  collectorThroughput,
  endToEnd,
  // Before the cost, which adds the resolve function's DynamoDB units and invocations when this ran.
  identityResolution,
  costPerMillionEvents,
  importThroughput,
  scoringBenchmark,
  scoringJobBench,
  analyticsBench,
];
