import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExportErrorCode, exportDataset, FolderSink, INDEX_NAME, type ExportFormat, type ExportOptions } from '../../../shared/export/index.ts';
import { tempDir } from '../../support/tmp.ts';
import { makeRows } from './fixtures.ts';

/** Every file under a folder, by relative name, with its bytes. */
function snapshot(dir: string): Map<string, Buffer> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return new Map(files.map((e) => [relative(dir, join(e.parentPath, e.name)), readFileSync(join(e.parentPath, e.name))]));
}

describe.each(['parquet', 'webdataset'] satisfies ExportFormat[])('%s export, again and again', (format) => {
  const root = tempDir(`framesift-export-again-${format}-`);
  const options: ExportOptions = { format, splits: 'train=0.6,val=0.2,test=0.2', maxRows: 2, augment: { seed: 7 } };

  it('gives byte-identical shards and index from the same rows into two fresh sinks', async () => {
    const rows = await makeRows(9, { size: 24, frames: 2 });
    await exportDataset(rows, new FolderSink(join(root, 'one')), options);
    await exportDataset(rows, new FolderSink(join(root, 'two')), options);
    const [one, two] = [snapshot(join(root, 'one')), snapshot(join(root, 'two'))];
    expect([...one.keys()].sort()).toEqual([...two.keys()].sort());
    expect(one.size).toBeGreaterThan(3);
    for (const [name, bytes] of one) expect(bytes.equals(two.get(name)!), name).toBe(true);
  });

  it('adds only new keys in new shards, leaves the old ones untouched, and adds nothing the second time', async () => {
    const dir = join(root, 'grow');
    const sink = new FolderSink(dir);
    const first = await makeRows(6, { size: 24, frames: 2 });
    await exportDataset(first, sink, options);
    const before = snapshot(dir);
    const firstIndex = JSON.parse(before.get(INDEX_NAME)!.toString('utf8')) as { shards: Array<{ name: string; split: string; number: number; keys: string[] }> };

    // New keys both before and after the old ones, mixed with the old rows, as a later ORDER BY key gives them.
    const all = [...(await makeRows(2, { size: 24, frames: 2, prefix: 'aaa' })), ...first, ...(await makeRows(3, { size: 24, frames: 2, first: 6 }))];
    const second = await exportDataset(all, sink, options);
    expect(second.rows).toBe(11);
    expect(second.skipped).toBe(6);
    expect(second.added.flatMap((s) => s.keys).sort()).toEqual(['aaa-000', 'aaa-001', 'clip-006', 'clip-007', 'clip-008']);
    const after = snapshot(dir);
    for (const [name, bytes] of before) if (name !== INDEX_NAME) expect(after.get(name)!.equals(bytes), name).toBe(true);
    for (const shard of second.added) {
      const oldOfSplit = firstIndex.shards.filter((s) => s.split === shard.split).length;
      expect(shard.number).toBeGreaterThanOrEqual(oldOfSplit);
      expect(before.has(shard.name)).toBe(false);
    }
    // Every key is in exactly one shard of the index.
    const keys = second.index.shards.flatMap((s) => s.keys).sort();
    expect(keys).toEqual(all.map((r) => r.key).sort());

    const third = await exportDataset(all, sink, options);
    expect(third.added).toEqual([]);
    expect(third.warnings).toEqual([`Nothing to add: all 11 rows are already in ${INDEX_NAME}`]);
    const unchanged = snapshot(dir);
    expect([...unchanged.keys()].sort()).toEqual([...after.keys()].sort());
    for (const [name, bytes] of after) expect(unchanged.get(name)!.equals(bytes), name).toBe(true);
  });

  it('refuses to add rows made with other settings to the same sink', async () => {
    const sink = new FolderSink(join(root, 'settings'));
    await exportDataset(await makeRows(2, { size: 16, frames: 1 }), sink, options);
    const more = await makeRows(1, { size: 16, frames: 1, first: 5 });
    await expect(exportDataset(more, sink, { ...options, augment: { seed: 8 } })).rejects.toMatchObject({ code: ExportErrorCode.SETTINGS_CHANGED });
    await expect(exportDataset(more, sink, { ...options, splits: 'train=1' })).rejects.toMatchObject({ code: ExportErrorCode.SETTINGS_CHANGED });
    // Shard size is not a row setting: it may change between exports.
    await expect(exportDataset(more, sink, { ...options, maxRows: 5 })).resolves.toMatchObject({ skipped: 0 });
  });
});
