import { describe, expect, it } from 'vitest';
import { createImportHandler, ImportUnfinishedError } from '../../../functions/import/app.ts';
import { createdObject } from '../../../functions/import/s3-event.ts';
import { matches, objectCreatedEvent } from '../../../infra/local/bucket-notifier.ts';
import type { IngestSource } from '../../../shared/import/ingest-sources.ts';
import {
  droppedFile,
  importObject,
  type ObjectImportDependencies,
  type ObjectReader,
} from '../../../shared/import/object-import.ts';
import { ObjectRunStore } from '../../../shared/import/object-run-store.ts';
import {
  type ImportCheckpoint,
  type ImportSummary,
  noCounts,
  type RejectedRow,
} from '../../../shared/import/run.ts';
import type { ObjectStore } from '../../../shared/ports.ts';
import { silentLogger } from '../collect/fakes.ts';
import { MemoryObjectStore } from '../lake/memory-object-store.ts';
import { importedAt, mappingOf, RecordingStream } from './helpers.ts';

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);
const bytes = (value: string) => new TextEncoder().encode(value);

/** A source `shop` whose rows are `id,ts,user`: one Thing Happened event each. */
const shop: IngestSource = {
  name: 'shop',
  channel: 'server',
  mappingName: 'mappings/shop.json',
  mapping: mappingOf({
    source: 'shop',
    fields: {
      event: { value: 'Thing Happened' },
      timestamp: { column: 'ts', formats: ['iso'] },
      userId: { column: 'user', missing: 'reject' },
      'properties.id': { column: 'id' },
    },
  }),
};

const file =
  'id,ts,user\r\n1,2026-11-01T10:00:00Z,u1\r\n2,2026-11-01T11:00:00Z,\r\n3,2026-11-01T12:00:00Z,u3\r\n';

/** Reads the objects of a `MemoryObjectStore`, as S3 hands out a dropped file. */
function readerOf(objects: MemoryObjectStore): ObjectReader {
  return {
    open: async (key) => {
      const body = await objects.get(key);
      if (body === undefined) return undefined;
      return {
        body: (async function* () {
          yield body;
        })(),
        eTag: `"etag-${body.byteLength}"`,
        size: body.byteLength,
        close: () => {},
      };
    },
  };
}

function dependencies(objects: MemoryObjectStore, stream: RecordingStream): ObjectImportDependencies {
  return {
    objects,
    reader: readerOf(objects),
    stream,
    configuredSources: new Set(['shop', 'crm']),
    importable: new Map([['shop', shop]]),
    privacy: 'truncate',
    location: 's3://imports/',
    now: () => importedAt,
  };
}

async function summaryUnder(objects: ObjectStore & { keys(prefix?: string): string[] }, prefix: string) {
  const key = objects.keys(prefix).find((candidate) => candidate.endsWith('/summary.json'));
  return key === undefined ? undefined : (JSON.parse(text(await objects.get(key))) as ImportSummary);
}

/** The event EventBridge delivers for an object put into the imports bucket, as the local runtime builds it. */
const created = (key: string, bucket = 'imports') =>
  objectCreatedEvent({
    eventName: 'ObjectCreated:Put',
    eventTime: '2026-11-22T12:00:00.000Z',
    s3: { bucket: { name: bucket }, object: { key, size: 5, eTag: '"abc"' } },
  });

describe('S3 Object Created events', () => {
  it('name the object with its key as stored: spaces, plus signs and non-ASCII characters unchanged', () => {
    expect(createdObject(created('imports/pos/spring sale + 订单.csv'))).toEqual({
      bucket: 'imports',
      key: 'imports/pos/spring sale + 订单.csv',
      size: 5,
    });
  });

  it('are built locally in EventBridge’s shape, from what s3rver reports', () => {
    expect(created('imports/pos/a.csv')).toMatchObject({
      'detail-type': 'Object Created',
      source: 'aws.s3',
      time: '2026-11-22T12:00:00Z',
      resources: ['arn:aws:s3:::imports'],
      detail: {
        bucket: { name: 'imports' },
        object: { key: 'imports/pos/a.csv', size: 5, etag: 'abc' },
        reason: 'PutObject',
      },
    });
  });

  it('name nothing for an event of another kind', () => {
    // Prepare
    const deleted = { ...created('imports/pos/a.csv'), 'detail-type': 'Object Deleted' };

    // Act & Assess
    expect(createdObject(deleted as unknown as Parameters<typeof createdObject>[0])).toBeUndefined();
  });

  it('trigger a function only for objects created under its prefix in its bucket, with one of its suffixes', () => {
    // Prepare
    const record = (eventName: string, bucket: string, key: string) => ({
      eventName,
      eventTime: '',
      s3: { bucket: { name: bucket }, object: { key } },
    });
    const trigger = {
      kind: 'bucket',
      bucket: 'imports',
      prefix: 'imports/',
      suffixes: ['.csv', '.gz'],
    } as const;

    // Act & Assess
    expect(matches(trigger, record('ObjectCreated:Put', 'imports', 'imports/pos/a.csv'))).toBe(true);
    expect(matches(trigger, record('ObjectCreated:Copy', 'imports', 'imports/pos/a.csv.gz'))).toBe(true);
    expect(matches(trigger, record('ObjectRemoved:Delete', 'imports', 'imports/pos/a.csv'))).toBe(false);
    expect(matches(trigger, record('ObjectCreated:Put', 'lake', 'imports/pos/a.csv'))).toBe(false);
    expect(matches(trigger, record('ObjectCreated:Put', 'imports', 'runs/pos/a.csv'))).toBe(false);
    expect(matches(trigger, record('ObjectCreated:Put', 'imports', 'imports/pos/a.json'))).toBe(false);
  });
});

