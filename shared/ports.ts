/**
 * The seams between the domain and the backends. Each port has one adapter per backend in `shared/adapters/`;
 * the domain only ever sees these interfaces.
 */

export interface StreamRecord {
  /** Records with the same key keep their order (one Kinesis shard). */
  readonly partitionKey: string;
  readonly data: Uint8Array;
}

export interface EventStream {
  /**
   * Stores records durably, retrying transient and partial failures itself. Resolves with the records that
   * could still not be stored (empty when all were), so the caller never acknowledges a lost record.
   */
  put(records: readonly StreamRecord[]): Promise<{ readonly failed: readonly StreamRecord[] }>;
}

export interface StoredObject {
  readonly key: string;
  readonly size: number;
}

/** One bucket's objects. */
export interface ObjectStore {
  put(key: string, body: Uint8Array, contentType?: string): Promise<void>;
  /** `undefined` when there is no such object. */
  get(key: string): Promise<Uint8Array | undefined>;
  list(prefix: string): AsyncIterable<StoredObject>;
  delete(keys: readonly string[]): Promise<void>;
}

/** A version of an object that is no longer its key's current object (it was replaced or deleted). */
export interface NoncurrentVersion {
  readonly key: string;
  readonly versionId: string;
  readonly size: number;
}

/**
 * The old versions a versioned bucket keeps of what `ObjectStore` replaced or deleted: what an erasure must
 * remove as well. An unversioned bucket has none.
 */
export interface ObjectVersionStore {
  /** Noncurrent versions of the objects under `prefix`, in key order; delete markers are not listed. */
  noncurrentVersions(prefix: string): AsyncIterable<NoncurrentVersion>;
  /** `undefined` when there is no such version. */
  getVersion(key: string, versionId: string): Promise<Uint8Array | undefined>;
  /** Deletes these versions for good. */
  deleteVersions(versions: readonly { readonly key: string; readonly versionId: string }[]): Promise<void>;
}

export const channels = [
  'web',
  'app',
  'server',
  'email',
  'pos',
  'crm',
  'erp',
  'support',
  'social',
  'other',
] as const;
export type Channel = (typeof channels)[number];

/** Where events come from: each write key belongs to exactly one source. */
export interface Source {
  readonly name: string;
  readonly channel: Channel;
  readonly writeKey: string;
  /** Browser origins allowed to send with this key (`*` for any); empty for server-side sources. */
  readonly allowedOrigins: readonly string[];
}

export interface SourceRegistry {
  byWriteKey(writeKey: string): Promise<Source | undefined>;
}

export interface QueryColumn {
  readonly name: string;
  readonly type: string;
}

export interface QueryResult {
  readonly columns: readonly QueryColumn[];
  readonly rows: readonly Record<string, unknown>[];
  /** What the engine reports about the run: Athena's bytes scanned and their cost. */
  readonly stats: {
    readonly engine: 'duckdb' | 'athena';
    readonly bytesScanned?: number;
    readonly costUsd?: number;
  };
}

/** SQL over the lake: Athena in AWS, DuckDB locally, with the same table and view names. */
export interface SqlEngine {
  /** `params` are bound positionally to `?` placeholders, never spliced into the text. */
  query(sql: string, params?: readonly (string | number | boolean | null)[]): Promise<QueryResult>;
  close(): Promise<void>;
}
