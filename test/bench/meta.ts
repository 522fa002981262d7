/** What a reader needs to compare two reports: when, which code, and on what machine. */
import { execFileSync } from 'node:child_process';
import { arch, cpus, platform, totalmem } from 'node:os';
import { awsListPrices } from '../../shared/pricing.ts';

export interface RunMeta {
  readonly date: string;
  /** `null` outside a git checkout. */
  readonly gitCommit: string | null;
  /** Whether the working tree had uncommitted changes: the commit alone does not name the code that ran. */
  readonly gitDirty: boolean | null;
  readonly node: string;
  readonly platform: string;
  readonly cpu: { readonly model: string; readonly count: number };
  readonly memoryBytes: number;
  readonly prices: { readonly asOf: string; readonly region: string };
}

export function runMeta(repoRoot: string, now: Date = new Date()): RunMeta {
  const processors = cpus();
  const commit = git(repoRoot, ['rev-parse', 'HEAD']);
  const status = commit === null ? null : git(repoRoot, ['status', '--porcelain', '--untracked-files=no']);
  return {
    date: now.toISOString(),
    gitCommit: commit,
    gitDirty: status === null ? null : status !== '',
    node: process.version,
    platform: `${platform()} ${arch()}`,
    cpu: { model: processors[0]?.model.trim() ?? 'unknown', count: processors.length },
    memoryBytes: totalmem(),
    prices: { asOf: awsListPrices.asOf, region: awsListPrices.region },
  };
}

function git(cwd: string, args: readonly string[]): string | null {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}