describe('dropped file keys', () => {
  it('name the source after imports/ and keep the rest as the path', () => {
    expect(droppedFile('imports/pos/2024/03/orders.csv')).toEqual({
      key: 'imports/pos/2024/03/orders.csv',
      source: 'pos',
      path: '2024/03/orders.csv',
    });
  });

  it('name nothing to import for a file directly under imports/, a folder marker or another prefix', () => {
    expect(droppedFile('imports/orders.csv')).toBeUndefined();
    expect(droppedFile('imports/pos/')).toBeUndefined();
    expect(droppedFile('runs/pos/orders.csv')).toBeUndefined();
  });
});

describe('ObjectRunStore', () => {
  const checkpoint = (record: number): ImportCheckpoint => ({
    version: 1,
    mappingHash: 'h',
    inputFingerprint: 'f',
    record,
    complete: false,
    startedAt: '2026-11-22T12:00:00.000Z',
    counts: { ...noCounts, rowsRead: record },
  });
  const reject = (record: number): RejectedRow => ({
    record,
    line: record + 1,
    field: 'userId',
    reason: 'is missing',
    value: '',
    raw: `${record},x`,
  });
  const prefix = 'runs/shop/a.csv/run-1/';

  it('writes rejected rows in parts once enough gathered, keeps the rest in the checkpoint, and resumes without listing any twice', async () => {
    // Prepare
    const objects = new MemoryObjectStore();
    const first = new ObjectRunStore({ objects, prefix, runId: 'run-1', rowsPerPart: 2 });
    await first.begin(undefined);
    await first.saveProgress(checkpoint(3), [reject(1), reject(2), reject(3)]);
    await first.saveProgress(checkpoint(5), [reject(5)]);
    // A part written after the last checkpoint by a run that then stopped.
    await objects.put(first.partKey(2), bytes('record,line\r\n6,7\r\n'));

    // Act
    const second = new ObjectRunStore({ objects, prefix, runId: 'run-1', rowsPerPart: 2 });
    const resumed = await second.loadCheckpoint();
    await second.begin(resumed);
    await second.saveProgress(checkpoint(8), [reject(8)]);
    await second.saveSummary({ runId: 'run-1' } as ImportSummary);

    // Assess
    expect(resumed?.record).toBe(5);
    expect(objects.keys(prefix)).toEqual([
      `${prefix}checkpoint.json`,
      `${prefix}rejects/part-00001.csv`,
      `${prefix}rejects/part-00002.csv`,
      `${prefix}summary.json`,
    ]);
    const header = 'record,line,field,reason,value,raw\r\n';
    expect(text(await objects.get(`${prefix}rejects/part-00001.csv`))).toBe(
      `${header}1,2,userId,is missing,,"1,x"\r\n2,3,userId,is missing,,"2,x"\r\n3,4,userId,is missing,,"3,x"\r\n`,
    );
    expect(text(await objects.get(`${prefix}rejects/part-00002.csv`))).toBe(
      `${header}5,6,userId,is missing,,"5,x"\r\n8,9,userId,is missing,,"8,x"\r\n`,
    );
    expect(second.rejectsLocation).toBe(`${prefix}rejects/`);
  });

  it('starts a fresh run with no rejects, checkpoint or summary of an earlier one', async () => {
    // Prepare
    const objects = new MemoryObjectStore();
    const earlier = new ObjectRunStore({ objects, prefix, runId: 'run-1', rowsPerPart: 1 });
    await earlier.begin(undefined);
    await earlier.saveProgress(checkpoint(1), [reject(1)]);
    await earlier.saveSummary({ runId: 'run-1' } as ImportSummary);

    // Act
    await new ObjectRunStore({ objects, prefix, runId: 'run-1' }).begin(undefined);

    // Assess
    expect(objects.keys(prefix)).toEqual([]);
  });
});

