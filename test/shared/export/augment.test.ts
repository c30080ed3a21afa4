import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { applyAugmentation, augmentationFor, exportDataset, FolderSink, resolveAugment } from '../../../shared/export/index.ts';
import { tempDir } from '../../support/tmp.ts';
import { duckdb, framePng, makeRows, sqlPath, tarMembers } from './fixtures.ts';

const raw = (png: Buffer) => sharp(png).raw().toBuffer();

describe('augmentation', () => {
  const root = tempDir('framesift-export-augment-');

  it('draws the same parameters from the same seed, key and position, and others from another seed', () => {
    const a = resolveAugment({ seed: 1 });
    const draws = (settings = a) => Array.from({ length: 40 }, (_, k) => augmentationFor(settings, 'clip-1', k));
    expect(draws()).toEqual(draws());
    expect(draws(resolveAugment({ seed: 2 }))).not.toEqual(draws());
    const all = draws();
    expect(all.some((x) => x.flip) && all.some((x) => !x.flip)).toBe(true);
    expect(all.every((x) => Math.abs(x.rotate_degrees) <= 10 && Math.round(x.rotate_degrees * 100) / 100 === x.rotate_degrees)).toBe(true);
    expect(augmentationFor(resolveAugment({ seed: 1, flipProbability: 0, maxRotationDegrees: 0 }), 'clip-1', 0)).toEqual({ flip: false, rotate_degrees: 0 });
  });

  it('mirrors and rotates a frame into an S×S PNG with black corners', async () => {
    const png = await framePng(32, 3);
    const flipped = await raw(await applyAugmentation(png, 32, { flip: true, rotate_degrees: 0 }));
    const original = await raw(png);
    for (const [x, y] of [[0, 4], [5, 5], [31, 4]] as const) {
      const mirrored = (y * 32 + (31 - x)) * 3;
      expect([...flipped.subarray(mirrored, mirrored + 3)]).toEqual([...original.subarray((y * 32 + x) * 3, (y * 32 + x) * 3 + 3)]);
    }
    const turned = await applyAugmentation(png, 32, { flip: false, rotate_degrees: 8 });
    const { data, info } = await sharp(turned).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([32, 32, 3]);
    expect([...data.subarray(0, 3)]).toEqual([0, 0, 0]);
    expect(data.equals(original)).toBe(false);
    expect(await applyAugmentation(png, 32, { flip: false, rotate_degrees: 0 })).toBe(png);
  });

  it('is recorded per frame, reproducible, and independent of the other rows exported', async () => {
    const rows = await makeRows(4, { size: 32, frames: 3 });
    const augment = { seed: 42, flipProbability: 0.5, maxRotationDegrees: 10 };
    await exportDataset(rows, new FolderSink(join(root, 'all')), { format: 'parquet', augment });
    await exportDataset(rows.slice(2), new FolderSink(join(root, 'some')), { format: 'parquet', augment });
    await exportDataset(rows, new FolderSink(join(root, 'other-seed')), { format: 'parquet', augment: { ...augment, seed: 43 } });
    const read = (folder: string) =>
      duckdb(`SELECT key, augmentations, key_frames FROM read_parquet(${sqlPath(join(root, folder, 'train/parquet-000000.parquet'))}) ORDER BY key`);
    const [all, some, other] = [await read('all'), await read('some'), await read('other-seed')];
    expect(some).toEqual(all.slice(2));
    expect(other.map((r) => r.augmentations)).not.toEqual(all.map((r) => r.augmentations));
    for (const [n, row] of all.entries()) {
      const recorded = (row.augmentations as string[]).map((text) => JSON.parse(text) as { flip: boolean; rotate_degrees: number });
      expect(recorded).toEqual([0, 1, 2].map((k) => augmentationFor(resolveAugment(augment), rows[n]!.key, k)));
      for (const [k, frame] of (row.key_frames as Array<{ bytes: Uint8Array }>).entries()) {
        const expected = await applyAugmentation(rows[n]!.keyFrames[k]!.png, 32, recorded[k]!);
        expect(Buffer.from(frame.bytes).equals(expected)).toBe(true);
      }
    }
  });

  it('is recorded in the WebDataset JSON', async () => {
    const rows = await makeRows(1, { size: 16, frames: 2 });
    const dir = join(root, 'tar');
    await exportDataset(rows, new FolderSink(dir), { format: 'webdataset', augment: { seed: 5 } });
    const members = await tarMembers(readFileSync(join(dir, 'train/webdataset-000000.tar')));
    const json = JSON.parse(members.find((m) => m.name === 'clip-000.json')!.data.toString('utf8')) as { augmentations: unknown };
    expect(json.augmentations).toEqual([0, 1].map((k) => augmentationFor(resolveAugment({ seed: 5 }), 'clip-000', k)));
  });
});
