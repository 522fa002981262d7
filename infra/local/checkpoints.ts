/**
 * Where a local event source mapping has got to in each shard: one small file per (function, stream, shard)
 * holding the last sequence number that is done with. Files are replaced atomically (write a temporary file,
 * then rename it over the old one), so a crash leaves either the old checkpoint or the new one.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { CheckpointError } from './stream-poller-errors.ts';

const checkpointSchema = z.object({ sequenceNumber: z.string().regex(/^\d+$/), updatedAt: z.string() });

export class CheckpointStore {
  private readonly dir: string;

  /** `root` is the runtime's checkpoint directory, shared by every mapping. */
  constructor(root: string, functionName: string, streamName: string) {
    this.dir = join(root, functionName, streamName);
  }

  /** The last sequence number done with in the shard; `undefined` when the shard was never checkpointed. */
  async read(shardId: string): Promise<string | undefined> {
    const path = this.pathOf(shardId);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw new CheckpointError(path, { cause: error });
    }
    try {
      return checkpointSchema.parse(JSON.parse(text)).sequenceNumber;
    } catch (error) {
      throw new CheckpointError(path, { cause: error });
    }
  }

  async write(shardId: string, sequenceNumber: string): Promise<void> {
    const path = this.pathOf(shardId);
    const temporary = `${path}.${randomUUID()}.tmp`;
    await mkdir(this.dir, { recursive: true });
    await writeFile(temporary, JSON.stringify({ sequenceNumber, updatedAt: new Date().toISOString() }));
    await rename(temporary, path);
  }

  /** Forgets every shard's position, so the mapping starts again from the oldest record kept in the stream. */
  async reset(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  private pathOf(shardId: string): string {
    return join(this.dir, `${shardId}.json`);
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}