describe('importObject', () => {
  it('imports a dropped file through its source mapping and keeps the summary and the rejects beside it', async () => {
    // Prepare
    const objects = new MemoryObjectStore();
    await objects.put('imports/shop/2026/a b.csv', bytes(file));
    const stream = new RecordingStream();

    // Act
    const summary = await importObject(
      droppedFile('imports/shop/2026/a b.csv') as NonNullable<ReturnType<typeof droppedFile>>,
      dependencies(objects, stream),
    );

    // Assess
    expect(summary?.status).toBe('completed');
    expect(summary?.rows).toEqual({ read: 3, imported: 2, duplicates: 0, rejected: 1 });
    expect(summary?.input).toBe('s3://imports/imports/shop/2026/a b.csv');
    expect(stream.events.map((event) => event.userId)).toEqual(['u1', 'u3']);
    expect(await summaryUnder(objects, 'runs/shop/2026/a b.csv/')).toEqual(summary);
    const parts = objects.keys('runs/shop/2026/a b.csv/').filter((key) => key.includes('/rejects/'));
    expect(parts).toHaveLength(1);
    expect(text(await objects.get(parts[0] as string))).toContain(
      '2,3,userId,is missing,,"2,2026-11-01T11:00:00Z,"',
    );
  });

  it('sends nothing again when the same notification comes a second time', async () => {
    // Prepare
    const objects = new MemoryObjectStore();
    await objects.put('imports/shop/a.csv', bytes(file));
    const stream = new RecordingStream();
    const key = droppedFile('imports/shop/a.csv') as NonNullable<ReturnType<typeof droppedFile>>;
    await importObject(key, dependencies(objects, stream));

    // Act
    const again = await importObject(key, dependencies(objects, stream));

    // Assess
    expect(again?.status).toBe('already-imported');
    expect(stream.records).toHaveLength(2);
  });

  it.each([
    ['an unknown source', 'imports/nobody/a.csv', 'no source nobody in cdp.config.json'],
    ['a source without mapping', 'imports/crm/a.csv', 'source crm has no mapping'],
  ])('keeps a failed summary with the reason and sends nothing for %s', async (_label, key, reason) => {
    // Prepare
    const objects = new MemoryObjectStore();
    await objects.put(key, bytes(file));
    const stream = new RecordingStream();
    const dropped = droppedFile(key) as NonNullable<ReturnType<typeof droppedFile>>;

    // Act
    const summary = await importObject(dropped, dependencies(objects, stream));

    // Assess
    expect(summary?.status).toBe('failed');
    expect(summary?.errorKind).toBe('input');
    expect(summary?.error).toContain(reason);
    expect(await summaryUnder(objects, `runs/${dropped.source}/a.csv/`)).toEqual(summary);
    expect(stream.records).toEqual([]);
  });
});

describe('the import function', () => {
  const event = (key: string) => created(key);

  it('fails the invocation when the stream did not take the events, so that Lambda retries it', async () => {
    // Prepare
    const objects = new MemoryObjectStore();
    await objects.put('imports/shop/a.csv', bytes(file));
    const handler = createImportHandler({
      ...dependencies(objects, new RecordingStream({ healthyPuts: 0 })),
      bucket: 'imports',
      logger: silentLogger(),
    });

    // Act & Assess
    await expect(handler(event('imports/shop/a.csv'))).rejects.toBeInstanceOf(ImportUnfinishedError);
  });

  it('does not fail the invocation for a file no retry can import', async () => {
    // Prepare
    const objects = new MemoryObjectStore();
    await objects.put('imports/nobody/a.csv', bytes(file));
    const stream = new RecordingStream();
    const handler = createImportHandler({
      ...dependencies(objects, stream),
      bucket: 'imports',
      logger: silentLogger(),
    });

    // Act
    await handler(event('imports/nobody/a.csv'));

    // Assess
    expect(objects.keys('runs/nobody/')).toHaveLength(1);
    expect(stream.records).toEqual([]);
  });
});

describe('the import function near its timeout', () => {
  it('stops at a checkpoint and fails the invocation, and the retry goes on from there without sending twice', async () => {
    // Prepare: the first invocation has no time left beyond the margin, the retry has plenty.
    const objects = new MemoryObjectStore();
    await objects.put('imports/shop/a.csv', bytes(file));
    const stream = new RecordingStream();
    const handler = createImportHandler({
      ...dependencies(objects, stream),
      bucket: 'imports',
      logger: silentLogger(),
      stopBeforeTimeoutMs: 60_000,
    });
    const context = (remainingMs: number) =>
      ({ getRemainingTimeInMillis: () => remainingMs }) as Parameters<typeof handler>[1];
    const event = created('imports/shop/a.csv');

    // Act
    const first = await handler(event, context(60_000)).catch((error: unknown) => error);
    const sentBeforeRetry = stream.records.length;
    await handler(event, context(900_000));

    // Assess
    expect(first).toBeInstanceOf(ImportUnfinishedError);
    expect(sentBeforeRetry).toBe(0);
    expect(stream.events.map((sent) => sent.userId)).toEqual(['u1', 'u3']);
  });
});
