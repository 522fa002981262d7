import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointStore } from '../../../infra/local/checkpoints.ts';
import { CheckpointError } from '../../../infra/local/stream-poller-errors.ts';

describe('CheckpointStore', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'cdp-checkpoints-'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('knows no position for a shard it never checkpointed', async () => {
    // Prepare
    const store = new CheckpointStore(root, 'land', 'events');

    // Act
    const position = await store.read('shardId-000000000000');

    // Assess
    expect(position).toBeUndefined();
  });

  it('reads back the last sequence number written, from a new store over the same directory', async () => {
    // Prepare
    const before = new CheckpointStore(root, 'land', 'events');
    await before.write('shardId-000000000000', '4901');
    await before.write('shardId-000000000000', '4907');

    // Act
    const position = await new CheckpointStore(root, 'land', 'events').read('shardId-000000000000');

    // Assess
    expect(position).toBe('4907');
  });

  it('leaves one file per shard and no temporary files behind', async () => {
    // Prepare
    const store = new CheckpointStore(root, 'land', 'events');

    // Act
    await Promise.all([
      store.write('shardId-000000000000', '4901'),
      store.write('shardId-000000000001', '4902'),
    ]);
    await store.write('shardId-000000000000', '4903');

    // Assess
    expect((await readdir(join(root, 'land', 'events'))).sort()).toEqual([
      'shardId-000000000000.json',
      'shardId-000000000001.json',
    ]);
  });

  it('keeps the positions of different functions on the same stream apart', async () => {
    // Prepare
    await new CheckpointStore(root, 'land', 'events').write('shardId-000000000000', '4901');

    // Act
    const position = await new CheckpointStore(root, 'resolve', 'events').read('shardId-000000000000');

    // Assess
    expect(position).toBeUndefined();
  });

  it('forgets every shard of the mapping, and only of that mapping, on reset', async () => {
    // Prepare
    const land = new CheckpointStore(root, 'land', 'events');
    const resolve = new CheckpointStore(root, 'resolve', 'events');
    await land.write('shardId-000000000000', '4901');
    await land.write('shardId-000000000001', '4902');
    await resolve.write('shardId-000000000000', '4903');

    // Act
    await land.reset();

    // Assess
    expect(await land.read('shardId-000000000000')).toBeUndefined();
    expect(await land.read('shardId-000000000001')).toBeUndefined();
    expect(await resolve.read('shardId-000000000000')).toBe('4903');
  });

  it('refuses a checkpoint file it did not write', async () => {
    // Prepare
    const store = new CheckpointStore(root, 'land', 'events');
    await store.write('shardId-000000000000', '4901');
    await writeFile(join(root, 'land', 'events', 'shardId-000000000000.json'), '{"sequenceNumber":');

    // Act
    const reading = store.read('shardId-000000000000');

    // Assess
    await expect(reading).rejects.toBeInstanceOf(CheckpointError);
  });
});
