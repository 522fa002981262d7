/**
 * `npm run bench`: runs the sections of sections.ts in order, prints a short summary, and writes
 * `bench-report.json` in the repository root (gitignored): `meta`, one entry per section under `sections`, and
 * the product `targets` with whether this run met them. Exits 0 when every section ran, 1 otherwise; what the
 * sections started (emulators, temporary directories) is released in every case, interrupts included.
 *
 * `npm run bench -- --only identityResolution,endToEnd` runs only the sections named (in their usual order); a
 * section that needs another's result (`costPerMillionEvents` needs `collectorThroughput` and `endToEnd`)
 * fails unless that one is named too. The report then holds those sections only.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Cleanups } from './cleanups.ts';
import { runMeta } from './meta.ts';
import {
  type BenchContext,
  type BenchSection,
  reportJson,
  type SectionReport,
  type Target,
} from './report.ts';
import { benchSections } from './sections.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const reportPath = resolve(repoRoot, 'bench-report.json');

const cleanups = new Cleanups();
const reportError = (error: unknown) => console.error(describe(error));

let aborting = false;

/** Interrupted or crashed outside a section: release what was started, then fail. */
function abort(reason: string, error?: unknown): void {
  // Stopping the emulators under a running poller can raise more errors; the first reason is the one to tell.
  if (aborting) return;
  aborting = true;
  console.error(`\nbenchmark aborted: ${reason}`);
  if (error !== undefined) reportError(error);
  void cleanups.runAll(reportError).finally(() => process.exit(1));
}
process.once('SIGINT', () => abort('SIGINT'));
process.once('SIGTERM', () => abort('SIGTERM'));
process.on('uncaughtException', (error) => abort('uncaught exception', error));
process.on('unhandledRejection', (error) => abort('unhandled rejection', error));

/** The sections `--only a,b` (or `--only=a,b`) names, all of them without it. */
function selectedSections(args: readonly string[]): readonly BenchSection[] {
  const index = args.findIndex((arg) => arg === '--only' || arg.startsWith('--only='));
  if (index < 0) return benchSections;
  const arg = args[index] ?? '';
  const list = arg.startsWith('--only=') ? arg.slice('--only='.length) : (args[index + 1] ?? '');
  const names = new Set(list.split(',').filter(Boolean));
  const known = new Set(benchSections.map((section) => section.name));
  const unknown = [...names].filter((name) => !known.has(name));
  if (names.size === 0 || unknown.length > 0) {
    throw new Error(
      `--only needs section names among ${[...known].join(', ')}${unknown.length > 0 ? `; unknown: ${unknown.join(', ')}` : ''}`,
    );
  }
  return benchSections.filter((section) => names.has(section.name));
}

async function run(): Promise<number> {
  const selected = selectedSections(process.argv.slice(2));
  const meta = runMeta(repoRoot);
  const results = new Map<BenchSection, unknown>();
  const sections: Record<string, SectionReport> = {};
  const targets: Target[] = [];
  const context: BenchContext = {
    repoRoot,
    resultOf: <R>(section: BenchSection<R>): R => {
      if (!results.has(section as BenchSection)) {
        throw new Error(`this section needs the result of "${section.name}", which did not run or failed`);
      }
      return results.get(section as BenchSection) as R;
    },
    onCleanup: (release) => cleanups.add(release),
  };

  // Written after every section, so an abort while releasing the emulators keeps what was measured.
  const writeReport = () => writeFileSync(reportPath, reportJson({ meta, sections, targets }));
  let ok = true;
  try {
    for (const section of selected) {
      console.log(`\n${section.title}`);
      const started = performance.now();
      try {
        const outcome = await section.run(context);
        const seconds = (performance.now() - started) / 1000;
        results.set(section, outcome.result);
        sections[section.name] = { title: section.title, seconds, ok: true, result: outcome.result };
        targets.push(...(outcome.targets ?? []));
        for (const line of outcome.summary) console.log(`  ${line}`);
      } catch (error) {
        ok = false;
        const seconds = (performance.now() - started) / 1000;
        sections[section.name] = { title: section.title, seconds, ok: false, error: describe(error) };
        console.log(`  FAILED: ${describe(error)}`);
      }
      writeReport();
    }
  } finally {
    ok = (await cleanups.runAll(reportError)) && ok;
  }

  writeReport();
  console.log('\ntargets');
  for (const target of targets) {
    const actual = typeof target.actual === 'number' ? Number(target.actual.toPrecision(4)) : target.actual;
    console.log(
      `  ${target.met ? 'met    ' : 'NOT MET'} ${target.name}: ${actual} (target ${target.target})`,
    );
  }
  console.log(`\nreport written to ${reportPath}${ok ? '' : ' (with failed sections)'}`);
  return ok ? 0 : 1;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message})` : '';
  return `${error.name}: ${error.message}${cause}`;
}

const exitCode = await run().catch((error: unknown) => {
  reportError(error);
  return 1;
});
// Keep-alive sockets and emulator clients may hold the event loop open after everything was released.
process.exit(exitCode);
