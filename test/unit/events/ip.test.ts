import { describe, expect, it } from 'vitest';
import { applyIpPrivacy, compressIpv6, expandIpv6 } from '../../../shared/events/ip.ts';

describe('applyIpPrivacy', () => {
  it.each([
    ['203.0.113.195', '203.0.113.0'],
    ['10.1.2.3', '10.1.2.0'],
    ['2001:0db8:85a3:0000:0000:8a2e:0370:7334', '2001:db8:85a3::'],
    ['2001:db8:85a3:8d3:1319:8a2e:370:7348', '2001:db8:85a3::'],
    ['2001:db8::1', '2001:db8::'],
    ['2a00:1450:4001:82b::200e', '2a00:1450:4001::'],
    ['::ffff:198.51.100.7', '198.51.100.0'],
    ['fe80::1%eth0', 'fe80::'],
  ])('truncates %s to its network %s (IPv4 /24, IPv6 /48)', (address, expected) => {
    // Act
    const stored = applyIpPrivacy(address, 'truncate');

    // Assess
    expect(stored).toBe(expected);
  });

  it('keeps the full address when the privacy setting is full', () => {
    // Act
    const stored = [applyIpPrivacy('203.0.113.195', 'full'), applyIpPrivacy('2001:db8::1', 'full')];

    // Assess
    expect(stored).toEqual(['203.0.113.195', '2001:db8::1']);
  });

  it('keeps nothing when the privacy setting is drop', () => {
    // Act
    const stored = [applyIpPrivacy('203.0.113.195', 'drop'), applyIpPrivacy('2001:db8::1', 'drop')];

    // Assess
    expect(stored).toEqual([undefined, undefined]);
  });

  it.each(['not-an-ip', '999.1.1.1', '', '1.2.3', '2001:db8:::1'])(
    'drops %j, which is no IP address',
    (address) => {
      // Act
      const stored = applyIpPrivacy(address, 'full');

      // Assess
      expect(stored).toBeUndefined();
    },
  );
});

describe('IPv6 text forms', () => {
  it.each([
    ['2001:db8::1', [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]],
    ['::', [0, 0, 0, 0, 0, 0, 0, 0]],
    ['1::', [1, 0, 0, 0, 0, 0, 0, 0]],
    ['64:ff9b::192.0.2.33', [0x64, 0xff9b, 0, 0, 0, 0, 0xc000, 0x0221]],
  ])('expands %s', (text, hextets) => {
    // Act
    const expanded = expandIpv6(text);

    // Assess
    expect(expanded).toEqual(hextets);
  });

  it.each([
    [[0x2001, 0xdb8, 0, 0, 1, 0, 0, 1], '2001:db8::1:0:0:1'],
    [[1, 0, 0, 0, 0, 0, 0, 0], '1::'],
    [[0, 0, 0, 0, 0, 0, 0, 0], '::'],
    [[1, 2, 3, 4, 5, 6, 7, 8], '1:2:3:4:5:6:7:8'],
    [[1, 0, 2, 3, 4, 5, 6, 7], '1:0:2:3:4:5:6:7'],
    [[1, 0, 0, 2, 0, 0, 0, 3], '1:0:0:2::3'],
  ])('writes %j as %s (RFC 5952)', (hextets, text) => {
    // Act
    const compressed = compressIpv6(hextets);

    // Assess
    expect(compressed).toBe(text);
  });
});
