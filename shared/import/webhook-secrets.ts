/**
 * Where the webhook sources' secrets come from. In AWS the function's environment names a Secrets Manager
 * prefix (`CDP_SECRETS_PREFIX`, set by the CDK from the topology's `secrets`) and each reference is read once
 * per cold start as the secret `<prefix><reference>`; locally (no prefix) a reference resolves from the
 * environment variable `CDP_SECRET_<REFERENCE>`, which the local runtime sets. A secret that cannot be read
 * leaves its source without a secret (that webhook answers 503) and the other sources keep working.
 */
import type { SourceConfig } from '../config/settings.ts';
import type { Logger } from '../logger.ts';
import { secretEnvName } from './ingest-sources.ts';

/** The environment variable naming the Secrets Manager prefix of the webhook secrets; absent locally. */
export const SECRETS_PREFIX_ENV = 'CDP_SECRETS_PREFIX';

/** Reads one secret's value by its full name; rejects when it cannot (the error never carries the value). */
export interface SecretStore {
  read(name: string): Promise<string>;
}

export interface WebhookSecretsOptions {
  readonly env: NodeJS.ProcessEnv;
  /** Built only when the environment names a prefix, so the local mode never creates a Secrets Manager client. */
  readonly store: () => SecretStore;
  /** Told the reference of each secret that could not be read, never a value. */
  readonly logger: Pick<Logger, 'error'>;
}

/**
 * Each webhook source's secret reference → its value, for the references that resolved.
 *
 * @example
 *   const secrets = await webhookSecrets(settings.sources, { env: process.env, store, logger });
 *   ingestSources(settings.sources, root, (reference) => secrets.get(reference));
 */
export async function webhookSecrets(
  sources: readonly Pick<SourceConfig, 'webhook'>[],
  options: WebhookSecretsOptions,
): Promise<ReadonlyMap<string, string>> {
  const references = [...new Set(sources.flatMap(({ webhook }) => (webhook ? [webhook.secret] : [])))];
  const prefix = options.env[SECRETS_PREFIX_ENV];
  const resolved = new Map<string, string>();
  if (!prefix) {
    for (const reference of references) {
      const value = options.env[secretEnvName(reference)];
      if (value?.trim()) resolved.set(reference, value);
    }
    return resolved;
  }
  const store = options.store();
  const reads = await Promise.allSettled(references.map((reference) => store.read(`${prefix}${reference}`)));
  reads.forEach((read, index) => {
    const reference = references[index] as string;
    // An empty secret would make any request's HMAC verifiable by anyone: it counts as unreadable.
    if (read.status === 'fulfilled' && read.value.trim() !== '') resolved.set(reference, read.value);
    else
      options.logger.error('webhook secret not readable', {
        reference,
        secretName: `${prefix}${reference}`,
        error: read.status === 'rejected' ? read.reason : 'the secret is empty',
      });
  });
  return resolved;
}
