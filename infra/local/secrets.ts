/**
 * The local write keys, admin token and webhook secrets: taken from `CDP_WRITE_KEY` (for the first configured
 * source), `CDP_ADMIN_TOKEN` and `CDP_SECRET_<REFERENCE>`, else generated once and kept in the data directory
 * so a restart serves the same keys.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SourceConfig } from '../../shared/config/settings.ts';
import { secretEnvName } from '../../shared/import/ingest-sources.ts';

export interface LocalSecrets {
  /** Source name → write key. */
  readonly writeKeys: Record<string, string>;
  readonly adminToken: string;
  /**
   * Webhook secret reference → value: `CDP_SECRET_<REFERENCE>` when set, else the stored one, else (for a
   * `generic` webhook, whose secret is ours to choose) a generated one. A SendGrid verification key comes from
   * SendGrid, so it is never generated: without it the webhook answers 503.
   */
  readonly webhookSecrets: Record<string, string>;
}

export function localSecrets(
  file: string,
  sources: readonly SourceConfig[],
  env: NodeJS.ProcessEnv = process.env,
): LocalSecrets {
  const stored: Partial<LocalSecrets> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const writeKeys: Record<string, string> = {};
  sources.forEach((source, index) => {
    const fromEnv = index === 0 ? env.CDP_WRITE_KEY : undefined;
    writeKeys[source.name] =
      fromEnv || stored.writeKeys?.[source.name] || `wk_${randomBytes(16).toString('hex')}`;
  });
  const webhookSecrets: Record<string, string> = {};
  for (const { webhook } of sources) {
    if (webhook === undefined) continue;
    const value =
      env[secretEnvName(webhook.secret)] ||
      stored.webhookSecrets?.[webhook.secret] ||
      (webhook.kind === 'generic' ? `whs_${randomBytes(24).toString('hex')}` : undefined);
    if (value !== undefined) webhookSecrets[webhook.secret] = value;
  }
  const secrets = {
    writeKeys,
    webhookSecrets,
    adminToken: env.CDP_ADMIN_TOKEN || stored.adminToken || `adm_${randomBytes(24).toString('hex')}`,
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}
