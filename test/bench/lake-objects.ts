/**
 * Counts the lake bucket's objects after a run. Each object was written by one PUT (landed Parquet files under
 * `events/` and `quarantine/`, pending-compaction markers under `_compaction/`, failure records of the stream
 * consumers), so the listing counts the PUTs; a retried batch that overwrote its own objects spent PUTs the
 * listing cannot see, which is why the run also reports failed invocations.
 */
import type { ObjectStore } from '../../shared/ports.ts';

export interface LakeObjectCounts {
  /** Objects by their first key segment, e.g. `{ "events/": 12, "_compaction/": 12 }`. */
  readonly objectsByPrefix: Readonly<Record<string, number>>;
  readonly puts: number;
  readonly parquetFiles: number;
  readonly parquetBytes: number;
}

export async function countLakeObjects(store: ObjectStore): Promise<LakeObjectCounts> {
  const objectsByPrefix: Record<string, number> = {};
  let puts = 0;
  let parquetFiles = 0;
  let parquetBytes = 0;
  for await (const object of store.list('')) {
    const slash = object.key.indexOf('/');
    const prefix = slash < 0 ? object.key : object.key.slice(0, slash + 1);
    objectsByPrefix[prefix] = (objectsByPrefix[prefix] ?? 0) + 1;
    puts += 1;
    if (object.key.endsWith('.parquet')) {
      parquetFiles += 1;
      parquetBytes += object.size;
    }
  }
  return { objectsByPrefix, puts, parquetFiles, parquetBytes };
}
