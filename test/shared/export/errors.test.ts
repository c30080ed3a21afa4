import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExportErrorCode, exportDataset, FolderSink, INDEX_NAME, type ExportOptions, type ExportRow } from '../../../shared/export/index.ts';
import { tempDir } from '../../support/tmp.ts';
import { makeRows } from './fixtures.ts';

const files = (dir: string) => (existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort() : []);

/** Yields the rows, then throws as a failing query stream would. */
async function* failingAfter(rows: readonly ExportRow[], message: string): AsyncGenerator<ExportRow> {
  yield* rows;
  throw new Error(message);
}

describe('a failing export', () => {
  const root = tempDir('framesift-export-errors-');
  const options: ExportOptions = { format: 'parquet', maxRows: 2 };

  it('of no rows writes an empty index and says so', async () => {
    const dir = join(root, 'empty');
    const result = await exportDataset([], new FolderSink(dir), options);
    expect(result.warnings).toEqual(['No rows to export: the dataset has no shards']);
    expect(files(dir)).toEqual([INDEX_NAME]);
    expect(JSON.parse(readFileSync(join(dir, INDEX_NAME), 'utf8'))).toEqual({ version: 1, formats: {}, shards: [] });
  });

  it('stopped before its first shard was complete leaves the sink as it was', async () => {
    const dir = join(root, 'early');
    const rows = await makeRows(1, { frames: 1 });
    await expect(exportDataset(failingAfter(rows, 'query stream lost'), new FolderSink(dir), options)).rejects.toThrow('query stream lost');
    expect(files(dir)).toEqual([]);
  });

  it('stopped mid-shard keeps only complete shards, lists only those, and goes on from there when run again', async () => {
    const rows = await makeRows(5, { frames: 1 });
    const dir = join(root, 'mid');
    const sink = new FolderSink(dir);
    const failure = exportDataset(failingAfter(rows, 'query stream lost'), sink, options);
    await expect(failure).rejects.toMatchObject({ code: ExportErrorCode.INCOMPLETE_EXPORT, message: expect.stringMatching(/after row 5 .*query stream lost.*2 complete shard/) });
    // Rows 0–3 made two complete shards; row 4's shard was never written, under any name.
    expect(files(dir)).toEqual(['index.json', 'parquet-000000.parquet', 'parquet-000001.parquet']);
    const index = JSON.parse(readFileSync(join(dir, INDEX_NAME), 'utf8')) as { shards: Array<{ keys: string[] }> };
    expect(index.shards.flatMap((s) => s.keys)).toEqual(['clip-000', 'clip-001', 'clip-002', 'clip-003']);

    const resumed = await exportDataset(rows, sink, options);
    expect(resumed.skipped).toBe(4);
    const oneShot = join(root, 'one-shot');
    await exportDataset(rows, new FolderSink(oneShot), options);
    for (const name of ['index.json', 'train/parquet-000000.parquet', 'train/parquet-000001.parquet', 'train/parquet-000002.parquet']) {
      expect(readFileSync(join(dir, name)).equals(readFileSync(join(oneShot, name))), name).toBe(true);
    }
  });

  it('killed between a shard and the index is made whole by the next export, which says so', async () => {
    const rows = await makeRows(3, { frames: 1 });
    const dir = join(root, 'killed');
    const sink = new FolderSink(dir);
    // What a killed process leaves: a shard the index never listed (here, the first one of a fresh sink).
    await sink.write('train/parquet-000000.parquet', Buffer.from('left behind'));
    const result = await exportDataset(rows, sink, options);
    expect(result.warnings).toEqual([`Replaced train/parquet-000000.parquet, left outside ${INDEX_NAME} by an export that stopped before writing it`]);
    const oneShot = join(root, 'killed-one-shot');
    await exportDataset(rows, new FolderSink(oneShot), options);
    for (const name of ['index.json', 'train/parquet-000000.parquet', 'train/parquet-000001.parquet']) {
      expect(readFileSync(join(dir, name)).equals(readFileSync(join(oneShot, name))), name).toBe(true);
    }
  });

  it('whose index cannot be written says which shards are outside it', async () => {
    const rows = await makeRows(3, { frames: 1 });
    const folder = new FolderSink(join(root, 'no-index'));
    const sink = { exists: folder.exists.bind(folder), read: folder.read.bind(folder), write: (name: string, data: Buffer) => (name === INDEX_NAME ? Promise.reject(new Error('bucket is read-only')) : folder.write(name, data)) };
    await expect(exportDataset(failingAfter(rows, 'query stream lost'), sink, options)).rejects.toMatchObject({
      code: ExportErrorCode.INCOMPLETE_EXPORT,
      message: expect.stringContaining('query stream lost, and index.json could not be updated (bucket is read-only); the shards written (train/parquet-000000.parquet) are outside it'),
    });
  });

  it('on a PNG that cannot be read writes no shard and names the row', async () => {
    const rows = await makeRows(3, { frames: 2 });
    rows[2]!.keyFrames[1]!.png = Buffer.from('not a png');
    const dir = join(root, 'bad-png');
    await expect(exportDataset(rows, new FolderSink(dir), { format: 'webdataset' })).rejects.toMatchObject({
      code: ExportErrorCode.INVALID_ROW,
      message: 'Row "clip-002": key frame 1 is not a PNG',
    });
    expect(files(dir)).toEqual([]);
  });

  it('on a PNG whose header is fine but whose pixels are not writes no shard', async () => {
    const rows = await makeRows(3, { frames: 2 });
    const png = rows[1]!.keyFrames[0]!.png;
    // The signature and IHDR survive; the image data is cut off.
    rows[1]!.keyFrames[0]!.png = png.subarray(0, 40);
    const dir = join(root, 'cut-png');
    await expect(exportDataset(rows, new FolderSink(dir), { format: 'parquet', tensor: true })).rejects.toMatchObject({
      code: ExportErrorCode.INVALID_ROW,
      message: expect.stringContaining('Row "clip-001": a key frame could not be decoded'),
    });
    expect(files(dir)).toEqual([]);
  });

  it.each([
    ['a frame of the wrong size', (r: ExportRow) => (r.size = 64), 'expected key frame 0 to be 64×64 but its PNG is 32×32'],
    ['no key frames', (r: ExportRow) => (r.keyFrames = []), 'expected at least one key frame but found none'],
    ['a key with a slash', (r: ExportRow) => (r.key = 'a/b'), 'expected a key of 1–200 characters'],
    ['ordinals twice', (r: ExportRow) => (r.keyFrames[1]!.ordinal = 0), 'expected unique non-negative integer ordinals but found 0'],
  ])('on a row with %s says what it expected', async (_, spoil, message) => {
    const [row] = await makeRows(1, { frames: 2 });
    spoil(row!);
    await expect(exportDataset([row!], new FolderSink(join(root, 'spoilt')), options)).rejects.toMatchObject({
      code: ExportErrorCode.INVALID_ROW,
      message: expect.stringContaining(message),
    });
  });

  it('on rows out of key order or twice names both keys', async () => {
    const rows = await makeRows(3, { frames: 1 });
    const sink = new FolderSink(join(root, 'order'));
    await expect(exportDataset([rows[0]!, rows[2]!, rows[1]!], sink, options)).rejects.toMatchObject({
      code: ExportErrorCode.UNSORTED_KEYS,
      message: 'Expected rows in ascending key order (ORDER BY key) but "clip-001" came after "clip-002"',
    });
    await expect(exportDataset([rows[0]!, rows[0]!], sink, options)).rejects.toMatchObject({ message: 'Expected unique keys but "clip-000" came twice' });
  });

  it.each([
    [{ format: 'csv' }, 'Expected one of parquet, webdataset for format but received csv of type string'],
    [{ format: 'webdataset', tensor: true }, 'Expected false for webdataset (the tensor is a Parquet column) for tensor but received true of type boolean'],
    [{ format: 'parquet', maxRows: 0 }, 'Expected positive integer for maxRows but received 0 of type number'],
    [{ format: 'parquet', pad: 2.5 }, 'Expected positive integer for pad but received 2.5 of type number'],
    [{ format: 'parquet', augment: { seed: -1 } }, 'Expected integer between 0 and 4294967295 for augment.seed but received -1 of type number'],
    [{ format: 'parquet', augment: { seed: 1, maxRotationDegrees: 90 } }, 'Expected number between 0 and 45 for augment.maxRotationDegrees but received 90 of type number'],
  ])('refuses the options %j before touching the sink', async (bad, message) => {
    const dir = join(root, 'options');
    await expect(exportDataset([], new FolderSink(dir), bad as ExportOptions)).rejects.toThrow(message);
    expect(files(dir)).toEqual([]);
  });
});
