import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportDataset, FolderSink, hashFraction, parseSplits, splitOf } from '../../../shared/export/index.ts';
import { tempDir } from '../../support/tmp.ts';
import { makeRows } from './fixtures.ts';

describe('splits', () => {
  it('parse from text and keep their order', () => {
    expect(parseSplits('train=0.9,val=0.05,test=0.05')).toEqual([
      { name: 'train', fraction: 0.9 },
      { name: 'val', fraction: 0.05 },
      { name: 'test', fraction: 0.05 },
    ]);
    // 0.7 + 0.2 + 0.1 is 0.9999999999999999 in binary, and still sums to 1.
    expect(parseSplits(' train = 0.7 , val=0.2,test=0.1').map((s) => s.name)).toEqual(['train', 'val', 'test']);
  });

  it.each([
    ['train=0.9,val=0.05', 'Expected fractions that sum to 1 for splits but received 0.9500000000000001 of type number'],
    ['train=0.9,train=0.1', 'Expected unique names of A–Z a–z 0–9 _ - starting with a letter or digit for splits name but received train of type string'],
    ['../x=1', 'for splits name but received ../x'],
    ['train=1,val=0', 'Expected a fraction greater than 0 and at most 1 for splits.val but received 0 of type number'],
    ['train=abc', 'for splits.train but received NaN'],
    ['train', 'Expected name=fraction pairs separated by commas'],
    ['train=', 'Expected name=fraction pairs separated by commas'],
  ])('refuse %j', (text, message) => {
    expect(() => parseSplits(text)).toThrow(message);
  });

  it('follow the gif_id hash against cumulative fractions', () => {
    const splits = parseSplits('a=0.5,b=0.5');
    for (const id of ['x', 'y', 'z', 'cat.gif', 'clip-007']) expect(splitOf(id, splits)).toBe(hashFraction(id) < 0.5 ? 'a' : 'b');
    const ids = Array.from({ length: 4000 }, (_, i) => `gif-${i}`);
    const usual = parseSplits('train=0.9,val=0.05,test=0.05');
    const counts = new Map<string, number>();
    for (const id of ids) counts.set(splitOf(id, usual), (counts.get(splitOf(id, usual)) ?? 0) + 1);
    // Binomial spread at n = 4000: ±4.5 standard deviations is far outside chance.
    expect(Math.abs(counts.get('train')! / 4000 - 0.9)).toBeLessThan(0.022);
    expect(Math.abs(counts.get('val')! / 4000 - 0.05)).toBeLessThan(0.016);
  });

  it('keep every exported clip where it was when more clips are exported', async () => {
    const root = tempDir('framesift-export-splits-');
    const sink = new FolderSink(join(root, 'grow'));
    const options = { format: 'parquet', splits: 'train=0.5,val=0.25,test=0.25' } as const;
    const first = await makeRows(12, { size: 8, frames: 1 });
    const before = await exportDataset(first, sink, options);
    const splitOfKey = (shards: typeof before.index.shards) => new Map(shards.flatMap((s) => s.keys.map((k) => [k, s.split] as const)));
    const more = await exportDataset([...first, ...(await makeRows(12, { size: 8, frames: 1, first: 12 }))], sink, options);
    const was = splitOfKey(before.index.shards);
    const now = splitOfKey(more.index.shards);
    for (const [key, split] of was) expect(now.get(key), key).toBe(split);
    expect(new Set(now.values())).toEqual(new Set(['train', 'val', 'test']));
    // A fresh export of all rows puts each clip in the same split too.
    const fresh = await exportDataset([...first, ...(await makeRows(12, { size: 8, frames: 1, first: 12 }))], new FolderSink(join(root, 'fresh')), options);
    expect(splitOfKey(fresh.index.shards)).toEqual(now);
  });

  it('default to a single train split', async () => {
    const root = tempDir('framesift-export-splits-');
    const result = await exportDataset(await makeRows(3, { size: 8, frames: 1 }), new FolderSink(root), { format: 'webdataset' });
    expect(result.added.map((s) => s.name)).toEqual(['train/webdataset-000000.tar']);
  });
});
