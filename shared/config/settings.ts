/**
 * The platform configuration file (`cdp.config.json`), validated once. Sources are listed here with their
 * channel and allowed origins; their write keys are never in the file: locally they come from the
 * environment or are generated, in AWS they are created in the sources table with `cdp sources add`.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigurationError } from '../errors.ts';
import { channels } from '../ports.ts';

export const sourceConfigSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, - and _'),
  channel: z.enum(channels),
  allowedOrigins: z.array(z.union([z.literal('*'), z.url()])).default([]),
});

export const settingsSchema = z.strictObject({
  $schema: z.string().optional(),
  sources: z.array(sourceConfigSchema).min(1),
  privacy: z
    .strictObject({
      /** `truncate` keeps the network (IPv4 /24, IPv6 /48), `drop` keeps nothing, `full` keeps the address. */
      ip: z.enum(['full', 'truncate', 'drop']).default('truncate'),
    })
    .default({ ip: 'truncate' }),
});

export type Settings = z.infer<typeof settingsSchema>;
export type SourceConfig = z.infer<typeof sourceConfigSchema>;
/** The part of the settings functions receive at run time (through `CDP_SETTINGS`). */
export type RuntimeSettings = Pick<Settings, 'privacy'>;

export function parseSettings(input: unknown, where: string): Settings {
  const parsed = settingsSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigurationError(`${where}: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

export function loadSettingsFile(path: string): Settings {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigurationError(`cannot read configuration file ${path}`, { cause: error });
  }
  try {
    return parseSettings(JSON.parse(text), path);
  } catch (error) {
    if (error instanceof SyntaxError)
      throw new ConfigurationError(`${path}: ${error.message}`, { cause: error });
    throw error;
  }
}

export function runtimeSettings(settings: Settings): RuntimeSettings {
  return { privacy: settings.privacy };
}
