/**
 * The identity settings of cdp.config.json compiled once into the rules resolution applies: limits, priority,
 * blocked values, trait identifiers and trait precedence.
 */
import type { CountryCode } from 'libphonenumber-js';
import type { IdentitySettings } from '../config/settings.ts';

/** Identities of a type one profile may hold, unless the settings say otherwise. */
export const defaultLimits: Readonly<Record<string, number>> = {
  user_id: 1,
  email: 3,
  phone: 3,
  device_id: 10,
  anonymous_id: 100,
};

/**
 * Values that never identify anyone, compared case-insensitively after trimming. Values made only of zeros and
 * dashes (`0000`, `---`, the all-zero advertising id) are blocked as well, by pattern.
 */
export const defaultBlockedValues: readonly string[] = [
  '',
  'null',
  'undefined',
  'none',
  'nil',
  'nan',
  'n/a',
  'na',
  '-1',
  'anonymous',
  'unknown',
  'test',
  'guest',
  'true',
  'false',
  'default',
  'user',
  'email',
  'phone',
  '[object object]',
  'test@test.com',
  'test@example.com',
  'noemail@noemail.com',
  'no@email.com',
];

export interface IdentityRules {
  readonly phoneDefaultRegion: CountryCode;
  /** Lower-cased blocked values. */
  readonly blocked: ReadonlySet<string>;
  readonly maxIdentitiesPerProfile: number;
  /** Most identities of `type` one profile may hold. */
  limit(type: string): number;
  /** Position of `type` in the priority order: lower is stronger. */
  rank(type: string): number;
  /** Trait keys that identify a person in events of `source`. */
  traitIdentifiers(source: string): readonly string[];
  /** Precedence of `source` for trait values: higher wins over any later value of a lower one. */
  traitPrecedence(source: string): number;
}

/**
 * @example identityRules(parseSettings(json, 'cdp.config.json').identity).limit('user_id') // 1
 */
export function identityRules(settings: IdentitySettings): IdentityRules {
  const limits: Record<string, number> = { ...defaultLimits, ...settings.limits };
  const ranks = new Map(settings.priority.map((type, index) => [type, index]));
  const otherRank = ranks.get('*') ?? settings.priority.length;
  const precedence = new Map(
    settings.traitPrecedence.map((source, index) => [source, settings.traitPrecedence.length - index]),
  );
  const everySource = settings.traitIdentifiers['*'] ?? [];
  return {
    phoneDefaultRegion: settings.phoneDefaultRegion as CountryCode,
    blocked: new Set(
      [...defaultBlockedValues, ...settings.blockedValues].map((value) => value.trim().toLowerCase()),
    ),
    maxIdentitiesPerProfile: settings.maxIdentitiesPerProfile,
    limit: (type) => limits[type] ?? settings.defaultLimit,
    rank: (type) => ranks.get(type) ?? otherRank,
    traitIdentifiers: (source) => [
      ...new Set([...everySource, ...(settings.traitIdentifiers[source] ?? [])]),
    ],
    traitPrecedence: (source) => precedence.get(source) ?? 0,
  };
}
