/**
 * A file dropped into the imports bucket, imported: `imports/<source>/<path>` is read as `<source>` with its
 * mapping, by the same `runImport` as `cdp import`, and its run is kept beside it under
 * `runs/<source>/<path>/<run id>/` (summary, rejects, checkpoint). The run id derives from the key and the
 * mapping, so a notification delivered twice, or a run that stopped before the end of the file, finds its
 * checkpoint and goes on from it instead of sending the file again.
 */
import type { IpPrivacy } from '../events/ip.ts';
import type { EventStream, ObjectStore } from '../ports.ts';
import { runImport } from './importer.ts';
import type { IngestSource } from './ingest-sources.ts';
import { mappingHash } from './mapping.ts';
import { ObjectRunStore } from './object-run-store.ts';
import { type ImportSummary, importRunId, noCounts } from './run.ts';

/** The key prefix under which dropped files are imported. */
export const importsPrefix = 'imports/';
/** The key prefix under which their runs are kept (outside `imports/`, so they trigger nothing). */
export const runsPrefix = 'runs/';

/** One stored object opened for reading: its bytes as a stream, and what identifies its content. */
export interface OpenedObject {
  readonly body: AsyncIterable<Uint8Array>;
  /** The object's ETag (S3) or another digest of its content. */
  readonly eTag: string;
  readonly size: number;
  /** Lets go of a body that is not read to its end. */
  close(): void;
}

/** Reads one bucket's objects as streams: a dropped file may be far larger than a function's memory. */
export interface ObjectReader {
  /** `undefined` when there is no such object (deleted since the notification). */
  open(key: string): Promise<OpenedObject | undefined>;
}

/** Where a key under `imports/` says to import from: `imports/pos/2024/orders.csv` → `pos`, `2024/orders.csv`. */
export interface DroppedFile {
  readonly key: string;
  readonly source: string;
  /** The key after `imports/<source>/`. */
  readonly path: string;
}

/** `undefined` for keys outside `imports/<source>/` (a "folder" marker, a file directly under `imports/`). */
export function droppedFile(key: string): DroppedFile | undefined {
  if (!key.startsWith(importsPrefix)) return undefined;
  const rest = key.slice(importsPrefix.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const path = rest.slice(slash + 1);
  if (path === '' || path.endsWith('/')) return undefined;
  return { key, source: rest.slice(0, slash), path };
}

export interface ObjectImportDependencies {
  /** The imports bucket, where the runs are kept. */
  readonly objects: ObjectStore;
  readonly reader: ObjectReader;
  readonly stream: EventStream;
  /** Every configured source's name: tells an unknown source from one without a mapping. */
  readonly configuredSources: ReadonlySet<string>;
  /** The configured sources that have a mapping, by name. */
  readonly importable: ReadonlyMap<string, IngestSource>;
  readonly privacy: IpPrivacy;
  /** How summaries name the bucket's objects, e.g. `s3://<bucket>/`. */
  readonly location: string;
  /** Aborting stops the import at its next row: the run is checkpointed and can go on later. */
  readonly signal?: AbortSignal;
  readonly now?: () => Date;
}

/**
 * Imports one dropped file. Resolves with its summary (also stored with the run), whatever the outcome; a file
 * whose source is unknown or has no mapping gets a `failed` summary with the reason, and nothing is sent.
 * `undefined` when the object is gone.
 *
 * @example
 *   const summary = await importObject(droppedFile('imports/pos/orders.csv')!, deps);
 *   // summary.status → 'completed'; deps.objects holds runs/pos/orders.csv/<run id>/summary.json
 */
export async function importObject(
  file: DroppedFile,
  deps: ObjectImportDependencies,
): Promise<ImportSummary | undefined> {
  const source = deps.importable.get(file.source);
  if (source === undefined) return refuse(file, deps);
  const hash = mappingHash(source.mapping);
  const runId = importRunId(file.key, source.name, hash);
  const runs = new ObjectRunStore({
    objects: deps.objects,
    prefix: `${runsPrefix}${file.source}/${file.path}/${runId}/`,
    runId,
    location: deps.location,
  });
  const object = await deps.reader.open(file.key);
  if (object === undefined) return undefined;
  try {
    return await runImport(
      {
        input: object.body,
        inputName: `${deps.location}${file.key}`,
        inputFingerprint: `${object.size}:${object.eTag}`,
        mapping: source.mapping,
        mappingName: source.mappingName,
        source: { name: source.name, channel: source.channel },
        privacy: deps.privacy,
      },
      {
        stream: deps.stream,
        runs,
        ...(deps.signal ? { signal: deps.signal } : {}),
        ...(deps.now ? { now: deps.now } : {}),
      },
    );
  } finally {
    // An already-imported file, or a run stopped early, leaves the body unread.
    object.close();
  }
}

/** The summary of a file nobody can import: kept where its run would be, so the sender can see why. */
async function refuse(file: DroppedFile, deps: ObjectImportDependencies): Promise<ImportSummary> {
  const reason = deps.configuredSources.has(file.source)
    ? `source ${file.source} has no mapping (its "mapping" in cdp.config.json, or mappings/${file.source}.json)`
    : `no source ${file.source} in cdp.config.json`;
  const runId = importRunId(file.key, file.source, '');
  const prefix = `${runsPrefix}${file.source}/${file.path}/${runId}/`;
  const now = (deps.now ?? (() => new Date()))().toISOString();
  const summary: ImportSummary = {
    runId,
    status: 'failed',
    error: reason,
    errorKind: 'input',
    input: `${deps.location}${file.key}`,
    source: file.source,
    channel: 'other',
    mapping: '',
    mappingHash: '',
    dryRun: false,
    startedAt: now,
    finishedAt: now,
    resumedAfterRecord: 0,
    checkpointRecord: 0,
    rows: {
      read: noCounts.rowsRead,
      imported: noCounts.rowsImported,
      duplicates: noCounts.rowsDuplicate,
      rejected: noCounts.rowsRejected,
    },
    events: 0,
    rejectedByReason: {},
    omittedByReason: {},
    rejects: '',
  };
  await deps.objects.put(
    `${prefix}summary.json`,
    new TextEncoder().encode(`${JSON.stringify(summary, null, 2)}\n`),
    'application/json',
  );
  return summary;
}
