/**
 * DynamoDB capacity accounting for the identity-resolution benchmark: what resolution's requests would be
 * billed on an on-demand table, by operation.
 *
 * The profile store reports what DynamoDB says each request consumed (`onConsumedCapacity`). DynamoDB Local
 * returns a figure for every request, but it departs from AWS's documented rules in two places, checked against
 * it while writing this (DynamoDB Local 2026-01-16):
 * - a transaction is reported as 2 × ⌈sum of the item sizes / 1 KB⌉, where AWS bills 2 × Σ ⌈item size / 1 KB⌉:
 *   a transaction of a profile and two identity items is 2 units locally, 6 in AWS;
 * - a key a BatchGetItem finds no item for is reported as 0, where AWS bills a read all the same (1 unit,
 *   strongly consistent).
 * So the billed figure is computed: transactions and conditional writes that failed (which AWS bills and no
 * response reports) from the items they write, sized by DynamoDB's documented rules; reads as reported plus one
 * unit per key not found; everything else (single UpdateItem, BatchWriteItem) as reported, which the local
 * figures match (a commit that is one UpdateItem is computed too, as a check of the item sizes).
 */
import {
  type ConsumedCapacityUsage,
  profileItem,
  profileKeys,
} from '../../shared/adapters/dynamodb-profile-store.ts';
import type { Identity } from '../../shared/identity/identifiers.ts';
import type {
  GraphWrites,
  IdentityGraphStore,
  RecentEvents,
  Refusal,
  Repoint,
} from '../../shared/identity/ports.ts';
import { awsListPrices } from '../../shared/pricing.ts';
import type { LiveProfile, StoredProfile } from '../../shared/profiles/model.ts';

const { writeRequestUnitBytes, readRequestUnitBytes, transactionalRequestFactor } = awsListPrices.dynamodb;

/**
 * The size DynamoDB gives an attribute value, as the document client marshals it: strings and binary by their
 * bytes, numbers by their significant digits (⌈digits / 2⌉ + 1, one more when negative), booleans and null 1
 * byte, lists and maps 3 bytes plus 1 per element plus the elements (a map element with its name). Undefined
 * values are left out, as the store's `removeUndefinedValues` does.
 * @example attributeBytes({ a: [1, 'xy'] }) // 3 + (1 + 1 + (3 + (1 + 2) + (1 + 2))) = 14
 */
export function attributeBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number') return numberBytes(value);
  if (typeof value === 'boolean' || value === null) return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) {
    const present = value.filter((element) => element !== undefined);
    return 3 + present.reduce((total: number, element) => total + 1 + attributeBytes(element), 0);
  }
  if (typeof value === 'object') {
    return 3 + entriesBytes(value as Record<string, unknown>, 1);
  }
  throw new TypeError(`DynamoDB has no type for a ${typeof value}`);
}

/** The size of an item: each attribute's name (UTF-8) and value. */
export function itemBytes(item: Readonly<Record<string, unknown>>): number {
  return entriesBytes(item, 0);
}

/** Write units of one write of an item: one per started KB (an update is sized by the larger of before and after). */
export function writeUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / writeRequestUnitBytes));
}

/** Read units of a strongly consistent read of one item: one per started 4 KB, one for an item that is not there. */
export function readUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / readRequestUnitBytes));
}

/**
 * What AWS bills for one request the store reported, where that can be told from the report: a BatchGetItem
 * (strongly consistent, as all the store's reads are) adds one unit per key it found nothing for.
 */
export function billedFromReport(usage: ConsumedCapacityUsage): number {
  if (usage.request !== 'BatchGetItem') return usage.capacityUnits;
  return usage.capacityUnits + (usage.items - (usage.returned ?? usage.items));
}

/** The write units of one commit: each item by the larger of its sizes before and after; a transaction twice. */
export function commitUnits(
  items: readonly { readonly beforeBytes?: number; readonly afterBytes: number }[],
  transaction: boolean,
): number {
  const units = items.reduce(
    (total, { beforeBytes = 0, afterBytes }) => total + writeUnits(Math.max(beforeBytes, afterBytes)),
    0,
  );
  return transaction ? transactionalRequestFactor * units : units;
}

export interface OperationCapacity {
  readonly operation: string;
  readonly kind: 'read' | 'write';
  requests: number;
  /** Keys read or items written. */
  items: number;
  /** As DynamoDB Local reported them. */
  reportedUnits: number;
  /** As AWS would bill them (see the module comment). */
  billedUnits: number;
}

/**
 * A profile store that counts what resolution costs: pass `observe` to the DynamoDB store as its
 * `onConsumedCapacity` and resolve through the meter. It remembers the size of every profile item read or
 * written, so that it can size the writes of a commit (an update is billed by the larger of before and after).
 *
 * @example
 *   const meter = new CapacityMeter((observe) => new DynamoDbProfileStore({ tableName, onConsumedCapacity: observe }));
 *   await resolveBatch(meter, batch, options);
 *   meter.operations(); // units per operation, reported and billed
 */
export class CapacityMeter implements IdentityGraphStore {
  readonly #inner: IdentityGraphStore;
  readonly #now: () => number;
  readonly #profileBytes = new Map<string, number>();
  readonly #lines = new Map<string, OperationCapacity>();
  /** Sizes of the live profile items committed: above 1 KB a profile write costs more than one unit. */
  readonly profileItemBytes: number[] = [];

  constructor(
    connect: (observe: (usage: ConsumedCapacityUsage) => void) => IdentityGraphStore,
    now: () => number = Date.now,
  ) {
    this.#inner = connect((usage) => this.#observe(usage));
    this.#now = now;
  }

