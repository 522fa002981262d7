/** The local stand-in for EventBridge Scheduler: runs each scheduled function at its rate, never overlapping. */
import type { Context } from 'aws-lambda';
import type { ScheduleTrigger } from '../topology.ts';
import { functionIdentity, invokeWithTimeout, lambdaContext } from './lambda-invoke.ts';

export type ScheduledHandler = (event: { time: string }, context: Context) => Promise<unknown>;

export interface ScheduledFunction {
  readonly functionName: string;
  readonly trigger: ScheduleTrigger;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly handler: ScheduledHandler;
}

const unitMs = {
  minute: 60_000,
  minutes: 60_000,
  hour: 3_600_000,
  hours: 3_600_000,
  day: 86_400_000,
  days: 86_400_000,
} as const;

export class Scheduler {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(
    private readonly functions: readonly ScheduledFunction[],
    private readonly log: (message: string, fields: Record<string, unknown>) => void,
  ) {}

  start(): void {
    for (const fn of this.functions) {
      const every = fn.trigger.rate.value * unitMs[fn.trigger.rate.unit];
      const timer = setInterval(() => {
        this.run(fn.functionName).catch((error: unknown) => {
          this.log('scheduled run failed', { function: fn.functionName, error: String(error) });
        });
      }, every);
      timer.unref();
      this.timers.push(timer);
    }
  }

  /**
   * Runs a scheduled function now (what `aws scheduler` cannot do, and tests and the CLI need); `input` adds
   * fields to the event, as a schedule's input or `aws lambda invoke --payload` would.
   */
  async run(
    functionName: string,
    time: Date = new Date(),
    input: Record<string, unknown> = {},
  ): Promise<unknown> {
    const fn = this.functions.find((candidate) => candidate.functionName === functionName);
    if (!fn) throw new Error(`no scheduled function named ${functionName}`);
    // Runs of one function queue behind each other, however many callers ask at once.
    const previous = this.running.get(functionName) ?? Promise.resolve();
    const run = previous
      .catch(() => undefined)
      .then(() => {
        const identity = functionIdentity(fn.functionName, fn.memoryMb, fn.timeoutSeconds);
        const context = lambdaContext(identity, Date.now() + fn.timeoutSeconds * 1000);
        return invokeWithTimeout(fn.handler, { ...input, time: time.toISOString() }, context, identity);
      });
    this.running.set(functionName, run);
    try {
      return await run;
    } finally {
      if (this.running.get(functionName) === run) this.running.delete(functionName);
    }
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await Promise.allSettled(this.running.values());
  }
}
