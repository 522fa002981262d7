/**
 * Identifier normalisation, applied before anything is matched, stored or looked up: emails trimmed and
 * lower-cased, phone numbers in E.164, and junk values (`null`, `unknown`, `0000`, …) refused outright.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { maxIdentifierLength } from './identifiers.ts';
import type { IdentityRules } from './rules.ts';

export type Normalised =
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly reason: 'blocked' | 'invalid' };

const zerosAndDashes = /^[0-]+$/;
const emailShape = /^[^\s@]+@[^\s@]+$/;

/**
 * The canonical form of an identifier of `type`, or why it has none. Numbers are taken as their decimal text
 * (Segment accepts numeric ids); anything else that is not a string is invalid.
 *
 * @example normaliseIdentifier('email', ' Ann@Example.com ', rules) // { ok: true, value: 'ann@example.com' }
 * @example normaliseIdentifier('phone', '(415) 555-2671', rules)   // { ok: true, value: '+14155552671' } (region US)
 * @example normaliseIdentifier('user_id', 'null', rules)           // { ok: false, reason: 'blocked' }
 */
export function normaliseIdentifier(type: string, raw: unknown, rules: IdentityRules): Normalised {
  let text: string;
  if (typeof raw === 'string') text = raw.trim();
  else if (typeof raw === 'number' && Number.isFinite(raw)) text = String(raw);
  else return { ok: false, reason: 'invalid' };
  if (isBlocked(text, rules)) return { ok: false, reason: 'blocked' };
  if (text.length > maxIdentifierLength) return { ok: false, reason: 'invalid' };
  let value = text;
  if (type === 'email') {
    value = text.toLowerCase();
    if (!emailShape.test(value)) return { ok: false, reason: 'invalid' };
  } else if (type === 'phone') {
    const phone = parsePhoneNumberFromString(text, rules.phoneDefaultRegion);
    if (phone === undefined || !phone.isValid()) return { ok: false, reason: 'invalid' };
    value = phone.number;
  }
  return isBlocked(value, rules) ? { ok: false, reason: 'blocked' } : { ok: true, value };
}

function isBlocked(value: string, rules: IdentityRules): boolean {
  return zerosAndDashes.test(value) || rules.blocked.has(value.toLowerCase());
}
