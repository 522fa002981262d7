import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RecentKeys } from '../../../shared/import/recent-keys.ts';

const key = (n: number) => createHash('sha256').update(`key-${n}`).digest();

describe('remembering the keys an import sent', () => {
  it('finds each key added with its content digest and record, and not the others', () => {
    // Prepare: enough keys for the tables to grow several times.
    const keys = new RecentKeys(1 << 16);
    for (let n = 0; n < 20_000; n++) keys.add(key(n), n * 7, n + 1);

    // Act
    const found = [0, 9_999, 19_999].map((n) => keys.get(key(n)));
    const missing = keys.get(key(20_000));

    // Assess
    expect(found).toEqual([
      { content: 0, record: 1 },
      { content: 69_993, record: 10_000 },
      { content: 139_993, record: 20_000 },
    ]);
    expect(missing).toBeUndefined();
  });

  it('forgets the oldest generation once the current one is full, keeping at least the last generation', () => {
    // Prepare: generations of 1,024 keys; 3,000 keys make three.
    const keys = new RecentKeys(1024);
    for (let n = 0; n < 3_000; n++) keys.add(key(n), 1, n);

    // Act
    const remembered = [0, 1_023, 1_024, 2_047, 2_048, 2_999].map((n) => keys.get(key(n)) !== undefined);

    // Assess: keys 0–1,023 were in the generation dropped when the third began.
    expect(remembered).toEqual([false, false, true, true, true, true]);
  });
});
