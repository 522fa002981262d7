import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileRunStore } from '../../../shared/import/file-run-store.ts';
import { type ImportCheckpoint, noCounts, type RejectedRow } from '../../../shared/import/run.ts';

const checkpoint = (record: number, complete = false): ImportCheckpoint => ({
  version: 1,
  mappingHash: 'm',
  inputFingerprint: 'f',
  record,
  complete,
  startedAt: '2026-11-22T12:00:00.000Z',
  counts: noCounts,
});

const reject = (record: number, raw: string): RejectedRow => ({
  record,
  line: record + 1,
  field: 'properties.total',
  reason: 'is not an amount',
  value: 'abc',
  raw,
});

describe('keeping a run in a directory', () => {
  const dirs: string[] = [];
  const newStore = () => {
    const dir = mkdtempSync(join(tmpdir(), 'cdp-run-'));
    dirs.push(dir);
    return { dir, store: new FileRunStore({ dir: join(dir, 'run'), runId: 'run' }) };
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('writes rejects as CSV with quoting, and the checkpoint after them', async () => {
    // Prepare
    const { dir, store } = newStore();
    await store.begin(undefined);

    // Act
    await store.saveProgress(checkpoint(3), [reject(2, 'A-1,"Tea, green",abc')]);

    // Assess
    expect(readFileSync(join(dir, 'run', 'rejects.csv'), 'utf8')).toBe(
      'record,line,field,reason,value,raw\r\n2,3,properties.total,is not an amount,abc,"A-1,""Tea, green"",abc"\r\n',
    );
    expect(await store.loadCheckpoint()).toEqual(checkpoint(3));
  });

  it('on resuming, cuts the rejects back to the checkpoint, so rows rejected after it are not listed twice', async () => {
    // Prepare: a checkpoint after one reject, then a reject appended by a run that died before its checkpoint.
    const { dir, store } = newStore();
    await store.begin(undefined);
    await store.saveProgress(checkpoint(3), [reject(2, 'first')]);
    appendFileSync(join(dir, 'run', 'rejects.csv'), '5,6,properties.total,is not an amount,abc,after\r\n');
    const resumed = new FileRunStore({ dir: join(dir, 'run'), runId: 'run' });

    // Act
    await resumed.begin(await resumed.loadCheckpoint());

    // Assess
    expect(readFileSync(join(dir, 'run', 'rejects.csv'), 'utf8')).toBe(
      'record,line,field,reason,value,raw\r\n2,3,properties.total,is not an amount,abc,first\r\n',
    );
  });

  it('starts a fresh run with no checkpoint, no summary and an empty rejects file', async () => {
    // Prepare
    const { dir, store } = newStore();
    await store.begin(undefined);
    await store.saveProgress(checkpoint(9, true), [reject(2, 'old')]);
    await store.saveSummary({ runId: 'run' } as never);

    // Act
    await store.begin(undefined);

    // Assess
    expect(await store.loadCheckpoint()).toBeUndefined();
    expect(existsSync(join(dir, 'run', 'summary.json'))).toBe(false);
    expect(readFileSync(join(dir, 'run', 'rejects.csv'), 'utf8')).toBe(
      'record,line,field,reason,value,raw\r\n',
    );
  });
});
