/**
 * From the tables to a dataset: `framesift export` over a local run, with a
 * re-selection beside the first selection. The shard formats themselves are
 * tested in test/shared/export; this is the path from SQL to shards.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { localStore } from '../../local/adapters.ts';
import { localPaths } from '../../local/layout.ts';
import { runLocalPipeline } from '../../local/pipeline.ts';
import { withLocalWarehouse } from '../../local/warehouse.ts';
import { ExportErrorCode, FolderSink, exportFromTables, type TableExportOptions } from '../../shared/export/index.ts';
import { reselectRequests } from '../../shared/pipeline/reselect.ts';
import { chooseSelector } from '../../shared/selectors/choice.ts';
import { corpusPath } from '../support/corpus.ts';
import { tempDir } from '../support/tmp.ts';

const GIFS = ['gifs/Zulko__moviepy__circle.gif', 'gifs/Zulko__moviepy__pigs_in_a_polka.gif', 'gifs/bumptech__glide__test.gif', 'gifs/Flipboard__FLAnimatedImage__rock.gif'];

describe('framesift export and reselect', () => {
  const input = tempDir('framesift-export-in-');
  const workDir = tempDir('framesift-export-work-');
  const out = tempDir('framesift-export-out-');
  const exportTo = (folder: string, options: Partial<TableExportOptions> = {}) =>
    withLocalWarehouse(workDir, (warehouse) => exportFromTables({ rows: warehouse, store: localStore(localPaths(workDir)), sink: new FolderSink(folder) }, { format: 'parquet', ...options }));

  beforeAll(async () => {
    for (const gif of GIFS) copyFileSync(corpusPath(gif), join(input, basename(gif)));
    writeFileSync(join(input, 'manifest.txt'), GIFS.map((g) => `${basename(g, '.gif')}: clip ${basename(g, '.gif')}`).join('\n'));
    await runLocalPipeline({ inputs: [join(input, 'manifest.txt')], workDir, concurrency: 2 });
  });

  it('exports the rows a --where picks, with descriptions, as Parquet whose PNGs decode to S×S', async () => {
    const result = await exportTo(join(out, 'moving'), { where: 'NOT is_static AND key_frame_count >= 2' });
    const expected = await withLocalWarehouse(workDir, (w) => w.query("SELECT count(*) AS n FROM gifs WHERE status = 'ok' AND NOT is_static AND key_frame_count >= 2"));
    expect(result.rows).toBe(Number(expected[0]!.n));
    expect(result.rows).toBeGreaterThan(0);
    const db = await (await DuckDBInstance.create(':memory:')).connect();
    const shard = join(out, 'moving', result.index.shards[0]!.name);
    const rows = (await db.runAndReadAll(`SELECT gif_id, description, len(key_frames) AS n, key_frames[1].bytes AS png FROM read_parquet('${shard}') ORDER BY gif_id`)).getRowObjectsJS();
    for (const row of rows) {
      expect(row.description).toBe(`clip ${row.gif_id}`);
      const png = Buffer.from((row.png as { bytes: Uint8Array }).bytes ?? (row.png as Uint8Array));
      expect(await sharp(png).metadata()).toMatchObject({ width: 256, height: 256, format: 'png' });
    }
    const index = JSON.parse(readFileSync(join(out, 'moving', 'index.json'), 'utf8'));
    expect(index.shards.reduce((sum: number, s: { rows: number }) => sum + s.rows, 0)).toBe(result.rows);
  });

  it('says what is wrong with bad SQL or an unknown column, and exports nothing', async () => {
    await expect(exportTo(join(out, 'bad'), { where: 'no_such_column > 1' })).rejects.toMatchObject({ code: ExportErrorCode.INVALID_WHERE, message: expect.stringContaining('no_such_column') });
    await expect(exportTo(join(out, 'bad'), { where: 'key_frame_count >>> 1' })).rejects.toMatchObject({ code: ExportErrorCode.INVALID_WHERE });
    const empty = await exportTo(join(out, 'empty'), { where: 'frame_count > 1000000' });
    expect(empty).toMatchObject({ rows: 0, added: [] });
    expect(empty.warnings.join(' ')).toMatch(/No rows/);
  });

  it('keeps a re-selection beside the first, and exports each on its own', async () => {
    const scene = chooseSelector('scene');
    const requests = await withLocalWarehouse(workDir, (w) => reselectRequests(w, scene));
    expect(requests).toHaveLength(GIFS.length);
    const rerun = await runLocalPipeline({ inputs: [], requests, workDir, selector: scene });
    expect(rerun.results.filter((r) => r.status === 'ok')).toHaveLength(GIFS.length);

    const selections = await withLocalWarehouse(workDir, (w) => w.query("SELECT selection, count(*) AS n, count(description) AS described FROM gifs WHERE status = 'ok' GROUP BY 1 ORDER BY 1"));
    expect(selections).toEqual([
      { selection: expect.stringMatching(/^scene-[0-9a-f]{8}$/), n: GIFS.length, described: GIFS.length },
      { selection: expect.stringMatching(/^ssim-[0-9a-f]{8}$/), n: GIFS.length, described: GIFS.length },
    ]);
    await expect(exportTo(join(out, 'both'))).rejects.toMatchObject({ code: ExportErrorCode.SEVERAL_SELECTIONS });
    for (const { selection } of selections as Array<{ selection: string }>) {
      const result = await exportTo(join(out, selection), { selection, format: 'webdataset' });
      expect(result).toMatchObject({ rows: GIFS.length, selection });
    }
    // Reselecting again is already done: the packs are there.
    const again = await runLocalPipeline({ inputs: [], requests, workDir, selector: scene });
    expect(again.results.every((r) => r.status === 'duplicate')).toBe(true);
  });
});
