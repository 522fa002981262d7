/** Profile ids: sortable by creation time, like ULIDs, so that they read well in logs and keys. */
import { randomBytes } from 'node:crypto';

const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * 26 characters: 10 of creation time (ms, Crockford base32, lower case) and 16 random ones.
 *
 * @example newProfileId() // '01jd3m5t7q4x9v2k8c6w1e0rfy'
 */
export function newProfileId(now: number = Date.now()): string {
  let time = '';
  let rest = now;
  for (let index = 0; index < 10; index += 1) {
    time = (alphabet[rest % 32] ?? '0') + time;
    rest = Math.floor(rest / 32);
  }
  const random = [...randomBytes(16)].map((byte) => alphabet[byte % 32]).join('');
  return `${time}${random}`;
}
