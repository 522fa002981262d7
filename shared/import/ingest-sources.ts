/**
 * Which configured sources the HTTP bulk endpoint and the webhooks import, each with its mapping and, for a
 * webhook source, how its requests are verified. Built once per cold start from `cdp.config.json`, so a source
 * whose mapping is missing or broken fails the function before it takes a request, never mid-request.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SourceConfig } from '../config/settings.ts';
import type { Channel } from '../ports.ts';
import { MappingError } from './errors.ts';
import { loadMappingFile, type Mapping } from './mapping.ts';
import type { WebhookKind } from './webhooks.ts';

export interface IngestSource {
  readonly name: string;
  readonly channel: Channel;
  readonly mapping: Mapping;
  /** The mapping's file, relative to the project root, as summaries name it. */
  readonly mappingName: string;
  /** Present for webhook sources; `secret` undefined when the reference did not resolve. */
  readonly webhook?: { readonly kind: WebhookKind; readonly secret: string | undefined };
}

/** The mapping file a source imports with: its `mapping`, else `mappings/<name>.json`. */
export function mappingFileOf(source: Pick<SourceConfig, 'name' | 'mapping'>): string {
  return source.mapping ?? `mappings/${source.name}.json`;
}

/**
 * The sources that have a mapping (a configured one must exist; the default one may be absent: such a source
 * is simply not importable over HTTP), keyed by name. `secretOf` resolves a webhook's secret reference.
 */
export function ingestSources(
  sources: readonly SourceConfig[],
  projectRoot: string,
  secretOf: (name: string) => string | undefined,
): ReadonlyMap<string, IngestSource> {
  const found = new Map<string, IngestSource>();
  for (const source of sources) {
    const mappingName = mappingFileOf(source);
    const file = resolve(projectRoot, mappingName);
    if (!existsSync(file)) {
      if (source.mapping === undefined && source.webhook === undefined) continue;
      throw new MappingError(`source ${source.name}: no mapping file ${mappingName}`);
    }
    const mapping = loadMappingFile(file);
    if (mapping.source !== source.name) {
      throw new MappingError(`source ${source.name}: ${mappingName} imports as source "${mapping.source}"`);
    }
    found.set(source.name, {
      name: source.name,
      channel: source.channel,
      mapping,
      mappingName,
      ...(source.webhook === undefined
        ? {}
        : { webhook: { kind: source.webhook.kind, secret: secretOf(source.webhook.secret) } }),
    });
  }
  return found;
}

/** The environment variable a secret reference resolves from: `sendgrid-key` → `CDP_SECRET_SENDGRID_KEY`. */
export function secretEnvName(reference: string): string {
  return `CDP_SECRET_${reference.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}
