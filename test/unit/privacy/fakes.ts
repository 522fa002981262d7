/** In-memory adapters of the privacy ports, with DynamoDB's conditions checked as the real adapters send them. */
import { type Identity, identityKey } from '../../../shared/identity/identifiers.ts';
import { type ResolveOptions, resolveBatch } from '../../../shared/identity/resolve.ts';
import type { NoncurrentVersion, ObjectVersionStore } from '../../../shared/ports.ts';
import type { ErasureJob } from '../../../shared/privacy/model.ts';
import type {
  ErasureStore,
  LateEventTally,
  PersonStore,
  Suppression,
  SuppressionList,
  SuppressionSnapshot,
  SuppressionWriter,
} from '../../../shared/privacy/ports.ts';
import { batchOf, event, MemoryGraphStore } from '../identity/fixtures.ts';
import { MemoryObjectStore } from '../lake/memory-object-store.ts';

/** The identity graph with the removals an erasure makes; `beforeRemoveProfile` lets a resolution race it. */
export class MemoryPersonStore extends MemoryGraphStore implements PersonStore {
  beforeRemoveProfile: (() => Promise<void>) | undefined;

  async removeIdentities(identities: readonly Identity[]): Promise<number> {
    let removed = 0;
    for (const identity of identities) if (this.links.delete(identityKey(identity))) removed += 1;
    return removed;
  }

  async removeProfileItems(
    profileId: string,
    options: { readonly keepProfileItem: boolean },
  ): Promise<number> {
    let removed = 0;
    const events = this.events.get(profileId);
    if (events !== undefined) {
      // One recent-events item per event here (DynamoDB packs up to 50 in one).
      removed += events.size;
      this.events.delete(profileId);
    }
    for (const [key, refusal] of this.refusals) {
      if (refusal.profileId === profileId) {
        this.refusals.delete(key);
        removed += 1;
      }
    }
    if (!options.keepProfileItem) {
      if (this.stored.delete(profileId)) removed += 1;
      this.tombstones.delete(profileId);
    }
    return removed;
  }

  async removeProfile(profileId: string, expectedVersion: number): Promise<boolean> {
    const hook = this.beforeRemoveProfile;
    this.beforeRemoveProfile = undefined;
    await hook?.();
    if (expectedVersion === 0) {
      // A virtual profile: a tombstone where its item would be, unless a resolution created it meanwhile.
      if (this.stored.has(profileId)) return false;
      this.tombstones.add(profileId);
      return true;
    }
    if (this.stored.get(profileId)?.version !== expectedVersion) return false;
    this.stored.delete(profileId);
    return true;
  }
}

export class MemoryErasureStore implements ErasureStore {
  readonly jobs = new Map<string, ErasureJob>();

  async create(job: ErasureJob): Promise<void> {
    if (this.jobs.has(job.erasureId)) throw new Error(`erasure ${job.erasureId} exists`);
    this.jobs.set(job.erasureId, structuredClone(job));
  }

  async get(erasureId: string): Promise<ErasureJob | undefined> {
    const job = this.jobs.get(erasureId);
    return job === undefined ? undefined : structuredClone(job);
  }

  async save(job: ErasureJob, expectedVersion: number): Promise<boolean> {
    if (this.jobs.get(job.erasureId)?.version !== expectedVersion) return false;
    this.jobs.set(job.erasureId, structuredClone(job));
    return true;
  }

  async unfinished(): Promise<ErasureJob[]> {
    return [...this.jobs.values()]
      .filter((job) => job.status === 'accepted' || job.status === 'profile_erased')
      .map((job) => structuredClone(job));
  }

  only(): ErasureJob {
    const [job, ...others] = this.jobs.values();
    if (job === undefined || others.length > 0) throw new Error(`${this.jobs.size} jobs, not one`);
    return job;
  }
}

