import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FolderStore } from '../../../shared/adapters/local/folder-store.ts';
import { tempDir } from '../../support/tmp.ts';

describe('FolderStore', () => {
  const root = tempDir();
  const store = new FolderStore(root);

  it('writes once: a second write to the same name reports it exists and changes nothing', async () => {
    const ref = { bucket: 'out', name: 'records/a/1.json' };
    expect(await store.writeIfAbsent(ref, 'first', 'application/json')).toBe(true);
    const before = await store.stat(ref);
    expect(await store.writeIfAbsent(ref, 'second', 'application/json')).toBe(false);
    expect((await store.read(ref)).toString()).toBe('first');
    expect(await store.stat(ref)).toEqual(before);
  });

  it('lets exactly one of many concurrent writers win', async () => {
    const ref = { bucket: 'out', name: 'race.txt' };
    const wins = await Promise.all(Array.from({ length: 20 }, (_, i) => store.writeIfAbsent(ref, `writer ${i}`, 'text/plain')));
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  it('lists by prefix in name order and says null for what is absent', async () => {
    for (const name of ['p/b', 'p/a', 'p/c/d', 'q/x']) await store.writeIfAbsent({ bucket: 'list', name }, name, 'text/plain');
    const names: string[] = [];
    for await (const info of store.list('list', 'p/')) names.push(info.name);
    expect(names).toEqual(['p/a', 'p/b', 'p/c/d']);
    expect(await store.stat({ bucket: 'list', name: 'nope' })).toBeNull();
  });

  it('uploads like rsync: identical bytes keep the generation, new bytes make a new one', async () => {
    const file = join(root, 'local.bin');
    writeFileSync(file, 'v1');
    const ref = { bucket: 'ingest', name: 'up/local.bin' };
    const first = await store.upload(file, ref);
    expect((await store.upload(file, ref)).generation).toBe(first.generation);
    await new Promise((r) => setTimeout(r, 5));
    writeFileSync(file, 'v2');
    expect((await store.upload(file, ref)).generation).not.toBe(first.generation);
  });

  it('refuses names that would leave the bucket', () => {
    expect(() => store.pathOf({ bucket: 'out', name: '../escape' })).toThrow(RangeError);
    expect(() => store.pathOf({ bucket: '../x', name: 'a' })).toThrow(RangeError);
  });
});
