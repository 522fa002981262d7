/**
 * The local write keys and admin token: taken from `CDP_WRITE_KEY` (for the first configured source) and
 * `CDP_ADMIN_TOKEN`, else generated once and kept in the data directory so a restart serves the same keys.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SourceConfig } from '../../shared/config/settings.ts';

export interface LocalSecrets {
  /** Source name → write key. */
  readonly writeKeys: Record<string, string>;
  readonly adminToken: string;
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
  const secrets = {
    writeKeys,
    adminToken: env.CDP_ADMIN_TOKEN || stored.adminToken || `adm_${randomBytes(24).toString('hex')}`,
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}
