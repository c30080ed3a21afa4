import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ExportErrorCode, exportDataset, FolderSink, INDEX_NAME, readIndex } from '../../../shared/export/index.ts';
import { tempDir } from '../../support/tmp.ts';
import { makeRows, streamOf, tarMembers } from './fixtures.ts';

describe('WebDataset shards', () => {
  const root = tempDir('framesift-export-tar-');

  it('hold each sample as <key>.<k>.png, <key>.json and <key>.txt, in key order, with fixed headers', async () => {
    const rows = await makeRows(4, { size: 48, frames: 2 });
    const dir = join(root, 'members');
    await exportDataset(streamOf(rows), new FolderSink(dir), { format: 'webdataset' });
    const members = await tarMembers(readFileSync(join(dir, 'train/webdataset-000000.tar')));
    expect(members.map((m) => m.name)).toEqual(rows.flatMap((r) => [`${r.key}.0.png`, `${r.key}.1.png`, `${r.key}.json`, `${r.key}.txt`]));
    for (const member of members) expect([member.mode, member.uid, member.gid, member.mtime]).toEqual([0o644, 0, 0, 0]);

    const byName = new Map(members.map((m) => [m.name, m.data]));
    for (const row of rows) {
      const json = JSON.parse(byName.get(`${row.key}.json`)!.toString('utf8')) as Record<string, unknown>;
      expect(json).toMatchObject({
        key: row.key,
        gif_id: row.gifId,
        description: row.description,
        source_uri: row.sourceUri,
        size: 48,
        key_frames: [`${row.key}.0.png`, `${row.key}.1.png`],
        key_frame_indices: [0, 5],
        key_frame_times_ms: [0, 100],
        is_static: row.metrics.isStatic,
        diversity_min: null,
      });
      expect(json).not.toHaveProperty('augmentations');
      expect(byName.get(`${row.key}.txt`)!.toString('utf8')).toBe(row.description ?? '');
      for (const k of [0, 1]) {
        const png = byName.get(`${row.key}.${k}.png`)!;
        expect(png.equals(row.keyFrames[k]!.png)).toBe(true);
        const meta = await sharp(png).metadata();
        expect([meta.width, meta.height]).toEqual([48, 48]);
      }
    }
    expect(byName.get('clip-003.txt')!.length).toBe(0);
  });

  it('are listed in the index with their rows, bytes, SHA-256 and keys, cut by maxRows', async () => {
    const rows = await makeRows(7, { size: 16, frames: 1 });
    const dir = join(root, 'index');
    const sink = new FolderSink(dir);
    const result = await exportDataset(rows, sink, { format: 'webdataset', maxRows: 3 });
    const index = (await readIndex(sink))!;
    expect(index).toEqual(result.index);
    expect(index.shards.map((s) => [s.name, s.rows, s.keys])).toEqual([
      ['train/webdataset-000000.tar', 3, ['clip-000', 'clip-001', 'clip-002']],
      ['train/webdataset-000001.tar', 3, ['clip-003', 'clip-004', 'clip-005']],
      ['train/webdataset-000002.tar', 1, ['clip-006']],
    ]);
    for (const shard of index.shards) {
      const bytes = readFileSync(join(dir, shard.name));
      expect(shard.bytes).toBe(bytes.length);
      expect(shard.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect((await tarMembers(bytes)).filter((m) => m.name.endsWith('.json')).length).toBe(shard.rows);
    }
    expect(readFileSync(join(dir, INDEX_NAME), 'utf8')).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  it('cut by image bytes: a shard closes before the row that would take it over maxBytes', async () => {
    const rows = await makeRows(5, { size: 16, frames: 2 });
    const bytesOf = (n: number) => rows[n]!.keyFrames.reduce((sum, f) => sum + f.png.length, 0);
    const dir = join(root, 'bytes');
    const result = await exportDataset(rows, new FolderSink(dir), { format: 'webdataset', maxBytes: bytesOf(0) + bytesOf(1) });
    const firstRows = result.added[0]!.rows;
    expect(firstRows).toBe(2);
    expect(result.added.reduce((n, s) => n + s.rows, 0)).toBe(5);
    // A row larger than maxBytes still gets a shard of its own.
    const alone = await exportDataset(rows, new FolderSink(join(root, 'tiny')), { format: 'webdataset', maxBytes: 1 });
    expect(alone.added.map((s) => s.rows)).toEqual([1, 1, 1, 1, 1]);
  });

  it("refuse keys with a dot, which WebDataset readers would split at", async () => {
    const [row] = await makeRows(1, { size: 16, frames: 1 });
    row!.key = 'cat.gif';
    const sink = new FolderSink(join(root, 'dots'));
    await expect(exportDataset([row!], sink, { format: 'webdataset' })).rejects.toMatchObject({ code: ExportErrorCode.INVALID_ROW, message: expect.stringContaining("without '.'") });
    // Parquet has no such rule.
    const parquet = await exportDataset([row!], new FolderSink(join(root, 'dots-parquet')), { format: 'parquet' });
    expect(parquet.added[0]!.keys).toEqual(['cat.gif']);
  });
});
