import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import parquet from 'parquetjs-lite';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { exportDataset, FolderSink } from '../../../shared/export/index.ts';
import { tempDir } from '../../support/tmp.ts';
import { corpusFramePng, duckdb, makeRows, sqlPath, streamOf } from './fixtures.ts';

const CORPUS_FRAMES = ['Zulko__moviepy__circle.gif', 'Flipboard__FLAnimatedImage__rock.gif', 'bumptech__glide__dl_world_anim.gif'];

describe('Parquet shards', () => {
  const root = tempDir('framesift-export-parquet-');

  it('hold key frames as Image structs that DuckDB reads as STRUCT(bytes BLOB, path VARCHAR)[]', async () => {
    const rows = await makeRows(5, { size: 64, frames: 3 });
    // Real frames too: the first frames of corpus GIFs, letterboxed into 64×64.
    rows[0]!.keyFrames = await Promise.all(CORPUS_FRAMES.map(async (file, k) => ({ ordinal: k, frameIndex: k, timeMs: k * 40, png: await corpusFramePng(file, 64) })));
    const dir = join(root, 'plain');
    const result = await exportDataset(streamOf(rows), new FolderSink(dir), { format: 'parquet' });
    expect(result.added.map((s) => s.name)).toEqual(['train/parquet-000000.parquet']);
    const file = sqlPath(join(dir, 'train/parquet-000000.parquet'));

    const types = Object.fromEntries((await duckdb(`DESCRIBE SELECT * FROM read_parquet(${file})`)).map((r) => [r.column_name, r.column_type]));
    expect(types).toMatchObject({
      key: 'VARCHAR',
      gif_id: 'VARCHAR',
      description: 'VARCHAR',
      key_frame_indices: 'BIGINT[]',
      key_frame_times_ms: 'BIGINT[]',
      motion_score: 'DOUBLE',
      is_static: 'BOOLEAN',
      key_frames: 'STRUCT(bytes BLOB, path VARCHAR)[]',
    });
    expect(types).not.toHaveProperty('augmentations');
    expect(types).not.toHaveProperty('key_frames_tensor');

    const read = await duckdb(
      `SELECT key, description, key_frame_times_ms, diversity_min, is_static, [f.path FOR f IN key_frames] AS paths, key_frames FROM read_parquet(${file}) ORDER BY key`,
    );
    expect(read).toHaveLength(5);
    expect(read.map((r) => r.key)).toEqual(rows.map((r) => r.key));
    expect(read[3]!.description).toBeNull();
    expect(read[1]).toMatchObject({ description: 'clip number 1', key_frame_times_ms: [0n, 100n, 200n], diversity_min: null, is_static: false });
    expect(read[2]!.paths).toEqual(['clip-002.0.png', 'clip-002.1.png', 'clip-002.2.png']);
    for (const [n, row] of read.entries()) {
      for (const [k, frame] of (row.key_frames as Array<{ bytes: Uint8Array }>).entries()) {
        const bytes = Buffer.from(frame.bytes);
        expect(bytes.equals(rows[n]!.keyFrames[k]!.png)).toBe(true);
        const meta = await sharp(bytes).metadata();
        expect([meta.format, meta.width, meta.height]).toEqual(['png', 64, 64]);
      }
    }
  });

  it('name their features for Hugging Face in the footer, and read back with parquetjs-lite', async () => {
    const rows = await makeRows(3, { size: 32, frames: 2 });
    const dir = join(root, 'metadata');
    await exportDataset(rows, new FolderSink(dir), { format: 'parquet' });
    const path = join(dir, 'train/parquet-000000.parquet');
    const [kv] = await duckdb(`SELECT decode(value) AS value FROM parquet_kv_metadata(${sqlPath(path)}) WHERE decode(key) = 'huggingface'`);
    const features = (JSON.parse(kv!.value as string) as { info: { features: Record<string, unknown> } }).info.features;
    expect(features.key_frames).toEqual([{ _type: 'Image' }]);
    expect(features.key_frame_indices).toEqual([{ dtype: 'int64', _type: 'Value' }]);
    const columns = (await duckdb(`DESCRIBE SELECT * FROM read_parquet(${sqlPath(path)})`)).map((r) => r.column_name);
    expect(Object.keys(features)).toEqual(columns);

    // The standard three-level list (LIST → repeated list → element), which pyarrow and so `datasets` read as list<struct>.
    const schema = await duckdb(`SELECT name, type, repetition_type, converted_type FROM parquet_schema(${sqlPath(path)})`);
    const at = schema.findIndex((r) => r.name === 'key_frames');
    expect(schema.slice(at, at + 5).map((r) => [r.name, r.type, r.repetition_type, r.converted_type])).toEqual([
      ['key_frames', null, 'REQUIRED', 'LIST'],
      ['list', null, 'REPEATED', null],
      ['element', null, 'REQUIRED', null],
      ['bytes', 'BYTE_ARRAY', 'REQUIRED', null],
      ['path', 'BYTE_ARRAY', 'REQUIRED', 'UTF8'],
    ]);

    const reader = await parquet.ParquetReader.openBuffer(readFileSync(path));
    try {
      expect(Number(reader.getRowCount())).toBe(3);
      const cursor = reader.getCursor();
      const first = (await cursor.next()) as { key: string; key_frames: { list: Array<{ element: { bytes: Buffer; path: string } }> } };
      expect(first.key).toBe('clip-000');
      expect(first.key_frames.list.map((e) => e.element.path)).toEqual(['clip-000.0.png', 'clip-000.1.png']);
      expect(Buffer.from(first.key_frames.list[1]!.element.bytes).equals(rows[0]!.keyFrames[1]!.png)).toBe(true);
    } finally {
      await reader.close();
    }
  });

  it('can add the key frames as one uint8 N×S×S×3 tensor, padded to a fixed count', async () => {
    const rows = await makeRows(2, { size: 16, frames: 3 });
    rows[1]!.keyFrames = rows[1]!.keyFrames.slice(0, 1);
    const dir = join(root, 'tensor');
    await exportDataset(rows, new FolderSink(dir), { format: 'parquet', tensor: true, pad: 4 });
    const file = sqlPath(join(dir, 'train/parquet-000000.parquet'));
    const read = await duckdb(`SELECT key, key_frames_shape, key_frames_tensor, key_frame_ordinals, len(key_frames) AS frames FROM read_parquet(${file}) ORDER BY key`);
    expect(read.map((r) => [r.key_frames_shape, r.key_frame_ordinals, r.frames])).toEqual([
      [[4n, 16n, 16n, 3n], [0n, 1n, 2n, 2n], 4n],
      [[4n, 16n, 16n, 3n], [0n, 0n, 0n, 0n], 4n],
    ]);
    for (const [n, row] of read.entries()) {
      const tensor = Buffer.from(row.key_frames_tensor as Uint8Array);
      expect(tensor.length).toBe(4 * 16 * 16 * 3);
      const ordinals = (row.key_frame_ordinals as bigint[]).map(Number);
      for (const [k, ordinal] of ordinals.entries()) {
        const rgb = await sharp(rows[n]!.keyFrames[ordinal]!.png).raw().toBuffer();
        expect(tensor.subarray(k * rgb.length, (k + 1) * rgb.length).equals(rgb)).toBe(true);
      }
    }
  });
});
