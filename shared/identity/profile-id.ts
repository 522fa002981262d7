/** Profile ids: sortable by creation time, like ULIDs, so that they read well in logs and keys. */
import { randomBytes } from 'node:crypto';

const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
const timeLength = 10;
const idLength = 26;

/**
 * 26 characters: 10 of creation time (ms, Crockford base32, lower case) and 16 random ones.
 *
 * @example newProfileId() // '01jd3m5t7q4x9v2k8c6w1e0rfy'
 */
export function newProfileId(now: number = Date.now()): string {
  let time = '';
  let rest = now;
  for (let index = 0; index < timeLength; index += 1) {
    time = (alphabet[rest % 32] ?? '0') + time;
    rest = Math.floor(rest / 32);
  }
  const random = [...randomBytes(16)].map((byte) => alphabet[byte % 32]).join('');
  return `${time}${random}`;
}

/**
 * The creation time (epoch ms) `newProfileId` wrote into `profileId`: a profile known only by its identity
 * item (a "virtual" profile, docs/identity.md) has no item to keep its `createdAt`, so every reader derives it
 * from the id and all agree on which of two profiles is the older. An id not in this format (tests' short ids,
 * ids from elsewhere) reads as created at 0 — older than any time-ordered id, and ordered among its kind by the
 * id itself, which is as deterministic.
 *
 * @example profileCreatedAt(newProfileId(1_800_000_000_000)) // 1_800_000_000_000
 */
export function profileCreatedAt(profileId: string): number {
  if (profileId.length !== idLength) return 0;
  let time = 0;
  for (const character of profileId.slice(0, timeLength)) {
    const digit = alphabet.indexOf(character);
    if (digit < 0) return 0;
    time = time * 32 + digit;
  }
  return Number.isSafeInteger(time) ? time : 0;
}
