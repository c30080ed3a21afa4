/**
 * A compaction run killed at any point, then run again, loses no row and
 * doubles none. The run is killed before and after each of its store and
 * warehouse calls in turn, over records of every kind.
 */
import { describe, expect, it } from 'vitest';
import { compact } from '../../../shared/pipeline/compact.ts';
import type { ObjectStore, Warehouse } from '../../../shared/pipeline/ports.ts';
import { LOADED, compactionWorld } from '../../support/compaction-world.ts';
import { Killed, killSwitch, killableStore, killableWarehouse } from '../../support/killable.ts';

function killable(store: ObjectStore, warehouse: Warehouse, killAt: number) {
  const kill = killSwitch(killAt);
  return { store: killableStore(store, kill), warehouse: killableWarehouse(warehouse, kill), steps: kill.steps };
}

const world = (name: string) => compactionWorld(name);

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
      const { store, warehouse, state, left } = await world(`at-${killAt}`);
      const doomed = killable(store, warehouse, killAt);
      await expect(compact({ store: doomed.store, warehouse: doomed.warehouse, outputBucket: 'out', concurrency: 1 })).rejects.toThrow(Killed);
      await compact({ store, warehouse, outputBucket: 'out', concurrency: 1 });
      expect({ killAt, ...(await state()) }).toEqual({ killAt, ...LOADED });
      expect(await compact({ store, warehouse, outputBucket: 'out' })).toMatchObject({ records: 0, resumed: 0 });
      expect({ killAt, left: await left() }).toEqual({ killAt, left: [] });
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
