/** The `ObjectStore` port on one S3 bucket (s3rver locally, through the same client configuration). */
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import { CdpError } from '../errors.ts';
import type { ObjectStore, StoredObject } from '../ports.ts';
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

export class S3ObjectStore implements ObjectStore {
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
}
