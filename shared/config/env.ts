/**
 * Typed access to a function's environment. Read once per cold start, so a function with bad configuration
 * fails before it takes any work.
 */
import { ConfigurationError } from '../errors.ts';
import { type RuntimeSettings, settingsSchema } from './settings.ts';

export function requiredEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new ConfigurationError(`environment variable ${name} is not set`);
  }
  return value;
}

export const SETTINGS_ENV = 'CDP_SETTINGS';

export function runtimeSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): RuntimeSettings {
  const raw = requiredEnv(SETTINGS_ENV, env);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new ConfigurationError(`${SETTINGS_ENV} is not JSON`, { cause: error });
  }
  const parsed = settingsSchema.pick({ privacy: true, identity: true }).safeParse(json);
  if (!parsed.success) throw new ConfigurationError(`${SETTINGS_ENV}: ${parsed.error.message}`);
  return parsed.data;
}