  /** Units by operation, e.g. `commit TransactWriteItems`, reads first. */
  operations(): OperationCapacity[] {
    return [...this.#lines.values()].sort(
      (a, b) => a.kind.localeCompare(b.kind) || a.operation.localeCompare(b.operation),
    );
  }

  /** Billed (or, with `reported`, locally reported) units of one kind in all. */
  total(kind: OperationCapacity['kind'], reported = false): number {
    return this.operations()
      .filter((line) => line.kind === kind)
      .reduce((total, line) => total + (reported ? line.reportedUnits : line.billedUnits), 0);
  }

  async linkedProfiles(identities: readonly Identity[]): Promise<ReadonlyMap<string, string>> {
    return this.#inner.linkedProfiles(identities);
  }

  async profiles(profileIds: readonly string[]): Promise<ReadonlyMap<string, StoredProfile>> {
    const found = await this.#inner.profiles(profileIds);
    for (const profile of found.values()) this.#profileBytes.set(profile.profileId, storedBytes(profile));
    return found;
  }

  async commit(writes: GraphWrites): Promise<boolean> {
    const now = this.#now();
    const before = (profileId: string) => this.#profileBytes.get(profileId);
    const sized: { profileId?: string; live?: boolean; beforeBytes?: number; afterBytes: number }[] = [
      ...writes.creates.map((profile) => ({
        profileId: profile.profileId,
        live: true,
        afterBytes: liveBytes(profile),
      })),
      ...writes.updates.map(({ profile }) => ({
        profileId: profile.profileId,
        live: true,
        beforeBytes: before(profile.profileId),
        afterBytes: liveBytes(profile),
      })),
      ...writes.redirects.map(({ profileId, expectedVersion, mergedInto }) => ({
        profileId,
        beforeBytes: before(profileId),
        afterBytes: redirectBytes(profileId, expectedVersion + 1, mergedInto, now),
      })),
      ...writes.links.map(({ identity, profileId }) => ({
        afterBytes: itemBytes({ ...profileKeys.identity(identity), profileId, linkedAt: now }),
      })),
    ];
    // As the store writes them: one item alone is a plain write — an UpdateItem for a changed profile, a
    // PutItem for a new one (a new visitor's identity item, lazy creation) — anything else a transaction.
    const single = sized.length === 1;
    const singleRequest =
      writes.updates.length + writes.redirects.filter(({ expectedVersion }) => expectedVersion > 0).length ===
      1
        ? 'UpdateItem'
        : 'PutItem';
    const units = commitUnits(sized, !single);
    const committed = await this.#inner.commit(writes);
    if (!committed) {
      // AWS bills a write whose condition failed; no response reports it.
      const line = this.#line('commit (condition failed)', 'write');
      line.requests += 1;
      line.items += sized.length;
      line.billedUnits += units;
      return false;
    }
    this.#line(`commit ${single ? singleRequest : 'TransactWriteItems'}`, 'write').billedUnits += units;
    for (const { profileId, live, afterBytes } of sized) {
      if (profileId !== undefined) this.#profileBytes.set(profileId, afterBytes);
      if (live) this.profileItemBytes.push(afterBytes);
    }
    return true;
  }

  async recordEvents(recent: readonly RecentEvents[]): Promise<void> {
    await this.#inner.recordEvents(recent);
  }

  async recordRefusals(refusals: readonly Refusal[]): Promise<void> {
    await this.#inner.recordRefusals(refusals);
  }

  async repoint(repoints: readonly Repoint[]): Promise<void> {
    await this.#inner.repoint(repoints);
  }

  #observe(usage: ConsumedCapacityUsage): void {
    const kind = usage.request === 'BatchGetItem' || usage.request === 'Query' ? 'read' : 'write';
    const line = this.#line(`${usage.operation} ${usage.request}`, kind);
    line.requests += 1;
    line.items += usage.items;
    line.reportedUnits += usage.capacityUnits;
    // Commits are billed from their items in `commit`.
    if (usage.operation !== 'commit') line.billedUnits += billedFromReport(usage);
  }

  #line(operation: string, kind: OperationCapacity['kind']): OperationCapacity {
    let line = this.#lines.get(operation);
    if (line === undefined) {
      line = { operation, kind, requests: 0, items: 0, reportedUnits: 0, billedUnits: 0 };
      this.#lines.set(operation, line);
    }
    return line;
  }
}

/** A live profile's item as the store writes it. */
function liveBytes(profile: LiveProfile): number {
  return itemBytes({
    ...profileKeys.profile(profile.profileId),
    ...profileItem(profile),
  });
}

function redirectBytes(profileId: string, version: number, mergedInto: string, updatedAt: number): number {
  return itemBytes({
    ...profileKeys.profile(profileId),
    kind: 'redirect',
    profileId,
    version,
    mergedInto,
    updatedAt,
  });
}

function storedBytes(profile: StoredProfile): number {
  return profile.kind === 'live'
    ? liveBytes(profile)
    : redirectBytes(profile.profileId, profile.version, profile.mergedInto, profile.updatedAt);
}

function entriesBytes(entries: Readonly<Record<string, unknown>>, perEntry: number): number {
  let total = 0;
  for (const [name, value] of Object.entries(entries)) {
    if (value === undefined) continue;
    total += perEntry + Buffer.byteLength(name, 'utf8') + attributeBytes(value);
  }
  return total;
}

/** ⌈significant digits / 2⌉ + 1 bytes, one more for a negative number; leading and trailing zeros don't count. */
function numberBytes(value: number): number {
  if (!Number.isFinite(value)) throw new RangeError(`DynamoDB cannot store ${value}`);
  const digits = Math.abs(value).toExponential().replace(/e.*$/, '').replace('.', '').replace(/0+$/, '');
  const significant = Math.max(1, digits.length);
  return Math.ceil(significant / 2) + 1 + (value < 0 ? 1 : 0);
}
