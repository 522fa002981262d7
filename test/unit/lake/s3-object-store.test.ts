import {
  type DeleteObjectsCommand,
  type GetObjectCommand,
  type ListObjectsV2Command,
  NoSuchKey,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { ObjectDeleteError, S3ObjectStore } from '../../../shared/adapters/s3-object-store.ts';
import { stubbedS3Client } from '../../fixtures/stubbed-client.ts';

describe('S3ObjectStore', () => {
  it('lists every page of a prefix', async () => {
    // Prepare: two pages joined by a continuation token.
    const { client, sent } = stubbedS3Client((command) => {
      const input = (command as ListObjectsV2Command).input;
      return input.ContinuationToken === undefined
        ? { Contents: [{ Key: 'events/a', Size: 1 }], NextContinuationToken: 't1', IsTruncated: true }
        : { Contents: [{ Key: 'events/b', Size: 2 }], IsTruncated: false };
    });
    const store = new S3ObjectStore({ client, bucket: 'lake' });

    // Act
    const listed = [];
    for await (const object of store.list('events/')) listed.push(object);

    // Assess
    expect(listed).toEqual([
      { key: 'events/a', size: 1 },
      { key: 'events/b', size: 2 },
    ]);
    expect(sent.map((command) => (command as ListObjectsV2Command).input)).toMatchObject([
      { Bucket: 'lake', Prefix: 'events/' },
      { Bucket: 'lake', Prefix: 'events/', ContinuationToken: 't1' },
    ]);
  });

  it('deletes in requests of at most 1000 keys', async () => {
    // Prepare
    const { client, sent } = stubbedS3Client(() => ({}));
    const store = new S3ObjectStore({ client, bucket: 'lake' });
    const keys = Array.from({ length: 2500 }, (_, index) => `k${index}`);

    // Act
    await store.delete(keys);

    // Assess: 2500 = 1000 + 1000 + 500, every key once.
    const requests = sent.map((command) => (command as DeleteObjectsCommand).input.Delete?.Objects ?? []);
    expect(requests.map((objects) => objects.length)).toEqual([1000, 1000, 500]);
    expect(requests.flat().map((object) => object.Key)).toEqual(keys);
  });

  it('throws naming the keys S3 reports it could not delete', async () => {
    // Prepare
    const { client } = stubbedS3Client(() => ({
      Errors: [{ Key: 'k1', Code: 'AccessDenied', Message: 'no' }],
    }));
    const store = new S3ObjectStore({ client, bucket: 'lake' });

    // Act
    const deleting = store.delete(['k0', 'k1']);

    // Assess
    await expect(deleting).rejects.toThrow(ObjectDeleteError);
    await expect(deleting).rejects.toMatchObject({ failed: [{ key: 'k1', code: 'AccessDenied' }] });
  });

  it('sends no request to delete no keys', async () => {
    // Prepare
    const { client, sent } = stubbedS3Client(() => ({}));

    // Act
    await new S3ObjectStore({ client, bucket: 'lake' }).delete([]);

    // Assess
    expect(sent).toEqual([]);
  });

  it('gets nothing for a key that does not exist', async () => {
    // Prepare
    const { client } = stubbedS3Client(() => {
      throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
    });

    // Act
    const body = await new S3ObjectStore({ client, bucket: 'lake' }).get('missing');

    // Assess
    expect(body).toBeUndefined();
  });

  it('gets the bytes of an object that exists', async () => {
    // Prepare
    const { client, sent } = stubbedS3Client(() => ({
      Body: { transformToByteArray: async () => Uint8Array.from([1, 2, 3]) },
    }));

    // Act
    const body = await new S3ObjectStore({ client, bucket: 'lake' }).get('events/a');

    // Assess
    expect(body).toEqual(Uint8Array.from([1, 2, 3]));
    expect((sent[0] as GetObjectCommand).input).toEqual({ Bucket: 'lake', Key: 'events/a' });
  });

  it('passes other errors of a get on', async () => {
    // Prepare
    const { client } = stubbedS3Client(() => {
      throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
    });

    // Act
    const getting = new S3ObjectStore({ client, bucket: 'lake' }).get('events/a');

    // Assess
    await expect(getting).rejects.toThrow('Access Denied');
  });
});
