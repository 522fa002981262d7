import { describe, expect, it } from 'vitest';
import { scoresFileKey, writeScoresPartition } from '../../../shared/scoring/job-lake.ts';
import { MemoryObjectStore } from '../lake/memory-object-store.ts';

async function keys(store: MemoryObjectStore): Promise<string[]> {
  const listed: string[] = [];
  for await (const object of store.list('scores/')) listed.push(object.key);
  return listed.sort();
}

const row = { profile_id: 'p-1' };

describe('writeScoresPartition', () => {
  it("replaces an earlier run's files of the date", async () => {
    // Prepare
    const store = new MemoryObjectStore();
    await writeScoresPartition(store, '2026-11-22', '20261123t010000000z', [row]);

    // Act
    const result = await writeScoresPartition(store, '2026-11-22', '20261123t020000000z', [row]);

    // Assess
    expect(result.replaced).toBe(1);
    expect(await keys(store)).toEqual([scoresFileKey('2026-11-22', '20261123t020000000z', 0)]);
  });

  it("keeps a later run's files when an earlier run finishes after it, so overlapping runs never empty the date", async () => {
    // Prepare: the later run (02:00) finished first.
    const store = new MemoryObjectStore();
    await writeScoresPartition(store, '2026-11-22', '20261123t020000000z', [row]);

    // Act: the run started at 01:00 finishes now.
    const result = await writeScoresPartition(store, '2026-11-22', '20261123t010000000z', [row]);

    // Assess: both are there until the later run's next replacement; the later one's files were not deleted.
    expect(result.replaced).toBe(0);
    expect(await keys(store)).toEqual([
      scoresFileKey('2026-11-22', '20261123t010000000z', 0),
      scoresFileKey('2026-11-22', '20261123t020000000z', 0),
    ]);
  });
});
