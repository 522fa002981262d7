/**
 * The `ObjectStore` port on one S3 bucket (s3rver locally, through the same client configuration), and the
 * `ObjectVersionStore` port on its old versions (the lake bucket is versioned in AWS; s3rver has no
 * versioning and answers the versions listing with an error, which reads as "no old versions").
 */
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
  NoSuchKey,
  PutObjectCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import { CdpError } from '../errors.ts';
import type { NoncurrentVersion, ObjectStore, ObjectVersionStore, StoredObject } from '../ports.ts';
import { s3Client } from './aws-clients.ts';

export class ObjectStoreError extends CdpError {}

/** Some keys of a DeleteObjects request were not deleted. */
export class ObjectDeleteError extends ObjectStoreError {
  constructor(
    readonly bucket: string,
    readonly failed: readonly { readonly key: string; readonly code: string }[],
  ) {
    const first = failed[0];
    super(`could not delete ${failed.length} object(s) from ${bucket}, e.g. ${first?.key}: ${first?.code}`);
  }
}

export interface S3ObjectStoreOptions {
  readonly bucket: string;
  /** @default the shared `s3Client()` */
  readonly client?: S3Client;
}

/** S3 takes at most 1000 keys per DeleteObjects request. */
const DELETE_BATCH = 1000;

export class S3ObjectStore implements ObjectStore, ObjectVersionStore {
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(options: S3ObjectStoreOptions) {
    this.client = options.client ?? s3Client();
    this.bucket = options.bucket;
  }

  async put(key: string, body: Uint8Array, contentType?: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ...(contentType ? { ContentType: contentType } : {}),
      }),
    );
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (object.Body === undefined) return new Uint8Array();
      return await object.Body.transformToByteArray();
    } catch (error) {
      if (error instanceof NoSuchKey || (error instanceof Error && error.name === 'NoSuchKey'))
        return undefined;
      throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    const pages = paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: prefix });
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined) yield { key: object.Key, size: object.Size ?? 0 };
      }
    }
  }

  /** Deletes in requests of 1000 keys; keys that do not exist count as deleted, as S3 reports them. */
  async delete(keys: readonly string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += DELETE_BATCH) {
      const chunk = keys.slice(start, start + DELETE_BATCH);
      const result = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: chunk.map((key) => ({ Key: key })), Quiet: true },
        }),
      );
      const failed = (result.Errors ?? []).map((error) => ({
        key: error.Key ?? '(unknown key)',
        code: error.Code ?? 'UnknownError',
      }));
      if (failed.length > 0) throw new ObjectDeleteError(this.bucket, failed);
    }
  }

  /**
   * ListObjectVersions, page by page: the versions that are not their key's latest (an unversioned bucket's
   * objects are all latest). A store that does not implement versioning at all has none.
   */
  async *noncurrentVersions(prefix: string): AsyncIterable<NoncurrentVersion> {
    let markers: { KeyMarker?: string; VersionIdMarker?: string } = {};
    for (;;) {
      let page: ListObjectVersionsCommandOutput;
      try {
        page = await this.client.send(
          new ListObjectVersionsCommand({ Bucket: this.bucket, Prefix: prefix, ...markers }),
        );
      } catch (error) {
        if (versioningUnsupported(error)) return;
        throw error;
      }
      for (const version of page.Versions ?? []) {
        if (version.IsLatest || version.Key === undefined || version.VersionId === undefined) continue;
        yield { key: version.Key, versionId: version.VersionId, size: version.Size ?? 0 };
      }
      if (!page.IsTruncated) return;
      markers = {
        ...(page.NextKeyMarker ? { KeyMarker: page.NextKeyMarker } : {}),
        ...(page.NextVersionIdMarker ? { VersionIdMarker: page.NextVersionIdMarker } : {}),
      };
    }
  }

  async getVersion(key: string, versionId: string): Promise<Uint8Array | undefined> {
    try {
      const object = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, VersionId: versionId }),
      );
      if (object.Body === undefined) return new Uint8Array();
      return await object.Body.transformToByteArray();
    } catch (error) {
      if (error instanceof NoSuchKey || isNamed(error, 'NoSuchKey') || isNamed(error, 'NoSuchVersion'))
        return undefined;
      throw error;
    }
  }

  /** DeleteObjects with version ids, 1000 per request: each version is gone for good. */
  async deleteVersions(
    versions: readonly { readonly key: string; readonly versionId: string }[],
  ): Promise<void> {
    for (let start = 0; start < versions.length; start += DELETE_BATCH) {
      const chunk = versions.slice(start, start + DELETE_BATCH);
      const result = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: {
            Objects: chunk.map(({ key, versionId }) => ({ Key: key, VersionId: versionId })),
            Quiet: true,
          },
        }),
      );
      const failed = (result.Errors ?? []).map((error) => ({
        key: `${error.Key ?? '(unknown key)'}?versionId=${error.VersionId ?? ''}`,
        code: error.Code ?? 'UnknownError',
      }));
      if (failed.length > 0) throw new ObjectDeleteError(this.bucket, failed);
    }
  }
}

function isNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

/** What an S3-compatible store without versioning answers a versions listing with (s3rver: 405). */
function versioningUnsupported(error: unknown): boolean {
  if (isNamed(error, 'NotImplemented') || isNamed(error, 'MethodNotAllowed')) return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata
    ?.httpStatusCode;
  return status === 405 || status === 501;
}
