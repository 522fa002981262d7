import {
  type DeleteObjectsCommand,
  type GetObjectCommand,
  type ListObjectVersionsCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { ObjectDeleteError, S3ObjectStore } from '../../../shared/adapters/s3-object-store.ts';
import { stubbedS3Client } from '../../fixtures/stubbed-client.ts';

async function listed(store: S3ObjectStore, prefix: string) {
  const versions = [];
  for await (const version of store.noncurrentVersions(prefix)) versions.push(version);
  return versions;
}

describe('S3ObjectStore versions', () => {
  it('lists the noncurrent versions of every page, not the latest ones nor delete markers', async () => {
    // Prepare: two pages joined by key and version markers.
    const { client, sent } = stubbedS3Client((command) => {
      const input = (command as ListObjectVersionsCommand).input;
      return input.KeyMarker === undefined
        ? {
            Versions: [
              { Key: 'events/a', VersionId: 'a2', IsLatest: true, Size: 10 },
              { Key: 'events/a', VersionId: 'a1', IsLatest: false, Size: 9 },
            ],
            DeleteMarkers: [{ Key: 'events/b', VersionId: 'b3', IsLatest: true }],
            IsTruncated: true,
            NextKeyMarker: 'events/a',
            NextVersionIdMarker: 'a1',
          }
        : { Versions: [{ Key: 'events/b', VersionId: 'b2', IsLatest: false, Size: 7 }], IsTruncated: false };
    });
    const store = new S3ObjectStore({ client, bucket: 'lake' });

    // Act
    const versions = await listed(store, 'events/');

    // Assess
    expect(versions).toEqual([
      { key: 'events/a', versionId: 'a1', size: 9 },
      { key: 'events/b', versionId: 'b2', size: 7 },
    ]);
    expect(sent.map((command) => (command as ListObjectVersionsCommand).input)).toEqual([
      { Bucket: 'lake', Prefix: 'events/' },
      { Bucket: 'lake', Prefix: 'events/', KeyMarker: 'events/a', VersionIdMarker: 'a1' },
    ]);
  });

  it('has no old versions where the store does not implement versioning (s3rver answers 405)', async () => {
    // Prepare
    const { client } = stubbedS3Client(() => {
      throw new S3ServiceException({
        name: 'MethodNotAllowed',
        $fault: 'client',
        $metadata: { httpStatusCode: 405 },
      });
    });
    const store = new S3ObjectStore({ client, bucket: 'lake' });

    // Act / Assess
    expect(await listed(store, 'events/')).toEqual([]);
  });

  it('passes any other listing error on', async () => {
    // Prepare
    const { client } = stubbedS3Client(() => {
      throw new S3ServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
      });
    });
    const store = new S3ObjectStore({ client, bucket: 'lake' });

    // Act / Assess
    await expect(listed(store, 'events/')).rejects.toThrow(S3ServiceException);
  });

  it('reads one version, and answers undefined for a version that is gone', async () => {
    // Prepare
    const { client, sent } = stubbedS3Client((command) => {
      const input = (command as GetObjectCommand).input;
      if (input.VersionId === 'gone') {
        throw new S3ServiceException({
          name: 'NoSuchVersion',
          $fault: 'client',
          $metadata: { httpStatusCode: 404 },
        });
      }
      return { Body: { transformToByteArray: async () => new Uint8Array([1, 2, 3]) } };
    });
    const store = new S3ObjectStore({ client, bucket: 'lake' });

    // Act
    const body = await store.getVersion('events/a', 'a1');
    const gone = await store.getVersion('events/a', 'gone');

    // Assess
    expect(body).toEqual(new Uint8Array([1, 2, 3]));
    expect(gone).toBeUndefined();
    expect((sent[0] as GetObjectCommand).input).toEqual({ Bucket: 'lake', Key: 'events/a', VersionId: 'a1' });
  });

  it('deletes versions by id, 1000 per request, and names those S3 could not delete', async () => {
    // Prepare
    const { client, sent } = stubbedS3Client((command) => {
      const objects = (command as DeleteObjectsCommand).input.Delete?.Objects ?? [];
      return objects.length === 1
        ? { Errors: [{ Key: 'k2500', VersionId: 'v2500', Code: 'AccessDenied' }] }
        : {};
    });
    const store = new S3ObjectStore({ client, bucket: 'lake' });
    const versions = Array.from({ length: 2001 }, (_, index) => ({
      key: `k${index}`,
      versionId: `v${index}`,
    }));

    // Act
    const deleting = store.deleteVersions(versions);

    // Assess: 2001 = 1000 + 1000 + 1, and the last request reports a failure.
    await expect(deleting).rejects.toThrow(ObjectDeleteError);
    await expect(deleting).rejects.toMatchObject({
      failed: [{ key: 'k2500?versionId=v2500', code: 'AccessDenied' }],
    });
    const requests = sent.map((command) => (command as DeleteObjectsCommand).input.Delete?.Objects ?? []);
    expect(requests.map((objects) => objects.length)).toEqual([1000, 1000, 1]);
    expect(requests[0]?.[0]).toEqual({ Key: 'k0', VersionId: 'v0' });
  });
});
