/**
 * One request's worth of rows imported through a source's mapping: the HTTP bulk endpoint's body, a webhook's
 * events. The same `runImport` as `cdp import` (mapping, cleaning, the collector's validation and enrichment,
 * deterministic messageIds, the `cdp.event/1` envelope), with the run held in memory: a request is not resumed,
 * it is sent again, and its messageIds make that safe (the lake keeps one row per messageId).
 */
import type { IpPrivacy } from '../events/ip.ts';
import type { Channel, EventStream } from '../ports.ts';
import { runImport } from './importer.ts';
import { type Mapping, withInputOverrides } from './mapping.ts';
import { MemoryRunStore } from './memory-run-store.ts';
import type { ImportSummary, RejectedRow } from './run.ts';

export type RequestFormat = 'csv' | 'ndjson';

export interface RequestImport {
  /** The body's bytes (gzip is recognised by its first bytes and inflated). */
  readonly body: Uint8Array;
  /** Overrides the mapping's input format: the request's content type decides. */
  readonly format: RequestFormat;
  readonly mapping: Mapping;
  readonly mappingName: string;
  readonly source: { readonly name: string; readonly channel: Channel };
  readonly privacy: IpPrivacy;
  /** Names the run and the input in the summary, e.g. `http-pos-<request id>`. */
  readonly runId: string;
}

export interface RequestImportDependencies {
  readonly stream: EventStream;
  readonly now?: () => Date;
  /** Rejected rows listed in the result; the others are counted. @default 100 */
  readonly maxRejects?: number;
}

export interface RequestImportResult {
  readonly summary: ImportSummary;
  /** The first `maxRejects` rejected rows. */
  readonly rejects: readonly RejectedRow[];
  /** Rejected rows not listed. */
  readonly rejectsLeftOut: number;
}

/**
 * @example
 *   const { summary, rejects } = await importRequestBody(
 *     { body, format: 'csv', mapping, mappingName: 'mappings/pos.json', source, privacy: 'truncate', runId },
 *     { stream },
 *   );
 */
export async function importRequestBody(
  request: RequestImport,
  deps: RequestImportDependencies,
): Promise<RequestImportResult> {
  const runs = new MemoryRunStore({ runId: request.runId, maxRejects: deps.maxRejects });
  const mapping = withInputOverrides(request.mapping, { format: request.format });
  const summary = await runImport(
    {
      input: oneChunk(request.body),
      inputName: request.runId,
      // Nothing is resumed from memory; the fingerprint only has to be stable within the run.
      inputFingerprint: `${request.body.byteLength}`,
      mapping,
      mappingName: request.mappingName,
      source: request.source,
      privacy: request.privacy,
    },
    { stream: deps.stream, runs, ...(deps.now ? { now: deps.now } : {}) },
  );
  return { summary, rejects: runs.rejects, rejectsLeftOut: runs.rejectsLeftOut };
}

async function* oneChunk(body: Uint8Array): AsyncGenerator<Uint8Array> {
  if (body.byteLength > 0) yield body;
}
