/** Client IP addresses under the privacy setting: kept, truncated to the network, or dropped. */
import { isIP } from 'node:net';
import type { RuntimeSettings } from '../config/settings.ts';

export type IpPrivacy = RuntimeSettings['privacy']['ip'];

/**
 * The address as the privacy setting allows it to be stored: `full` keeps it, `drop` keeps nothing, `truncate`
 * keeps the network only (IPv4 /24, IPv6 /48, the prefixes commonly accepted as no longer personal). IPv4 mapped
 * into IPv6 (`::ffff:198.51.100.7`) is treated as IPv4. Anything that is not an IP address is dropped.
 *
 * @example applyIpPrivacy('198.51.100.77', 'truncate') === '198.51.100.0'
 * @example applyIpPrivacy('2001:db8:85a3:8d3:1319:8a2e:370:7348', 'truncate') === '2001:db8:85a3::'
 */
export function applyIpPrivacy(address: string, privacy: IpPrivacy): string | undefined {
  const ip = address.trim().replace(/%.*$/, ''); // an IPv6 zone id names a local interface, not the client
  const version = isIP(ip);
  if (version === 0 || privacy === 'drop') return undefined;
  if (privacy === 'full') return ip;
  if (version === 4) return truncateIpv4(ip);
  const hextets = expandIpv6(ip);
  const mapped = ipv4Mapped(hextets);
  if (mapped !== undefined) return truncateIpv4(mapped);
  return compressIpv6([...hextets.slice(0, 3), 0, 0, 0, 0, 0]);
}

function truncateIpv4(ip: string): string {
  return `${ip.split('.').slice(0, 3).join('.')}.0`;
}

/** The eight 16-bit groups of a valid IPv6 address, with `::` and an embedded IPv4 tail expanded. */
export function expandIpv6(ip: string): number[] {
  let text = ip.toLowerCase();
  const ipv4Tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (ipv4Tail) {
    const [a, b, c, d] = ipv4Tail.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, ipv4Tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) =>
    part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16));
  const front = parse(head);
  if (tail === undefined) return front;
  const back = parse(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

function ipv4Mapped(hextets: readonly number[]): string | undefined {
  const isMapped = hextets.slice(0, 5).every((group) => group === 0) && hextets[5] === 0xffff;
  if (!isMapped) return undefined;
  const [high = 0, low = 0] = hextets.slice(6);
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** RFC 5952 text: lower-case, no leading zeros, the longest run (first on a tie) of two or more zero groups as `::`. */
export function compressIpv6(hextets: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < hextets.length; start++) {
    let length = 0;
    while (hextets[start + length] === 0) length++;
    if (length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
    start += length;
  }
  const groups = hextets.map((group) => group.toString(16));
  if (bestStart < 0) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLength).join(':')}`;
}
