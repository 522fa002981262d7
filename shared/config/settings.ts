/**
 * The platform configuration file (`cdp.config.json`), validated once. Sources are listed here with their
 * channel and allowed origins; their write keys are never in the file: locally they come from the
 * environment or are generated, in AWS they are created in the sources table with `cdp sources add`.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigurationError } from '../errors.ts';
import { channels } from '../ports.ts';

const sourceName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, - and _');

export const sourceConfigSchema = z.strictObject({
  name: sourceName,
  channel: z.enum(channels),
  allowedOrigins: z.array(z.union([z.literal('*'), z.url()])).default([]),
  /**
   * The mapping the HTTP bulk endpoint and the webhook import this source's rows with, relative to the project
   * root (docs/import.md). @default `mappings/<name>.json`
   */
  mapping: z
    .string()
    .regex(/^[\w./-]+\.json$/, 'a relative path to a .json file')
    .optional(),
  /**
   * Receive this source's events at `POST /v1/webhooks/<name>`: `kind` says how requests are signed
   * (`sendgrid`, `generic`), `secret` names the verification key or shared secret. The name is a reference,
   * never the value: locally `CDP_SECRET_<NAME>` or the data dir's secrets file (docs/import.md#webhooks).
   */
  webhook: z
    .strictObject({
      kind: z.enum(['sendgrid', 'generic']),
      secret: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, - and _'),
    })
    .optional(),
});

/** An identifier type: `user_id`, `email`, an externalIds type, a trait key declared as an identifier, … */
const identifierType = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower-case letters, digits and _');

/**
 * Identity resolution (docs/identity.md): how identifiers are normalised and which links may merge profiles.
 * Every field has a safe default, so the section may be left out.
 */
export const identitySettingsSchema = z.strictObject({
  /** Region of phone numbers written without a country code (ISO 3166-1 alpha-2), e.g. `US`, `GB`. */
  phoneDefaultRegion: z
    .string()
    .regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 region such as US')
    .default('US'),
  /** Values that never identify anyone, added to the built-in list (`null`, `unknown`, `0`, …). */
  blockedValues: z.array(z.string().max(256)).default([]),
  /** Most identities of a type one profile may hold, over the defaults (user_id 1, email 3, phone 3, …). */
  limits: z.record(identifierType, z.int().min(1).max(1000)).default({}),
  /** Most identities of a type the limits do not name. */
  defaultLimit: z.int().min(1).max(1000).default(5),
  /** Most identities of all types one profile may hold. */
  maxIdentitiesPerProfile: z.int().min(1).max(1000).default(150),
  /** Identifier types, strongest first; `*` stands for every type not listed. */
  priority: z
    .array(z.union([identifierType, z.literal('*')]))
    .min(1)
    .default(['user_id', 'email', 'phone', '*', 'device_id', 'anonymous_id']),
  /** Trait keys that identify a person, per source name (`*`: every source), e.g. `{ "crm": ["crm_id"] }`. */
  traitIdentifiers: z.record(z.union([sourceName, z.literal('*')]), z.array(identifierType)).default({}),
  /** Sources whose trait values win over later values from sources listed after them or not at all. */
  traitPrecedence: z.array(sourceName).default([]),
});

export const settingsSchema = z.strictObject({
  $schema: z.string().optional(),
  sources: z.array(sourceConfigSchema).min(1),
  privacy: z
    .strictObject({
      /** `truncate` keeps the network (IPv4 /24, IPv6 /48), `drop` keeps nothing, `full` keeps the address. */
      ip: z.enum(['full', 'truncate', 'drop']).default('truncate'),
      /**
       * Whether the lake keeps email addresses and phone numbers in plain text beside their SHA-256 digests
       * (`email_sha256`, `phone_sha256`); by default it keeps the digests only.
       */
      plaintextIdentifiersInLake: z.boolean().default(false),
    })
    .prefault({}),
  identity: identitySettingsSchema.prefault({}),
});

export type Settings = z.infer<typeof settingsSchema>;
export type SourceConfig = z.infer<typeof sourceConfigSchema>;
export type IdentitySettings = z.infer<typeof identitySettingsSchema>;
/** The part of the settings functions receive at run time (through `CDP_SETTINGS`). */
export type RuntimeSettings = Pick<Settings, 'privacy' | 'identity'>;

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
  return { privacy: settings.privacy, identity: settings.identity };
}
