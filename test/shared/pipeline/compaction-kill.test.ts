/**
 * A compaction run killed at any point, then run again, loses no row and
 * doubles none. The run is killed before and after each of its store and
 * warehouse calls in turn, over records of every kind.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../../shared/adapters/local/duckdb-warehouse.ts';
import { FolderStore } from '../../../shared/adapters/local/folder-store.ts';
import { compact } from '../../../shared/pipeline/compact.ts';
import { inboxEntriesName, inboxRejectionName } from '../../../shared/pipeline/layout.ts';
import type { ObjectStore, Warehouse } from '../../../shared/pipeline/ports.ts';
import type { ManifestEntriesChunk } from '../../../shared/pipeline/records.ts';
import { failedRecord, inboxNameOf } from '../../support/records.ts';
import { Killed, killSwitch, killableStore, killableWarehouse } from '../../support/killable.ts';
import { tempDir } from '../../support/tmp.ts';

function killable(store: ObjectStore, warehouse: Warehouse, killAt: number) {
  const kill = killSwitch(killAt);
  return { store: killableStore(store, kill), warehouse: killableWarehouse(warehouse, kill), steps: kill.steps };
}

async function seed(store: FolderStore): Promise<void> {
  for (const id of ['a', 'b', 'c']) {
    const record = failedRecord(id);
    await store.writeIfAbsent({ bucket: 'out', name: inboxNameOf(record) }, JSON.stringify(record), 'application/json');
  }
  const rejected = { ...failedRecord('bad id'), recordKey: 'm-1#4', status: 'rejected', sourceUri: null, sourceGeneration: null, selection: null };
  await store.writeIfAbsent({ bucket: 'out', name: inboxRejectionName('m-1', 4) }, JSON.stringify(rejected), 'application/json');
  const chunk: ManifestEntriesChunk = {
    kind: 'manifest_entries',
    batchId: 'm-1',
    manifestUri: 'gs://ingest/manifest.txt',
    processedAt: '2026-01-01T00:00:00.000Z',
    entries: ['a', 'b'].map((id, i) => ({ line: i + 1, gifId: id, description: `described ${id}`, sourceUri: `gs://ingest/${id}.gif` })),
  };
  await store.writeIfAbsent({ bucket: 'out', name: inboxEntriesName('m-1', 0) }, JSON.stringify(chunk), 'application/json');
}

async function world(name: string) {
  const root = tempDir(`framesift-kill-${name}-`);
  const store = new FolderStore(root);
  const warehouse = new DuckDbWarehouse({ outputRoot: join(root, 'out'), databasePath: join(root, 'w.duckdb') });
  await seed(store);
  const count = async (sql: string) => Number((await warehouse.query(sql))[0]!.n);
  const state = async () => {
    await warehouse.refresh();
    return {
      gifs: await count('SELECT count(*) AS n FROM gifs_all'),
      distinctGifs: await count('SELECT count(DISTINCT record_key) AS n FROM gifs_all'),
      entries: await count('SELECT count(*) AS n FROM manifest_entries_all'),
      described: await count('SELECT count(description) AS n FROM gifs'),
    };
  };
  return { store, warehouse, state };
}

const LOADED = { gifs: 4, distinctGifs: 4, entries: 2, described: 2 };

describe('compaction killed midway', () => {
  it('loads everything once when nothing kills it', async () => {
    const { store, warehouse, state } = await world('clean');
    const run = killable(store, warehouse, Infinity);
    const result = await compact({ store: run.store, warehouse: run.warehouse, outputBucket: 'out', concurrency: 1 });
    expect(result).toMatchObject({ records: 5, rows: { gifs: 4, key_frames: 0, manifest_entries: 2 }, resumed: 0, more: false });
    expect(await state()).toEqual(LOADED);
    expect(run.steps()).toBeGreaterThan(20);
    await warehouse.close();
  });

  it('at every step, resumes on the next run with no row lost or doubled', async () => {
    const { store: probe, warehouse: probeWarehouse } = await world('count');
    const counted = killable(probe, probeWarehouse, Infinity);
    await compact({ store: counted.store, warehouse: counted.warehouse, outputBucket: 'out', concurrency: 1 });
    await probeWarehouse.close();
    const steps = counted.steps();

    for (let killAt = 1; killAt <= steps; killAt++) {
      const { store, warehouse, state } = await world(`at-${killAt}`);
      const doomed = killable(store, warehouse, killAt);
      await expect(compact({ store: doomed.store, warehouse: doomed.warehouse, outputBucket: 'out', concurrency: 1 })).rejects.toThrow(Killed);
      await compact({ store, warehouse, outputBucket: 'out', concurrency: 1 });
      expect({ killAt, ...(await state()) }).toEqual({ killAt, ...LOADED });
      expect(await compact({ store, warehouse, outputBucket: 'out' })).toMatchObject({ records: 0, resumed: 0 });
      const left = [];
      for await (const object of store.list('out', 'inbox/')) left.push(object.name);
      for await (const object of store.list('out', 'compaction/')) left.push(object.name);
      expect({ killAt, left }).toEqual({ killAt, left: [] });
      await warehouse.close();
    }
  });
});

describe('an open batch of a run that may still be going', () => {
  it('is left to that run until it is older than the timeout, then finished by the next', async () => {
    const { store, warehouse, state } = await world('young');
    const openBatches = async () => {
      const names = [];
      for await (const object of store.list('out', 'compaction/open/')) names.push(object.name);
      return names;
    };
    // Kill the first run at the first step that leaves an open batch behind.
    for (let killAt = 1; (await openBatches()).length === 0; killAt++) {
      const doomed = killable(store, warehouse, killAt);
      await expect(compact({ store: doomed.store, warehouse: doomed.warehouse, outputBucket: 'out', concurrency: 1 })).rejects.toThrow(Killed);
    }
    const [open] = await openBatches();
    const held = (JSON.parse((await store.read({ bucket: 'out', name: open! })).toString()) as { inbox: string[] }).inbox.length;
    const opened = Date.now();
    const hourLater = await compact({ store, warehouse, outputBucket: 'out', openBatchAgeMs: 2 * 3600_000, now: () => new Date(opened + 3600_000) });
    // Its items are in its intent: this run neither finishes the batch nor loads them, only the others.
    expect(held).toBeGreaterThan(0);
    expect(hourLater).toMatchObject({ resumed: 0, records: 5 - held });
    expect(await openBatches()).toEqual([open]);
    const later = await compact({ store, warehouse, outputBucket: 'out', openBatchAgeMs: 2 * 3600_000, now: () => new Date(opened + 3 * 3600_000) });
    expect(later).toMatchObject({ resumed: 1 });
    expect(await openBatches()).toEqual([]);
    expect(await state()).toEqual(LOADED);
    await warehouse.close();
  });
});

describe('what a finished run could not remove from its source', () => {
  it('is remembered for the redelivery window, then forgotten', async () => {
    const { store, warehouse } = await world('marks');
    const now = Date.parse('2026-06-10T00:00:00Z');
    const mark = (runId: string, daysAgo: number) =>
      store.writeIfAbsent({ bucket: 'out', name: `compaction/loaded/${runId}.json` }, JSON.stringify({ runId, loadedAt: new Date(now - daysAgo * 86_400_000).toISOString(), ids: [`records:${runId}`] }), 'application/json');
    await mark('old', 8);
    await mark('recent', 6);
    await compact({ store, warehouse, outputBucket: 'out', now: () => new Date(now) });
    const left = [];
    for await (const object of store.list('out', 'compaction/loaded/')) left.push(object.name);
    expect(left).toEqual(['compaction/loaded/recent.json']);
    await warehouse.close();
  });
});