export class MemorySuppressionList implements SuppressionList, SuppressionWriter, SuppressionSnapshot {
  readonly entries = new Map<string, Suppression>();
  /** Runs before each count is written: a test makes another writer count in between here. */
  beforeRecord: (() => Promise<void>) | undefined;
  lookups = 0;

  async suppressed(keys: readonly string[]): Promise<ReadonlyMap<string, Suppression>> {
    this.lookups += 1;
    const found = new Map<string, Suppression>();
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (entry !== undefined) found.set(key, structuredClone(entry));
    }
    return found;
  }

  async recordLateEvents(key: string, tally: LateEventTally, expectedVersion: number): Promise<boolean> {
    const hook = this.beforeRecord;
    this.beforeRecord = undefined;
    await hook?.();
    const entry = this.entries.get(key);
    if (entry === undefined || entry.late.version !== expectedVersion) return false;
    this.entries.set(key, { ...entry, late: { ...structuredClone(tally), version: expectedVersion + 1 } });
    return true;
  }

  async suppress(keys: readonly string[], erasureId: string, at: number): Promise<number> {
    let added = 0;
    for (const key of new Set(keys)) {
      if (this.entries.has(key)) continue;
      this.entries.set(key, {
        key,
        erasureId,
        suppressedAt: at,
        late: { version: 0, dropped: 0, seq: {}, recent: [] },
      });
      added += 1;
    }
    return added;
  }

  async allKeys(): Promise<ReadonlySet<string>> {
    return new Set(this.entries.keys());
  }

  /** Late events counted across the entries. */
  dropped(): number {
    return [...this.entries.values()].reduce((sum, entry) => sum + entry.late.dropped, 0);
  }
}

/**
 * A versioned bucket in memory: a put or delete keeps the object it replaces as a noncurrent version, as S3
 * does with versioning enabled.
 */
export class VersionedMemoryStore extends MemoryObjectStore implements ObjectVersionStore {
  readonly old: (NoncurrentVersion & { body: Uint8Array })[] = [];
  #nextVersion = 1;

  override async put(key: string, body: Uint8Array): Promise<void> {
    await this.#keepOld(key);
    await super.put(key, body);
  }

  override async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) await this.#keepOld(key);
    await super.delete(keys);
  }

  async *noncurrentVersions(prefix: string): AsyncIterable<NoncurrentVersion> {
    const listed = this.old
      .filter((version) => version.key.startsWith(prefix))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const { key, versionId, size } of listed) yield { key, versionId, size };
  }

  async getVersion(key: string, versionId: string): Promise<Uint8Array | undefined> {
    return this.old.find((version) => version.key === key && version.versionId === versionId)?.body.slice();
  }

  async deleteVersions(
    versions: readonly { readonly key: string; readonly versionId: string }[],
  ): Promise<void> {
    for (const { key, versionId } of versions) {
      const index = this.old.findIndex((version) => version.key === key && version.versionId === versionId);
      if (index >= 0) this.old.splice(index, 1);
    }
  }

  async #keepOld(key: string): Promise<void> {
    const current = await this.get(key);
    if (current === undefined) return;
    this.old.push({ key, versionId: `v${this.#nextVersion++}`, size: current.byteLength, body: current });
  }
}

/**
 * Resolves the two people the privacy tests erase or keep: Ann (one identify: user id `u-ann`, anonymous id
 * `a-ann`, email `ann@example.com`) and Bob (user id `u-bob`, anonymous id `a-bob`).
 */
export async function resolveAnnAndBob(people: MemoryPersonStore, options: ResolveOptions): Promise<void> {
  await resolveBatch(
    people,
    batchOf([
      event({
        messageId: 'ann-1',
        type: 'identify',
        userId: 'u-ann',
        anonymousId: 'a-ann',
        traits: { email: 'ann@example.com' },
      }),
      event({ messageId: 'bob-1', userId: 'u-bob', anonymousId: 'a-bob' }),
    ]),
    options,
  );
}
