/**
 * The import's `ObjectReader` on one S3 bucket: GetObject's body as the Node stream the SDK returns, read
 * chunk by chunk, so a dropped file of any size passes through a function of fixed memory.
 */
import type { Readable } from 'node:stream';
import { GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectReader, OpenedObject } from '../import/object-import.ts';
import { s3Client } from './aws-clients.ts';

export interface S3ObjectReaderOptions {
  readonly bucket: string;
  /** @default the shared `s3Client()` */
  readonly client?: S3Client;
}

export class S3ObjectReader implements ObjectReader {
  readonly #client: S3Client;
  readonly #bucket: string;

  constructor(options: S3ObjectReaderOptions) {
    this.#client = options.client ?? s3Client();
    this.#bucket = options.bucket;
  }

  async open(key: string): Promise<OpenedObject | undefined> {
    try {
      const object = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
      // In Node the SDK's body is an http.IncomingMessage: a Readable, hence an async iterable of Buffers.
      const body = object.Body as Readable | undefined;
      return {
        body: body ?? emptyBody(),
        eTag: object.ETag ?? '',
        size: object.ContentLength ?? 0,
        close: () => body?.destroy(),
      };
    } catch (error) {
      if (error instanceof NoSuchKey || (error instanceof Error && error.name === 'NoSuchKey'))
        return undefined;
      throw error;
    }
  }
}

async function* emptyBody(): AsyncGenerator<Uint8Array> {}
