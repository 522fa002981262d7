/** An in-memory fake of our own `ObjectStore` port, with hooks to inject faults and interleavings. */
import type { ObjectStore, StoredObject } from '../../../shared/ports.ts';

export interface StoreHooks {
  /** Runs before a put; throw to make the put fail without storing anything. */
  beforePut?: (key: string) => void | Promise<void>;
  /** Runs before a delete; throw to make the delete fail without deleting anything. */
  beforeDelete?: (keys: readonly string[]) => void | Promise<void>;
  /** Runs before a get. */
  beforeGet?: (key: string) => void | Promise<void>;
}

export class MemoryObjectStore implements ObjectStore {
  private readonly objects = new Map<string, Uint8Array>();
  hooks: StoreHooks = {};

  async put(key: string, body: Uint8Array): Promise<void> {
    await this.hooks.beforePut?.(key);
    this.objects.set(key, body.slice());
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    await this.hooks.beforeGet?.(key);
    return this.objects.get(key)?.slice();
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    for (const key of this.keys(prefix)) {
      const body = this.objects.get(key);
      if (body !== undefined) yield { key, size: body.byteLength };
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    await this.hooks.beforeDelete?.(keys);
    for (const key of keys) this.objects.delete(key);
  }

  /** The stored keys under a prefix, in S3's (byte) order. */
  keys(prefix = ''): string[] {
    return [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort();
  }

  /** A copy of every object, to compare two states of the store. */
  snapshot(): Map<string, Uint8Array> {
    return new Map([...this.objects].map(([key, body]) => [key, body.slice()]));
  }
}

/** A hook that throws the first `times` times it is called with a matching argument (a key, or the keys). */
export function failing<T>(matches: (argument: T) => boolean, times = 1): (argument: T) => void {
  let left = times;
  return (argument) => {
    if (left > 0 && matches(argument)) {
      left -= 1;
      throw new Error(`injected fault on ${String(argument)}`);
    }
  };
}
