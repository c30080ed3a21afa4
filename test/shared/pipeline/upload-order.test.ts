/**
 * Every file once, in any upload order, on the local adapters: the same steps
 * the functions run, over folders, the in-process queue and DuckDB. Media then
 * manifest, manifest then media (compacted in between), and media alone each
 * end with one row per file, described where a manifest says so; a stray
 * README or .DS_Store becomes nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalQueue } from '../../../shared/adapters/local/local-queue.ts';
import { DuckDbWarehouse } from '../../../shared/adapters/local/duckdb-warehouse.ts';
import { FolderStore } from '../../../shared/adapters/local/folder-store.ts';
import { compact } from '../../../shared/pipeline/compact.ts';
import { extractStep } from '../../../shared/pipeline/extract.ts';
import { fanOut } from '../../../shared/pipeline/fan-out.ts';
import type { ObjectInfo } from '../../../shared/pipeline/ports.ts';
import { corpusPath } from '../../support/corpus.ts';
import { tempDir } from '../../support/tmp.ts';
import { SCENARIO_GIFS as GIFS, scenarioManifest } from '../../support/upload-scenario.ts';

describe('one row per file in any upload order, locally', () => {
  const root = tempDir('framesift-order-');
  const store = new FolderStore(root);
  const queue = new LocalQueue();
  const warehouse = new DuckDbWarehouse({ outputRoot: join(root, 'out'), databasePath: join(root, 'w.duckdb') });
  let extractions = 0;

  const put = async (name: string, bytes: Buffer): Promise<ObjectInfo> => {
    await store.writeIfAbsent({ bucket: 'ingest', name }, bytes, 'application/octet-stream');
    return (await store.stat({ bucket: 'ingest', name }))!;
  };
  const media = (prefix: string) => Promise.all(GIFS.map((gif) => put(`${prefix}/${gif}`, readFileSync(corpusPath('gifs', gif)))));
  const manifest = (prefix: string) => put(scenarioManifest(prefix).name, scenarioManifest(prefix).bytes);
  const finalize = async (...uploads: ObjectInfo[]) => {
    for (const upload of uploads) await fanOut(upload, { store, publisher: queue, outputBucket: 'out' });
    await queue.drain(
      async (event) => {
        const result = await extractStep(event, { store, outputBucket: 'out' });
        if (result.status !== 'duplicate') extractions++;
      },
      { concurrency: 2, deadLetter: async () => undefined },
    );
  };
  const tick = async () => {
    await compact({ store, warehouse, outputBucket: 'out' });
    await warehouse.refresh();
  };
  const rowsOf = (prefix: string) =>
    warehouse.query(`SELECT gif_id, status, error_code, description FROM gifs WHERE source_uri LIKE 'gs://ingest/${prefix}/%' ORDER BY gif_id`);
  const described = GIFS.map((gif) => ({ gif_id: gif.replace('.gif', ''), status: 'ok', error_code: null, description: gif }));

  beforeAll(() => warehouse.refresh());
  afterAll(() => warehouse.close());

  it('media, then its manifest', async () => {
    await finalize(...(await media('media-first')));
    await finalize(await manifest('media-first'));
    await tick();
    expect(await rowsOf('media-first')).toEqual(described);
  });

  it('a manifest, then its media: MISSING_FILE rows until the files come, then one described row each', async () => {
    await finalize(await manifest('manifest-first'));
    await tick();
    expect((await rowsOf('manifest-first')).map((r) => r.error_code)).toEqual(GIFS.map(() => 'MISSING_FILE'));
    await finalize(...(await media('manifest-first')));
    await tick();
    expect(await rowsOf('manifest-first')).toEqual(described);
  });

  it('media alone, named by file name', async () => {
    await finalize(...(await media('media-alone')));
    await tick();
    expect(await rowsOf('media-alone')).toEqual(GIFS.map((gif) => ({ gif_id: gif, status: 'ok', error_code: null, description: null })));
  });

  it('ignores files that are neither media nor manifests', async () => {
    const junk = await Promise.all([put('media-alone/README.txt', Buffer.from('These are my GIFs: enjoy\n')), put('media-alone/.DS_Store', Buffer.from([0, 0, 0, 1, 66, 117, 100, 49]))]);
    const results = await Promise.all(junk.map((upload) => fanOut(upload, { store, publisher: queue, outputBucket: 'out' })));
    expect(results.map((r) => r.ignored)).toEqual([expect.stringContaining('neither media nor a manifest'), expect.stringContaining('neither media nor a manifest')]);
    await tick();
    expect(await warehouse.query("SELECT count(*) AS n FROM gifs WHERE manifest_uri LIKE '%README%' OR source_uri LIKE '%README%' OR source_uri LIKE '%DS_Store%'")).toEqual([{ n: 0 }]);
  });

  it('extracted each file once, and keeps one row per file when every upload comes again', async () => {
    expect(extractions).toBe(3 * GIFS.length);
    const all = (await Promise.all(['media-first', 'manifest-first', 'media-alone'].map(async (prefix) => [...(await media(prefix)), await manifest(prefix)]))).flat();
    await finalize(...all);
    await tick();
    expect(extractions).toBe(3 * GIFS.length);
    expect(await warehouse.query("SELECT count(*) AS n, count(DISTINCT source_uri) AS files FROM gifs WHERE status = 'ok'")).toEqual([{ n: 9, files: 9 }]);
    expect(await warehouse.query('SELECT count(*) - count(DISTINCT record_key) AS n FROM gifs_all')).toEqual([{ n: 0 }]);
  });
});
