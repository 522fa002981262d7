/** Where the local runtime keeps its state: one data directory, so a restart keeps the data. */
import { join, resolve } from 'node:path';

export interface LocalPaths {
  readonly root: string;
  readonly dynamodb: string;
  readonly kinesis: string;
  /** s3rver's storage: one folder per bucket, each object stored as `<key>._S3rver_object`. */
  readonly s3: string;
  readonly checkpoints: string;
  /** Generated write keys and admin token, kept so a restart serves the same keys. */
  readonly secrets: string;
  /**
   * The running platform's emulator and API endpoints (`{ api, kinesis, s3, dynamodb }`), written at start so
   * the `cdp` commands reach the same emulators; removed at stop.
   */
  readonly endpoints: string;
}

export function localPaths(env: NodeJS.ProcessEnv = process.env): LocalPaths {
  const root = resolve(env.CDP_DATA_DIR || '.cdp');
  return {
    root,
    dynamodb: join(root, 'dynamodb'),
    kinesis: join(root, 'kinesis'),
    s3: join(root, 's3'),
    checkpoints: join(root, 'checkpoints'),
    secrets: join(root, 'secrets.json'),
    endpoints: join(root, 'endpoints.json'),
  };
}

/** The folder s3rver stores a bucket's objects in; DuckDB reads the lake from here. */
export function localBucketDir(paths: LocalPaths, bucket: string): string {
  return join(paths.s3, bucket);
}
